"""A condition the question states (hukou, residence, age) decides its yes/no: said first, with its clause."""
from __future__ import annotations

import pytest

from actions import conditions
from actions import knowledge_access as ka
from actions.base import Answer


@pytest.mark.parametrize("condition", conditions.CONDITIONS, ids=lambda c: c.name)
def test_every_quote_is_in_its_clause(condition):
    assert condition.quote in ka.cite(condition.clause_id)["text"]


@pytest.mark.parametrize("text, expected", [
    ("老大六岁了老二刚满一岁", [6.0, 1.0]),
    ("孩子一岁半", [1.5]),
    ("宝宝10个月大", [10 / 12]),
    ("3岁以下的孩子", []),                    # a limit, not an age
    ("两个孩子都还没满三岁", []),
    ("孩子满3岁了", [3.0]),
])
def test_ages_of(text, expected):
    assert expected == conditions.ages_of(text)


@pytest.mark.parametrize("text, name", [
    ("我和老公户口都不在呼和浩特 在呼市买了房 孩子能领呼市的育儿补贴吗", "hohhot_hukou"),
    ("两口子都是外地户口 在呼市能领一万吗", "hohhot_hukou"),
    ("孩子户口落在老家 能领呼市的补贴吗", "hohhot_child_hukou"),
    ("两口子都是呼和浩特户口 但常年在北京上班 孩子能拿呼市的补贴吗", "hohhot_residence"),
    ("中宁的 老婆是宁夏户口我是甘肃户口 二孩能领育儿补贴金吗", "ningxia_hukou"),
    ("宁夏二孩补贴金 我老公是外地人能领吗", "ningxia_hukou"),
    ("中宁生头胎有补贴金吗", "ningxia_first_child"),
    ("怀孕五个月 单位排我上夜班 我能拒绝吗", "pregnancy_under_seven_months"),
    ("宁夏补贴金一孩有没有", "ningxia_first_child"),
    ("老大六岁了老二刚满一岁 两个孩子都能领育儿补贴吗", "national_age"),
    ("孩子4岁了还能领育儿补贴吗", "national_age"),
    ("孩子一岁半 能送包头幼儿园的托班吗", "tuoban_age"),
    ("老公单位交了生育保险 我没上班 能领生育津贴吗", "allowance_spouse_without_job"),
    ("我没有工作 能领生育津贴吗", "allowance_without_job"),
    ("男方生育保险能报老婆生孩子的费用吗", "insurance_via_husband"),
    ("全职妈妈有生育津贴吗", "allowance_without_job"),
    ("家里两个孩子都还没满三岁 照护扣除一个月能扣多少", "tax_several_children"),
    ("单亲妈妈自己带孩子 婴幼儿照护扣除能一个人扣满吗", "tax_one_parent"),
    ("宝宝还没生 婴幼儿照护扣除能提前填吗", "tax_before_birth"),
    ("孩子三岁生日那个月 婴幼儿照护还能扣吗", "tax_third_birthday"),
])
def test_a_stated_condition_is_read(text, name):
    assert name == conditions.condition_stated(text).name


@pytest.mark.parametrize("text, topic, context, name", [
    ("那我能领生育津贴吗", "maternity_insurance", "老公有生育保险 我没工作 生孩子能报销吗", "allowance_spouse_without_job"),
    ("两个孩子呢", "tax_deduction", "婴幼儿照护个税能扣多少", "tax_several_children"),
    ("两个孩子呢", "childcare_subsidy", "育儿补贴一年多少钱", None),         # 每孩 is in the answer already
    ("夫妻之间怎么分", "tax_deduction", "两个孩子 婴幼儿照护个税能扣多少", None),
    ("那一岁多的呢", "childcare_service", "包头孩子两岁半了 能上幼儿园的托班吗", "tuoban_age"),
])
def test_a_follow_up_leans_on_the_condition_stated_before(text, topic, context, name):
    found = conditions.condition_stated(text, topic=topic, context=context)
    assert name == (found.name if found else None)


@pytest.mark.parametrize("text", [
    "那老公户口在呼市呢",                      # one spouse's hukou in 呼和浩特 is enough
    "老公户口不在呼市 能领一万吗",              # one spouse: still within the condition
    "我们都是宁夏户口 能领补贴金吗",
    "在呼市上班 能领吗",
    "孩子3岁以下能领育儿补贴吗",
    "两口子都是外地户口 呼市补贴要什么材料",     # not a yes/no question
    "孩子两岁半 能领育儿补贴吗",
    "两个孩子都还没满三岁 能领育儿补贴吗",
    "老公有生育保险 我没工作 生孩子能报销吗",    # 医疗费用 is what the spouse gets: the answer says so
    "中宁二胎补贴金多少",                        # the second child is within the fund
    "怀孕8个月还让我加班合法吗",                  # over seven months: the rule itself answers
])
def test_no_condition_is_read_where_none_decides(text):
    assert conditions.condition_stated(text) is None


@pytest.mark.parametrize("text, first, clause_id", [
    ("我和老公户口都不在呼和浩特 孩子能领呼市的育儿补贴吗",
     "不能：呼和浩特市的育儿补贴要求“夫妻双方户籍地均为呼和浩特市或一方户籍地为呼和浩特市”；"
     "夫妻双方户籍都不在呼和浩特的，不符合条件（国家育儿补贴照常可以申领）。",
     "hohhot-subsidy-rules:一/（一）/3"),
    ("老大六岁了老二刚满一岁 两个孩子都能领育儿补贴吗",
     "只有未满3周岁的孩子能领，已满3周岁的不再发放：“按每孩每年3600元的标准发放，直至婴幼儿年满3周岁”。",
     "national-childcare-subsidy:1"),
    ("孩子4岁了还能领育儿补贴吗",
     "已满3周岁的孩子不再发放国家育儿补贴：“按每孩每年3600元的标准发放，直至婴幼儿年满3周岁”。",
     "national-childcare-subsidy:1"),
])
def test_the_verdict_goes_first_with_its_clause(text, first, clause_id):
    reply = Answer()
    reply.say("the answer as before")
    reply.cite("other:1", clause_id)
    assert conditions.lead_if_condition_decides(text, reply=reply)
    assert [first, "the answer as before"] == reply.lines
    assert [clause_id, "other:1"] == reply.clause_ids


def test_several_questions_are_left_as_they_are():
    reply = Answer()
    assert not conditions.lead_if_condition_decides("孩子4岁了还能领育儿补贴吗 产假多少天", reply=reply)
    assert [] == reply.lines


def test_a_verdict_drops_a_line_saying_the_material_is_silent():
    from actions import templates

    reply = Answer()
    reply.say(templates.material_silent("税务部门"))
    assert conditions.lead_if_condition_decides("离婚了 孩子跟我 个税的照护扣除我能全扣吗", reply=reply)
    assert 1 == len(reply.lines) and reply.lines[0].startswith("可以由一个人扣满")
