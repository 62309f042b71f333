"""bot.server.rule_lookup: the rule policy finds the rules Rasa's own `_get_possible_keys`
finds, at every step of generated conversations, with the trained model's rules."""
from __future__ import annotations

import random

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import rule_lookup, speedups
from tests.bot.server.test_past_states import step

RASAS = getattr(RulePolicy._get_possible_keys, "__wrapped__", RulePolicy._get_possible_keys)
assert RASAS.__module__ == "rasa.core.policies.rule_policy"


@pytest.fixture(scope="module")
def rule_policy(trained_model):
    from rasa.core.agent import Agent

    speedups.install()
    agent = Agent.load(str(trained_model))
    policies = [node._component for node in agent.processor.graph_runner._instantiated_nodes.values()
                if isinstance(node._component, RulePolicy)]
    assert 1 == len(policies)
    return policies[0], agent.domain


def test_hashable_states_are_equal_exactly_when_the_states_are():
    states = [{"user": {"intent": "ask_leave", "entities": ("region",)}, "prev_action": {"action_name": "x"}},
              {"slots": {"region": (1.0,)}}, {"slots": {"region": [1.0]}}, {"slots": {"region": (True,)}},
              {"prev_action": {"action_name": "x"}, "user": {"entities": ("region",), "intent": "ask_leave"}}]
    keys = [rule_lookup.hashable(state) for state in states]
    for i, first in enumerate(states):
        for j, second in enumerate(states):
            assert (first == second) == (keys[i] == keys[j]) or (i, j) in {(2, 1), (1, 2), (2, 3), (3, 2)}
    assert keys[2] != keys[1]           # a list is not taken for a tuple
    assert keys[0] == keys[4] and hash(keys[0]) == hash(keys[4])
    with pytest.raises(TypeError):
        rule_lookup.hashable({"slots": {"region": {1.0}}})


def policy_turn(rng, policy, domain, tracker, at, check=lambda: None):
    """A user message, then the actions the policy predicts until it listens (`check` is
    called before each prediction)."""
    from tests.bot.server.test_past_states import user

    if tracker.latest_action_name != "action_listen":   # a user speaks after the bot listens
        tracker.update(ActionExecuted("action_listen", timestamp=at - 0.01))
    tracker.update(user(rng, domain, at))
    for number in range(4):
        check()
        prediction = policy.predict_action_probabilities(tracker, domain)
        best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
        action = domain.action_names_or_texts[best]
        tracker.update(ActionExecuted(action, timestamp=at + 0.01 * (number + 1)))
        if action == "action_listen":
            return


@pytest.mark.parametrize("seed", range(12))
def test_every_step_finds_the_rules_rasa_finds(rule_policy, seed):
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    policy, domain = rule_policy
    rng = random.Random(seed)
    tracker = DialogueStateTracker(f"c{seed}", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    found = compared = 0

    def check():
        nonlocal found, compared
        for use_text in (False, True):
            states = policy._prediction_states(tracker, domain, use_text,
                                               rule_only_data=policy._get_rule_only_data())
            for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
                expected = RASAS(policy, lookup, states)
                actual = policy._get_possible_keys(lookup, states)
                assert expected == actual, (tracker.events[-1], use_text)
                actual.add("changed by the caller")   # changes nothing for the next caller
                assert expected == policy._get_possible_keys(lookup, states)
                found += bool(expected)
                compared += 1

    for number in range(50):
        if rng.random() < 0.85:   # mostly the turns the rules make, sometimes odd ones
            policy_turn(rng, policy, domain, tracker, at=float(number), check=check)
        else:
            for event in step(rng, domain, at=float(number)):
                tracker.update(event)
            check()
    assert found > 40
    # A context seen before is answered from what was kept (nothing new is kept).
    memo = policy.__dict__[rule_lookup._MEMO]
    states = policy._prediction_states(tracker, domain, False, rule_only_data=policy._get_rule_only_data())
    policy._get_possible_keys(policy.lookup[RULES], states)
    kept = len(memo.keys)
    assert RASAS(policy, policy.lookup[RULES], states) == policy._get_possible_keys(policy.lookup[RULES], states)
    assert kept == len(memo.keys) and compared > 100


def test_each_rules_own_states_and_their_variants(rule_policy):
    """Every learned rule's states as a context, with earlier states changed or added: the
    rules found are Rasa's, whichever context came first."""
    import json

    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    policy, domain = rule_policy
    other = {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "no_such_intent"}}
    compared = differs = 0
    for lookup in (policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]):
        for key in lookup:
            states = json.loads(key)
            variants = [states, [other] + states, [{}] + states, [other, {}] + states]
            variants += [[other] + states[1:], [{}] + states[1:]] if len(states) > 1 else []
            for variant in variants + variants[::-1]:
                expected = RASAS(policy, lookup, variant)
                assert expected == policy._get_possible_keys(lookup, variant), variant
                compared += 1
                differs += expected != RASAS(policy, lookup, variant[-1:])
    assert compared > 300 and differs > 10   # contexts that only the earlier states tell apart


def test_predictions_are_rasas(rule_policy, monkeypatch):
    """Whole predictions with and without the remembered rules, on real conversation steps."""
    policy, domain = rule_policy
    rng = random.Random(99)
    trackers = []
    tracker = DialogueStateTracker("p", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    for number in range(80):
        if rng.random() < 0.85:
            policy_turn(rng, policy, domain, tracker, at=float(number))
        else:
            for event in step(rng, domain, at=float(number)):
                tracker.update(event)
        trackers.append(tracker.copy())
    remembered = [policy.predict_action_probabilities(t, domain) for t in trackers]
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RASAS)
    rasas = [policy.predict_action_probabilities(t, domain) for t in trackers]
    assert [(p.probabilities, p.is_end_to_end_prediction, p.events, p.action_metadata) for p in rasas] == \
        [(p.probabilities, p.is_end_to_end_prediction, p.events, p.action_metadata) for p in remembered]


class _Policy:
    """Enough of a RulePolicy for the wrapper: rules as JSON state lists."""

    _rule_key_to_state = staticmethod(RulePolicy._rule_key_to_state)

    def __init__(self):
        self.calls = 0


def test_a_lookup_that_loses_a_rule_and_a_state_that_cannot_be_kept(monkeypatch):
    import json

    def counted(policy, lookup, states):
        policy.calls += 1
        return {key for key in lookup if json.loads(key)[-1] == states[-1]}

    remembered = rule_lookup.install(counted)
    policy = _Policy()
    one, two = [{"user": {"intent": "a"}}], [{"user": {"intent": "b"}}]
    lookup = {json.dumps(one): "x", json.dumps(two): "y"}
    assert {json.dumps(one)} == remembered(policy, lookup, one) == remembered(policy, lookup, one)
    assert 1 == policy.calls
    lookup.pop(json.dumps(one))                       # Rasa's training removes a rule in place
    assert set() == remembered(policy, lookup, one)
    assert 2 == policy.calls
    odd = [{"user": {"intent": "a", "entities": {"region"}}}]   # a set: not hashable
    remembered(policy, lookup, odd)
    remembered(policy, lookup, odd)
    assert 4 == policy.calls                          # each goes to Rasa's function
    monkeypatch.setattr(rule_lookup, "MOST_CONTEXTS", 2)
    for intent in "cdef":
        remembered(policy, lookup, [{"user": {"intent": intent}}])
    assert len(policy.__dict__[rule_lookup._MEMO].keys) <= 2
