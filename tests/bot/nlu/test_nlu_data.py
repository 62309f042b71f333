"""NLU data hygiene: the held-out set is never trained on; every intent has enough data."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from bot.nlu.text import normalise

ROOT = Path(__file__).resolve().parents[3]
MAIN_INTENTS_MINIMUM = 30


def examples(path: Path) -> list[tuple[str, str]]:
    """(intent, plain text) pairs of a Rasa NLU YAML file, annotations removed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", line[2:])
                found.append((block["intent"], text))
    return found


def key(text: str) -> str:
    """Compare texts without case, spaces or punctuation (emoji-only texts stay as they are)."""
    flat = normalise(text).lower()
    return re.sub(r"[\W_]+", "", flat) or flat.strip()


TRAINING = [e for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) for e in examples(path)]
HELDOUT = examples(ROOT / "tests" / "nlu" / "heldout.yml")


def test_no_heldout_utterance_is_in_the_training_data():
    training_keys = {key(text) for _, text in TRAINING}
    assert [] == [text for _, text in HELDOUT if key(text) in training_keys]


def test_heldout_covers_every_intent_with_at_least_150_utterances():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert len(HELDOUT) >= 150
    assert set(domain["intents"]) == {intent for intent, _ in HELDOUT}


def test_every_intent_has_at_least_30_training_examples():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    counts = Counter(intent for intent, _ in TRAINING)
    assert {i: counts[i] for i in domain["intents"] if counts[i] < MAIN_INTENTS_MINIMUM} == {}


def test_training_examples_are_unique_per_intent_after_normalisation():
    seen: dict[str, str] = {}
    clashes = []
    for intent, text in TRAINING:
        k = key(text)
        if k in seen and seen[k] != intent:
            clashes.append((text, seen[k], intent))
        seen.setdefault(k, intent)
    assert [] == clashes
