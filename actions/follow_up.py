"""Turns that lean on the last answer: "那我老公呢", "要多久", "哪个文件规定的"."""
from __future__ import annotations

from typing import Text

from rasa_sdk import Action, Tracker

from actions import knowledge_access as ka
from actions import templates
from actions.base import Answer, AnswerAction, answers


@answers("follow_up", "ask_source")
class ActionFollowUp(AnswerAction, Action):
    """`answer_turn` (run first by AnswerAction.respond) answers a follow-up or a source
    request; this only speaks when there is nothing to lean on."""

    def name(self) -> Text:
        return "action_follow_up"

    def respond(self, dispatcher, tracker: Tracker, intent: str):
        from actions.family_plan.form import answer_about_a_parent

        if intent == "follow_up":
            about_the_plan = answer_about_a_parent(dispatcher, tracker)   # "那我老公呢" after a plan
            if about_the_plan is not None:
                return about_the_plan
        return super().respond(dispatcher, tracker, intent)

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        cited = tracker.get_slot("cited_clauses")
        if intent == "ask_source" and cited and (tracker.latest_message.get("text") or "").startswith("/ask_source"):
            # The "更多来源" button: every source of the last answer, one line per clause.
            reply.say(templates.all_sources(ka.cites(cited)))
            reply.clause_ids = list(cited)   # still the last answer's sources (for "原文")
            reply.show_sources = False
            return
        reply.say(templates.follow_up_without_context() if intent == "follow_up"
                  else templates.source_without_answer())


@answers("out_of_scope")
class ActionOutOfScope(AnswerAction, Action):
    """A short turn the NLU calls out of scope ("什么时候发") is often a follow-up: it is
    answered as one when it leans on an answer; otherwise the polite out-of-scope reply."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        reply.say(templates.out_of_scope())
