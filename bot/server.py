"""`rasa` with the project's fixes for Rasa's hot spots (bot/speedups.py) applied first.

    python -m bot.server run --model models/assistant.tar.gz ...   # same arguments as `rasa`
"""
from __future__ import annotations

import sys

from bot import speedups


def main() -> None:
    speedups.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
