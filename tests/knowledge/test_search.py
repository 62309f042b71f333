"""Full-text search: realistic citizen queries find the clause that answers them."""
from __future__ import annotations

import pytest

from knowledge import search, store
from knowledge.bench_search import load_queries

# (query as a citizen types it, a phrase the right clause must contain), shared with the bench.
QUERIES = load_queries()


@pytest.mark.parametrize("query, phrase", QUERIES)
def test_query_finds_a_clause_with_the_phrase_in_top_three(conn, query, phrase):
    hits = search.search(conn=conn, query=query, limit=3)
    texts = [store.clause(conn=conn, clause_id=h.clause_id)["text"] for h in hits]
    assert any(phrase in text for text in texts), (query, [h.clause_id for h in hits])


def test_snippet_shows_the_matched_phrase(conn):
    hit = search.search(conn=conn, query="出生一件事", limit=1)[0]
    assert "出生一件事" in hit.snippet
    assert len(hit.snippet) <= 82


def test_question_words_alone_find_nothing(conn):
    assert [] == search.search(conn=conn, query="怎么办？多少？")


@pytest.mark.parametrize("query", ["", "   ", "😀😀", "'; DROP TABLE clauses; --", '"OR" NEAR(', "a" * 10000])
def test_odd_queries_do_not_raise(conn, query):
    search.search(conn=conn, query=query)


def test_bigrams_of_a_clause():
    assert ["出生", "生一", "一件", "件事"] == search.tokens("出生一件事")
    assert ["3", "岁以", "以下"] == search.tokens("３岁以下")
