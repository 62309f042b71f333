"""Scoring and reporting of `make eval` (bot/ops/eval_e2e.py) with a fake reply function in place
of the live server."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.ops import eval_e2e

PATTERNS = {"ask_region": "请问您在哪|您在哪个(地区|城市)", "n3600": "3600|三千六"}


def write_sets(tmp_path: Path) -> tuple[Path, Path]:
    """A small old set and a small citizen set on disk, laid out like the real ones."""
    citizen = tmp_path / "citizen"
    citizen.mkdir()
    (citizen / "_patterns.yml").write_text(yaml.safe_dump(PATTERNS, allow_unicode=True), encoding="utf-8")
    (citizen / "leave.yml").write_text(yaml.safe_dump([
        {"id": "a", "facet": "amount", "topic": "leave", "origin": "x", "text": "包头产假多少天",
         "must": ["158"], "must_not": ["@ask_region"]},
        {"id": "b", "facet": "amount", "topic": "leave", "origin": "x", "turns": [
            {"text": "包头产假多少天", "must": ["158"]},
            {"text": "那我老公呢", "must": ["25天|二十五天"], "must_not": ["158"]}]},
    ], allow_unicode=True), encoding="utf-8")
    (citizen / "subsidy.yml").write_text(yaml.safe_dump([
        {"id": "c", "facet": "payment_time", "topic": "subsidy", "origin": "x", "parts": 2,
         "text": "育儿补贴多少钱 多久到账", "must": ["@n3600", "季度"]},
    ], allow_unicode=True), encoding="utf-8")
    old = tmp_path / "questions.yml"
    old.write_text(yaml.safe_dump([
        {"id": "o1", "question": "包头产假多少天", "must_contain": ["158"], "topic": "leave"},
        {"id": "o2", "question": "育儿补贴多少钱", "must_contain": ["3600"], "must_not_contain": ["10000"],
         "topic": "subsidy"},
    ], allow_unicode=True), encoding="utf-8")
    return old, citizen


class FakeBot:
    """Answers from a table keyed by message; remembers which sender sent what."""

    def __init__(self, answers: dict[str, str]):
        self.answers = answers
        self.calls: list[tuple[str, str]] = []

    def __call__(self, sender: str, message: str) -> str:
        self.calls.append((sender, message))
        return self.answers.get(message, "没有找到")


def test_judge_turn_accepts_any_listed_phrasing_and_ignores_spacing_and_separators():
    turn = {"must": ["10000元|1万元", "15个?工作日|十五个工作日"], "must_not": []}
    assert [] == eval_e2e.judge_turn(turn, "一孩 10,000 元，审核 15 个工作日", patterns={})
    assert [] == eval_e2e.judge_turn(turn, "一孩1万元，十五个工作日内审核", patterns={})
    assert [] == eval_e2e.judge_turn(turn, "一孩１００００元，１５个工作日", patterns={})


def test_judge_turn_reports_each_missing_and_forbidden_pattern():
    turn = {"must": ["158", "25天"], "must_not": ["@ask_region"]}
    expected = ["missing /25天/", "must not match /@ask_region/"]
    assert expected == eval_e2e.judge_turn(turn, "产假158天。请问您在哪个地区？", patterns=PATTERNS)


def test_first_patterns_must_open_the_reply():
    turn = {"must": ["季度"], "first": ["季度"]}
    late = "育儿补贴申领规则如下：" + "申请、审核、材料……" * 30 + "原则上每季度至少发放一批。"
    assert ["/季度/ not in the opening"] == eval_e2e.judge_turn(turn, late, patterns={})
    assert [] == eval_e2e.judge_turn(turn, "原则上每季度至少集中发放一批。" + late, patterns={})
    rules = "申领人为父母一方；材料为出生医学证明；线上申请；按月折算；每季度至少发放一批。"
    assert ["/季度/ not in the opening"] == eval_e2e.judge_turn(turn, rules, patterns={})


def test_the_opening_is_the_first_three_sentences_and_at_most_200_characters():
    assert "您好。关于到账时间：。每季度发放一批" == eval_e2e.opening_of("您好！\n关于到账时间：\n每季度发放一批。其余规则……")
    assert eval_e2e.FIRST_CHARS == len(eval_e2e.opening_of("很长" * 300))


def test_named_patterns_expand_inside_alternations_and_unknown_names_fail():
    assert "(?:3600|三千六)|国家" == eval_e2e.expand("@n3600|国家", patterns=PATTERNS)
    with pytest.raises(KeyError):
        eval_e2e.expand("@nothing", patterns=PATTERNS)


def test_citizen_items_keep_one_sender_per_conversation_and_a_fresh_one_per_item(tmp_path):
    _, citizen = write_sets(tmp_path)
    bot = FakeBot({})
    eval_e2e.run_citizen(items=eval_e2e.load_citizen_set(directory=citizen), reply=bot,
                         patterns=eval_e2e.load_patterns(directory=citizen))
    senders = [sender for sender, _ in bot.calls]
    assert ["包头产假多少天", "包头产假多少天", "那我老公呢", "育儿补贴多少钱 多久到账"] == [m for _, m in bot.calls]
    assert senders[1] == senders[2]                       # item b: both turns from one sender
    assert len({senders[0], senders[1], senders[3]}) == 3  # items a, b, c: three senders


def test_an_item_is_correct_only_when_every_turn_passes_and_shares_are_per_facet_topic_kind(tmp_path):
    _, citizen = write_sets(tmp_path)
    bot = FakeBot({"包头产假多少天": "一、二孩产假158天（包府办发〔2025〕49号（二））",
                   "那我老公呢": "产假158天",                     # lost the topic: 护理假 expected
                   "育儿补贴多少钱 多久到账": "每孩每年3600元；原则上每季度至少发放一批"})
    summary = eval_e2e.run_citizen(items=eval_e2e.load_citizen_set(directory=citizen), reply=bot,
                                   patterns=eval_e2e.load_patterns(directory=citizen))
    assert {"a": True, "b": False, "c": True} == {r["id"]: r["ok"] for r in summary["results"]}
    assert (2, 3, 0.6667) == (summary["correct"], summary["items"], summary["share"])
    assert {"amount": {"correct": 1, "items": 2, "share": 0.5},
            "payment_time": {"correct": 1, "items": 1, "share": 1.0}} == summary["by_facet"]
    assert {"leave": {"correct": 1, "items": 2, "share": 0.5},
            "subsidy": {"correct": 1, "items": 1, "share": 1.0}} == summary["by_topic"]
    assert {"follow-up": {"correct": 0, "items": 1, "share": 0.0},
            "multi-part": {"correct": 1, "items": 1, "share": 1.0},
            "single": {"correct": 1, "items": 1, "share": 1.0}} == summary["by_kind"]
    wrong_turn = summary["results"][1]["turns"][1]
    assert ["missing /25天|二十五天/", "must not match /158/", "/25天|二十五天/ not in the opening"] == wrong_turn["problems"]


def test_the_first_must_pattern_has_to_open_the_reply_in_every_kind_of_item():
    single = {"id": "s", "text": "育儿补贴多久到账", "must": ["季度", "3600"]}
    multi = {"id": "m", "text": "多少钱 多久到账", "parts": 2, "must": ["3600", "季度"]}
    conversation = {"id": "c", "turns": [{"text": "产假", "must": ["158"]}, {"text": "来源", "must": ["条例"], "first": []}]}
    assert ["季度"] == eval_e2e.turns_of(single)[0]["first"]
    assert ["3600"] == eval_e2e.turns_of(multi)[0]["first"]
    assert [["158"], []] == [turn["first"] for turn in eval_e2e.turns_of(conversation)]
    assert ["/X/"] == eval_e2e.turns_of({"id": "x", "text": "q", "must": ["a"], "first": ["/X/"]})[0]["first"]


def test_old_set_keeps_its_substring_rules(tmp_path):
    old, _ = write_sets(tmp_path)
    bot = FakeBot({"包头产假多少天": "158天", "育儿补贴多少钱": "3600元，呼市一孩10000元"})
    summary = eval_e2e.run_old(questions=yaml.safe_load(old.read_text(encoding="utf-8")), reply=bot)
    assert (2, 1, 0.5) == (summary["questions"], summary["correct"], summary["share"])
    assert {"leave": "1/1", "subsidy": "0/1"} == summary["by_topic"]
    assert ["must not say '10000'"] == summary["results"][1]["problems"]
    assert all(sender.startswith("e2e-") for sender, _ in bot.calls)


def test_reports_show_both_sets_per_facet_topic_and_overall(tmp_path):
    old, citizen = write_sets(tmp_path)
    bot = FakeBot({"包头产假多少天": "158天", "那我老公呢": "护理假25天", "育儿补贴多少钱": "3600元",
                   "育儿补贴多少钱 多久到账": "3600元"})
    old_summary, citizen_summary = eval_e2e.run(which="both", reply=bot, questions_path=old, citizen_dir=citizen)
    eval_e2e.write_reports(old=old_summary, citizen=citizen_summary, out_dir=tmp_path / "reports")
    data = json.loads((tmp_path / "reports" / "eval.json").read_text(encoding="utf-8"))
    assert (2, 3) == (data["citizen"]["correct"], data["citizen"]["items"])
    assert (2, 2) == (data["old"]["correct"], data["old"]["questions"])
    report = (tmp_path / "reports" / "eval.md").read_text(encoding="utf-8")
    assert "## Citizen set (tests/e2e/citizen/): 2/3 = 66.7%" in report
    assert "| payment_time | 0 | 1 | 0.0% |" in report
    assert "| amount | 2 | 2 | 100.0% |" in report
    assert "## Old e2e set (tests/e2e/questions.yml): 2/2 = 100.0%" in report
    assert "`c` (payment_time) 育儿补贴多少钱 多久到账 — missing /季度/" in report
    assert (tmp_path / "reports" / "e2e.json").exists()


def test_main_runs_both_sets_and_fails_below_the_minimum_shares(tmp_path, monkeypatch):
    old, citizen = write_sets(tmp_path)
    perfect = FakeBot({"包头产假多少天": "158天", "那我老公呢": "护理假25天", "育儿补贴多少钱": "3600元",
                       "育儿补贴多少钱 多久到账": "3600元，每季度发放"})
    monkeypatch.setattr(eval_e2e, "rest_reply", lambda url: perfect)
    args = ["--url", "http://fake", "--questions", str(old), "--citizen-dir", str(citizen),
            "--out-dir", str(tmp_path / "reports")]
    assert 0 == eval_e2e.main(args)
    monkeypatch.setattr(eval_e2e, "rest_reply", lambda url: FakeBot({}))
    assert 1 == eval_e2e.main(args)
    assert 0 == eval_e2e.main(args + ["--min-share", "0", "--min-citizen-share", "0"])
    assert 0 == eval_e2e.main(["--set", "old", "--min-share", "0"] + args)
    assert None is json.loads((tmp_path / "reports" / "eval.json").read_text(encoding="utf-8"))["citizen"]


def write_dev_set(tmp_path: Path) -> Path:
    """A small dev set laid out like tests/e2e/dev (its own named patterns)."""
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "_patterns.yml").write_text(yaml.safe_dump({"nurse25": "护理假.{0,10}25"}, allow_unicode=True),
                                       encoding="utf-8")
    (dev / "leave.yml").write_text(yaml.safe_dump([
        {"id": "d1", "facet": "amount", "topic": "leave", "origin": "x", "text": "乌海护理假几天", "must": ["@nurse25"]},
        {"id": "d2", "facet": "amount", "topic": "leave", "origin": "x", "text": "乌海产假几天", "must": ["158"]},
    ], allow_unicode=True), encoding="utf-8")
    return dev


def test_set_dev_runs_only_the_dev_set_with_its_own_patterns_and_reports_it(tmp_path, monkeypatch):
    old, citizen = write_sets(tmp_path)
    dev = write_dev_set(tmp_path)
    bot = FakeBot({"乌海护理假几天": "男方护理假25天。", "乌海产假几天": "请问您在哪个地区？"})
    monkeypatch.setattr(eval_e2e, "rest_reply", lambda url: bot)
    args = ["--url", "http://fake", "--set", "dev", "--questions", str(old), "--citizen-dir", str(citizen),
            "--dev-dir", str(dev), "--out-dir", str(tmp_path / "reports")]
    assert 1 == eval_e2e.main(args)                        # 1/2 is below the dev set's minimum share
    assert ["乌海护理假几天", "乌海产假几天"] == [message for _, message in bot.calls]
    data = json.loads((tmp_path / "reports" / "eval.json").read_text(encoding="utf-8"))
    assert (None, None, 1, 2) == (data["old"], data["citizen"], data["dev"]["correct"], data["dev"]["items"])
    report = (tmp_path / "reports" / "eval.md").read_text(encoding="utf-8")
    assert "## Dev set (tests/e2e/dev/): 1/2 = 50.0%" in report
    assert "Citizen set" not in report
    assert "`d2` (amount) 乌海产假几天 — missing /158/" in report
    assert 0 == eval_e2e.main(args + ["--min-dev-share", "0.5"])
