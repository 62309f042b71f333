"""Handoff to people, feedback, and resuming a question once the place is known."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_access as ka
from actions import questions as qs
from actions import templates
from actions.base import HANDLERS, STAFF_CHANNELS, Answer, AnswerAction, ask_which_place

# Who to call, by the topic of the last question (the documents' lead units).
DEPARTMENT_FOR_INTENT = {
    "ask_leave": "当地人力资源和社会保障部门", "ask_leave_dates": "当地人力资源和社会保障部门",
    "ask_subsidy_apply": "当地卫生健康部门", "ask_subsidy_amount": "当地卫生健康部门",
    "ask_subsidy_eligibility": "当地卫生健康部门", "ask_tax_deduction": "当地税务部门",
    "ask_maternity_insurance": "当地医疗保障部门", "ask_housing": "当地住房和城乡建设部门或住房公积金中心",
    "ask_childcare_find": "当地卫生健康部门", "ask_childcare_policy": "当地卫生健康部门",
    "ask_education": "当地教育部门",
}


class ActionHandoff(AnswerAction, Action):
    """Who to ask in person. A message the NLU reads as a wish for a person but that asks a
    point of policy ("赛罕区卫健委电话多少", "公司以怀孕为由让我走人 可以吗") is answered first."""

    def name(self) -> Text:
        return "action_handoff"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if asks_a_point(text, tracker):
            return super().respond(dispatcher, tracker, intent)
        self.answer(tracker, intent, reply := Answer())
        return reply.send(dispatcher)

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        reply.say(templates.handoff(DEPARTMENT_FOR_INTENT.get(tracker.get_slot("last_intent") or "")))


def asks_a_point(text: str, tracker: Tracker) -> bool:
    """A topic, a place or an employer's act is named: a question, not only a wish for a person."""
    from actions import questions as qs

    named_place = ka.gazetteer().places.resolve_text(text).kind != "unknown"
    topic = qs.topic_of_words(text)
    if topic == "contacts" and not named_place:
        return False   # "有电话吗我想问人": a person, not a place's list of numbers
    # "我跟老公一人一半可以吗" after the tax deduction: a point of the last answer.
    return bool(topic or named_place or qs.facet_of(text) == "rights" or leans_on_last_answer(text, tracker))


def leans_on_last_answer(text: str, tracker: Tracker) -> bool:
    """A short turn asking a point of the last answer ("要交什么材料", "多久到账")."""
    from actions import questions as qs

    return bool(tracker.get_slot("last_question")) and qs.facet_of(text) in _POINTS_OF_AN_ANSWER


class ActionCapabilities(AnswerAction, Action):
    """"你能干啥" gets the list of what can be asked. A short turn the NLU takes for that but
    that asks a point of the last answer ("要交什么材料") or names a topic is answered."""

    def name(self) -> Text:
        return "action_capabilities"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[EventType]:
        from actions import questions as qs

        text = tracker.latest_message.get("text") or ""
        if leans_on_last_answer(text, tracker) or qs.topic_of_words(text):
            return super().respond(dispatcher, tracker, intent)
        dispatcher.utter_message(response="utter_bot_capabilities")
        return []

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        reply.say(templates.not_understood())


# Points a short turn can ask of the last answer ("要交什么材料", "多久到账"); not "apply" or
# "eligibility", which "这个小程序能干嘛用" and "你能回答内蒙古的吗" also read as.
_POINTS_OF_AN_ANSWER = {"materials", "review_time", "payment_time", "deadline", "amount", "counting",
                        "special_case", "rights", "split_transfer"}


class ActionFeedback(Action):
    """Stores the verdict as the `helpful` slot: `make report` reads it from the tracker store."""

    def name(self) -> Text:
        return "action_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if _ASKS_A_QUESTION.search(text) and not _ABOUT_THE_ANSWER.search(text):
            # "一般几月份打钱" is a question, not a verdict on the last answer.
            from actions.follow_up import ActionFollowUp

            return ActionFollowUp().respond(dispatcher, tracker, "follow_up")
        helpful = next(tracker.get_latest_entity_values("helpful"), None)
        if helpful is None:
            text = (tracker.latest_message.get("text") or "")
            helpful = "no" if any(w in text for w in ("没", "不", "错", "差", "👎", "无用", "垃圾")) else "yes"
        dispatcher.utter_message(text=templates.feedback_thanks(helpful))
        return [SlotSet("helpful", helpful)]


# A question (how many, when, where …), and words that judge an answer.
_ASKS_A_QUESTION = re.compile(r"[?？]|几|多少|什么时候|啥时候|怎么|哪|能不能|可以吗|吗\s*$|呢\s*$")
_ABOUT_THE_ANSWER = re.compile(r"回答|答案|帮助|有用|没用|不对|不准|说错|答非所问")


def implied_question(tracker: Tracker) -> str | None:
    """A bare "锡林郭勒盟三胎产假" is a question, not just an answer: what it names says which."""
    names = {e.get("entity") for e in tracker.latest_message.get("entities", []) or []}
    if names & {"leave_type", "child_order"}:
        return "ask_leave"
    if "benefit" in names:
        benefit = ka.latest_entity(tracker, "benefit")
        return "ask_subsidy_amount" if benefit in ("育儿补贴", "育儿补贴金", "生育补贴") else "ask_housing" \
            if benefit in ("公积金", "公租房", "购房补贴") else "ask_maternity_insurance"
    if "date" in names and tracker.get_slot("last_intent") == "ask_leave_dates":
        return "ask_leave_dates"
    return None


class ActionResume(Action):
    """After the bot asked for a place or a date, answer the question that was waiting."""

    def name(self) -> Text:
        return "action_resume"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        pending = tracker.get_slot("pending_intent")
        if not pending:   # "那呼市呢" / "那二孩呢" after an answer: a follow-up, not a bare place
            from actions import answering

            if ask_which_place(dispatcher, ka.place_of_turn(tracker),
                               staff=tracker.get_latest_input_channel() in STAFF_CHANNELS):
                waiting = implied_question(tracker) or answering.intent_of_turn(tracker)
                return [SlotSet("pending_intent", waiting)] if waiting else []
            text = tracker.latest_message.get("text") or ""
            # "我是包头的" before any question: the place is noted, not searched for.
            only_a_place = answering.last_question(tracker) is None and not qs.topic_of(text) \
                and not qs.specific_terms(qs.without_places(text))
            routed = None if only_a_place else answering.answer_turn(tracker, "inform")
            if routed is not None:
                return routed.send(dispatcher, staff=tracker.get_latest_input_channel() in STAFF_CHANNELS)
        pending = pending or implied_question(tracker)
        handler = HANDLERS.get(pending or "")
        if handler is None:
            if ask_which_place(dispatcher, ka.place_of_turn(tracker),
                               staff=tracker.get_latest_input_channel() in STAFF_CHANNELS):
                return []
            place = ka.current_place(tracker)
            if place and ka.region_of(place) is None:
                dispatcher.utter_message(text=templates.not_covered(ka.display_name(place)))
            elif place:
                dispatcher.utter_message(text=templates.place_noted(ka.display_name(place)))
            else:
                dispatcher.utter_message(text=templates.not_understood())
            return [SlotSet("region", place)] if place else []
        return handler().respond(dispatcher, tracker, pending)
