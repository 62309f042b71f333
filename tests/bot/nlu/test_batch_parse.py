"""Batched NLU (bot/nlu/batch_parse.py, LeanDIETClassifier.process) gives every message
the parse it gets alone, on the real trained model and the held-out utterances."""
from __future__ import annotations

import asyncio
import re

import pytest
import yaml

from bot.server import speedups
from tests.conftest import ROOT

ODD_INPUTS = ["", "   ", "😀😀😀", "a" * 600, "<script>alert(1)</script>", "'; DROP TABLE events; --",
              "/ask_leave{\"region\": 12345}", "包头昆区二孩产假多少天2025年3月5日"]


def heldout_texts() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "nlu" / "heldout.yml").read_text(encoding="utf-8"))
    texts = []
    for block in data["nlu"]:
        for line in block.get("examples", "").splitlines():
            line = line.strip()
            if line.startswith("- "):   # drop the entity annotations: [包头](region) -> 包头
                texts.append(re.sub(r"\[([^\]]*)\](\{[^}]*\}|\([^)]*\))", r"\1", line[2:]))
    return texts


@pytest.fixture(scope="module")
def agent(trained_model):
    speedups.install()
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model))


# Batched and single TensorFlow calls may differ in the last bits of a float
# (0.0686 vs 0.0687 once): confidences are equal within this tolerance.
TOLERANCE = 1e-4


def comparable(parse: dict) -> tuple:
    """What must be identical: text, intent, entities, and the ranking's names."""
    entities = sorted((e["entity"], str(e["value"]), e.get("start"), e.get("end"), e.get("extractor"))
                      for e in parse["entities"])
    return parse["text"], parse["intent"]["name"], entities


def assert_same_parse(alone: dict, batched: dict) -> None:
    """Same intent, entities and ranking order; confidences within TOLERANCE. Two
    ranked intents whose confidences are closer than TOLERANCE may swap places."""
    assert comparable(alone) == comparable(batched)
    assert abs(alone["intent"]["confidence"] - batched["intent"]["confidence"]) <= TOLERANCE, alone["text"]
    ranked_alone = alone.get("intent_ranking", [])
    ranked_batched = {r["name"]: r["confidence"] for r in batched.get("intent_ranking", [])}
    assert {r["name"] for r in ranked_alone} == set(ranked_batched), alone["text"]
    for r in ranked_alone:
        assert abs(r["confidence"] - ranked_batched[r["name"]]) <= TOLERANCE, (alone["text"], r["name"])
    order = [r["name"] for r in batched.get("intent_ranking", [])]
    for first, second in zip(ranked_alone, ranked_alone[1:]):
        if first["confidence"] - second["confidence"] > TOLERANCE:
            assert order.index(first["name"]) < order.index(second["name"]), (alone["text"], first, second)


def assert_same_parses(alone: list[dict], batched: list[dict]) -> None:
    assert len(alone) == len(batched)
    for single, together in zip(alone, batched):
        assert_same_parse(single, together)


def _parse(confidences: dict[str, float]) -> dict:
    ranking = [{"name": n, "confidence": c} for n, c in sorted(confidences.items(), key=lambda x: -x[1])]
    return {"text": "t", "intent": ranking[0], "entities": [], "intent_ranking": ranking}


BASE = {"a": 0.70, "b": 0.2314, "c": 0.0686}


@pytest.mark.parametrize("alone, batched, same", [
    (BASE, {"a": 0.70, "b": 0.23135, "c": 0.06865}, True),                            # last-bit noise
    ({"a": 0.7, "b": 0.15005, "c": 0.14995}, {"a": 0.7, "b": 0.14995, "c": 0.15005}, True),  # near tie swaps
    (BASE, {"a": 0.70, "b": 0.2302, "c": 0.0698}, False),                             # a real difference
    (BASE, {"b": 0.70, "a": 0.2314, "c": 0.0686}, False),                             # another intent
])
def test_the_comparison_tolerates_only_float_noise(alone, batched, same):
    try:
        assert_same_parse(_parse(alone), _parse(batched))
    except AssertionError:
        assert not same
    else:
        assert same


def test_batched_parses_equal_single_parses(agent):
    from rasa.core.channels.channel import UserMessage

    from bot.nlu.batch_parse import ParseBatcher

    texts = heldout_texts() + ODD_INPUTS
    assert len(texts) > 300
    batcher = ParseBatcher(agent.processor)
    messages = [UserMessage(text, sender_id="t") for text in texts]
    alone = [batcher.parse_together([m])[0] for m in messages]
    together = []
    for start in range(0, len(messages), 16):
        together += batcher.parse_together(messages[start:start + 16])
    assert_same_parses(alone, together)
    assert sum(p["intent"]["name"] == "ask_leave" for p in alone) > 10   # a real model answered


def test_diet_predicts_a_batch_with_one_tensorflow_call(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage

    from bot.nlu.batch_parse import ParseBatcher
    from bot.nlu.lean_diet import LeanDIETClassifier

    diet = next(node._component for node in agent.processor.graph_runner._instantiated_nodes.values()
                if isinstance(getattr(node, "_component", None), LeanDIETClassifier))
    calls = []
    real = diet.model.run_inference
    monkeypatch.setattr(diet.model, "run_inference", lambda *a, **k: calls.append(1) or real(*a, **k))
    texts = heldout_texts()[:12] + ["", "包头产假"]
    ParseBatcher(agent.processor).parse_together([UserMessage(t, sender_id="b") for t in texts])
    assert 1 == len(calls)   # the 13 messages with tokens together; the empty one has no features


def test_concurrent_messages_each_get_their_own_parse(agent):
    from rasa.core.channels.channel import UserMessage

    from bot.nlu.batch_parse import batcher_of

    texts = heldout_texts()[:40]
    batcher = batcher_of(agent.processor)
    batcher.batch_sizes.clear()

    async def all_at_once():
        return await asyncio.gather(*(agent.processor.parse_message(UserMessage(t, sender_id=f"c{i}"))
                                      for i, t in enumerate(texts)))

    parses = asyncio.run(all_at_once())
    assert max(batcher.batch_sizes) > 1                   # they were parsed together
    assert len(texts) == sum(size * n for size, n in batcher.batch_sizes.items())
    alone = [batcher.parse_together([UserMessage(t, sender_id="alone")])[0] for t in texts]
    assert_same_parses(alone, parses)


def test_a_failing_message_fails_only_its_own_parse(agent, monkeypatch):
    from rasa.core.channels.channel import UserMessage

    from bot.nlu.batch_parse import ParseBatcher

    batcher = ParseBatcher(agent.processor)
    runner = agent.processor.graph_runner
    real_run = runner.run

    def run(inputs=None, targets=None):
        if any(m.text == "boom" for m in (inputs or {}).get("__message__", [])):
            raise RuntimeError("component failed")
        return real_run(inputs=inputs, targets=targets)

    monkeypatch.setattr(runner, "run", run)

    async def three():
        return await asyncio.gather(*(batcher.parse(UserMessage(t, sender_id=t)) for t in ["你好", "boom", "谢谢"]),
                                    return_exceptions=True)

    hello, boom, thanks = asyncio.run(three())
    assert isinstance(boom, RuntimeError)
    assert ("你好", "greet") == (hello["text"], hello["intent"]["name"])
    assert ("谢谢", "thank") == (thanks["text"], thanks["intent"]["name"])
