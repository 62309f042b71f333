"""Build the knowledge store from the files under knowledge/.

The store is written to a temporary file next to the target and renamed into place
only when everything passed, so a failed build leaves the previous store untouched.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
import yaml

from knowledge import fact_checks, parsers, places, qa, search, store
from knowledge.parsers import Clause, SourceError

KNOWLEDGE_DIR = Path(__file__).resolve().parent
FACILITY_COLUMNS = (
    "name", "jurisdiction", "district", "address", "latitude", "longitude", "type",
    "ages", "places", "phone", "source", "updated", "is_demo",
)
# Numeric fields whose digits must appear in the fact's quote.
FIGURE_FIELDS = {"leave_rules": ("days",), "benefits": ("value",), "targets": ("value",), "services": ()}
REQUIRED_FIELDS = {
    "leave_rules": ("jurisdiction", "leave_type", "days", "period", "who", "clause", "quote"),
    "benefits": ("jurisdiction", "kind", "clause", "quote"),
    "targets": ("jurisdiction", "indicator", "value_text", "clause", "quote"),
    "services": ("jurisdiction", "name", "kind", "clause", "quote"),
}


@dataclass
class BuildReport:
    db_path: Path
    documents: int = 0
    clauses: int = 0
    facts: dict[str, int] = field(default_factory=dict)
    regions: int = 0
    facilities: int = 0
    qa: int = 0
    seconds: float = 0.0


# ---------------------------------------------------------------- YAML with line numbers

class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping (for error messages)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_list(*, path: Path) -> list[dict]:
    """A YAML file holding a list of mappings, each with its `__line__`."""
    if not path.exists():
        raise SourceError(file=str(path), line=0, message="file is missing")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise SourceError(file=str(path), line=(mark.line + 1) if mark else 0, message=f"invalid YAML: {err}") from err
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise SourceError(file=str(path), line=1, message="expected a list of mappings")
    return data


# ---------------------------------------------------------------- checks shared with `check`

def squash(text: str) -> str:
    """Text compared for quotes: NFKC, no whitespace, no thousands separators."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", re.sub(r"\s+", "", search.normalise(text)))


def format_figure(value: float | int) -> str:
    """188 -> "188", 5.2 -> "5.2", 3600.0 -> "3600"."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def fact_problems(*, table: str, fact: dict, clause_text: str | None) -> list[str]:
    """Why a fact does not stand on its clause (empty list when it does)."""
    if clause_text is None:
        return [f"clause {fact.get('clause') or fact.get('clause_id')!r} does not exist"]
    quote = squash(str(fact["quote"]))
    problems = []
    if quote not in squash(clause_text):
        problems.append(f"quote {fact['quote']!r} is not in the text of its clause")
    for name in FIGURE_FIELDS[table]:
        value = fact.get(name)
        if value is not None and format_figure(value) not in quote:
            problems.append(f"{name} {format_figure(value)} does not appear in its quote {fact['quote']!r}")
    if table == "services" and squash(fact["name"]) not in quote:
        problems.append(f"service name {fact['name']!r} does not appear in its quote")
    problems += fact_checks.unstated_qualifiers(table=table, fact=fact)
    problems += fact_checks.deadline_problems(fact=fact)
    return problems


def also_cited(fact: dict) -> list[str]:
    """The further clause ids a row's eligibility/how_to_apply/note summarise."""
    value = fact.get("also_cites")
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


# ---------------------------------------------------------------- loading

