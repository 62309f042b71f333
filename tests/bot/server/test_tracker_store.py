"""bot.server.tracker_store.FastSQLTrackerStore writes the rows Rasa's SQLTrackerStore writes
and reads them back the same way, on real SQLite files."""
from __future__ import annotations

import asyncio
import sqlite3

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, BotUttered, SessionStarted, SlotSet,
                                     UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.tracker_store import FastSQLTrackerStore


def run(coroutine):
    return asyncio.run(coroutine)


def turn(question: str, answer: str, *, at: float, region: str | None = None) -> list:
    return [
        UserUttered(question, {"name": "ask_leave", "confidence": 0.9},
                    [{"entity": "region", "value": region}] if region else [], timestamp=at),
        ActionExecuted("action_answer_leave", timestamp=at + 0.1),
        BotUttered(answer, timestamp=at + 0.2),
        SlotSet("region", region, timestamp=at + 0.3),
        ActionExecuted("action_listen", timestamp=at + 0.4),
    ]


def conversation(sender: str, domain: Domain) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.1),
              ActionExecuted("action_listen", timestamp=1.2)]
    events += turn("包头产假多少天", "158天", at=2.0, region="包头市")
    return DialogueStateTracker.from_events(sender, events, domain.slots)


def rows(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
                            "FROM events ORDER BY id").fetchall()


def test_writes_the_rows_rasa_writes(tmp_path, domain):
    fast = FastSQLTrackerStore(domain, db=str(tmp_path / "fast.db"))
    rasa = SQLTrackerStore(domain, db=str(tmp_path / "rasa.db"))
    for store in (fast, rasa):
        run(store.save(conversation("citizen-1", domain)))
        # The next message, as Rasa's processor handles it: read, add a turn, save.
        tracker = run(store.retrieve("citizen-1"))
        for event in turn("护理假几天", "15天", at=5.0):   # only the new events are added
            tracker.update(event)
        run(store.save(tracker))
        run(store.save(run(store.retrieve("citizen-1"))))   # nothing new: nothing written
    expected = rows(tmp_path / "rasa.db")
    assert 13 == len(expected)
    assert expected == rows(tmp_path / "fast.db")


def test_reads_what_rasa_wrote_and_the_other_way_round(tmp_path, domain):
    db = str(tmp_path / "shared.db")
    rasa, fast = SQLTrackerStore(domain, db=db), FastSQLTrackerStore(domain, db=db)
    run(rasa.save(conversation("by-rasa", domain)))
    run(fast.save(conversation("by-fast", domain)))
    for sender in ("by-rasa", "by-fast"):
        expected = run(rasa.retrieve(sender))
        actual = run(fast.retrieve(sender))
        assert list(expected.events) == list(actual.events)
        assert "包头市" == actual.get_slot("region")
    assert run(fast.retrieve("nobody")) is None


def test_latest_session_only_unless_all_sessions_are_asked_for(tmp_path, domain):
    db = str(tmp_path / "sessions.db")
    fast, rasa = FastSQLTrackerStore(domain, db=db), SQLTrackerStore(domain, db=db)
    tracker = conversation("returning", domain)
    for event in [ActionExecuted("action_session_start", timestamp=100.0), SessionStarted(timestamp=100.1),
                  SlotSet("region", "包头市", timestamp=100.2),
                  ActionExecuted("action_listen", timestamp=100.3)] + turn("育儿补贴", "3600元", at=101.0):
        tracker.update(event)
    run(fast.save(tracker))
    latest = run(fast.retrieve("returning"))
    assert list(run(rasa.retrieve("returning")).events) == list(latest.events)
    assert 8 == len(latest.events)   # from session_started on
    assert isinstance(latest.events[0], SessionStarted)
    full = run(fast.retrieve_full_tracker("returning"))
    assert list(tracker.events) == list(full.events)
    # A new turn after reading the latest session appends after what is stored.
    for event in turn("谢谢", "不客气", at=200.0):
        latest.update(event)
    run(fast.save(latest))
    assert 8 + 4 + 5 + 5 == len(rows(db))


def test_sqlite_file_in_wal_mode_with_full_sync(tmp_path, domain):
    db = tmp_path / "wal.db"
    store = FastSQLTrackerStore(domain, db=str(db))
    run(store.save(conversation("w", domain)))
    with sqlite3.connect(db) as conn:
        assert "wal" == conn.execute("PRAGMA journal_mode").fetchone()[0]
    with store.engine.connect() as connection:
        assert 2 == connection.exec_driver_sql("PRAGMA synchronous").scalar()   # FULL
    # A read-only reader (make report, the load counter) sees every committed event.
    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert 8 == ro.execute("SELECT count(*) FROM events").fetchone()[0]
    ro.close()


def test_many_conversations_saved_at_once_store_what_rasa_stores(tmp_path, domain):
    """Saves of several conversations in flight together (the server under load) leave each
    conversation's rows exactly as Rasa's store leaves them, saved one after the other."""
    fast = FastSQLTrackerStore(domain, db=str(tmp_path / "fast.db"))
    rasa = SQLTrackerStore(domain, db=str(tmp_path / "rasa.db"))
    senders = [f"citizen-{number}" for number in range(12)]

    async def two_turns(store, sender):
        await store.save(conversation(sender, domain))
        tracker = await store.retrieve(sender)
        for event in turn("护理假几天", "15天", at=5.0):
            tracker.update(event)
        await store.save(tracker)

    async def all_at_once():
        await asyncio.gather(*(two_turns(fast, sender) for sender in senders))

    run(all_at_once())
    for sender in senders:
        run(two_turns(rasa, sender))
    per_sender = lambda db: sorted(rows(db), key=lambda row: row[0])   # stable: keeps id order
    assert per_sender(tmp_path / "rasa.db") == per_sender(tmp_path / "fast.db")
    assert 12 * 13 == len(rows(tmp_path / "fast.db"))



