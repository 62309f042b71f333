"""Every SQL statement of the project: schema, writes used by the build, reads used by
actions. Queries take parameters, never formatted strings."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

import sqlite_utils

T = TypeVar("T")

DEFAULT_DB = Path(__file__).resolve().parent.parent / "build" / "knowledge.db"

# Columns per table; the build creates them in this order. Types follow sqlite-utils.
SCHEMA: dict[str, dict] = {
    "documents": {
        "columns": {
            "id": str, "file": str, "title": str, "issuer": str, "jurisdiction": str,
            "doc_number": str, "date": str, "date_note": str, "sort_date": str,
            "status": str, "superseded_by": str, "supersedes": str, "kind": str, "confidence": str,
            "publication": str, "source_url": str, "scope_note": str,
        },
        "pk": "id",
    },
    "clauses": {
        "columns": {
            "id": str, "doc_id": str, "seq": int, "path": str, "number": str,
            "heading": str, "text": str, "kind": str, "line": int,
        },
        "pk": "id",
        "foreign_keys": [("doc_id", "documents", "id")],
    },
    "clause_units": {
        "columns": {"clause_id": str, "role": str, "seq": int, "unit": str},
        "pk": ("clause_id", "role", "seq"),
        "foreign_keys": [("clause_id", "clauses", "id")],
    },
    "regions": {
        "columns": {"id": str, "name": str, "level": str, "parent": str, "depth": int},
        "pk": "id",
    },
    "region_aliases": {
        "columns": {"alias": str, "region_id": str},
        "pk": "alias",
        "foreign_keys": [("region_id", "regions", "id")],
    },
    # Where a document's rules may be given: a document listed here applies only to a
    # question about one of these regions (a district's draft is not a county's rule).
    # A document with no rows here applies to its jurisdiction and everything below it.
    "document_scope": {
        "columns": {"doc_id": str, "region_id": str},
        "pk": ("doc_id", "region_id"),
        "foreign_keys": [("doc_id", "documents", "id"), ("region_id", "regions", "id")],
    },
    # Every official division of China, towns included; region_id says
    # whose rules apply, NULL = not covered (knowledge/places.py).
    "places": {
        "columns": {"code": str, "name": str, "level": int, "parent": str, "region_id": str},
        "pk": "code",
        "foreign_keys": [("region_id", "regions", "id")],
    },
    "leave_rules": {
        "columns": {
            "id": int, "jurisdiction": str, "leave_type": str, "child_order": int,
            "days": int, "period": str, "until_child_age": int, "who": str,
            "conditions": str, "pay_note": str, "also_cites": str, "clause_id": str, "quote": str,
        },
        "pk": "id",
        "foreign_keys": [("clause_id", "clauses", "id"), ("jurisdiction", "regions", "id")],
    },
    "benefits": {
        "columns": {
            "id": int, "jurisdiction": str, "kind": str, "child_order": int,
            "amount_text": str, "value": float, "unit": str, "eligibility": str,
            "how_to_apply": str, "note": str, "is_goal": int, "deadline": str,
            "also_cites": str, "clause_id": str, "quote": str,
        },
        "pk": "id",
        "foreign_keys": [("clause_id", "clauses", "id"), ("jurisdiction", "regions", "id")],
    },
    "targets": {
        "columns": {
            "id": int, "jurisdiction": str, "indicator": str, "value_text": str,
            "value": float, "unit": str, "year": int, "note": str, "clause_id": str,
            "quote": str,
        },
        "pk": "id",
        "foreign_keys": [("clause_id", "clauses", "id"), ("jurisdiction", "regions", "id")],
    },
    "services": {
        "columns": {
            "id": int, "jurisdiction": str, "name": str, "kind": str, "description": str,
            "contact": str, "is_goal": int, "clause_id": str, "quote": str,
        },
        "pk": "id",
        "foreign_keys": [("clause_id", "clauses", "id"), ("jurisdiction", "regions", "id")],
    },
    "facilities": {
        "columns": {
            "id": int, "name": str, "jurisdiction": str, "district": str, "address": str,
            "latitude": float, "longitude": float, "type": str, "ages": str,
            "places": int, "phone": str, "source": str, "updated": str, "is_demo": int,
        },
        "pk": "id",
        "foreign_keys": [("jurisdiction", "regions", "id")],
    },
}

FACT_TABLES = ("leave_rules", "benefits", "targets", "services")
WILDCARD_WHEN_NULL = frozenset({"child_order"})


# ---------------------------------------------------------------- build side

def create_schema(*, db: sqlite_utils.Database) -> None:
    """Create every table (empty) in a new database."""
    for name, spec in SCHEMA.items():
        db[name].create(
            spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys", []),
            not_null={"id"} if "id" in spec["columns"] else set(),
        )
    db.execute("PRAGMA foreign_keys = ON")
    # The build writes a temporary file renamed into place only when complete: no need to
    # sync every inserted chunk (41 935 places would otherwise take seconds).
    db.execute("PRAGMA synchronous = OFF")


def insert_rows(*, db: sqlite_utils.Database, table: str, rows: Iterable[dict]) -> int:
    """Insert rows into a table created by create_schema; return how many."""
    rows = list(rows)
    if rows:
        db[table].insert_all(rows, alter=False)
    return len(rows)


def create_search_index(*, db: sqlite_utils.Database) -> None:
    """FTS5 over each clause's heading and pre-tokenised text (see knowledge.search)."""
    db.execute(
        "CREATE VIRTUAL TABLE clause_search USING fts5("
        "clause_id UNINDEXED, heading_tokens, text_tokens, tokenize = 'unicode61')"
    )