def _without_lines(value: object) -> object:
    """A loaded value without the loader's `__line__` keys (parser options)."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "__line__"}
    return value


def load_documents(*, root: Path) -> tuple[list[dict], list[Clause]]:
    """Document metadata and clauses of the documents in sources.yml (the five policy
    documents and the official texts) and of the supplements."""
    meta_path = root / "sources" / "sources.yml"
    documents, clauses = [], []
    for meta in load_yaml_list(path=meta_path):
        path = root / "sources" / meta["file"]
        doc_clauses = parsers.parse_document(doc_id=meta["id"], path=path, shape=meta["shape"],
                                             options=_without_lines(meta.get("shape_options")))
        measures = sum(1 for c in doc_clauses if c.kind == "measure")
        if measures != meta["expected_measures"]:
            raise SourceError(
                file=str(path), line=0,
                message=f"{measures} measures parsed, {meta['expected_measures']} expected",
            )
        documents.append(meta)
        clauses.extend(doc_clauses)
    for path in sorted((root / "sources" / "supplementary").glob("*.md")):
        meta, doc_clauses = parsers.parse_supplementary(path=path)
        meta = {**meta, "file": str(path.relative_to(root / "sources")), "kind": "supplementary"}
        documents.append(meta)
        clauses.extend(doc_clauses)
    return documents, clauses


def document_row(meta: dict) -> dict:
    def text(key: str) -> str | None:
        value = meta.get(key)
        return None if value is None else str(value)

    return {
        "id": meta["id"], "file": meta["file"], "title": meta["title"], "issuer": meta["issuer"],
        "jurisdiction": meta["jurisdiction"], "doc_number": text("doc_number"), "date": text("date"),
        "date_note": text("date_note"), "sort_date": text("sort_date") or text("date"),
        "status": meta["status"], "superseded_by": text("superseded_by"), "supersedes": text("supersedes"),
        "kind": meta["kind"],
        "confidence": meta.get("confidence", "official"), "publication": text("publication"),
        "source_url": text("source_url"), "scope_note": text("scope_note"),
    }


def scope_rows(*, documents: list[dict], root: Path, regions: list[dict]) -> list[dict]:
    """document_scope rows from each source's `applies_to` (region ids at or below its
    jurisdiction); a source without `applies_to` applies to its whole jurisdiction."""
    parent = {r["id"]: r["parent"] for r in regions}

    def within(region_id: str, ancestor: str) -> bool:
        while region_id is not None:
            if region_id == ancestor:
                return True
            region_id = parent[region_id]
        return False

    rows = []
    for meta in documents:
        applies_to = meta.get("applies_to") or []
        if not isinstance(applies_to, list):
            raise SourceError(file=str(root / "sources" / meta["file"]), line=0,
                              message=f"applies_to must be a list of region ids, not {applies_to!r}")
        for region_id in applies_to:
            if region_id not in parent or not within(region_id, meta["jurisdiction"]):
                raise SourceError(
                    file=str(root / "sources" / meta["file"]), line=0,
                    message=f"applies_to {region_id!r} is not a region within {meta['jurisdiction']!r}")
            rows.append({"doc_id": meta["id"], "region_id": region_id})
    return rows


def region_rows(*, root: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """Rows of `regions`, `region_aliases` and `places`: gazetteer.yml (region ids, aliases)
    over the official divisions of the installed package (see knowledge/places.py)."""
    path = root / "gazetteer.yml"
    try:
        return places.gazetteer_tables(entries=load_yaml_list(path=path), divisions=places.package_divisions())
    except ValueError as err:
        raise SourceError(file=str(path), line=0, message=str(err)) from err


def fact_rows(*, root: Path, table: str, clause_text: dict[str, str], region_ids: set[str]) -> list[dict]:
    path = root / "facts" / f"{table}.yml"
    rows = []
    for number, fact in enumerate(load_yaml_list(path=path), start=1):
        line = fact.pop("__line__")
        missing = [f for f in REQUIRED_FIELDS[table] if fact.get(f) in (None, "")]
        problems = [f"missing field(s) {missing}"] if missing else []
        if not missing:
            problems += fact_problems(table=table, fact=fact, clause_text=clause_text.get(fact["clause"]))
            problems += [f"also_cites {c!r}: no such clause" for c in also_cited(fact) if c not in clause_text]
            if fact["jurisdiction"] not in region_ids:
                problems.append(f"unknown jurisdiction {fact['jurisdiction']!r}")
        if problems:
            raise SourceError(file=str(path), line=line, message="; ".join(problems))
        # review_note: left by an editor who accepted a `suggest-facts` row (knowledge/suggest.py).
        row = {k: v for k, v in fact.items() if k not in ("clause", "review_note")}
        row["clause_id"] = fact["clause"]
        if "also_cites" in row:
            row["also_cites"] = ", ".join(also_cited(fact)) or None
        if "is_goal" in row:
            row["is_goal"] = int(bool(row["is_goal"]))
        if isinstance(row.get("deadline"), dt.date):
            row["deadline"] = row["deadline"].isoformat()
        row["id"] = number
        unknown = set(row) - set(store.SCHEMA[table]["columns"])
        if unknown:
            raise SourceError(file=str(path), line=line, message=f"unknown field(s) {sorted(unknown)}")
        rows.append(row)
    return rows


def read_facility_csv(*, path: Path, region_ids: set[str]) -> list[dict]:
    """Rows of a facilities CSV in the project's own column layout."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or set(FACILITY_COLUMNS) - set(reader.fieldnames):
            raise SourceError(file=str(path), line=1, message=f"columns must be {','.join(FACILITY_COLUMNS)}")
        rows = []
        for row in reader:
            line = reader.line_num
            try:
                parsed = {
                    **{k: (row[k] or "").strip() or None for k in FACILITY_COLUMNS},
                    "latitude": float(row["latitude"]) if row["latitude"].strip() else None,
                    "longitude": float(row["longitude"]) if row["longitude"].strip() else None,
                    "places": int(row["places"]) if row["places"].strip() else None,
                    "is_demo": int(row["is_demo"] or 0),
                }
            except ValueError as err:
                raise SourceError(file=str(path), line=line, message=f"bad number: {err}") from err
            if parsed["jurisdiction"] not in region_ids:
                raise SourceError(file=str(path), line=line, message=f"unknown jurisdiction {parsed['jurisdiction']!r}")
            if parsed["district"] and parsed["district"] not in region_ids:
                raise SourceError(file=str(path), line=line, message=f"unknown district {parsed['district']!r}")
            if not parsed["name"]:
                raise SourceError(file=str(path), line=line, message="name is empty")
            rows.append(parsed)
    return rows


