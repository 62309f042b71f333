"""Rasa's SQL tracker store with cheaper reads and writes (same table, same rows).

    tracker_store:
      type: bot.server.tracker_store.FastSQLTrackerStore
      dialect: sqlite          # or postgresql: every SQLTrackerStore setting works
      db: ${TRACKER_DB}

Measured with py-spy under `make bench` load, Rasa's `SQLTrackerStore` spent about a
third of the server's time per message in SQLAlchemy's ORM: building the query, making
an ORM object per stored event, a second query to count what is stored, a unit-of-work
flush per insert; and with SQLite a new connection per query and a rollback journal
synced several times per commit. This store runs the same queries with SQLAlchemy
Core (statements built once), inserts a turn's events in one statement, keeps one
SQLite connection open in WAL mode, and still counts what is stored inside the write
transaction, so several servers sharing one database stay consistent, as with Rasa's.

It also keeps the trackers of the latest conversations in memory (`cache_size`, 256 by
default; 0: none). Rasa reads, decodes and replays a conversation's whole session on every
message, so that cost grew with the session's length. A kept tracker is handed out again
only if it is exactly what is stored: the number of events of the latest session in the
database (one indexed count, so another server or `make retention` writing to the same
database is seen) equals the number the tracker held when it was saved, and the tracker
has not been changed since (an error between a read and the save leaves the kept copy
unused). Otherwise the tracker is read from the database as before.

It reproduces SQLTrackerStore's queries and rows on its private table model: on a Rasa
version other than the one it was written for (bot/server/rasa_version.py) it is SQLTrackerStore.
"""
from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from typing import Any, Dict, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.server import rasa_version

logger = logging.getLogger(__name__)

# How long a SQLite writer waits for another one (make retention, a second process)
# before failing, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: one sync per commit instead of the rollback journal's several, and readers
    # (make report, make retention --dry-run) do not block the server.
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL keeps a committed message through a power cut, not only a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


class FastSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` (same schema, same settings) without the ORM on the hot path."""

    def __init__(self, domain: Optional[Any] = None, *, cache_size: int = 256, **kwargs: Any) -> None:
        super().__init__(domain, **kwargs)
        # sender_id -> (tracker, how many events of its latest session are stored)
        self._kept: "OrderedDict[Text, tuple[DialogueStateTracker, int]]" = OrderedDict()
        self.cache_size = int(cache_size)
        self.fast = rasa_version.patches_apply(patch="bot.server.tracker_store.FastSQLTrackerStore")
        if not self.fast:
            return
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection for every query (NullPool).
            # One pooled connection; the server only touches it from its event loop.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_size=1, max_overflow=4,
                                           poolclass=sa.pool.QueuePool,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._build_statements()

    def _build_statements(self) -> None:
        table = self.SQLEvent.__table__
        sender = sa.bindparam("sender_id")
        # The same filter as SQLTrackerStore._event_query: events from the latest
        # session_started on, or all of them when there is none.
        session_start = (sa.select(sa.func.max(table.c.timestamp))
                         .where(table.c.sender_id == sender,
                                table.c.type_name == SessionStarted.type_name)
                         .scalar_subquery())
        latest_session = sa.and_(table.c.sender_id == sender,
                                 sa.or_(table.c.timestamp >= session_start, session_start.is_(None)))
        self._select_latest_session = (sa.select(table.c.data).where(latest_session)
                                       .order_by(table.c.id))
        self._select_all_sessions = (sa.select(table.c.data).where(table.c.sender_id == sender)
                                     .order_by(table.c.id))
        self._count_latest_session = sa.select(sa.func.count()).select_from(table).where(latest_session)
        self._insert = table.insert()

    async def _retrieve(self, sender_id: Text,
                        fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if not self.fast:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if fetch_events_from_all_sessions:
            return self._load(sender_id, self._select_all_sessions)
        kept = self._kept.get(sender_id)
        if kept is not None:
            tracker, stored = kept
            if len(tracker.events) == stored == self._stored_count(sender_id):
                self._kept.move_to_end(sender_id)
                return tracker
            del self._kept[sender_id]
        tracker = self._load(sender_id, self._select_latest_session)
        if tracker is not None:
            self._keep(tracker, len(tracker.events))
        return tracker

    def _load(self, sender_id: Text, query: Any) -> Optional[DialogueStateTracker]:
        with self.engine.connect() as connection:
            rows = connection.execute(query, {"sender_id": sender_id}).scalars().all()
        if not rows or not self.domain:
            return None
        events = [json.loads(data) for data in rows]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _stored_count(self, sender_id: Text) -> int:
        with self.engine.connect() as connection:
            return connection.execute(self._count_latest_session, {"sender_id": sender_id}).scalar_one()

    def _keep(self, tracker: DialogueStateTracker, stored: int) -> None:
        """Remember `tracker` as holding exactly the `stored` events of its latest session."""
        if self.cache_size <= 0:
            return
        self._kept[tracker.sender_id] = (tracker, stored)
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > self.cache_size:
            self._kept.popitem(last=False)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events of `tracker` that are not stored yet (one transaction)."""
        if not self.fast:
            return await super().save(tracker)
        await self.stream_events(tracker)
        with self.engine.begin() as connection:
            stored = connection.execute(self._count_latest_session,
                                        {"sender_id": tracker.sender_id}).scalar_one()
            new_events = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            rows = [self._row(tracker.sender_id, event.as_dict(), event.type_name) for event in new_events]
            if rows:
                connection.execute(self._insert, rows)
            # What is stored now, to know whether to keep the tracker: the count plus what
            # was added, unless a new session starts among them (then counted again). A
            # wrong guess (another writer in between) is seen by the count at the next read.
            if self.cache_size > 0 and any(isinstance(event, SessionStarted) for event in new_events):
                stored = connection.execute(self._count_latest_session,
                                            {"sender_id": tracker.sender_id}).scalar_one()
            else:
                stored += len(rows)
        # A tracker that also holds an earlier session (one has just started) is not what
        # a read returns: it is read again next time, and kept then.
        if self.cache_size > 0 and stored == len(tracker.events):
            self._keep(tracker, stored)
        else:
            self._kept.pop(tracker.sender_id, None)
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)

    @staticmethod
    def _row(sender_id: Text, data: Dict[Text, Any], type_name: Text) -> Dict[Text, Any]:
        """The row SQLTrackerStore.save writes for an event."""
        return {
            "sender_id": sender_id,
            "type_name": type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

