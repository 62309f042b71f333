"""`make shell`: Rasa's staff shell against the local action server (started if it is
not running). Staff mode: every answer also lists the clause ids it used."""
from __future__ import annotations

import subprocess
import sys
import time

from bot.ops.stack import RASA, ROOT, Stack


def main() -> int:
    stack = Stack(tracker_db=ROOT / "build" / "shell-tracker.db")
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
        return subprocess.call([*RASA, "shell", "--model", str(stack.model),
                                "--endpoints", "endpoints.yml"], cwd=ROOT, env=stack.env())
    except KeyboardInterrupt:
        return 0
    finally:
        if started_here:
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