# ---------------------------------------------------------------- build

def build(*, root: Path = KNOWLEDGE_DIR, db_path: Path = store.DEFAULT_DB) -> BuildReport:
    """Parse, check and write the whole store; raise SourceError on any bad input."""
    started = time.perf_counter()
    db_path = Path(db_path)
    documents, clauses = load_documents(root=root)
    regions, aliases, place_rows = region_rows(root=root)
    region_ids = {r["id"] for r in regions}
    for meta in documents:
        if meta["jurisdiction"] not in region_ids:
            raise SourceError(file=str(root / "sources" / meta["file"]), line=0,
                              message=f"unknown jurisdiction {meta['jurisdiction']!r}")
    scopes = scope_rows(documents=documents, root=root, regions=regions)
    clause_text = {f"{c.doc_id}:{c.path}": c.text for c in clauses}
    facts = {t: fact_rows(root=root, table=t, clause_text=clause_text, region_ids=region_ids)
             for t in store.FACT_TABLES}
    qa_entries = qa.checked_entries(root=root, clause_text=clause_text, region_ids=region_ids)
    facilities = [row for path in sorted((root / "facilities").rglob("*.csv"))
                  for row in read_facility_csv(path=path, region_ids=region_ids)]

    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".knowledge-", suffix=".db", dir=db_path.parent)
    os.close(fd)
    tmp_path = Path(tmp_name)
    try:
        db = sqlite_utils.Database(tmp_path)
        store.create_schema(db=db)
        store.insert_rows(db=db, table="documents", rows=(document_row(m) for m in documents))
        store.insert_rows(db=db, table="regions", rows=regions)
        store.insert_rows(db=db, table="region_aliases", rows=aliases)
        store.insert_rows(db=db, table="document_scope", rows=scopes)
        store.insert_rows(db=db, table="places", rows=place_rows)
        store.insert_rows(db=db, table="clauses", rows=(
            {"id": f"{c.doc_id}:{c.path}", "doc_id": c.doc_id, "seq": seq, "path": c.path,
             "number": c.number, "heading": c.heading, "text": c.text, "kind": c.kind, "line": c.line}
            for seq, c in enumerate(clauses)))
        store.insert_rows(db=db, table="clause_units", rows=(
            {"clause_id": f"{c.doc_id}:{c.path}", "role": role, "seq": i, "unit": unit}
            for c in clauses
            for role, names in (("lead", c.lead_units), ("other", c.other_units))
            for i, unit in enumerate(names)))
        for table, rows in facts.items():
            store.insert_rows(db=db, table=table, rows=rows)
        store.insert_rows(db=db, table="facilities", rows=facilities)
        store.create_search_index(db=db)
        store.insert_search_rows(db=db, rows=(
            (f"{c.doc_id}:{c.path}", search.index_text(c.heading), search.index_text(c.text))
            for c in clauses))
        qa.write(db=db, entries=qa_entries)
        db.conn.commit()
        problems = store.integrity_problems(conn=db.conn)
        db.close()
        if problems:
            raise SourceError(file=str(db_path), line=0, message="; ".join(problems))
        os.replace(tmp_path, db_path)
    finally:
        tmp_path.unlink(missing_ok=True)

    return BuildReport(
        db_path=db_path, documents=len(documents), clauses=len(clauses),
        facts={t: len(rows) for t, rows in facts.items()}, regions=len(regions),
        facilities=len(facilities), qa=len(qa_entries), seconds=time.perf_counter() - started,
    )


def check(*, db_path: Path = store.DEFAULT_DB) -> list[str]:
    """Re-verify a built store: every fact's figure in its clause, no orphan rows."""
    conn = store.connect(path=db_path)
    problems = list(store.integrity_problems(conn=conn))
    for table in store.FACT_TABLES:
        for fact in store.all_facts(conn=conn, table=table):
            row = store.clause(conn=conn, clause_id=fact["clause_id"])
            found = fact_problems(table=table, fact=dict(fact), clause_text=row["text"] if row else None)
            found += [f"also_cites {c!r}: no such clause" for c in also_cited(dict(fact))
                      if store.clause(conn=conn, clause_id=c) is None]
            for problem in found:
                problems.append(f"{table} #{fact['id']}: {problem}")
    problems += qa.stored_problems(conn=conn)
    return problems


def today() -> str:
    return dt.date.today().isoformat()
