"""`python -m bot.ops.retention` on a real SQLite tracker table laid out like Rasa's."""
from __future__ import annotations

import json
import sqlite3
import time

import pytest

from bot.ops import retention
from bot.ops.stack import ROOT

DAY = 86400.0
NOW = time.time()

# The table Rasa's SQLTrackerStore creates (rasa/core/tracker_store.py, SQLEvent).
SCHEMA = """
CREATE TABLE events (
    id INTEGER NOT NULL PRIMARY KEY,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT
);
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""


def session(days_ago: float, *turns: tuple[str, str]) -> list[dict]:
    """One conversation session the way Rasa stores it, starting `days_ago`; each turn
    (question, answer) one minute after the previous one."""
    start = NOW - days_ago * DAY
    events = [{"event": "action", "name": "action_session_start", "timestamp": start},
              {"event": "session_started", "timestamp": start + 0.001},
              {"event": "action", "name": "action_listen", "timestamp": start + 0.002}]
    for n, (question, answer) in enumerate(turns, start=1):
        t = start + 60 * n
        events += [{"event": "user", "text": question, "timestamp": t,
                    "parse_data": {"intent": {"name": "ask_leave", "confidence": 1.0}, "entities": []}},
                   {"event": "action", "name": "action_answer_leave", "timestamp": t + 0.1},
                   {"event": "bot", "text": answer, "timestamp": t + 0.2, "data": {}},
                   {"event": "action", "name": "action_listen", "timestamp": t + 0.3}]
    return events


def turn(days_ago: float, question: str) -> list[dict]:
    """A later turn in the same session."""
    t = NOW - days_ago * DAY
    return [{"event": "user", "text": question, "timestamp": t,
             "parse_data": {"intent": {"name": "ask_leave", "confidence": 1.0}, "entities": []}},
            {"event": "bot", "text": "…", "timestamp": t + 0.1, "data": {}},
            {"event": "action", "name": "action_listen", "timestamp": t + 0.2}]


def write_tracker(path, conversations: dict[str, list[dict]]) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    for sender, events in conversations.items():
        for event in events:
            intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
            conn.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         (sender, event["event"], event["timestamp"], intent, event.get("name"),
                          json.dumps(event, ensure_ascii=False)))
    conn.commit()
    conn.close()


def rows(path) -> dict[str, list[tuple[str, float]]]:
    conn = sqlite3.connect(path)
    by_sender: dict[str, list] = {}
    for sender, type_name, timestamp in conn.execute("SELECT sender_id, type_name, timestamp FROM events ORDER BY id"):
        by_sender.setdefault(sender, []).append((type_name, timestamp))
    conn.close()
    return by_sender


CONVERSATIONS = {
    # Nothing in the last 400 days: the whole conversation goes.
    "gone": session(400, ("包头产假几天", "158天"), ("护理假呢", "25天")),
    # An earlier session 300 days ago and a current one: the earlier one goes.
    "returning": session(300, ("包头产假几天", "158天")) + session(1, ("育儿假呢", "10天")),
    # One session started 200 days ago and still going: kept whole (the current session
    # is never cut, Rasa counts its stored events).
    "long-session": session(200, ("包头产假几天", "158天")) + turn(100, "护理假呢") + turn(0.5, "育儿假呢"),
    # Recent: untouched.
    "recent": session(2, ("中宁产假几天", "158天")),
    # No session_started at all (not written by Rasa 3): only removed when wholly stale.
    "no-session": [e for e in session(250, ("婚假几天", "18天")) if e["event"] != "session_started"]
                  + turn(3, "产假呢"),
}
GONE = len(CONVERSATIONS["gone"])
EARLIER_SESSION = len(session(300, ("包头产假几天", "158天")))


@pytest.fixture()
def tracker_db(tmp_path, monkeypatch):
    db = tmp_path / "tracker.db"
    write_tracker(db, CONVERSATIONS)
    monkeypatch.setenv("TRACKER_DB", str(db))   # what the project's endpoints.yml reads
    monkeypatch.delenv("TRACKER_RETENTION_DAYS", raising=False)
    return db


def test_removes_stale_conversations_and_earlier_sessions_only(tracker_db, capsys):
    before = rows(tracker_db)
    assert 0 == retention.main(["--days", "180"])   # default --endpoints endpoints.yml
    out = capsys.readouterr().out
    after = rows(tracker_db)

    removed = GONE + EARLIER_SESSION
    remaining = sum(map(len, before.values())) - removed
    assert (f"Removed {removed} tracker events older than 180 days" in out
            and "1 conversations entirely, 1 earlier sessions of 1 other conversations" in out
            and f"{remaining} events remain" in out), out

    assert "gone" not in after
    assert before["returning"][EARLIER_SESSION:] == after["returning"]
    assert all(NOW - ts < 180 * DAY for _, ts in after["returning"])
    for kept in ("long-session", "recent", "no-session"):
        assert before[kept] == after[kept], kept

    # Running it again removes nothing more.
    assert 0 == retention.main(["--days", "180"])
    assert "Removed 0 tracker events" in capsys.readouterr().out
    assert after == rows(tracker_db)


def test_rasa_still_reads_the_current_sessions_unchanged(tracker_db):
    """Rasa's own tracker store sees the same current session before and after."""
    import asyncio
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore
        from rasa.shared.core.domain import Domain

    def current_sessions():
        store = SQLTrackerStore(domain=Domain.load(str(ROOT / "domain.yml")), dialect="sqlite", db=str(tracker_db))
        try:
            trackers = {s: asyncio.run(store.retrieve(s)) for s in CONVERSATIONS}
            return {s: None if t is None else [e.as_dict() for e in t.events] for s, t in trackers.items()}
        finally:
            store.engine.dispose()

    before = current_sessions()
    retention.main(["--days", "180"])
    after = current_sessions()
    assert after.pop("gone") is None
    before.pop("gone")
    assert before == after
    assert [e["text"] for e in after["returning"] if e["event"] == "user"] == ["育儿假呢"]


