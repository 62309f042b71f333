"""What every answering action shares: error handling, the "ask for the place once"
step, the feedback buttons and the record of cited clauses."""
from __future__ import annotations

import logging
import re
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_access as ka
from actions import questions, templates

from bot.privacy import install_log_masking

logger = logging.getLogger(__name__)
install_log_masking()   # the action server logs no phone or ID-card number

# Staff test with `make shell` (Rasa's cmdline channel): answers also show clause ids.
STAFF_CHANNELS = {"cmdline"}

# intent -> the action class that answers it (filled by @answers)
HANDLERS: Dict[str, type] = {}


def answers(*intents: str) -> Callable[[type], type]:
    def register(cls: type) -> type:
        for intent in intents:
            HANDLERS[intent] = cls
        return cls
    return register


class Answer:
    """An answer being built: text lines, cited clause ids and slot events."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.clause_ids: List[str] = []
        self.events: List[EventType] = []
        self.buttons: List[Dict[str, str]] = []
        self.factual = False
        self.entry_topic: Optional[str] = None   # the topic of the question-answer entry said first
        self.show_sources = True   # False when the text itself lists them ("更多来源")

    def say(self, text: Optional[str]) -> None:
        if text:
            self.lines.append(text)

    def cite(self, *clause_ids: str) -> None:
        for clause_id in clause_ids:
            if clause_id not in self.clause_ids:
                self.clause_ids.append(clause_id)
        self.factual = True

    def lead(self, lines: List[str], *clause_ids: str) -> None:
        """Put `lines` first, and their clauses first among the sources (in the order given)."""
        self.lines[:0] = lines
        for clause_id in reversed(clause_ids):
            if clause_id in self.clause_ids:
                self.clause_ids.remove(clause_id)
            self.clause_ids.insert(0, clause_id)
        self.factual = True

    def send(self, dispatcher: CollectingDispatcher, *, staff: bool = False) -> List[EventType]:
        if not self.lines:   # never an empty reply
            self.lines.append(templates.nothing_found())
        # Quoted clauses keep the documents' spacing ("各 10 天"): not worth showing.
        text = _SPACE_AROUND_DIGITS.sub("", "\n".join(self.lines))
        buttons = list(self.buttons) + (templates.FEEDBACK_BUTTONS if self.factual else [])
        if self.clause_ids and self.show_sources:
            documents = templates.source_documents(ka.cites(self.clause_ids))
            text += "\n" + templates.sources_block(documents)
            if len(documents) > templates.MAX_SOURCE_LINES:
                buttons.insert(len(self.buttons), templates.MORE_SOURCES_BUTTON)
        if staff:   # staff type the next question: no buttons; every clause id stays
            text, buttons = templates.with_staff_ids(text, self.clause_ids), []
        dispatcher.utter_message(text=text, buttons=buttons or None)
        return self.events + [SlotSet("cited_clauses", self.clause_ids or None)]


_SPACE_AROUND_DIGITS = re.compile(r"(?<=[\u3400-\u9fff])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[\u3400-\u9fff])")


class AnswerAction:
    """Mixin for question-answering actions: `class X(AnswerAction, Action)` implements
    `name` and `answer`. (Not an Action itself, so the SDK does not register it.)"""

    #: Whether the answer depends on where the citizen is.
    needs_place = False

    def name(self) -> Text:
        raise NotImplementedError

    def place_needed(self, intent: str) -> bool:
        return self.needs_place

    def place_matters(self, intent: str) -> bool:
        """Whether a shared place name (白云区) must be settled before answering."""
        return self.place_needed(intent)

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        return self.respond(dispatcher, tracker, intent)

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[EventType]:
        from actions import answering, birth_dates, new_documents   # they build on Answer, defined here

        text = tracker.latest_message.get("text") or ""
        staff = tracker.get_latest_input_channel() in STAFF_CHANNELS

        def finish(reply: Answer) -> List[EventType]:
            place = ka.current_place(tracker)
            answering.add_stated_conditions(text, reply=reply, place=place)
            answering.say_if_time_not_stated(text, reply=reply)
            new_documents.lead_with_new_document(text, place=place, reply=reply)
            return reply.send(dispatcher, staff=staff) + [SlotSet("pending_intent", None), SlotSet("last_intent", intent)]

        try:
            # The store's file checked once for the whole turn; each text read once.
            with ka.turn_connection(), questions.readings_kept_for_the_turn():
                ka.DATE_ASKED_ABOUT.set(birth_dates.date_asked_about(text))
                if self.place_matters(intent) and ask_which_place(dispatcher, ka.place_of_turn(tracker), staff=staff):
                    return [SlotSet("pending_intent", intent)]
                routed = answering.answer_turn(tracker, intent)
                if routed is not None:
                    return finish(routed)
                if self.place_needed(intent) and not ka.current_place(tracker):
                    dispatcher.utter_message(text=templates.ask_region())
                    # The leave the words mean ("老公能休几天产假" is 护理假), for when the place comes.
                    leave_type = questions.read(text, intent=intent).leave_type
                    return [SlotSet("pending_intent", intent)] + ([SlotSet("leave_type", leave_type)] if leave_type else [])
                reply = Answer()
                self.answer(tracker, intent, reply)
                if not any(e.get("name") == "last_question" for e in reply.events):
                    reply.events.append(answering.remember(answering.question_of_intent(tracker, intent)))
                return finish(reply)
        except Exception:  # a citizen gets an apology, the log gets the trace
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=templates.action_failed())
            return []



def ask_which_place(dispatcher: CollectingDispatcher, place: Any, *, staff: bool = False) -> bool:
    """Ask back when a name is shared (白云区: 广州 / 贵阳 / 包头白云鄂博矿区), one button per
    place (staff type their answer: no buttons); never pick one silently. True when it asked."""
    if place.kind != "ambiguous":
        return False
    dispatcher.utter_message(
        text=templates.ask_which_place(place.mention, [c.chain for c in place.candidates]),
        buttons=None if staff else templates.place_buttons([(c.chain, c.payload) for c in place.candidates]))
    return True
