"""`make shell`: Rasa's staff shell against the local action server (started if it is
not running). Staff mode: every answer also lists the clause ids it used and comes
without buttons (actions/base.py), so the next question is typed freely."""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bot.ops.stack import RASA, ROOT, Stack


def quiet_env(env: dict) -> dict:
    """Staff see the prompt, not a screen of the libraries' deprecation warnings."""
    return {**env, "PYTHONWARNINGS": "ignore", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.shell", description="员工测试窗口（rasa shell）")
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--action-port", type=int, default=5055)
    parser.add_argument("--knowledge-db", type=Path, default=ROOT / "build" / "knowledge.db")
    parser.add_argument("--tracker-db", type=Path, default=ROOT / "build" / "shell-tracker.db")
    args = parser.parse_args(argv)
    stack = Stack(tracker_db=args.tracker_db, knowledge_db=args.knowledge_db, rasa_port=args.rasa_port,
                  action_port=args.action_port)
    stack.check_prerequisites()
    started_here = False
    if not stack.actions_ready():
        stack.start_actions()
        started_here = True
        deadline = time.monotonic() + 60
        while not stack.actions_ready():
            if time.monotonic() > deadline or stack.processes["actions"].poll() is not None:
                print("动作服务器没有启动，见 build/logs/actions.log")
                stack.stop()
                return 1
            time.sleep(0.2)
    try:
        # The libraries' deprecation warnings and Rasa's log go to a file (some library turns
        # warnings back on after start-up, so filters alone do not keep the screen clear).
        log = stack.log_dir / "shell.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        print(f"员工测试窗口（回答后附条款编号；日志：{log.relative_to(ROOT) if log.is_relative_to(ROOT) else log}）")
        with log.open("w", encoding="utf-8") as log_file:
            return subprocess.call([*RASA, "shell", "--model", str(stack.model), "--endpoints", "endpoints.yml",
                                    "--quiet", "--port", str(stack.rasa_port)], cwd=ROOT, env=quiet_env(stack.env()), stderr=log_file)
    except KeyboardInterrupt:
        return 0
    finally:
        if started_here:
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
