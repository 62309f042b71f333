"""The actions' view of the knowledge store: one read-only connection per process,
citations ready for templates, and the place a conversation is about (read from the raw
text with knowledge/places.py; NLU entities and the remembered slot count too)."""
from __future__ import annotations

import functools
import os
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterable, Iterator

from rasa_sdk import Tracker

from knowledge import places, qa, regions, store
from knowledge.regions import Region

PLACE_ENTITIES = ("district", "region")   # most specific first


class StoreUnavailable(RuntimeError):
    """The knowledge store is missing or unreadable."""


def store_path() -> Path:
    return Path(os.environ.get("KNOWLEDGE_DB", store.DEFAULT_DB))


# The open store and the file it was opened from: (path, inode, mtime) -> connection.
_OPEN: dict[tuple, object] = {}
_OPENING = threading.Lock()
# The date a question is about (a birth date it names), for the version of a document in
# force then (regions.resolve as_of); set per turn by actions.base, None = today.
DATE_ASKED_ABOUT: ContextVar[str | None] = ContextVar("date_asked_about", default=None)
# The connection a turn has opened (`turn_connection`): the file is checked once per turn,
# not at each of the dozens of lookups a turn makes.
_TURN_CONNECTION: ContextVar[object | None] = ContextVar("turn_connection", default=None)
# What a turn has looked up, by what was asked: question-answer matches (`qa_match`),
# the turn's place (`place_of_turn`), the rules of a place (`resolve_rules`). An answer
# asks for each several times (the place 3 times a turn).
_TURN_LOOKUPS: ContextVar[dict | None] = ContextVar("turn_lookups", default=None)


def connection():
    """The store's read-only connection. `make knowledge` and `knowledge add` replace the
    file atomically (a new inode): the next call opens the new store, no restart needed;
    caches keyed by the connection start afresh with it."""
    held = _TURN_CONNECTION.get()
    if held is not None and held is not _OPEN_ON_FIRST_USE:
        return held
    conn = _current_connection()
    if held is _OPEN_ON_FIRST_USE:
        _TURN_CONNECTION.set(conn)
    return conn


def _current_connection():
    path = store_path()
    try:
        stat = os.stat(path)
    except OSError as err:
        raise StoreUnavailable(f"knowledge store unusable at {path}: {err}. Run `make knowledge`.") from err
    key = (str(path), stat.st_ino, stat.st_mtime_ns)
    conn = _OPEN.get(key)
    if conn is not None:
        return conn
    with _OPENING:
        if key not in _OPEN:
            try:
                conn = store.connect(path=path)
                conn.execute("SELECT count(*) FROM clauses").fetchone()
            except Exception as err:  # missing file, not a database, wrong schema
                raise StoreUnavailable(f"knowledge store unusable at {path}: {err}. Run `make knowledge`.") from err
            # The replaced store's connection stays open for a turn that is still using it.
            _OPEN.clear()
            _OPEN[key] = conn
        return _OPEN[key]


def _forget_the_open_store() -> None:
    _OPEN.clear()
    _citations_of.cache_clear()


connection.cache_clear = _forget_the_open_store   # tests reset it as they did the former lru_cache


_OPEN_ON_FIRST_USE = object()


@contextmanager
def turn_connection() -> Iterator[None]:
    """Within it, `connection()` is the one its first call found: the store's file is
    checked once per turn (a turn that needs no lookup opens nothing)."""
    token = _TURN_CONNECTION.set(_OPEN_ON_FIRST_USE)
    lookups_token = _TURN_LOOKUPS.set({})
    try:
        yield
    finally:
        _TURN_LOOKUPS.reset(lookups_token)
        _TURN_CONNECTION.reset(token)


def qa_match(*, text: str, topic: str | None = None, facet: str | None = None,
             jurisdictions: list[str] | None = None, limit: int = 5) -> list[qa.QAMatch]:
    """qa.match on the store, looked up once per turn for the same arguments: one answer
    may try the same words twice (as a follow-up, then as a question of its own), and each
    search with its ranking costs up to 1 ms. Outside a turn (tests, tools) every call searches."""
    arguments = ("qa_match", text, topic, facet, None if jurisdictions is None else tuple(jurisdictions), limit)
    looked_up = _TURN_LOOKUPS.get()
    if looked_up is not None and arguments in looked_up:
        return list(looked_up[arguments])
    matches = qa.match(conn=connection(), text=text, topic=topic, facet=facet,
                       jurisdictions=jurisdictions, limit=limit)
    if looked_up is not None:
        looked_up[arguments] = tuple(matches)
    return matches


def resolve_rules(*, place: str, table: str, **filters: object) -> regions.Resolution:
    """regions.resolve on the store for the date asked about, worked out once per turn for
    the same arguments (an answer asks up to 8 times, 0.1 ms each); each caller gets its
    own Resolution and lists. Outside a turn every call resolves."""
    as_of = DATE_ASKED_ABOUT.get()
    arguments = ("resolve", place, table, as_of, tuple(sorted(filters.items())))
    looked_up = _TURN_LOOKUPS.get()
    resolution = looked_up.get(arguments) if looked_up is not None else None
    if resolution is None:
        resolution = regions.resolve(conn=connection(), place=place, table=table, as_of=as_of, **filters)
        if looked_up is not None:
            looked_up[arguments] = resolution
    return regions.Resolution(place=resolution.place, region=resolution.region, chain=list(resolution.chain),
                              rules=list(resolution.rules), drafts=list(resolution.drafts))


def gazetteer() -> regions.Gazetteer:
    return regions.gazetteer(conn=connection())


