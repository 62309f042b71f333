"""The trained NLU model (models/assistant.tar.gz, built by `make train`): odd input
never breaks it, and the questions of the issue are understood."""
from __future__ import annotations

import asyncio
import pytest


@pytest.fixture(scope="module")
def agent(trained_model):
    from rasa.core.agent import load_agent

    return asyncio.run(load_agent(model_path=str(trained_model)))


def parse(agent, text):
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize("text", [
    "", " ", "a" * 10_000, "产" * 10_000, "😀😀😀", "🤰👶🍼", "How many days of maternity leave?",
    "\x00\x01\x02\x1b[31m", "\u200b\u200e\ufeff", "\ud800", "<script>alert(1)</script>", "'; DROP TABLE events; --",
    "\n\n\t", "ＡＢＣ　１２３",
])
def test_odd_input_parses(agent, text):
    result = parse(agent, text)
    assert isinstance(result["intent"], dict)
    assert isinstance(result["entities"], list)


@pytest.mark.parametrize("text, intent, entities", [
    ("俺们包头生老三能休多久", "ask_leave", {("region", "baotou"), ("child_order", "3")}),
    ("國家給娃發的那個錢在哪領", "ask_subsidy_apply", set()),
    ("昆区哪有普惠托育", "ask_childcare_find", {("district", "kundulun")}),
    ("陪产假几天", "ask_leave", {("leave_type", "护理假")}),
    ("我2025年3月5号生的 产假到哪天", "ask_leave_dates", {("date", "2025-03-05")}),
])
def test_citizen_questions(agent, text, intent, entities):
    result = parse(agent, text)
    assert intent == result["intent"]["name"]
    assert entities <= {(e["entity"], str(e["value"])) for e in result["entities"]}
