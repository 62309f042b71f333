"""`make shell`: staff type questions freely (no buttons to select), see clause ids, and
no screen of library warnings."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, free_ports


def test_the_staff_shell_answers_typed_follow_ups_with_clause_ids(tmp_path, built_store, trained_model):
    rasa_port, action_port = free_ports(2)
    done = subprocess.run(
        [sys.executable, "-m", "bot.ops.shell", "--rasa-port", str(rasa_port), "--action-port", str(action_port),
         "--knowledge-db", str(built_store.db_path), "--tracker-db", str(tmp_path / "tracker.db")],
        input="包头产假多少天\n那我老公呢\n/stop\n", capture_output=True, text=True, cwd=ROOT, timeout=300)
    screen = done.stdout
    assert 0 == done.returncode, screen[-2000:] + done.stderr[-2000:]
    # The follow-up typed after an answer is a question, not a choice of a 有帮助 button.
    assert "[条款] baotou-2025:一/（二）, female-labour-protection:第七条" in screen
    assert "男方可享受护理假25天" in screen, screen[-2000:]
    assert "有帮助" not in screen
    assert "Warning" not in screen and "Warning" not in done.stderr
    assert Path(ROOT / "build" / "logs" / "shell.log").exists()
