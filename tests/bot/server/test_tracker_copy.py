"""bot.server.tracker_copy makes, at every step of a conversation, the tracker Rasa's
replaying `copy()` makes, and the two stay independent."""
from __future__ import annotations

import copy
import math
import random

import pytest
from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActionReverted,
                                     ActiveLoop, AllSlotsReset, BotUttered, ConversationPaused,
                                     ConversationResumed, FollowupAction, LoopInterrupted,
                                     Restarted, SessionStarted, SlotSet, UserUttered,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import tracker_copy

# Rasa's own copy, also when another test module has installed the speedups.
RASAS = getattr(DialogueStateTracker.copy, "__wrapped__", DialogueStateTracker.copy)
assert RASAS.__module__ == "rasa.shared.core.trackers"


def some_events(rng: random.Random, at: float) -> list:
    user = UserUttered("问", {"name": rng.choice(["ask_leave", "greet", "ask_subsidy"]), "confidence": 0.9},
                       [{"entity": "region", "value": "包头市"}] if rng.random() < 0.3 else [], timestamp=at)
    return rng.choice([
        [ActionExecuted("action_listen", timestamp=at), user, ActionExecuted("action_answer_leave", timestamp=at),
         BotUttered("答", {"buttons": []}, timestamp=at), SlotSet("region", rng.choice(["包头市", None]), timestamp=at)],
        [ActionExecuted("plan_form", timestamp=at), ActiveLoop(rng.choice(["plan_form", None]), timestamp=at),
         SlotSet("requested_slot", "date", timestamp=at)],
        [LoopInterrupted(rng.choice([True, False]), timestamp=at)],
        [ActionExecutionRejected("plan_form", timestamp=at)],
        [FollowupAction("action_answer_leave", timestamp=at)],
        [ConversationPaused(timestamp=at)], [ConversationResumed(timestamp=at)],
        [AllSlotsReset(timestamp=at)], [UserUtteranceReverted(timestamp=at)], [ActionReverted(timestamp=at)],
        [Restarted(timestamp=at)], [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at)],
        [SlotSet("child_order", rng.choice(["二孩", "三孩"]), timestamp=at), user],
    ])


def attributes(tracker: DialogueStateTracker) -> dict:
    found = {name: value for name, value in vars(tracker).items()
             if name not in ("events", "slots") and not name.startswith("_bot_")}
    found["events"] = [id(event) for event in tracker.events]
    found["slots"] = {name: (type(slot), vars(slot)) for name, slot in tracker.slots.items()}
    return found


@pytest.mark.parametrize("seed", range(30))
def test_every_step_copies_as_rasas_replay_does(domain, seed):
    rng = random.Random(seed)
    tracker = DialogueStateTracker("c", domain.slots)
    tracker.model_id, tracker.assistant_id = "m", "a"   # set by the processor, not by events
    for number in range(50):
        for event in some_events(rng, at=float(number)):
            tracker.update(event)
        expected, actual = RASAS(tracker), tracker_copy.copy_tracker(tracker, RASAS)
        assert attributes(expected) == attributes(actual), f"step {number}"
        assert expected.current_state() == actual.current_state()
        # Independent: what happens to the copy does not happen to the tracker, and back.
        before = attributes(tracker)
        for event in some_events(rng, at=number + 0.5):
            actual.update(event)
        if actual.active_loop is not None:
            actual.active_loop.rejected = not actual.active_loop.rejected
        assert before == attributes(tracker)


def test_what_a_replay_would_stop_at_is_replayed(domain):
    tracker = DialogueStateTracker("c", domain.slots)
    tracker.update(ActionExecuted("action_listen", timestamp=1.0))
    tracker.update(SlotSet("region", "包头市", timestamp=math.nan))
    copied = tracker_copy.copy_tracker(tracker, RASAS)
    assert 1 == len(copied.events) and copied.get_slot("region") is None


def test_a_slot_is_copied_as_copy_copy_copies_it(domain):
    tracker = DialogueStateTracker("c", domain.slots)
    tracker.update(SlotSet("region", "包头市"))
    assert len(domain.slots) > 10
    for name, slot in tracker.slots.items():
        expected, actual = copy.copy(slot), tracker_copy.copy_slot(slot)
        assert (type(expected), vars(expected)) == (type(actual), vars(actual)), name
        assert actual is not slot and all(vars(actual)[k] is vars(slot)[k] for k in vars(slot))   # shallow
        actual.value = "changed"
        assert "changed" != slot.value


def test_a_slot_class_with_its_own_copy_is_copied_by_copy_copy(domain):
    from rasa.shared.core.slots import TextSlot

    class CountedSlot(TextSlot):
        copies = 0

        def __copy__(self):
            CountedSlot.copies += 1
            return TextSlot(self.name, self.mappings)

    slot = CountedSlot("s", [])
    assert not tracker_copy._copied_as_plain_object(CountedSlot)
    assert TextSlot is type(tracker_copy.copy_slot(slot)) and 1 == CountedSlot.copies
