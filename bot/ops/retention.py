"""Tracker retention: delete conversation events older than N days from Rasa's SQL
tracker store.

    python -m bot.ops.retention                              # TRACKER_RETENTION_DAYS, default 180
    python -m bot.ops.retention --days 90 --dry-run          # only count
    python -m bot.ops.retention --endpoints endpoints.multi.yml   # the shared PostgreSQL store

The store is the `tracker_store` of the endpoints file, read the way Rasa reads it
(unquoted ${VAR} substituted from the environment): `endpoints.yml` is SQLite at
${TRACKER_DB} (default build/tracker.db), `endpoints.multi.yml` is PostgreSQL from the
TRACKER_PG_* variables (POSTGRESQL_SCHEMA is honoured like Rasa does).

What goes, for each conversation (sender_id) — all in one transaction:
- a conversation whose newest event is older than the cutoff: all of its events;
- any other conversation: its events older than the cutoff that belong to an earlier
  session, i.e. come before the current session's `action_session_start` /
  `session_started`. The current session is never cut, however old its start: Rasa's SQL
  tracker store counts the stored events of the latest session to know which events of
  a tracker are new, so removing part of it would make a server store events twice or
  drop new ones. A conversation without any `session_started` (not written by Rasa 3)
  is only removed once it is wholly older than the cutoff.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bot.ops.stack import ROOT

DEFAULT_DAYS = 180
SESSION_STARTED = "session_started"

SESSION_MARKER = "action_session_start"   # stored a moment before session_started

# Conversations whose newest event is older than the cutoff.
_STALE_SENDERS = ("SELECT sender_id FROM events GROUP BY sender_id "
                  "HAVING max(timestamp) < :cutoff")
# Conversations that remain but have events older than the cutoff.
_OLD_SENDERS = ("SELECT DISTINCT sender_id FROM events WHERE timestamp < :cutoff "
                f"AND sender_id NOT IN ({_STALE_SENDERS})")


@dataclass
class Removed:
    events: int = 0                 # rows deleted in all
    conversations: int = 0          # conversations deleted entirely
    sessions: int = 0               # earlier sessions deleted from conversations that remain
    trimmed_conversations: int = 0  # conversations that lost earlier sessions
    remaining_events: int = 0
    cutoff: float = 0.0

    def summary(self, days: float, *, dry_run: bool) -> str:
        when = datetime.fromtimestamp(self.cutoff, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        verb = "Would remove" if dry_run else "Removed"
        return (f"{verb} {self.events} tracker events older than {days:g} days (before {when}): "
                f"{self.conversations} conversations entirely, {self.sessions} earlier sessions "
                f"of {self.trimmed_conversations} other conversations; "
                f"{self.remaining_events} events remain.")


def store_config(endpoints: Path) -> dict:
    """The `tracker_store` section of `endpoints`, environment variables substituted by
    Rasa's own YAML reader. Variables the other sections need (ACTION_ENDPOINT_URL,
    LOCK_REDIS_*) need not be set; TRACKER_DB defaults to Stack's build/tracker.db."""
    import rasa.shared.utils.io

    names = set(re.findall(r"\$\{(\w+)\}", endpoints.read_text(encoding="utf-8")))
    stand_ins = {name: f"<unset {name}>" for name in names if name not in os.environ}
    if "TRACKER_DB" in stand_ins:
        stand_ins["TRACKER_DB"] = str(ROOT / "build" / "tracker.db")
    os.environ.update(stand_ins)
    try:
        config = rasa.shared.utils.io.read_yaml_file(endpoints) or {}
    finally:
        for name in stand_ins:
            del os.environ[name]
    store = config.get("tracker_store") or {}
    if not is_sql_store(store.get("type")):
        raise SystemExit(f"{endpoints}: tracker_store is {store.get('type') or 'not set'}, "
                         "not SQL; retention only handles Rasa's SQL tracker store.")
    missing = sorted(name for name, stand_in in stand_ins.items()
                     if stand_in.startswith("<unset") and any(stand_in in str(v) for v in store.values()))
    if missing:
        raise SystemExit(f"{endpoints}: set {', '.join(missing)} (the tracker store's settings).")
    return store


def is_sql_store(store_type: object) -> bool:
    """`type: SQL`, or a class named by module path that is an SQLTrackerStore (same table),
    such as bot.server.tracker_store.FastSQLTrackerStore."""
    if str(store_type).lower() == "sql":
        return True
    with warnings.catch_warnings():   # rasa's declarative_base() warns about SQLAlchemy 2.0
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.utils.common import class_from_module_path

    try:
        store_class = class_from_module_path(str(store_type))
    except Exception:   # not importable, or not a class: not an SQL store
        return False
    return isinstance(store_class, type) and issubclass(store_class, SQLTrackerStore)


