"""Places and the rules that apply to them.

A place inherits its ancestors' rules (呼和浩特 -> 内蒙古 -> 全国). For each question
(e.g. 产假 for a third child) the most specific in-force rule wins, newest first on a
tie; draft rules are returned beside it, flagged; a place not in the gazetteer is
"not covered" — the caller says so rather than guessing.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge import places, store
from knowledge.search import normalise

ROOT = "china"

# The column holding a fact's figure: a row without one (a local clause that only says
# "implement the national rule") never hides a figure from a wider jurisdiction.
FIGURE_COLUMN = {"leave_rules": "days", "benefits": "value", "targets": "value", "services": None}

# Which columns say "the same question" in each fact table.
RULE_KEYS = {
    "leave_rules": ("leave_type", "child_order", "who"),
    "benefits": ("kind", "child_order"),
    "targets": ("indicator", "year"),
    "services": ("name",),
}


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    level: str
    parent: str | None
    depth: int


@dataclass
class Resolution:
    """The answer to "which rules apply here?"."""

    place: str
    region: Region | None
    chain: list[Region] = field(default_factory=list)   # the region, then its ancestors
    rules: list[sqlite3.Row] = field(default_factory=list)    # winners, in force
    drafts: list[sqlite3.Row] = field(default_factory=list)   # draft rules, flagged

    @property
    def covered(self) -> bool:
        return self.region is not None and self.region.id != ROOT


class Gazetteer:
    """Regions and aliases loaded once from the store, with every place in China
    (knowledge/places.py) to tell covered, outside, ambiguous and unknown apart."""

    def __init__(self, *, conn: sqlite3.Connection):
        self.regions = {
            row["id"]: Region(row["id"], row["name"], row["level"], row["parent"], row["depth"])
            for row in store.regions(conn=conn)
        }
        self.aliases = {normalise(row["alias"]): row["region_id"] for row in store.region_aliases(conn=conn)}
        self.places = _place_index(conn=conn)

    def lookup(self, place: str) -> Region | None:
        """The covered region a name, alias or id denotes, or None: a place outside the
        coverage, a name several places share (白云区) and an unknown word all give None."""
        if not isinstance(place, str):
            return None
        key = normalise(place.strip())
        if key in self.regions:
            return self.regions[key]
        if self.aliases.get(key) == ROOT:
            return self.regions[ROOT]
        resolved = self.places.resolve(place)
        return self.regions[resolved.region_id] if resolved.kind == "covered" else None

    def resolve_place(self, mention: str) -> places.Resolved:
        """What a mention means: covered / outside / ambiguous / unknown (places.Resolved)."""
        return self.places.resolve(mention)

    def find_in_text(self, text: str) -> list[Region]:
        """Covered regions named in free text, most specific first (包头昆区 -> 昆区, 包头)."""
        found: list[Region] = []
        for match in self.places.find_places(text, keep_ancestors=True):
            if len(match.places) == 1 and match.places[0].region_id:
                region = self.regions[match.places[0].region_id]
                if region not in found:
                    found.append(region)
        return sorted(found, key=lambda r: -r.depth)

    def chain(self, region_id: str) -> list[Region]:
        """The region and its ancestors up to the root."""
        chain = []
        current: str | None = region_id
        while current is not None:
            region = self.regions[current]
            chain.append(region)
            current = region.parent
        return chain


def _place_index(*, conn: sqlite3.Connection) -> places.PlaceIndex:
    """The index of every place (about a second to build), shared by connections to the
    same store file as long as the file is unchanged."""
    return store.per_store(_PLACE_INDEXES, conn=conn, build=_new_place_index)


_PLACE_INDEXES: dict = {}


def _new_place_index(conn: sqlite3.Connection) -> places.PlaceIndex:
    return places.PlaceIndex(places=[dict(r) for r in store.places(conn=conn)],
                             aliases=[dict(r) for r in store.region_aliases(conn=conn)])


@lru_cache(maxsize=8)
def _gazetteer_for(conn: sqlite3.Connection) -> Gazetteer:
    return Gazetteer(conn=conn)


def gazetteer(*, conn: sqlite3.Connection) -> Gazetteer:
    """The gazetteer of a store connection (built once per connection)."""
    return _gazetteer_for(conn)


def resolve(*, conn: sqlite3.Connection, place: str, table: str = "leave_rules", as_of: str | None = None,
            **filters: object) -> Resolution:
    """The rules of `table` that apply to `place` (a name, alias or region id), from the
    version of each document in force on `as_of` (ISO date; default today)."""
    gaz = gazetteer(conn=conn)
    region = gaz.lookup(place)
    if region is None or region.id == ROOT:
        return Resolution(place=place, region=region)
    chain = gaz.chain(region.id)
    specificity = {r.id: i for i, r in enumerate(chain)}   # 0 = the place itself
    rows = store.facts_in(conn=conn, table=table, jurisdictions=[r.id for r in chain], **filters)
    rows = _within_document_scope(rows, gaz=gaz, region=region, scopes=document_scopes(conn=conn))
    rows = in_force_on(rows, versions=versions(conn=conn), as_of=as_of)

    groups: dict[tuple, list[sqlite3.Row]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in RULE_KEYS[table]), []).append(row)

    resolution = Resolution(place=place, region=region, chain=chain)
    for candidates in groups.values():
        in_force = [r for r in candidates if r["doc_status"] == "in_force"]
        winners = _most_specific_newest(in_force, table=table, specificity=specificity)
        resolution.rules.extend(winners)
        # A draft is shown when it is at least as specific as what is in force.
        limit = min((specificity[r["jurisdiction"]] for r in winners), default=len(chain))
        resolution.drafts.extend(
            r for r in candidates if r["doc_status"] == "draft" and specificity[r["jurisdiction"]] <= limit
        )
    # A rule for any child (child_order NULL) yields to order-specific rules from a
    # place at least as specific: 内蒙古's 158/188 days replace the national 98.
    resolution.rules = _drop_shadowed(resolution.rules, table=table, specificity=specificity)
    resolution.drafts = _drop_shadowed(resolution.drafts, table=table, specificity=specificity)
    resolution.rules.sort(key=lambda r: r["id"])
    resolution.drafts.sort(key=lambda r: r["id"])
    return resolution


def in_force(doc_id: str, *, versions: dict[str, tuple[str | None, str | None]], as_of: str | None) -> bool:
    """Whether a document's version is in force on `as_of` (default today): a document that
    replaces another applies from its date, the replaced one until then."""
    day = as_of or dt.date.today().isoformat()
    start, until = versions.get(doc_id, (None, None))
    return (start is None or start <= day) and (until is None or day < until)


def in_force_on(rows: list, *, versions: dict[str, tuple[str | None, str | None]], as_of: str | None) -> list:
    """The rows (with `doc_id`) whose document is in force on `as_of`."""
    return [row for row in rows if in_force(row["doc_id"], versions=versions, as_of=as_of)]


_VERSIONS: dict = {}
_UNCURATED: dict = {}


def versions(*, conn: sqlite3.Connection) -> dict[str, tuple[str | None, str | None]]:
    """store.versions, read once per store file (every answer resolves rules through it)."""
    return store.per_store(_VERSIONS, conn=conn, build=lambda c: store.versions(conn=c))


def document_scopes(*, conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """store.document_scopes, read once per store file (each rule lookup filters by it)."""
    return store.per_store(_SCOPES, conn=conn, build=lambda c: store.document_scopes(conn=c))


_SCOPES: dict = {}


def uncurated_documents(*, conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """store.uncurated_documents, read once per store file (every turn asks for them)."""
    return store.per_store(_UNCURATED, conn=conn, build=lambda c: store.uncurated_documents(conn=c))


def _within_document_scope(rows: list[sqlite3.Row], *, gaz: Gazetteer, region: Region,
                           scopes: dict[str, frozenset[str]]) -> list[sqlite3.Row]:
    """Drop rows of documents whose scope (`applies_to`) does not reach `region`.

    A scoped document applies to a place inside one of its scope regions (a town of
    东昌区) and to a place that contains one (a citizen who says only 通化市 may live in
    the issuing district; the answer says so); not to a sibling (通化县, 梅河口市)."""
    return [row for row in rows if _scope_reaches(scopes.get(row["doc_id"]), gaz=gaz, region=region)]


def _most_specific_newest(rows: list[sqlite3.Row], *, table: str, specificity: dict[str, int]) -> list[sqlite3.Row]:
    """The rows that answer one question: those of the most specific place that states a
    figure, from its newest source; plus figureless rows of places more specific still."""
    if not rows:
        return []
    figure = FIGURE_COLUMN[table]
    with_figure = [r for r in rows if figure is None or r[figure] is not None]
    level = min(specificity[r["jurisdiction"]] for r in (with_figure or rows))
    at_level = [r for r in (with_figure or rows) if specificity[r["jurisdiction"]] == level]
    newest = min(_negated_date(r["sort_date"]) for r in at_level)
    chosen = [r for r in at_level if _negated_date(r["sort_date"]) == newest]
    local_notes = [r for r in rows if specificity[r["jurisdiction"]] < level]
    return chosen + local_notes


def _drop_shadowed(rows: list[sqlite3.Row], *, table: str, specificity: dict[str, int]) -> list[sqlite3.Row]:
    if "child_order" not in RULE_KEYS[table]:
        return rows
    base = [k for k in RULE_KEYS[table] if k != "child_order"]

    def shadowed(row: sqlite3.Row) -> bool:
        return row["child_order"] is None and any(
            other["child_order"] is not None
            and all(other[k] == row[k] for k in base)
            and specificity[other["jurisdiction"]] <= specificity[row["jurisdiction"]]
            for other in rows
        )

    return [r for r in rows if not shadowed(r)]


def _negated_date(date: str | None) -> str:
    """Sort key putting newer ISO dates first and an undated source last (an unknown
    date must never make a rule "the newest")."""
    if not date:
        return "\uffff"   # after every negated date (their characters are below U+0100)
    return "".join(chr(255 - ord(ch)) for ch in date)


def document_reaches(*, conn: sqlite3.Connection, doc_id: str, place: str) -> bool:
    """Whether a document may be applied to a place (its `applies_to` scope, as for facts)."""
    gaz = gazetteer(conn=conn)
    region = gaz.lookup(place)
    return region is None or _scope_reaches(document_scopes(conn=conn).get(doc_id), gaz=gaz, region=region)


def _scope_reaches(scope: frozenset[str] | None, *, gaz: Gazetteer, region: Region) -> bool:
    """An unscoped document reaches everywhere; a scoped one a place inside one of its scope
    regions or a place that contains one."""
    if not scope:
        return True
    inside = {r.id for r in gaz.chain(region.id)}
    return bool(scope & inside) or any(region.id in {r.id for r in gaz.chain(s)} for s in scope)