def test_dry_run_counts_without_deleting(tracker_db, capsys):
    before = rows(tracker_db)
    assert 0 == retention.main(["--days", "180", "--dry-run"])
    out = capsys.readouterr().out
    assert f"Would remove {GONE + EARLIER_SESSION} tracker events" in out, out
    assert before == rows(tracker_db)


def test_days_default_from_environment(tracker_db, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", "2.5")
    assert 0 == retention.main([])
    out = capsys.readouterr().out
    assert "older than 2.5 days" in out and "2 conversations entirely" in out, out
    # "no-session" (last message 3 days ago) goes too; "recent" (2 days) stays, and so
    # does "long-session", whose current session is still going.
    assert {"returning", "long-session", "recent"} == set(rows(tracker_db))


def test_nonsense_settings_stop_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", "half a year")
    with pytest.raises(SystemExit, match="TRACKER_RETENTION_DAYS"):
        retention.main([])
    monkeypatch.delenv("TRACKER_RETENTION_DAYS")
    with pytest.raises(SystemExit):
        retention.main(["--days", "0"])

    memory = tmp_path / "endpoints.yml"
    memory.write_text("tracker_store:\n  type: in_memory\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="not SQL"):
        retention.main(["--endpoints", str(memory)])

    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "missing.db"))
    with pytest.raises(SystemExit, match="missing.db"):
        retention.main([])
    assert not (tmp_path / "missing.db").exists()   # no empty store created


@pytest.mark.parametrize("store_type, expected", [
    ("SQL", True), ("sql", True), ("bot.server.tracker_store.FastSQLTrackerStore", True),
    ("bot.tracker_store.FastSQLTrackerStore", True),   # the old path, in endpoints files already deployed
    ("rasa.core.tracker_store.SQLTrackerStore", True),
    ("in_memory", False), ("redis", False), ("rasa.core.tracker_store.InMemoryTrackerStore", False),
    ("bot.tracker_store.NoSuchStore", False), ("bot.server.tracker_store.NoSuchStore", False), (None, False),
])
def test_sql_store_types_are_recognised(store_type, expected):
    from bot.ops.retention import is_sql_store

    assert expected == is_sql_store(store_type)