def engine_for(store: dict):
    """An SQLAlchemy engine on the same database, with the same options, as Rasa's."""
    import sqlalchemy as sa

    with warnings.catch_warnings():   # rasa's declarative_base() warns about SQLAlchemy 2.0
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, validate_port

    dialect = store.get("dialect", "sqlite")
    db = str(store.get("db", "rasa.db"))
    if dialect == "sqlite" and not Path(db).exists():
        raise SystemExit(f"没有找到对话记录 {db}：nothing to delete.")
    url = SQLTrackerStore.get_db_url(dialect, store.get("url"), validate_port(store.get("port")), db,
                                     store.get("username"), store.get("password"),
                                     query=store.get("query"))
    return sa.create_engine(url, **create_engine_kwargs(url))


def current_session_starts(conn, params: dict) -> dict[str, float]:
    """For each remaining conversation with old events: the timestamp its current session
    starts at (its latest session_started, or the action_session_start just before it)."""
    import sqlalchemy as sa

    starts = dict(conn.execute(sa.text(
        "SELECT sender_id, max(timestamp) FROM events WHERE type_name = :session_started "
        f"AND sender_id IN ({_OLD_SENDERS}) GROUP BY sender_id"), params).all())
    markers = conn.execute(sa.text(
        "SELECT sender_id, timestamp FROM events WHERE type_name = 'action' AND action_name = :marker "
        f"AND sender_id IN ({_OLD_SENDERS})"), params)
    for sender, timestamp in markers:
        started = starts.get(sender)
        if started is not None and started - 60 < timestamp <= started:  # this session's marker
            starts[sender] = min(starts[sender], timestamp)
    return starts


def apply_retention(engine, days: float, *, now: float | None = None, dry_run: bool = False) -> Removed:
    """Delete (or, with dry_run, only count) what the retention policy removes."""
    import sqlalchemy as sa

    if days <= 0:
        raise ValueError("days must be positive")
    removed = Removed(cutoff=(time.time() if now is None else now) - days * 86400)
    params = {"cutoff": removed.cutoff, "session_started": SESSION_STARTED, "marker": SESSION_MARKER}
    with engine.begin() as conn:   # one transaction: all of it or nothing
        if not sa.inspect(conn).has_table("events"):
            raise SystemExit("The tracker store has no events table (no conversation stored yet).")

        def count(sql: str, **extra) -> int:
            return conn.execute(sa.text(sql), {**params, **extra}).scalar() or 0

        removed.conversations = count(f"SELECT count(*) FROM ({_STALE_SENDERS}) stale")
        stale_events = count(f"SELECT count(*) FROM events WHERE sender_id IN ({_STALE_SENDERS})")
        earlier = {}   # sender -> delete its events before this timestamp
        for sender, started in current_session_starts(conn, params).items():
            before = min(removed.cutoff, started)
            events = count("SELECT count(*) FROM events WHERE sender_id = :sender AND timestamp < :before",
                           sender=sender, before=before)
            if events:
                earlier[sender] = before
                removed.events += events
                removed.sessions += count("SELECT count(*) FROM events WHERE sender_id = :sender "
                                          "AND type_name = :session_started AND timestamp < :before",
                                          sender=sender, before=before)
        removed.trimmed_conversations = len(earlier)
        total = count("SELECT count(*) FROM events")
        if dry_run:
            removed.events += stale_events
        else:   # the rows actually deleted are what is reported
            removed.events = conn.execute(
                sa.text(f"DELETE FROM events WHERE sender_id IN ({_STALE_SENDERS})"), params).rowcount
            for sender, before in earlier.items():
                removed.events += conn.execute(
                    sa.text("DELETE FROM events WHERE sender_id = :sender AND timestamp < :before"),
                    {"sender": sender, "before": before}).rowcount
        removed.remaining_events = total - removed.events
    return removed


def default_days() -> float:
    value = os.environ.get("TRACKER_RETENTION_DAYS", "").strip()
    try:
        return float(value) if value else DEFAULT_DAYS
    except ValueError:
        raise SystemExit(f"TRACKER_RETENTION_DAYS={value!r} is not a number of days.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=None,
                        help=f"keep this many days (default: TRACKER_RETENTION_DAYS or {DEFAULT_DAYS})")
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"),
                        help="endpoints file whose tracker_store to clean (default: endpoints.yml)")
    parser.add_argument("--dry-run", action="store_true", help="only count what would be removed")
    args = parser.parse_args(argv)
    days = default_days() if args.days is None else args.days
    if days <= 0:
        parser.error("--days must be positive")
    endpoints = args.endpoints if args.endpoints.exists() or args.endpoints.is_absolute() else ROOT / args.endpoints
    if not endpoints.exists():
        parser.error(f"no endpoints file {args.endpoints}")
    engine = engine_for(store_config(endpoints))
    try:
        removed = apply_retention(engine, days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    print(removed.summary(days, dry_run=args.dry_run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
