"""`python -m bot.server run ...`: see bot/server/main.py."""
from bot.server.main import main

main()
