"""A/B of server settings under the load run's citizens, interleaved (`make bench-ab`).

    python -m bot.bench.ab --variant GC_FREEZE=0 --variant GC_FREEZE=1 [--rounds 2]
                           [--users 20] [--seconds 40] [--one-user-seconds 20] [--json FILE]

Each variant is a set of environment variables (comma-separated NAME=VALUE) given to the
whole stack (Rasa and action server). Rounds run the variants in turn, A B A B …, each on
a fresh stack and tracker store, so a machine that slows down or speeds up during the
run weighs on every variant alike. Per run: messages/s with N users, p50/p95 with N
users and with one user. On a noisy machine only a difference larger than the spread
between a variant's own rounds counts.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

from bot.ops.stack import Stack, send


def parse_variant(text: str) -> Dict[str, str]:
    """"A=1,B=x" -> {"A": "1", "B": "x"}; "" -> {} (the defaults)."""
    variables = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise argparse.ArgumentTypeError(f"not NAME=VALUE: {pair!r}")
        variables[name] = value
    return variables


def run_variant(*, variables: Dict[str, str], users: int, seconds: int, one_user_seconds: int,
                tmp: Path, label: str, ports: tuple[int, int] = (5605, 5655)) -> dict:
    from bot.bench.load.run import run_locust

    stack = Stack(tracker_db=tmp / f"{label}.db", rasa_port=ports[0], action_port=ports[1],
                  log_dir=tmp / f"{label}-logs",
                  # The load's citizens ask back to back: no per-sender rate limit.
                  extra_env={"CHANNEL_RATE_PER_MINUTE": "0", **variables})
    try:
        ready = stack.start()
        host = f"http://localhost:{stack.rasa_port}"
        send(stack.rest_url, "warm-up", "你好")
        result = {"ready_s": round(ready, 1)}
        if one_user_seconds:
            result["one_user"] = run_locust(host=host, users=1, seconds=one_user_seconds, prefix=f"{label}-1")
        result["concurrent"] = run_locust(host=host, users=users, seconds=seconds, prefix=f"{label}-n")
        return result
    finally:
        stack.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variant", action="append", type=parse_variant, required=True,
                        help="NAME=VALUE[,NAME=VALUE]; give it once per variant ('' for the defaults)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--one-user-seconds", type=int, default=20)
    parser.add_argument("--ports", type=int, nargs=2, default=(5605, 5655), metavar=("RASA", "ACTIONS"))
    parser.add_argument("--json", type=Path, help="also write the runs here")
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_number in range(args.rounds):
            for index, variables in enumerate(args.variant):
                label = f"r{round_number}v{index}"
                result = run_variant(variables=variables, users=args.users, seconds=args.seconds,
                                     one_user_seconds=args.one_user_seconds, tmp=Path(tmp), label=label,
                                     ports=tuple(args.ports))
                runs.append({"round": round_number, "variant": variables, **result})
                concurrent = result["concurrent"]
                one = result.get("one_user", {})
                print(f"round {round_number} {variables or '(defaults)'}: {concurrent['messages_per_s']} msg/s, "
                      f"{args.users} users p50/p95 {concurrent['p50_ms']}/{concurrent['p95_ms']} ms, "
                      f"1 user p50/p95 {one.get('p50_ms')}/{one.get('p95_ms')} ms, "
                      f"failures {concurrent['failures'] + one.get('failures', 0)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(runs, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