def cite(clause_id: str) -> dict[str, Any]:
    """A clause joined with its document, plus the title of what supersedes it (looked up
    once per store file: a citation is fixed by the file; each caller gets its own dict)."""
    looked_up = _citations_of(connection())
    cited = looked_up.get(clause_id)
    if cited is None:
        cited = looked_up[clause_id] = _cite(clause_id)
    return dict(cited)


@functools.lru_cache(maxsize=4)
def _citations_of(conn: object) -> dict[str, dict[str, Any]]:
    """The citations looked up in the store a connection reads (as `regions.gazetteer`
    keeps one per connection): `connection()` opens a new connection when the file is
    replaced or changed, so a connection stands for one version of the file."""
    return {}


def _cite(clause_id: str) -> dict[str, Any]:
    row = store.citation(conn=connection(), clause_id=clause_id)
    if row is None:
        raise KeyError(clause_id)
    cited = dict(row)
    cited["superseded_title"] = (
        store.document_title(conn=connection(), doc_id=row["superseded_by"]) if row["superseded_by"] else None)
    # Versions: a document replaced as a whole, and the one it replaces (said in the source line).
    successor = store.successor(conn=connection(), doc_id=row["doc_id"])
    cited["replaced_by_title"] = successor["title"] if successor else None
    cited["replaced_on"] = successor["date"] if successor else None
    cited["replaces_title"] = (
        store.document_title(conn=connection(), doc_id=row["supersedes"]) if row["supersedes"] else None)
    return cited


def cites(clause_ids: Iterable[str]) -> list[dict[str, Any]]:
    seen: dict[str, None] = {}
    for clause_id in clause_ids:
        seen.setdefault(clause_id, None)
    return [cite(c) for c in seen]


def latest_entity(tracker: Tracker, *names: str) -> Any:
    """The value of the first entity among `names` in the latest message."""
    for name in names:
        for value in tracker.get_latest_entity_values(name):
            # Only text: "/ask_leave{\"region\": 12345}" can put anything here.
            if isinstance(value, str) and value:
                return value
    return None


def mentioned_places(tracker: Tracker) -> list[str]:
    """Places named in the latest message (district before region), as entity values."""
    entities = tracker.latest_message.get("entities", []) or []
    values = []
    for name in PLACE_ENTITIES:
        for entity in entities:
            value = entity.get("value")
            if entity.get("entity") == name and isinstance(value, str) and value and value not in values:
                values.append(value)
    return values


def remembered_region(tracker: Tracker) -> Any:
    """The `region` slot as it was before this turn. Rasa fills the slot from this turn's
    entity before the action runs, and that entity (白云区 -> 白云鄂博矿区, a synonym's
    guess) must not settle which 白云区 was meant."""
    events = tracker.events or []
    if not events:   # a tracker built by hand (tests): its slots are the remembered ones
        return tracker.get_slot("region")
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    value = None
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == "region":
            value = event.get("value")
        elif event.get("event") == "session_started":
            pass   # carried-over slots are set again as slot events after it
    return value


def place_of_turn(tracker: Tracker) -> places.Resolved:
    """The place this turn is about, as places.Resolved (covered / outside / ambiguous /
    unknown): named in the raw text, else by an NLU entity or a button payload, else the
    place remembered in the `region` slot. A shared name (白云区) stays ambiguous unless the
    same text or the remembered place picks one of its namesakes. Worked out once per turn
    for the turn's tracker (a Resolved is frozen)."""
    looked_up = _TURN_LOOKUPS.get()
    kept = looked_up.get(("place", id(tracker))) if looked_up is not None else None
    if kept is not None and kept[0] is tracker:
        return kept[1]
    place = _place_of_turn(tracker)
    if looked_up is not None:
        looked_up[("place", id(tracker))] = (tracker, place)   # the tracker kept: its id stays its own
    return place


def _place_of_turn(tracker: Tracker) -> places.Resolved:
    index = gazetteer().places
    remembered_value = remembered_region(tracker)
    remembered = index.resolve(remembered_value) if isinstance(remembered_value, str) and remembered_value \
        else places.Resolved(kind="unknown", mention="")
    text = tracker.latest_message.get("text") or ""
    # A button payload (/inform{"region": "..."}) names its place in the entity, not the text.
    found = index.resolve_text(text) if text and not text.startswith("/") else places.Resolved(kind="unknown", mention="")
    if found.kind == "ambiguous":
        # The NLU's entity for the same words carries a synonym's guess (青山区 -> qingshan):
        # it does not settle which place was meant; the remembered place may.
        return index.narrow(found, within=remembered)
    if found.kind != "unknown":
        return found
    from_entities = [index.resolve(value) for value in mentioned_places(tracker)]
    for wanted in (lambda r: r.kind == "covered", lambda r: r.kind == "outside", lambda r: r.kind == "ambiguous"):
        chosen = [r for r in from_entities if wanted(r)]
        if chosen:
            best = max(chosen, key=lambda r: r.place.level if r.place else 0)
            return index.narrow(best, within=remembered)
    return remembered


def current_place(tracker: Tracker) -> str | None:
    """The place this turn is about as a string the answers use: the region id of a
    covered place, the full official name of a place outside the coverage (四川省成都市武侯区),
    None when there is none or the name is shared (ask back: see place_of_turn)."""
    place = place_of_turn(tracker)
    if place.kind == "covered":
        return place.region_id
    if place.kind == "outside":
        return place.chain
    return None


def region_of(place: str) -> Region | None:
    return gazetteer().lookup(place)


def display_name(place: str) -> str:
    """A region's official name; a place outside the coverage by its full official name
    (北京 -> 北京市); anything else as given."""
    region = region_of(place)
    if region:
        return region.name
    resolved = gazetteer().places.resolve(place) if isinstance(place, str) else None
    return resolved.chain if resolved is not None and resolved.kind == "outside" else place