def events_of(tracker) -> list:
    return [event.as_dict() for event in tracker.events]


def test_a_kept_tracker_is_handed_out_only_while_it_is_what_is_stored(tmp_path, domain):
    db = str(tmp_path / "kept.db")
    fast, rasa = FastSQLTrackerStore(domain, db=db), SQLTrackerStore(domain, db=db)
    run(fast.save(conversation("c", domain)))
    first = run(fast.retrieve("c"))
    for event in turn("护理假几天", "15天", at=5.0):
        first.update(event)
    run(fast.save(first))
    kept = run(fast.retrieve("c"))
    assert kept is first   # not read, decoded and replayed again
    assert events_of(run(rasa.retrieve("c"))) == events_of(kept)

    # Changed but not saved (an error between read and save): the stored tracker comes back.
    kept.update(SlotSet("region", "呼和浩特市", timestamp=9.0))
    again = run(fast.retrieve("c"))
    assert again is not kept
    assert events_of(run(rasa.retrieve("c"))) == events_of(again)
    assert "呼和浩特市" not in str(events_of(again))

    # Another server (or process) adds to the same conversation: its events are seen.
    other = SQLTrackerStore(domain, db=db)
    theirs = run(other.retrieve("c"))
    for event in turn("育儿补贴", "3600元", at=20.0):
        theirs.update(event)
    run(other.save(theirs))
    seen = run(fast.retrieve("c"))
    assert events_of(theirs) == events_of(seen)

    # `make retention` deletes the conversation: nothing is handed out.
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM events WHERE sender_id = 'c'")
    assert run(fast.retrieve("c")) is None


def test_a_new_session_is_read_from_the_store_then_kept(tmp_path, domain):
    db = str(tmp_path / "session.db")
    fast, rasa = FastSQLTrackerStore(domain, db=db), SQLTrackerStore(domain, db=db)
    tracker = conversation("back", domain)
    run(fast.save(tracker))
    tracker = run(fast.retrieve("back"))
    for event in [ActionExecuted("action_session_start", timestamp=100.0), SessionStarted(timestamp=100.1),
                  ActionExecuted("action_listen", timestamp=100.2)]:
        tracker.update(event)
    run(fast.save(tracker))   # holds two sessions; a read returns the latest only
    latest = run(fast.retrieve("back"))
    assert latest is not tracker
    assert events_of(run(rasa.retrieve("back"))) == events_of(latest)
    assert isinstance(latest.events[0], SessionStarted)
    assert run(fast.retrieve("back")) is latest


def test_how_many_trackers_are_kept(tmp_path, domain):
    small = FastSQLTrackerStore(domain, db=str(tmp_path / "small.db"), cache_size=2)
    for sender in ("a", "b", "c"):
        run(small.save(conversation(sender, domain)))
        run(small.retrieve(sender))
    assert ["b", "c"] == list(small._kept)
    none = FastSQLTrackerStore(domain, db=str(tmp_path / "none.db"), cache_size=0)
    tracker = conversation("a", domain)
    run(none.save(tracker))
    assert run(none.retrieve("a")) is not run(none.retrieve("a"))
    assert events_of(tracker)[1:] == events_of(run(none.retrieve("a")))   # from session_started on


def test_a_save_that_fails_fails_alone(tmp_path, domain):
    fast = FastSQLTrackerStore(domain, db=str(tmp_path / "bad.db"))
    broken = conversation("broken", domain)
    broken.update(SlotSet("region", {"not", "json"}, timestamp=9.0))   # a set: json.dumps fails

    async def together():
        return await asyncio.gather(*(fast.save(tracker) for tracker in
                                      (conversation("a", domain), broken, conversation("b", domain))),
                                    return_exceptions=True)

    outcomes = run(together())
    assert [None, TypeError, None] == [type(o) if o is not None else None for o in outcomes]
    assert {"a", "b"} == {row[0] for row in rows(tmp_path / "bad.db")}
    assert run(fast.retrieve("broken")) is None


def test_a_turn_is_saved_with_one_count_and_one_insert(tmp_path, domain):
    import sqlalchemy as sa

    db = str(tmp_path / "queries.db")
    fast, rasa = FastSQLTrackerStore(domain, db=db), SQLTrackerStore(domain, db=db)
    statements = []
    sa.event.listen(fast.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: statements.append(statement.split()[0]))
    run(fast.save(conversation("q", domain)))   # a session starts: counted again after the insert
    assert ["SELECT", "INSERT", "SELECT"] == statements
    tracker = run(fast.retrieve("q"))
    statements.clear()
    for event in turn("护理假几天", "15天", at=5.0):
        tracker.update(event)
    run(fast.save(tracker))
    assert ["SELECT", "INSERT"] == statements
    assert run(fast.retrieve("q")) is tracker                   # known to be what is stored
    assert events_of(run(rasa.retrieve("q"))) == events_of(tracker)
