"""Count what a load run left in the SQLite tracker store."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def sent_per_sender(sent_log: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in sent_log.read_text(encoding="utf-8").splitlines():
        sender, sent = line.split("\t")
        counts[sender] = counts.get(sender, 0) + int(sent)
    return counts


def stored_user_messages(tracker_db: Path, prefix: str) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{tracker_db}?mode=ro", uri=True)
    rows = conn.execute("SELECT sender_id, count(*) FROM events WHERE type_name = 'user' AND sender_id LIKE ?"
                        " GROUP BY sender_id", (f"{prefix}-%",)).fetchall()
    conn.close()
    return dict(rows)
