"""The evaluation sets stay apart from the training data, and the citizen set has the shape
issue 10 asks for (counts, a facet and must patterns on every item, origins, valid patterns)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.ops import eval_e2e

ROOT = Path(__file__).resolve().parents[3]
NLU_DIR = ROOT / "data" / "nlu"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
# [text](entity) and [text]{"entity": ..., "value": ...}
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    """The form two questions are compared in: annotations reduced to their text, full-width to
    half-width (NFKC), no punctuation or whitespace, lower case."""
    text = unicodedata.normalize("NFKC", ANNOTATION.sub(r"\1", text))
    return "".join(ch for ch in text.lower() if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def nlu_examples(path: Path) -> list[str]:
    """Every example of every intent (and synonym / lookup / regex block) in a Rasa NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append(line[2:])
    return examples


def training_examples() -> set[str]:
    return {normalise(e) for path in sorted(NLU_DIR.glob("*.yml")) for e in nlu_examples(path)} - {""}


def citizen_texts() -> list[tuple[str, str]]:
    return [(item["id"], turn["text"]) for item in eval_e2e.load_citizen_set() for turn in eval_e2e.turns_of(item)]


@pytest.fixture(scope="module")
def trained() -> set[str]:
    examples = training_examples()
    assert len(examples) > 100, "the NLU training data was not found"
    return examples


def test_normalise_strips_annotations_punctuation_and_width():
    assert normalise("包头二胎产假158天") == normalise("[包头](region)[二胎]{\"entity\": \"child_order\", \"value\": \"2\"}产假１５８天？")
    assert normalise("产假 多少天！") == normalise("产假多少天")
    assert normalise("产假多少天") != normalise("护理假多少天")


def test_no_citizen_question_is_in_the_training_data(trained):
    leaked = [(item_id, text) for item_id, text in citizen_texts() if normalise(text) in trained]
    assert [] == leaked


def test_no_old_e2e_question_is_in_the_training_data(trained):
    questions = yaml.safe_load(eval_e2e.QUESTIONS.read_text(encoding="utf-8"))
    leaked = [(q["id"], q["question"]) for q in questions if normalise(q["question"]) in trained]
    assert [] == leaked


def test_no_heldout_nlu_example_is_in_the_training_data(trained):
    leaked = [e for e in nlu_examples(HELDOUT) if normalise(e) in trained]
    assert [] == leaked


def test_the_check_would_catch_a_leak(trained):
    some_training_example = sorted(trained)[0]
    assert normalise(f" {some_training_example}？") in trained


# ------------------------------------------------------------------ the citizen set's shape

@pytest.fixture(scope="module")
def items() -> list[dict]:
    return eval_e2e.load_citizen_set()


def test_counts(items):
    kinds = Counter(eval_e2e.kind_of(item) for item in items)
    follow_up_turns = sum(len(item["turns"]) - 1 for item in items if "turns" in item)
    place_questions = sum(1 for item in items if item["facet"] == "place")
    assert len(items) >= 250
    assert follow_up_turns >= 40
    assert kinds["multi-part"] >= 30
    assert place_questions >= 20


def test_ids_are_unique(items):
    assert [] == [i for i, n in Counter(item["id"] for item in items).items() if n > 1]


def test_every_item_has_a_facet_a_topic_an_origin_and_must_patterns_on_every_turn(items):
    bad = []
    for item in items:
        if item.get("facet") not in eval_e2e.FACETS or not item.get("topic") or not item.get("origin"):
            bad.append((item["id"], "facet/topic/origin"))
        if ("text" in item) == ("turns" in item):
            bad.append((item["id"], "exactly one of text / turns"))
        for turn in eval_e2e.turns_of(item):
            if not turn.get("text") or not turn.get("must"):
                bad.append((item["id"], "turn without text or must"))
    assert [] == bad


def test_multi_part_items_check_every_part(items):
    short = [item["id"] for item in items if item.get("parts", 1) > 1 and len(item["must"]) < item["parts"]]
    assert [] == short


def test_paraphrases_name_an_item_that_exists(items):
    ids = {item["id"] for item in items}
    missing = [(item["id"], item["origin"]) for item in items
               if str(item["origin"]).startswith("paraphrase of ") and item["origin"].split()[-1] not in ids]
    assert [] == missing


def test_every_pattern_compiles_and_every_named_pattern_exists(items):
    patterns = eval_e2e.load_patterns()
    for item in items:
        for turn in eval_e2e.turns_of(item):
            for key in ("must", "must_not", "first"):
                for pattern in turn.get(key, []):
                    re.compile(eval_e2e.expand(pattern, patterns=patterns))


def test_questions_are_not_repeated_within_the_set(items):
    singles = Counter(normalise(item["text"]) for item in items if "text" in item)
    assert [] == [text for text, n in singles.items() if n > 1]


# ------------------------------------------------------------------ the patterns are fair and strict

def replies(name: str) -> dict[str, list[str]]:
    return yaml.safe_load((eval_e2e.CITIZEN_DIR / name).read_text(encoding="utf-8"))


def judged(item: dict, answers: list[str], patterns: dict) -> list[list[str]]:
    turns = eval_e2e.turns_of(item)
    assert len(turns) == len(answers), item["id"]
    return [eval_e2e.judge_turn(turn, answer, patterns=patterns) for turn, answer in zip(turns, answers)]


def test_correct_replies_written_from_the_documents_pass(items):
    by_id = {item["id"]: item for item in items}
    patterns = eval_e2e.load_patterns()
    failing = {item_id: problems for item_id, answers in replies("_reference_answers.yml").items()
               if any(problems := judged(by_id[item_id], answers, patterns))}
    assert {} == failing


def test_replies_of_the_kinds_issue_10_calls_wrong_fail(items):
    by_id = {item["id"]: item for item in items}
    patterns = eval_e2e.load_patterns()
    passing = [item_id for item_id, answers in replies("_wrong_answers.yml").items()
               if not any(judged(by_id[item_id], answers, patterns))]
    assert [] == passing
