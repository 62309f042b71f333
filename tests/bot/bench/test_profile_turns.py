"""`make profile` and `make bench-ab`. The profile: a turn's time split into NLU, action code, payload and the rest, per
question, from the trained model in one process."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.bench import ab
from bot.bench.load.run import LOCUST
from bot.bench.load.questions import QUESTIONS
from bot.bench.profile_turns import citizens
from tests.conftest import ROOT, free_ports


def test_citizens_ask_three_to_twelve_of_the_questions_the_same_way_each_run():
    first = citizens(count=30, seed=4, questions=QUESTIONS)
    assert first == citizens(count=30, seed=4, questions=QUESTIONS)
    assert {3, 12} <= {len(conversation) for conversation in first} <= set(range(3, 13))
    assert {q for conversation in first for q in conversation} <= set(QUESTIONS)


def test_the_profile_splits_each_turn_and_names_the_action_code(trained_model, tmp_path):
    out = tmp_path / "profile.json"
    asked = ["北京产假多少天", "你好", "育儿补贴怎么申请"]
    done = subprocess.run([sys.executable, "-m", "bot.bench.profile_turns", "--model", str(trained_model),
                           "--citizens", "2", "--seed", "2", "--actions-profile", "15", "--json", str(out),
                           *[arg for question in asked for arg in ("--question", question)]],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert 0 == done.returncode, done.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    conversations = citizens(count=2, seed=2, questions=asked)
    expected_turns = {q: sum(c.count(q) for c in conversations) for q in asked if any(q in c for c in conversations)}
    assert expected_turns == {q: figures["turns"] for q, figures in report["questions"].items()}
    for question, figures in report["questions"].items():
        assert figures["nlu"]["p50"] > 0 and figures["rest"]["p50"] > 0
        assert figures["total"]["p50"] >= figures["nlu"]["p50"]
        # a greeting is a response of the domain; the others run the project's actions
        assert (figures["actions"]["p50"] > 0) is (question != "你好")
    # The parts cover each turn (the rest is what NLU, actions and payload leave); each
    # share is rounded to 3 decimals.
    assert abs(sum(report["share"].values()) - 1) <= 0.002
    assert all(report["share"][part] > 0 for part in ("nlu", "actions", "payload", "rest"))
    assert "actions/" in done.stdout and "action code, by cumulative time" in done.stdout
    assert "北京产假多少天 |" in done.stdout


def test_an_ab_variant_is_names_and_values():
    assert {"GC_FREEZE": "0", "X": "a=b"} == ab.parse_variant("GC_FREEZE=0, X=a=b")
    assert {} == ab.parse_variant("")
    for bad in ("GC_FREEZE", "=1"):
        try:
            ab.parse_variant(bad)
        except Exception as error:
            assert "NAME=VALUE" in str(error)
        else:
            raise AssertionError(f"{bad!r} accepted")


@pytest.mark.live
def test_an_ab_run_serves_each_variant_in_turn(trained_model, built_store, tmp_path, capsys):
    if not LOCUST.exists():
        pytest.fail("locust is missing: `make test` creates .venv-bench (requirements-bench.txt)")
    out = tmp_path / "ab.json"
    assert 0 == ab.main(["--variant", "GC_FREEZE=0", "--variant", "", "--rounds", "1", "--users", "2",
                         "--seconds", "4", "--one-user-seconds", "0", "--json", str(out),
                         "--ports", *map(str, free_ports(2))])
    runs = json.loads(out.read_text(encoding="utf-8"))
    assert [{"GC_FREEZE": "0"}, {}] == [run["variant"] for run in runs]
    for run in runs:
        assert 0 == run["concurrent"]["failures"] and run["concurrent"]["requests"] > 0
    printed = capsys.readouterr().out
    assert "{'GC_FREEZE': '0'}" in printed and "(defaults)" in printed
