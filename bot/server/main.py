"""`rasa` with the project's fixes for Rasa's hot spots (bot/server/speedups.py) applied first.

    python -m bot.server run --model models/assistant.tar.gz ...   # same arguments as `rasa`

It also caps the size of any request the server reads (Sanic's REQUEST_MAX_SIZE, 100 MB
by default) at bot.channels.limits.MAX_REQUEST_BYTES, unless SANIC_REQUEST_MAX_SIZE is set.
"""
from __future__ import annotations

import os
import sys

from bot.server import speedups
from bot.channels.limits import MAX_REQUEST_BYTES


def main() -> None:
    # Sanic reads SANIC_* variables into the config of the app Rasa creates.
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(MAX_REQUEST_BYTES))
    speedups.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
