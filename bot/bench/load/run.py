"""Run locust headless against a live server and read its statistics.

Locust lives in its own venv (.venv-bench, see requirements-bench.txt)."""
from __future__ import annotations

import csv
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LOCUST = ROOT / ".venv-bench" / "bin" / "locust"


def run_locust(*, host: str, users: int, seconds: int, prefix: str, sent_log: Path | None = None,
               turns: str = "3-12", mode: str = "rest", named_turns: str = "") -> dict:
    """p50/p95 (ms), requests, failures and requests/s of `users` concurrent users, each
    playing citizens who ask `turns` questions ("3-12": a number drawn per citizen; "0":
    one endless conversation per user) back to back. mode "parse": the same questions to
    `/model/parse` (NLU only). named_turns "3,40": also the p50/p95 of those turns alone
    (`by_turn`)."""
    if not LOCUST.exists():
        raise FileNotFoundError(f"{LOCUST} missing: run `make bench-tools` (python3 -m venv .venv-bench …)")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, LOAD_SENDER_PREFIX=prefix, LOAD_TURNS=turns, LOAD_MODE=mode,
                   LOAD_NAMED_TURNS=named_turns)
        if sent_log:
            env["LOAD_SENT_LOG"] = str(sent_log)
        subprocess.run([str(LOCUST), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
                        "--host", host, "--users", str(users), "--spawn-rate", str(users),
                        "--run-time", f"{seconds}s", "--stop-timeout", "30", "--csv", f"{tmp}/run",
                        "--only-summary", "--loglevel", "WARNING"],
                       env=env, check=False, capture_output=True, timeout=seconds + 120)
        with open(f"{tmp}/run_stats.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    return summary(rows, users=users, seconds=seconds, turns=turns, mode=mode)


def summary(rows: list[dict], *, users: int, seconds: int, turns: str, mode: str) -> dict:
    """The figures of one run from the rows of locust's `_stats.csv`."""
    row = next(r for r in rows if r["Name"] == "Aggregated")
    result = {
        "users": users, "seconds": seconds, "turns": turns, "mode": mode, "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]), "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]),
        "messages_per_s": round(float(row["Requests/s"]), 1),
    }
    by_turn = {r["Name"].split()[1]: {"requests": int(r["Request Count"]), "p50_ms": float(r["50%"]),
                                       "p95_ms": float(r["95%"])}
               for r in rows if r["Name"].startswith("turn ")}
    if by_turn:
        result["by_turn"] = by_turn
    return result
