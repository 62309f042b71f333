"""Full-text search over clauses.

Chinese has no spaces, so clause text is indexed as overlapping character bigrams
("出生一件事" -> "出生 生一 一件 件事") in an FTS5 unicode61 table. Bigrams match the
two-character words citizens type most (产假, 托育, 补贴), which a trigram tokenizer
cannot, and need no segmenter model at build time (pkuseg's model takes ~10 s to
load, the whole build budget). `make bench-search` measures this against trigrams.
"""
from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from knowledge import store

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_TOKEN = re.compile(r"[\u3400-\u9fff]+|[0-9a-z]+(?:\.[0-9]+)?")

# Bigrams of question words: they never help to find a clause and only add noise.
_QUESTION_BIGRAMS = frozenset(
    "怎么 么办 多少 什么 哪里 哪个 哪些 可以 能不 不能 是不 不是 请问 一下 的话 吗 呢 么样 怎样"
    " 如何 我想 想问 问一 问下 我们 咱们 俺们 有没 没有 能够 需要 要求 了解 知道 告诉 是否".split()
)


# The same clause texts are normalised at every search (and by the answers' sentence
# matching): each is worked out once. The function is pure, so a kept result is exact.
@functools.lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Full-width to half-width, lower case, whitespace removed between CJK characters."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", text)


def tokens(text: str) -> list[str]:
    """Index terms of a text: CJK bigrams (a lone character stays whole), latin/digit words."""
    terms: list[str] = []
    for run in _TOKEN.findall(normalise(text)):
        if _CJK_RUN.fullmatch(run) and len(run) > 1:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            terms.append(run)
    return terms


def index_text(text: str) -> str:
    """The space-separated form stored in the FTS table."""
    return " ".join(tokens(text))


def query_terms(query: str) -> list[str]:
    """Distinct search terms of a query, question words and single characters dropped."""
    seen: dict[str, None] = {}
    for term in tokens(query):
        if term in _QUESTION_BIGRAMS:
            continue
        if len(term) == 1 and not term.isdigit():
            continue
        seen.setdefault(term, None)
    return list(seen)


@dataclass(frozen=True)
class Hit:
    clause_id: str
    score: float          # bm25: lower is better (SQLite's convention)
    matched_terms: int    # how many distinct query terms the clause contains
    snippet: str


def search(*, conn: sqlite3.Connection, query: str, limit: int = 5) -> list[Hit]:
    """Ranked clauses for a citizen's query, each with a snippet around the best match."""
    terms = query_terms(query)
    if not terms:
        return []
    match = " OR ".join(f'"{term}"' for term in terms)
    hits = []
    for row in store.search_index(conn=conn, match=match, limit=limit):
        text = store.clause(conn=conn, clause_id=row["clause_id"])["text"]
        flat = normalise(text)
        present = [t for t in terms if t in flat]
        hits.append(
            Hit(
                clause_id=row["clause_id"],
                score=row["score"],
                matched_terms=len(present),
                snippet=snippet(text=text, terms=present),
            )
        )
    return hits


def snippet(*, text: str, terms: list[str], width: int = 80) -> str:
    """The `width`-character window of `text` holding the most query-term occurrences."""
    flat = normalise(text)
    if len(flat) <= width or not terms:
        return flat[:width] + ("…" if len(flat) > width else "")
    positions = sorted(m.start() for t in terms for m in re.finditer(re.escape(t), flat))
    if not positions:
        return flat[:width] + "…"
    best_start, best_count = positions[0], 0
    for i, start in enumerate(positions):
        count = sum(1 for p in positions[i:] if p < start + width)
        if count > best_count:
            best_start, best_count = start, count
    begin = max(0, min(best_start - 10, len(flat) - width))
    return ("…" if begin else "") + flat[begin : begin + width] + ("…" if begin + width < len(flat) else "")
