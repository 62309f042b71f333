"""Load (short variant; `make bench` runs 2 minutes): 20 concurrent citizens over REST,
no errors, and every message they sent is in the tracker store afterwards."""
from __future__ import annotations

import pytest

from bot.bench.load.count import sent_per_sender, stored_user_messages
from bot.bench.load.run import LOCUST, run_locust


@pytest.fixture(scope="module")
def stack(live_stack):
    if not LOCUST.exists():
        pytest.fail("locust is missing: `make test` creates .venv-bench (requirements-bench.txt)")
    # The load generator's citizens ask back to back: live_stack turns the rate limit off.
    return live_stack("load")


def test_twenty_users_no_errors_and_nothing_lost(stack, tmp_path):
    sent_log = tmp_path / "sent.tsv"
    result = run_locust(host=f"http://localhost:{stack.rasa_port}", users=20, seconds=20, prefix="loadtest",
                        sent_log=sent_log)
    assert 0 == result["failures"]
    assert result["requests"] > 100
    sent = sent_per_sender(sent_log)
    assert len(sent) > 20                      # citizens came and went
    assert sent == stored_user_messages(stack.tracker_db, "loadtest")


def test_endless_conversations_nothing_lost(stack, tmp_path):
    """The worst case for a tracker store: each user keeps one conversation going."""
    sent_log = tmp_path / "sent.tsv"
    result = run_locust(host=f"http://localhost:{stack.rasa_port}", users=5, seconds=10, prefix="endless",
                        sent_log=sent_log, turns="0")
    assert 0 == result["failures"]
    sent = sent_per_sender(sent_log)
    assert 5 == len(sent)
    assert sent == stored_user_messages(stack.tracker_db, "endless")
