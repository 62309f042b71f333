"""`make report`: the questions the assistant could not answer and the answers citizens
disliked, most frequent first, read from the tracker store. Personal data is masked.

    python -m bot.ops.report [--tracker-db build/tracker.db] [--top 20]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
from collections import Counter
from pathlib import Path

from bot.privacy import mask
from bot.ops.stack import ROOT


def read_events(db: Path) -> dict[str, list[dict]]:
    """Events per conversation, in order, from Rasa's SQL tracker store."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    by_sender: dict[str, list[dict]] = {}
    for sender, data in conn.execute("SELECT sender_id, data FROM events ORDER BY id"):
        by_sender.setdefault(sender, []).append(json.loads(data))
    return by_sender


def collect(by_sender: dict[str, list[dict]]) -> tuple[Counter, Counter]:
    unanswered, disliked = Counter(), Counter()
    for events in by_sender.values():
        last_question = None
        for event in events:
            if event.get("event") == "user":
                text = (event.get("text") or "").strip()
                intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
                if intent != "feedback" and text:
                    last_question = text
            elif event.get("event") == "slot" and event.get("name") == "unanswered" and event.get("value"):
                unanswered[event["value"].strip()] += 1
            elif event.get("event") == "slot" and event.get("name") == "helpful" and event.get("value") == "no":
                if last_question:
                    disliked[last_question] += 1
    return unanswered, disliked


def render(unanswered: Counter, disliked: Counter, top: int) -> str:
    lines = ["# 未能回答的问题（按次数）", ""]
    lines += [f"{n:4d}  {mask(q)}" for q, n in unanswered.most_common(top)] or ["（无）"]
    lines += ["", "# 被评为“没帮助”的问题（按次数）", ""]
    lines += [f"{n:4d}  {mask(q)}" for q, n in disliked.most_common(top)] or ["（无）"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tracker-db", type=Path, default=ROOT / "build" / "tracker.db")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.tracker_db.exists():
        print(f"没有找到对话记录 {args.tracker_db}（先运行 make run 并产生对话）。")
        return 1
    print(render(*collect(read_events(args.tracker_db)), args.top), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
