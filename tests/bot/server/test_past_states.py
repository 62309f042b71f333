"""bot.server.past_states gives, at every step of a conversation, the states Rasa's own
`Domain.states_for_tracker_history` gives, while carrying them forward between steps."""
from __future__ import annotations

import random

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, BotUttered,
                                     Restarted, SessionStarted, SlotSet, UserUttered,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import past_states
from tests.conftest import ROOT

# Rasa's own function, also when another test module has installed the speedups.
RASAS = getattr(Domain.states_for_tracker_history, "__wrapped__", Domain.states_for_tracker_history)
assert RASAS.__module__ == "rasa.shared.core.domain"


def user(rng: random.Random, domain: Domain, at: float) -> UserUttered:
    intent = rng.choice(domain.intents)
    entities = [{"entity": "region", "value": "包头市"}] if rng.random() < 0.3 else []
    return UserUttered("问题", {"name": intent, "confidence": 0.9}, entities, timestamp=at)


def step(rng: random.Random, domain: Domain, at: float) -> list:
    """A few events of a plausible (and sometimes odd) conversation."""
    action = rng.choice([name for name in domain.action_names_or_texts if not name.startswith("utter_")][:40])
    roll = rng.random()
    if roll < 0.45:
        return [ActionExecuted("action_listen", timestamp=at), user(rng, domain, at + 0.01),
                ActionExecuted(action, timestamp=at + 0.02), BotUttered("答", timestamp=at + 0.03),
                SlotSet("region", rng.choice(["包头市", "呼和浩特市", None]), timestamp=at + 0.04)]
    if roll < 0.60:   # the family plan's form: starts, asks, runs again, ends (or runs without a loop event)
        loop = rng.choice(["plan_form", "plan_form", None, "no event"])
        return [ActionExecuted("action_listen", timestamp=at), user(rng, domain, at + 0.01),
                ActionExecuted("plan_form", timestamp=at + 0.02)] + \
            ([] if loop == "no event" else [ActiveLoop(loop, timestamp=at + 0.03)]) + \
            [SlotSet("requested_slot", rng.choice(["region", "date", None]), timestamp=at + 0.04)]
    if roll < 0.68:
        return [UserUtteranceReverted(timestamp=at)]
    if roll < 0.74:
        return [ActionReverted(timestamp=at)]
    if roll < 0.78:
        return [Restarted(timestamp=at)]
    if roll < 0.83:
        return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at + 0.01)]
    return [ActionExecuted(action, timestamp=at), SlotSet("child_order", rng.choice(["二孩", None]), timestamp=at)]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("omit_unset_slots", [False, True])
def test_every_step_has_rasas_states(domain, seed, omit_unset_slots):
    rng = random.Random(seed)
    tracker = DialogueStateTracker("c", domain.slots)
    carried_steps = 0
    for number in range(60):
        for event in step(rng, domain, at=float(number)):
            tracker.update(event)
        expected = RASAS(domain, tracker, omit_unset_slots=omit_unset_slots)
        before = tracker.__dict__.get("_bot_past_states")
        actual = past_states.states_for_tracker_history(domain, tracker, omit_unset_slots=omit_unset_slots)
        carried_steps += before is not None and tracker.__dict__.get("_bot_past_states") is before
        assert expected == actual, f"step {number}"
        # The caller may edit what it gets; the next answer is not affected.
        if actual:
            actual[-1].clear()
            actual[0].clear()
    assert carried_steps > 20   # most steps were carried forward, not replayed from the start


def test_a_copy_or_another_domain_starts_again(domain):
    tracker = DialogueStateTracker("c", domain.slots)
    for event in [ActionExecuted("action_listen"), UserUttered("你好", {"name": "greet"}),
                  ActionExecuted("utter_greet")]:
        tracker.update(event)
    first = past_states.states_for_tracker_history(domain, tracker, omit_unset_slots=False)
    copied = tracker.copy()
    assert "_bot_past_states" not in copied.__dict__
    assert first == past_states.states_for_tracker_history(domain, copied, omit_unset_slots=False)
    other = Domain.load(ROOT / "domain.yml")
    assert RASAS(other, tracker) == past_states.states_for_tracker_history(other, tracker, omit_unset_slots=False)
    assert tracker.__dict__["_bot_past_states"].domain is other


def test_other_uses_go_to_rasas_function(domain, monkeypatch):
    calls = []
    patched = past_states.install(lambda *args, **kwargs: calls.append(kwargs) or ["rasa"])
    tracker = DialogueStateTracker("c", domain.slots)
    assert ["rasa"] == patched(domain, tracker, ignore_rule_only_turns=True, rule_only_data={})
    assert [{"omit_unset_slots": False, "ignore_rule_only_turns": True, "rule_only_data": {}}] == calls
    assert ["rasa"] != patched(domain, tracker)