def insert_search_rows(*, db: sqlite_utils.Database, rows: Iterable[tuple[str, str, str]]) -> None:
    db.conn.executemany(
        "INSERT INTO clause_search (clause_id, heading_tokens, text_tokens) VALUES (?, ?, ?)",
        list(rows),
    )


def integrity_problems(*, conn: sqlite3.Connection) -> list[str]:
    """Orphan rows and failed foreign keys, as readable lines (empty when clean)."""
    problems = [
        f"{table} row {rowid}: its reference to {parent} points nowhere"
        for table, rowid, parent, _fk_id in conn.execute("PRAGMA foreign_key_check")
    ]
    orphan_docs = conn.execute(
        "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM clauses)"
    ).fetchall()
    problems += [f"document {doc_id} has no clauses" for (doc_id,) in orphan_docs]
    unindexed = conn.execute(
        "SELECT id FROM clauses WHERE id NOT IN (SELECT clause_id FROM clause_search)"
    ).fetchall()
    problems += [f"clause {clause_id} is not in the search index" for (clause_id,) in unindexed]
    return problems


# ---------------------------------------------------------------- read side

def connect(*, path: Path = DEFAULT_DB, read_only: bool = True) -> sqlite3.Connection:
    """Open the store. Read-only by default: actions never write to it."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"knowledge store not found: {path} (run `make knowledge`)")
    if read_only:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def count_rows(*, conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table, for the build report."""
    names = list(SCHEMA) + ["clause_search"]
    # Table names come from our own constant list, never from input.
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def documents(*, conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM documents ORDER BY kind, id").fetchall()


def clause(*, conn: sqlite3.Connection, clause_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM clauses WHERE id = ?", (clause_id,)).fetchone()


def clauses_of(*, conn: sqlite3.Connection, doc_id: str, kind: str | None = None) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM clauses WHERE doc_id = ? AND (? IS NULL OR kind = ?) ORDER BY seq",
        (doc_id, kind, kind),
    ).fetchall()


def clause_count_by_doc(*, conn: sqlite3.Connection) -> dict[tuple[str, str], int]:
    rows = conn.execute("SELECT doc_id, kind, count(*) FROM clauses GROUP BY doc_id, kind")
    return {(doc_id, kind): n for doc_id, kind, n in rows}


def units(*, conn: sqlite3.Connection, clause_id: str) -> dict[str, list[str]]:
    """{'lead': [...], 'other': [...]} for a clause, in printed order."""
    found: dict[str, list[str]] = {"lead": [], "other": []}
    for role, unit in conn.execute(
        "SELECT role, unit FROM clause_units WHERE clause_id = ? ORDER BY role, seq", (clause_id,)
    ):
        found[role].append(unit)
    return found


def citation(*, conn: sqlite3.Connection, clause_id: str) -> sqlite3.Row | None:
    """What an answer needs to cite a clause: the clause joined with its document."""
    return conn.execute(
        "SELECT c.id AS clause_id, c.path, c.number, c.heading, c.text, c.kind AS clause_kind,"
        " d.id AS doc_id, d.title, d.issuer, d.doc_number, d.date, d.date_note, d.status,"
        " d.superseded_by, d.supersedes, d.kind AS doc_kind, d.file AS doc_file, d.confidence, d.publication,"
        " d.jurisdiction,"
        " d.source_url, d.scope_note"
        " FROM clauses c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?",
        (clause_id,),
    ).fetchone()


def document_scopes(*, conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """{doc_id: regions it may be applied to} for the documents whose scope is limited."""
    scopes: dict[str, set[str]] = {}
    for doc_id, region_id in conn.execute("SELECT doc_id, region_id FROM document_scope"):
        scopes.setdefault(doc_id, set()).add(region_id)
    return {doc_id: frozenset(ids) for doc_id, ids in scopes.items()}


def regions(*, conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM regions ORDER BY depth, id").fetchall()


def region_aliases(*, conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT alias, region_id FROM region_aliases").fetchall()


def database_file(*, conn: sqlite3.Connection) -> str:
    """The file a connection reads ('' for an in-memory database)."""
    return conn.execute("PRAGMA database_list").fetchone()[2] or ""


def per_store(cache: dict, *, conn: sqlite3.Connection, build: Callable[[sqlite3.Connection], T], most: int = 4) -> T:
    """What `build` makes of a store, made once per store file as long as the file is
    unchanged (every connection to it shares it; a rebuilt file is a new key), else once per
    in-memory connection (the entry holds the connection, so its id is not reused meanwhile)."""
    path = database_file(conn=conn)
    if path and os.path.exists(path):
        stat = os.stat(path)
        key: object = (path, stat.st_mtime_ns, stat.st_size)
    else:
        key = id(conn)
    if key not in cache:
        with _BUILDING:   # a start-up warm-up and the first request build it once, not twice
            if key not in cache:
                if len(cache) >= most:
                    cache.pop(next(iter(cache)))
                cache[key] = (conn, build(conn))
    return cache[key][1]


_BUILDING = threading.RLock()


def places(*, conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT code, name, level, parent, region_id FROM places ORDER BY code").fetchall()


def facts_in(
    *, conn: sqlite3.Connection, table: str, jurisdictions: Sequence[str], **filters: object
) -> list[sqlite3.Row]:
    """Fact rows of `table` whose jurisdiction is one of `jurisdictions`, joined with the
    status and date of their source. `filters` are equality tests on the fact's columns
    (a None value means "no filter")."""
    if table not in FACT_TABLES:
        raise ValueError(f"not a fact table: {table}")
    columns = SCHEMA[table]["columns"]
    unknown = set(filters) - set(columns)
    if unknown:
        raise ValueError(f"unknown column(s) for {table}: {sorted(unknown)}")
    placeholders = ", ".join("?" for _ in jurisdictions)
    # Table and column names are checked against SCHEMA above; values are parameters.
    sql = (
        f'SELECT f.*, d.id AS doc_id, d.status AS doc_status, d.sort_date, d.confidence'
        f' FROM "{table}" f JOIN clauses c ON c.id = f.clause_id'
        f" JOIN documents d ON d.id = c.doc_id"
        f" WHERE f.jurisdiction IN ({placeholders})"
    )
    params: list[object] = list(jurisdictions)
    for column, value in filters.items():
        if value is None:
            continue
        if column in WILDCARD_WHEN_NULL:
            # A rule for "any child" (NULL) also answers a question about the 3rd child.
            sql += f' AND (f."{column}" = ? OR f."{column}" IS NULL)'
        else:
            sql += f' AND f."{column}" = ?'
        params.append(value)
    sql += " ORDER BY f.id"
    return conn.execute(sql, params).fetchall()


def all_facts(*, conn: sqlite3.Connection, table: str) -> list[sqlite3.Row]:
    if table not in FACT_TABLES:
        raise ValueError(f"not a fact table: {table}")
    return conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()


def search_index(*, conn: sqlite3.Connection, match: str, limit: int) -> list[sqlite3.Row]:
    """Clauses matching an FTS5 expression, best first (bm25; the heading weighs more)."""
    return conn.execute(
        "SELECT clause_id, bm25(clause_search, 0.0, 3.0, 1.0) AS score"
        " FROM clause_search WHERE clause_search MATCH ? ORDER BY score LIMIT ?",
        (match, limit),
    ).fetchall()


def facilities(
    *, conn: sqlite3.Connection, jurisdictions: Sequence[str] | None = None,
    district: str | None = None,
) -> list[sqlite3.Row]:
    """Facilities, optionally limited to jurisdictions and/or a district id."""
    sql = "SELECT * FROM facilities WHERE 1 = 1"
    params: list[object] = []
    if jurisdictions is not None:
        sql += f" AND jurisdiction IN ({', '.join('?' for _ in jurisdictions)})"
        params += list(jurisdictions)
    if district is not None:
        sql += " AND district = ?"
        params.append(district)
    return conn.execute(sql + " ORDER BY is_demo, id", params).fetchall()


def insert_facilities(*, conn: sqlite3.Connection, rows: Sequence[dict]) -> int:
    """Append imported facility rows (the import-facilities command)."""
    columns = [c for c in SCHEMA["facilities"]["columns"] if c != "id"]
    conn.executemany(
        f"INSERT INTO facilities ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [[row.get(c) for c in columns] for row in rows],
    )
    conn.commit()
    return len(rows)


def delete_facilities_from(*, conn: sqlite3.Connection, source: str) -> int:
    """Remove earlier imports of the same file so re-importing does not duplicate rows."""
    cursor = conn.execute("DELETE FROM facilities WHERE source = ?", (source,))
    return cursor.rowcount


def document_title(*, conn: sqlite3.Connection, doc_id: str) -> str | None:
    row = conn.execute("SELECT title FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row["title"] if row else None


def document(*, conn: sqlite3.Connection, doc_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()


def versions(*, conn: sqlite3.Connection) -> dict[str, tuple[str | None, str | None]]:
    """{doc_id: (in force from, in force until)} for documents that replace another
    (`supersedes`, from their own date) or are replaced (until their successor's date).

    A replaced document keeps answering, flagged as replaced, until facts are curated from
    its successor: dropping its rows sooner would fall back to a wider place's figure."""
    uncurated = {row["id"] for row in uncurated_documents(conn=conn)}
    spans: dict[str, list[str | None]] = {}
    for new_id, old_id, date in conn.execute(
        "SELECT id, supersedes, coalesce(date, sort_date) FROM documents WHERE supersedes IS NOT NULL"
    ):
        spans.setdefault(new_id, [None, None])[0] = date
        if new_id not in uncurated:
            spans.setdefault(old_id, [None, None])[1] = date
    return {doc_id: (span[0], span[1]) for doc_id, span in spans.items()}


def successor(*, conn: sqlite3.Connection, doc_id: str) -> sqlite3.Row | None:
    """The document that replaces `doc_id` as a whole (its `supersedes`), if any."""
    return conn.execute("SELECT * FROM documents WHERE supersedes = ? ORDER BY sort_date DESC LIMIT 1",
                        (doc_id,)).fetchone()


def uncurated_documents(*, conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Documents added with `knowledge add` (file under added/) that no fact row and no
    question-answer entry cites yet: they answer through their clauses."""
    return conn.execute(
        "SELECT d.* FROM documents d WHERE d.file LIKE 'added/%'"
        " AND NOT EXISTS (SELECT 1 FROM clauses c WHERE c.doc_id = d.id AND ("
        "   c.id IN (SELECT clause_id FROM leave_rules UNION SELECT clause_id FROM benefits"
        "            UNION SELECT clause_id FROM targets UNION SELECT clause_id FROM services"
        "            UNION SELECT clause_id FROM qa_clauses)))"
        " ORDER BY d.sort_date DESC, d.id"
    ).fetchall()


def clauses_mentioning(*, conn: sqlite3.Connection, phrase: str, limit: int = 5) -> list[sqlite3.Row]:
    """Clauses whose text contains a phrase verbatim, in document order."""
    return conn.execute(
        "SELECT * FROM clauses WHERE instr(text, ?) > 0 ORDER BY seq LIMIT ?", (phrase, limit)
    ).fetchall()


# ---------------------------------------------------------------- question-answer table (knowledge/qa.py)

QA_SCHEMA: dict[str, dict] = {
    "qa": {
        "columns": {
            "id": str, "topic": str, "facet": str, "jurisdiction": str, "valid_from": str,
            "valid_until": str, "answer": str, "parts": str, "file": str, "line": int,
        },
        "pk": "id",
        "foreign_keys": [("jurisdiction", "regions", "id")],
    },
    "qa_questions": {
        "columns": {"entry_id": str, "seq": int, "question": str},
        "pk": ("entry_id", "seq"),
        "foreign_keys": [("entry_id", "qa", "id")],
    },
    "qa_clauses": {
        "columns": {"entry_id": str, "seq": int, "clause_id": str},
        "pk": ("entry_id", "seq"),
        "foreign_keys": [("entry_id", "qa", "id"), ("clause_id", "clauses", "id")],
    },
}


def create_qa_schema(*, db: sqlite_utils.Database, foreign_keys: bool = True) -> None:
    """The question-answer tables and the FTS5 index over their paraphrases. Without
    foreign keys for a scratch database that holds no clauses (the matcher evaluation)."""
    for name, spec in QA_SCHEMA.items():
        db[name].create(spec["columns"], pk=spec["pk"],
                        foreign_keys=spec.get("foreign_keys", []) if foreign_keys else [])
    db.execute(
        "CREATE VIRTUAL TABLE qa_search USING fts5("
        "entry_id UNINDEXED, seq UNINDEXED, question_tokens, tokenize = 'unicode61')"
    )


def insert_qa_search_rows(*, db: sqlite_utils.Database, rows: Iterable[tuple[str, int, str]]) -> None:
    db.conn.executemany(
        "INSERT INTO qa_search (entry_id, seq, question_tokens) VALUES (?, ?, ?)", list(rows)
    )


def qa_search(
    *, conn: sqlite3.Connection, match: str, jurisdictions_json: str | None, limit: int
) -> list[sqlite3.Row]:
    """Paraphrases matching an FTS5 expression with their entry's topic, facet and place,
    best (lowest bm25) first, optionally only of entries whose jurisdiction is in a JSON
    list. Without the answers (qa_answers): a common word matches a thousand paraphrases,
    and sorting them with their answer's text took a third of the search."""
    return conn.execute(
        "SELECT s.entry_id, s.seq, bm25(qa_search) AS score, q.topic, q.facet, q.jurisdiction"
        " FROM qa_search s JOIN qa q ON q.id = s.entry_id"
        " WHERE qa_search MATCH ? AND (? IS NULL OR q.jurisdiction IN (SELECT value FROM json_each(?)))"
        " ORDER BY score LIMIT ?",
        (match, jurisdictions_json, jurisdictions_json, limit),
    ).fetchall()


def qa_answers(*, conn: sqlite3.Connection, entry_ids: Sequence[str]) -> dict[str, str]:
    """The answers of some entries, by entry id."""
    rows = conn.execute("SELECT id, answer FROM qa WHERE id IN (SELECT value FROM json_each(?))",
                        (json.dumps(list(entry_ids)),))
    return {entry_id: answer for entry_id, answer in rows}


def qa_search_rows(*, conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every indexed paraphrase and answer with its entry's topic, facet and place, in the
    full-text index's row order (knowledge.qa.QASearchIndex, the same search in memory)."""
    return conn.execute(
        "SELECT s.rowid, s.entry_id, s.seq, s.question_tokens, q.topic, q.facet, q.jurisdiction"
        " FROM qa_search s JOIN qa q ON q.id = s.entry_id ORDER BY s.rowid"
    ).fetchall()


def qa_index_rows(*, conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(entry id, indexed tokens) of every indexed paraphrase and answer."""
    return [(entry_id, tokens) for entry_id, tokens in
            conn.execute("SELECT entry_id, question_tokens FROM qa_search ORDER BY entry_id, seq")]


def qa_entry(*, conn: sqlite3.Connection, entry_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM qa WHERE id = ?", (entry_id,)).fetchone()


def qa_entry_ids(*, conn: sqlite3.Connection) -> list[str]:
    return [entry_id for (entry_id,) in conn.execute("SELECT id FROM qa ORDER BY id")]


def qa_clause_ids(*, conn: sqlite3.Connection, entry_id: str) -> list[str]:
    rows = conn.execute("SELECT clause_id FROM qa_clauses WHERE entry_id = ? ORDER BY seq", (entry_id,))
    return [clause_id for (clause_id,) in rows]


def qa_clause_ids_of(*, conn: sqlite3.Connection, entry_ids: Sequence[str]) -> dict[str, list[str]]:
    """qa_clause_ids of several entries in one query: {entry id: its clause ids in order}
    (an entry citing no clause is left out)."""
    clause_ids: dict[str, list[str]] = {}
    for entry_id, clause_id in conn.execute(
        "SELECT entry_id, clause_id FROM qa_clauses WHERE entry_id IN (SELECT value FROM json_each(?))"
        " ORDER BY entry_id, seq",
        (json.dumps(list(entry_ids)),),
    ):
        clause_ids.setdefault(entry_id, []).append(clause_id)
    return clause_ids


def qa_questions(*, conn: sqlite3.Connection, entry_id: str) -> list[str]:
    rows = conn.execute("SELECT question FROM qa_questions WHERE entry_id = ? ORDER BY seq", (entry_id,))
    return [question for (question,) in rows]


def qa_counts(*, conn: sqlite3.Connection) -> dict[str, int]:
    """Rows of the question-answer tables, for the build report and tests."""
    return {
        "qa": conn.execute("SELECT count(*) FROM qa").fetchone()[0],
        "qa_questions": conn.execute("SELECT count(*) FROM qa_questions").fetchone()[0],
        "qa_clauses": conn.execute("SELECT count(*) FROM qa_clauses").fetchone()[0],
        "qa_search": conn.execute("SELECT count(*) FROM qa_search").fetchone()[0],
    }


def qa_entries_of(*, conn: sqlite3.Connection, topic: str, facet: str,
                  jurisdictions_json: str | None) -> list[sqlite3.Row]:
    """Entries of one topic and facet (a follow-up such as "要多久" names no other words),
    optionally only those of the jurisdictions in a JSON list."""
    return conn.execute(
        "SELECT id AS entry_id, topic, facet, jurisdiction, answer FROM qa"
        " WHERE topic = ? AND facet = ? AND (? IS NULL OR jurisdiction IN (SELECT value FROM json_each(?)))"
        " ORDER BY id",
        (topic, facet, jurisdictions_json, jurisdictions_json),
    ).fetchall()


# ---------------------------------------------------------------- staff view (`make staff`, bot/ops/staff.py)

# Datasette's canned queries over the store: named parameters (:place), never formatted
# strings. Column aliases are Chinese because staff read them as headings in the browser.
STAFF_FACTS_BY_PLACE_SQL = """
WITH RECURSIVE asked(id) AS (
  SELECT id FROM regions WHERE id = :place OR name = :place
  UNION SELECT region_id FROM region_aliases WHERE alias = :place
  UNION SELECT region_id FROM places WHERE name = :place AND region_id IS NOT NULL
),
chain(id, step) AS (
  SELECT id, 0 FROM asked
  UNION SELECT r.parent, chain.step + 1 FROM chain JOIN regions r ON r.id = chain.id
  WHERE r.parent IS NOT NULL AND r.parent != ''
),
facts(table_order, fact_table, fact_id, jurisdiction, item, child_order, figure, clause_id, quote) AS (
  SELECT 1, 'leave_rules', id, jurisdiction, leave_type, child_order, days || '天', clause_id, quote FROM leave_rules
  UNION ALL
  SELECT 2, 'benefits', id, jurisdiction, kind, child_order, amount_text, clause_id, quote FROM benefits
  UNION ALL
  SELECT 3, 'targets', id, jurisdiction, indicator, NULL, value_text, clause_id, quote FROM targets
  UNION ALL
  SELECT 4, 'services', id, jurisdiction, name, NULL, kind, clause_id, quote FROM services
)
SELECT r.name AS 适用地区, f.jurisdiction AS 地区编号, min(chain.step) AS 层级,
       f.fact_table AS 事实表, f.fact_id AS 行号, f.item AS 项目, f.child_order AS 孩次,
       f.figure AS 数值, f.clause_id AS 条款编号, f.quote AS 原文摘录,
       d.title AS 文件标题, d.status AS 文件状态,
       (SELECT group_concat(s.region_id, ', ') FROM document_scope s WHERE s.doc_id = d.id) AS 文件限定范围
FROM facts f
JOIN chain ON chain.id = f.jurisdiction
JOIN regions r ON r.id = f.jurisdiction
JOIN clauses c ON c.id = f.clause_id
JOIN documents d ON d.id = c.doc_id
GROUP BY f.fact_table, f.fact_id
ORDER BY 层级, f.table_order, f.fact_id
"""

# A clause counts as cited when a fact row names it in clause_id or in also_cites (which
# the build stores as "id, id, ...").
STAFF_CLAUSES_WITHOUT_FACTS_SQL = """
WITH cited(clause_id) AS (
  SELECT clause_id FROM leave_rules UNION SELECT clause_id FROM benefits
  UNION SELECT clause_id FROM targets UNION SELECT clause_id FROM services
),
also(list) AS (
  SELECT also_cites FROM leave_rules WHERE also_cites IS NOT NULL
  UNION SELECT also_cites FROM benefits WHERE also_cites IS NOT NULL
)
SELECT d.id AS 文件编号, d.title AS 文件标题,
       count(*) OVER (PARTITION BY d.id) AS 该文件未引用条款数,
       c.id AS 条款编号, c.number AS 序号, c.heading AS 标题, c.kind AS 条款类型,
       substr(c.text, 1, 60) AS 条文开头
FROM clauses c JOIN documents d ON d.id = c.doc_id
WHERE c.id NOT IN (SELECT clause_id FROM cited WHERE clause_id IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM also WHERE instr(', ' || also.list || ', ', ', ' || c.id || ', ') > 0)
ORDER BY d.kind, d.id, c.seq
"""

STAFF_QUERIES: dict[str, dict] = {
    "facts_by_place": {
        "title": "按地区查看事实",
        "description": "输入地区编号或名称（如 baotou、包头、包头市），列出该地区及其上级地区"
                       "（层级 0 = 本地区，1 = 上一级……）在休假、补贴、目标、服务四张事实表中的全部行，"
                       "附条款编号、原文摘录和文件标题。这里列出的是候选规则，"
                       "助手回答时还会按文件状态、日期和限定范围取舍。",
        "sql": STAFF_FACTS_BY_PLACE_SQL,
        "params": ["place"],
    },
    "clauses_without_facts": {
        "title": "没有事实引用的条款",
        "description": "没有任何事实行（clause_id 或 also_cites）引用的条款，按文件分组、按条款顺序排列："
                       "可能有待摘录的数字或规定。",
        "sql": STAFF_CLAUSES_WITHOUT_FACTS_SQL,
        "params": [],
    },
}


def staff_query(*, conn: sqlite3.Connection, name: str, params: dict[str, object] | None = None) -> list[sqlite3.Row]:
    """Rows of one of STAFF_QUERIES, as Datasette runs it (checks the SQL in tests)."""
    return conn.execute(STAFF_QUERIES[name]["sql"], params or {}).fetchall()


# The review candidates (knowledge/facts/review/*.yml) go to a separate small database:
# the store is immutable in the staff view, and candidates may carry any keys.
STAFF_REVIEW_TABLE = "candidates"
STAFF_REVIEW_FIRST_COLUMNS = ("_file", "_item", "_group", "table", "jurisdiction", "clause", "quote")


def write_review_candidates(*, db: sqlite_utils.Database, rows: Sequence[dict]) -> int:
    """(Re)create the candidates table: the usual columns first, then every other key in
    the order first seen; an empty table when there are no rows."""
    extra = list(dict.fromkeys(k for row in rows for k in row if k not in STAFF_REVIEW_FIRST_COLUMNS))
    columns = {name: str for name in STAFF_REVIEW_FIRST_COLUMNS}
    for name in extra:
        values = [row[name] for row in rows if row.get(name) is not None]
        kinds = {type(v) for v in values}
        columns[name] = int if kinds == {int} else float if kinds and kinds <= {int, float} else str
    db[STAFF_REVIEW_TABLE].create(columns, replace=True)
    if rows:
        db[STAFF_REVIEW_TABLE].insert_all(({c: row.get(c) for c in columns} for row in rows), alter=False)
    return len(rows)
