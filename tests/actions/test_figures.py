"""No answer states a figure that is not in a clause it cites.

Every answering action is run over many places, leave types, child orders and
benefits; each number in the answer body must occur in the text of the clauses the
answer cites. Not checked: the leave-date calculator (its dates are computed from the
citizen's date; its day count is checked) and the childcare finder (its numbers are
distances and places of listed facilities, not policy figures).
"""
from __future__ import annotations

import asyncio
import itertools
import re

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_access as ka
from actions.department import ActionAnswerDepartment
from actions.follow_up import ActionFollowUp
from actions.leave import ActionAnswerLeave, ActionCompareRegions
from actions.money import ActionAnswerBenefit, ActionAnswerSubsidy
from actions.policy_search import ActionSearchPolicy
from knowledge import arithmetic
from knowledge.build import squash
from tests.conftest import entity, make_tracker

# Service numbers the templates give on purpose (hotlines), not policy figures.
SERVICE_NUMBERS = {"12345", "12338", "12333", "12393", "12366"}
PLACES = ["baotou", "hohhot", "kundulun", "ordos", "neimenggu", "tonghua", "dongchang", "jilin", "zhongning",
          "ningxia", "北京"]


def figures(text: str) -> set[str]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("来源："))
    return {n.replace(",", "") for n in re.findall(r"\d+(?:[.,]\d+)*", squash(body))}


def cases():
    for place, leave_type, order in itertools.product(PLACES, [None, "产假", "护理假", "育儿假", "婚假", "独生子女照护假"],
                                                      [None, "1", "2", "3"]):
        ents = [entity("region", place)] + ([entity("leave_type", leave_type)] if leave_type else []) + (
            [entity("child_order", order)] if order else [])
        yield ActionAnswerLeave(), make_tracker(intent="ask_leave", entities=ents)
    for place in PLACES:
        for intent in ("ask_subsidy_amount", "ask_subsidy_apply", "ask_subsidy_eligibility"):
            yield ActionAnswerSubsidy(), make_tracker(intent=intent, entities=[entity("region", place)])
        for benefit in ("育儿补贴金", "生育补贴"):
            yield ActionAnswerSubsidy(), make_tracker(intent="ask_subsidy_amount", entities=[
                entity("region", place), entity("benefit", benefit)])
        for intent in ("ask_tax_deduction", "ask_maternity_insurance", "ask_housing"):
            yield ActionAnswerBenefit(), make_tracker(intent=intent, entities=[entity("region", place)])
        for benefit in ("公积金", "公租房", "生育津贴", "生育保险", "托育补贴", "个税扣除", "购房补贴"):
            yield ActionAnswerBenefit(), make_tracker(intent="ask_housing", entities=[
                entity("region", place), entity("benefit", benefit)])
    for a, b in itertools.combinations(["baotou", "tonghua", "zhongning", "hohhot"], 2):
        yield ActionCompareRegions(), make_tracker(intent="compare_regions", entities=[entity("region", a), entity("region", b)])
    for query in ("出生一件事", "托位数", "千人口托位", "公租房", "2025年目标", "生育津贴", "普惠托育收费", "长幼随学",
                  "每年体检", "小微企业增值税", "分娩镇痛", "产假工资"):
        yield ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=query)
        yield ActionAnswerDepartment(), make_tracker(intent="ask_department", text=f"{query}归哪个部门管")


# Questions that take answering.py's paths: facets, several questions, follow-ups.
ROUTED_QUESTIONS = [
    "产假包括双休日吗", "育儿补贴多久到账", "育儿补贴审核要多久", "双胞胎育儿补贴能领两份吗", "育儿补贴截止到什么时候",
    "离婚了孩子跟我 育儿补贴谁领", "生育津贴怎么算", "单位不给休产假怎么办", "个税扣除夫妻怎么分",
    "产假多少天、生育津贴谁发、育儿补贴能不能领、个税能不能扣", "护理假几天？育儿假几天？", "托班收几岁的孩子",
    "二孩能和老大上一个学校吗", "呼市一孩能拿一万吗", "流产了有假吗", "孕妇产前可以休几天",
    # conditions said first (actions/conditions.py)
    "我和老公户口都不在呼和浩特 孩子能领呼市的补贴吗", "老大六岁了老二刚满一岁 都能领育儿补贴吗",
    "宁夏育儿补贴金 我是甘肃户口能领吗", "孩子一岁半能上托班吗",
    # totals worked out with their working shown (actions/totals.py)
    "双胞胎又难产 产假一共多少天", "剖腹产和顺产的产假一样吗", "两个孩子照护扣除每月能扣多少", "照护扣除夫妻各扣一半每人多少",
    "三孩产假比国家规定多几天", "育儿补贴今年的截止日期是哪天",
]
FOLLOW_UPS = [("maternity_leave|amount||", "那我老公呢"), ("maternity_leave|amount||", "那三胎呢"),
              ("childcare_subsidy|apply||", "要多久"), ("childcare_subsidy|amount||", "在哪办"),
              ("paternity_leave|amount||father", "那育儿假呢")]


def routed_cases():
    for text in ROUTED_QUESTIONS:
        for place in (None, "baotou", "hohhot", "tonghua", "zhongning", "北京"):
            ents = [entity("region", place)] if place else []
            yield ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text, entities=ents)
    for last, text in FOLLOW_UPS:
        for place in ("baotou", "hohhot", "tonghua", "zhongning"):
            yield ActionFollowUp(), make_tracker(intent="follow_up", text=text, slots={"region": place, "last_question": last})


CASES = list(cases()) + list(routed_cases())


def test_enough_cases():
    assert len(CASES) > 400


@pytest.mark.parametrize("index", range(len(CASES)))
def test_every_figure_is_in_a_cited_clause(index, domain):
    action, tracker = CASES[index]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    text = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    assert text.strip(), "empty reply"
    cited = next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "cited_clauses"), None) or []
    cited_text = squash(" ".join(ka.cite(c)["text"] for c in cited))
    # Numbers the citizen typed may be echoed back ("2025年目标"): they are not claims.
    echoed = figures(tracker.latest_message.get("text") or "")
    # A total shown with its working ("158天＋15天＝173天"): its parts are checked as figures.
    worked = arithmetic.worked_results(text)
    missing = {n for n in figures(text) - SERVICE_NUMBERS - echoed - worked if n not in cited_text}
    assert set() == missing, text
