"""`python -m bot.bench ...`: see bot/bench/bench.py."""
from bot.bench.bench import main

raise SystemExit(main())
