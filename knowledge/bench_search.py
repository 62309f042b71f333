"""Compare ways of indexing clause text for search, side by side in one run:
character bigrams (what the store uses), SQLite's trigram tokenizer, and words
segmented by pkuseg's default model. Prints a JSON line: hit@1/hit@3 on the test
queries and the time each index takes to build (segmenter load included).

    python -m knowledge.bench_search [--db build/knowledge.db] [--no-pkuseg]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path

from knowledge import search, store

QUERIES_FILE = Path(__file__).resolve().parent.parent / "tests" / "search_queries.tsv"


def load_queries() -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [(query, phrase) for query, phrase in rows]


def _index(texts: dict[str, str], tokenizer: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE idx USING fts5(clause_id UNINDEXED, body, tokenize='{tokenizer}')")
    conn.executemany("INSERT INTO idx VALUES (?, ?)", texts.items())
    return conn


def _rank(conn: sqlite3.Connection, terms: list[str], limit: int = 3) -> list[str]:
    terms = [t.replace('"', "") for t in terms if t.strip().replace('"', "")]
    if not terms:
        return []
    match = " OR ".join(f'"{t}"' for t in terms)
    return [r[0] for r in conn.execute(
        "SELECT clause_id FROM idx WHERE idx MATCH ? ORDER BY bm25(idx) LIMIT ?", (match, limit))]


def evaluate(name: str, rank, queries, clause_text) -> dict:
    hit1 = hit3 = 0
    for query, phrase in queries:
        ids = rank(query)
        hit1 += bool(ids) and phrase in clause_text[ids[0]]
        hit3 += any(phrase in clause_text[i] for i in ids[:3])
    return {"method": name, "hit@1": round(hit1 / len(queries), 3), "hit@3": round(hit3 / len(queries), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=store.DEFAULT_DB)
    parser.add_argument("--no-pkuseg", action="store_true")
    args = parser.parse_args(argv)
    conn = store.connect(path=args.db)
    clause_text = {r["id"]: r["text"] for d in store.documents(conn=conn)
                   for r in store.clauses_of(conn=conn, doc_id=d["id"])}
    queries = load_queries()
    results = []

    started = time.perf_counter()
    bigram = _index({cid: search.index_text(t) for cid, t in clause_text.items()}, "unicode61")
    seconds = time.perf_counter() - started
    results.append({**evaluate("bigram", lambda q: _rank(bigram, search.query_terms(q)), queries, clause_text),
                    "index_seconds": round(seconds, 3)})

    started = time.perf_counter()
    trigram = _index({cid: search.normalise(t) for cid, t in clause_text.items()}, "trigram")
    seconds = time.perf_counter() - started

    def trigram_terms(query: str) -> list[str]:
        flat = search.normalise(query)
        return [flat[i:i + 3] for i in range(max(0, len(flat) - 2))]

    results.append({**evaluate("trigram", lambda q: _rank(trigram, trigram_terms(q)), queries, clause_text),
                    "index_seconds": round(seconds, 3)})

    if not args.no_pkuseg:
        import spacy_pkuseg
        import importlib.util

        started = time.perf_counter()
        model_dir = Path(importlib.util.find_spec("pkuseg").origin).parent / "models" / "default"
        segmenter = spacy_pkuseg.pkuseg(str(model_dir))
        words = {cid: " ".join(segmenter.cut(search.normalise(t))) for cid, t in clause_text.items()}
        pkuseg_index = _index(words, "unicode61")
        seconds = time.perf_counter() - started

        def pkuseg_terms(query: str) -> list[str]:
            return [w for w in segmenter.cut(search.normalise(query))
                    if len(w) > 1 and w not in search._QUESTION_BIGRAMS]

        results.append({**evaluate("pkuseg", lambda q: _rank(pkuseg_index, pkuseg_terms(q)), queries, clause_text),
                        "index_seconds": round(seconds, 3)})
    print(json.dumps({"queries": len(queries), "results": results}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
