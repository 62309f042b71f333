"""A document added with `python -m knowledge add` answers before anyone curates facts
from it: its best-matching clause is said first, cited, with the document's status.

Only documents no fact row or question-answer entry cites yet take part (once an editor
accepts facts from one, the usual answers carry it), and only where they govern: the
place asked about is inside their jurisdiction, or they are national.
"""
from __future__ import annotations

from typing import Optional

from actions import answering
from actions import knowledge_access as ka
from actions import templates
from actions.base import Answer
from knowledge import regions, search, store

# As the policy search: a clause must hold this share of the query's terms (2 at least).
MIN_SHARE = 0.4


def best_clause(text: str, *, place: Optional[str], as_of: Optional[str]) -> Optional[tuple[str, list[str]]]:
    """(clause id, its sentences that match) of an uncurated document governing `place`."""
    conn = ka.connection()
    documents = regions.uncurated_documents(conn=conn)
    if not documents or not text.strip():
        return None
    chain = set(answering.place_chain(place) or ["china"])
    versions = regions.versions(conn=conn)
    governing = {d["id"] for d in documents
                 if d["jurisdiction"] in chain and regions.in_force(d["id"], versions=versions, as_of=as_of)}
    if not governing:
        return None
    query = answering.search_text(text)   # place names out, the documents' words in
    terms = search.query_terms(query)
    needed = max(1 if len(terms) <= 2 else 2, round(MIN_SHARE * len(terms)))
    for hit in search.search(conn=conn, query=query, limit=60):
        if hit.matched_terms < needed:
            continue
        if hit.clause_id.split(":", 1)[0] in governing:
            cited = store.clause(conn=conn, clause_id=hit.clause_id)
            sentences = answering.matching_sentences(cited["text"], query)
            return hit.clause_id, sentences or [cited["heading"] + "。"]
    return None


def lead_with_new_document(text: str, *, place: Optional[str], reply: Answer) -> bool:
    """Say a newly added document's matching clause first; True when it did."""
    found = best_clause(text, place=place, as_of=ka.DATE_ASKED_ABOUT.get())
    if found is None:
        return False
    clause_id, sentences = found
    cited = ka.cite(clause_id)
    if clause_id in reply.clause_ids:
        return False
    reply.lead([templates.new_document_answer(cited["title"], sentences)], clause_id)
    return True
