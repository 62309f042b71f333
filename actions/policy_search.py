"""Everything else: full-text search over clauses, one cited excerpt at a time."""
from __future__ import annotations

import re
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import answering, questions
from actions import knowledge_access as ka
from actions import templates
from actions.base import Answer, AnswerAction, answers
from knowledge import search, store

RESULTS = 5
# "中宁公积金贷款谁负责": who is responsible, whatever the NLU made of it.
ASKS_WHO_IS_RESPONSIBLE = re.compile(r"谁负责|哪个部门|什么部门|哪个单位负责|归谁管|归哪个部门|谁来管|谁管")
# A hit must contain at least this share of the query's terms (and 2 of them when the
# query has several): below it the answer would be a guess.
MIN_SHARE = 0.4


def strong_hits(query: str, place: Optional[str]) -> tuple[list[search.Hit], list[search.Hit]]:
    """(strong hits, all hits), the place's own documents first among equals."""
    conn = ka.connection()
    terms = search.query_terms(query)
    hits = search.search(conn=conn, query=query, limit=RESULTS * 2)
    needed = max(1 if len(terms) <= 2 else 2, round(MIN_SHARE * len(terms)))
    strong = [h for h in hits if h.matched_terms >= needed]
    region = ka.region_of(place) if place else None
    if region is not None:
        chain = {r.id for r in ka.gazetteer().chain(region.id)}
        strong.sort(key=lambda h: (ka.cite(h.clause_id)["jurisdiction"] not in chain, h.score))
    return strong[:RESULTS], hits


def show(reply: Answer, clause_id: str, snippet: str, more: bool, query: str = "",
         place: Optional[str] = None) -> None:
    cited = ka.cite(clause_id)
    chain = answering.place_chain(place)
    sentences = answering.matching_sentences(cited["text"], query) if query else []
    line = templates.clause_sentences(cited["title"], sentences) if sentences else \
        templates.search_answer(cited["heading"], snippet)
    if cited["jurisdiction"] != "china" and (chain is None or cited["jurisdiction"] not in chain):
        line = templates.applies_only_to(ka.display_name(cited["jurisdiction"]), line)
    reply.say(line)
    reply.cite(clause_id)
    if more:
        reply.buttons.append(templates.NEXT_RESULT_BUTTON)


@answers("ask_policy_general", "ask_education", "ask_childcare_policy")
class ActionSearchPolicy(AnswerAction, Action):
    def name(self) -> Text:
        return "action_search_policy"

    def respond(self, dispatcher, tracker: Tracker, intent: str):
        if ASKS_WHO_IS_RESPONSIBLE.search(tracker.latest_message.get("text") or ""):
            from actions.department import ActionAnswerDepartment

            return ActionAnswerDepartment().respond(dispatcher, tracker, "ask_department")
        return super().respond(dispatcher, tracker, intent)

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        query = tracker.latest_message.get("text") or ""
        strong, hits = strong_hits(query, ka.current_place(tracker))
        if not strong:
            topic = questions.topic_of(query)
            if topic in answering.DEPARTMENT_OF_TOPIC:
                office = templates.department(answering.DEPARTMENT_OF_TOPIC[topic])
            else:
                units = store.units(conn=ka.connection(), clause_id=hits[0].clause_id)["lead"] if hits else []
                office = units[0] if units else None
            reply.say(templates.search_not_found(office))
            reply.events.append(SlotSet("unanswered", query))
            return
        first, rest = strong[0], strong[1:]
        show(reply, first.clause_id, first.snippet, more=bool(rest), query=query, place=ka.current_place(tracker))
        reply.events.append(SlotSet("search_results", [f"{h.clause_id}\t{h.snippet}" for h in rest] or None))


class ActionNextResult(AnswerAction, Action):
    def name(self) -> Text:
        return "action_next_result"

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        remaining: List[str] = tracker.get_slot("search_results") or []
        if not remaining:
            reply.say(templates.no_more_results())
            return
        clause_id, snippet = remaining[0].split("\t", 1)
        show(reply, clause_id, snippet, more=len(remaining) > 1)
        reply.events.append(SlotSet("search_results", remaining[1:] or None))
