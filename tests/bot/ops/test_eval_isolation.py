"""The evaluation sets stay apart from the training data, and the citizen set has the shape
issue 10 asks for (counts, a facet and must patterns on every item, origins, valid patterns).

The dev set (tests/e2e/dev/) is what the answering code is tuned against: it is kept apart from the
training data, the question-answer paraphrases, the old e2e set and, both ways, from the held-out
citizen set, and has the same shape checks."""
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
QA_DIR = ROOT / "knowledge" / "qa"
# [text](entity) and [text]{"entity": ..., "value": ...}
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    """The form two questions are compared in: annotations reduced to their text, full-width to
    half-width (NFKC), no punctuation or whitespace, lower case."""
    text = unicodedata.normalize("NFKC", ANNOTATION.sub(r"\1", text))
    return "".join(ch for ch in text.lower() if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def nlu_examples(path: Path, *, intents_only: bool = False) -> list[str]:
    """Every example of every intent (and synonym / lookup / regex block unless `intents_only`)
    in a Rasa NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for block in data.get("nlu") or []:
        if intents_only and "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append(line[2:])
    return examples


def training_examples() -> set[str]:
    return {normalise(e) for path in sorted(NLU_DIR.rglob("*.yml")) for e in nlu_examples(path)} - {""}


def qa_paraphrases() -> set[str]:
    """Every question of every entry of the question-answer table (knowledge/qa/*.yml)."""
    return {normalise(str(question)) for path in sorted(QA_DIR.glob("*.yml"))
            for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []
            for question in entry.get("questions") or []} - {""}


def set_texts(directory: Path) -> list[tuple[str, str]]:
    """(item id, text) for every turn of every item of a citizen-format set."""
    return [(item["id"], turn["text"]) for item in eval_e2e.load_citizen_set(directory=directory)
            for turn in eval_e2e.turns_of(item)]


def citizen_texts() -> list[tuple[str, str]]:
    return set_texts(eval_e2e.CITIZEN_DIR)


def dev_texts() -> list[tuple[str, str]]:
    return set_texts(eval_e2e.DEV_DIR)


def old_questions() -> list[tuple[str, str]]:
    return [(q["id"], q["question"]) for q in yaml.safe_load(eval_e2e.QUESTIONS.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def trained() -> set[str]:
    examples = training_examples()
    assert len(examples) > 100, "the NLU training data was not found"
    return examples


@pytest.fixture(scope="module")
def paraphrased() -> set[str]:
    paraphrases = qa_paraphrases()
    assert len(paraphrases) > 100, "the question-answer table was not found"
    return paraphrases


def test_normalise_strips_annotations_punctuation_and_width():
    assert normalise("包头二胎产假158天") == normalise("[包头](region)[二胎]{\"entity\": \"child_order\", \"value\": \"2\"}产假１５８天？")
    assert normalise("产假 多少天！") == normalise("产假多少天")
    assert normalise("产假多少天") != normalise("护理假多少天")


EVALUATION_SETS = {"citizen": citizen_texts, "old e2e": old_questions, "dev": dev_texts}


@pytest.mark.parametrize("name", sorted(EVALUATION_SETS))
def test_no_evaluation_question_is_in_the_training_data(trained, name):
    leaked = [(item_id, text) for item_id, text in EVALUATION_SETS[name]() if normalise(text) in trained]
    assert [] == leaked


@pytest.mark.parametrize("name", ["citizen", "dev"])
def test_no_evaluation_question_is_a_question_answer_paraphrase(paraphrased, name):
    leaked = [(item_id, text) for item_id, text in EVALUATION_SETS[name]() if normalise(text) in paraphrased]
    assert [] == leaked


def test_no_heldout_nlu_example_is_in_the_training_data():
    # Intent examples only: a held-out bare place name ("[包头市](region)") is bound to be in
    # the place lookup table, which is a list of names, not a training sentence.
    trained = {normalise(e) for path in sorted(NLU_DIR.rglob("*.yml"))
               for e in nlu_examples(path, intents_only=True)} - {""}
    leaked = [e for e in nlu_examples(HELDOUT) if normalise(e) in trained]
    assert [] == leaked


def test_the_check_would_catch_a_leak(trained):
    some_training_example = sorted(trained)[0]
    assert normalise(f" {some_training_example}？") in trained


# ------------------------------------------------------------------ the dev set stays apart

def test_no_dev_question_is_an_old_e2e_or_held_out_nlu_question():
    others = {normalise(text) for _, text in old_questions()} | {normalise(e) for e in nlu_examples(HELDOUT)}
    assert [] == [(item_id, text) for item_id, text in dev_texts() if normalise(text) in others]


def test_no_dev_question_is_a_citizen_question():
    """The citizen set stays held out: no turn of the dev set is worded like one of its turns."""
    citizen = {normalise(text) for _, text in citizen_texts()}
    assert len(citizen) > 100, "the citizen set was not found"
    assert [] == [(item_id, text) for item_id, text in dev_texts() if normalise(text) in citizen]


def test_the_paraphrase_check_would_catch_a_leak(paraphrased):
    some_paraphrase = sorted(paraphrased)[0]
    assert normalise(f"{some_paraphrase}？ ") in paraphrased


# ------------------------------------------------------------------ the citizen set's shape

@pytest.fixture(scope="module")
def items() -> list[dict]:
    return eval_e2e.load_citizen_set()


SETS = {"citizen": eval_e2e.CITIZEN_DIR, "dev": eval_e2e.DEV_DIR}


@pytest.fixture(scope="module", params=sorted(SETS))
def item_set(request) -> tuple[Path, list[dict]]:
    """Each citizen-format set (citizen, dev) with its items, for the checks both must pass."""
    directory = SETS[request.param]
    return directory, eval_e2e.load_citizen_set(directory=directory)


def test_counts(items):
    kinds = Counter(eval_e2e.kind_of(item) for item in items)
    follow_up_turns = sum(len(item["turns"]) - 1 for item in items if "turns" in item)
    place_questions = sum(1 for item in items if item["facet"] == "place")
    assert len(items) >= 250
    assert follow_up_turns >= 40
    assert kinds["multi-part"] >= 30
    assert place_questions >= 20


def test_dev_set_counts():
    items = eval_e2e.load_citizen_set(directory=eval_e2e.DEV_DIR)
    kinds = Counter(eval_e2e.kind_of(item) for item in items)
    conversations = [item for item in items if "turns" in item]
    assert len(items) >= 220
    assert len(conversations) >= 30
    assert all(2 <= len(item["turns"]) <= 4 for item in conversations)
    assert kinds["multi-part"] >= 25
    assert sum(1 for item in items if item["facet"] == "place") >= 20
    assert set(eval_e2e.FACETS) == {item["facet"] for item in items}


def test_dev_ids_say_their_kind():
    """dv-… one message, dvf-… a conversation, dvm-… several questions in one message."""
    items = eval_e2e.load_citizen_set(directory=eval_e2e.DEV_DIR)
    prefix = {"single": "dv-", "place": "dv-", "follow-up": "dvf-", "multi-part": "dvm-"}
    assert [] == [item["id"] for item in items if not item["id"].startswith(prefix[eval_e2e.kind_of(item)])]


def test_ids_are_unique(item_set):
    _, items = item_set
    assert [] == [i for i, n in Counter(item["id"] for item in items).items() if n > 1]


def test_every_item_has_a_facet_a_topic_an_origin_and_must_patterns_on_every_turn(item_set):
    _, items = item_set
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


def test_multi_part_items_check_every_part(item_set):
    _, items = item_set
    short = [item["id"] for item in items if item.get("parts", 1) > 1 and len(item["must"]) < item["parts"]]
    assert [] == short


def test_paraphrases_name_an_item_that_exists(item_set):
    _, items = item_set
    ids = {item["id"] for item in items}
    missing = [(item["id"], item["origin"]) for item in items
               if str(item["origin"]).startswith("paraphrase of ") and item["origin"].split()[-1] not in ids]
    assert [] == missing


def test_every_pattern_compiles_and_every_named_pattern_exists(item_set):
    directory, items = item_set
    patterns = eval_e2e.load_patterns(directory=directory)
    for item in items:
        for turn in eval_e2e.turns_of(item):
            for key in ("must", "must_not", "first"):
                for pattern in turn.get(key, []):
                    re.compile(eval_e2e.expand(pattern, patterns=patterns))


def test_the_dev_set_keeps_the_citizen_sets_named_patterns():
    """The dev set reuses the citizen set's @names unchanged (it may add its own)."""
    citizen = eval_e2e.load_patterns(directory=eval_e2e.CITIZEN_DIR)
    dev = eval_e2e.load_patterns(directory=eval_e2e.DEV_DIR)
    assert citizen == {name: dev.get(name) for name in citizen}


def test_questions_are_not_repeated_within_the_set(item_set):
    _, items = item_set
    singles = Counter(normalise(item["text"]) for item in items if "text" in item)
    assert [] == [text for text, n in singles.items() if n > 1]


# ------------------------------------------------------------------ the patterns are fair and strict

def replies(name: str, *, directory: Path = eval_e2e.CITIZEN_DIR) -> dict[str, list[str]]:
    return yaml.safe_load((directory / name).read_text(encoding="utf-8"))


def judged(item: dict, answers: list[str], patterns: dict) -> list[list[str]]:
    turns = eval_e2e.turns_of(item)
    assert len(turns) == len(answers), item["id"]
    return [eval_e2e.judge_turn(turn, answer, patterns=patterns) for turn, answer in zip(turns, answers)]


def test_correct_replies_written_from_the_documents_pass(item_set):
    directory, items = item_set
    by_id = {item["id"]: item for item in items}
    patterns = eval_e2e.load_patterns(directory=directory)
    failing = {item_id: problems for item_id, answers in replies("_reference_answers.yml", directory=directory).items()
               if any(problems := judged(by_id[item_id], answers, patterns))}
    assert {} == failing


def test_replies_of_the_kinds_issue_10_calls_wrong_fail(item_set):
    directory, items = item_set
    by_id = {item["id"]: item for item in items}
    patterns = eval_e2e.load_patterns(directory=directory)
    passing = [item_id for item_id, answers in replies("_wrong_answers.yml", directory=directory).items()
               if not any(judged(by_id[item_id], answers, patterns))]
    assert [] == passing
