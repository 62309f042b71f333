"""Plans for family situations, every figure and date checked by hand; and over many
situations, no plan line states a figure its cited clauses do not hold."""
from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from actions import knowledge_access as ka
from actions.family_plan import Situation, build_plan
from actions.family_plan.build import add_years
from knowledge.build import squash

TODAY = dt.date(2026, 12, 4)


def plan_for(**fields):
    return build_plan(Situation(**fields), today=TODAY)


def texts(plan, key: str) -> str:
    return "\n".join(line.text for line in plan.section(key).lines)


def events(plan) -> dict[str, tuple[dt.date, dt.date]]:
    return {event.title: (event.start, event.end) for event in plan.events}


def test_baotou_second_child_both_employees_due_in_march():
    plan = plan_for(place="kundulun", child_order=2, date=dt.date(2027, 3, 5), mother_work="employee",
                    father_work="employee", hukou="kundulun")
    leave = texts(plan, "leave")
    assert "内蒙古自治区规定158天" in leave
    assert "从预产期2027-03-05算第1天" in leave and "休到2027-08-09（含当天）" in leave   # 5 Mar + 157 days
    assert "2027-02-18起" in leave and "休到2027-07-25" in leave                          # 15 days earlier
    assert "难产的增加15天" in leave and "每多生育1个婴儿增加15天" in leave
    assert "爸爸的护理假：内蒙古自治区规定25天" in leave and "到2027-03-29" in leave
    assert "妈妈和爸爸的育儿假" in leave and "每人每年10天" in leave
    assert "2027-03-05至2030-03-04，涉及2027—2030年" in leave
    money = texts(plan, "money")
    assert "每孩每年3600元" in money and "3600元×3＝10800元" in money
    assert "第1年2027-03-05至2028-03-04；第2年2028-03-05至2029-03-04；第3年2029-03-05至2030-03-04" in money
    assert "首次申请在2027年或2028年提出（最晚2028年12月31日）" in money
    assert "从2027年3月扣到2030年2月" in money and "2000元×50%＝1000元" in money
    assert "包头市生育津贴：即申即享" in money
    assert "生育补贴" not in money.replace("地方育儿补贴或生育补贴", "")
    steps = texts(plan, "steps")
    assert steps.index("出生医学证明") < steps.index("户口登记") < steps.index("申领育儿补贴")
    assert "首次申请最晚2028-12-31" in steps and "蒙速办" in steps
    assert "【演示数据】" in texts(plan, "childcare")
    assert events(plan) == {
        "妈妈产假（158天）": (dt.date(2027, 3, 5), dt.date(2027, 8, 9)),
        "爸爸护理假（25天，如自分娩日起连续休）": (dt.date(2027, 3, 5), dt.date(2027, 3, 29)),
        "育儿假可休期间（每人每年10天）": (dt.date(2027, 3, 5), dt.date(2030, 3, 4)),
        "育儿补贴首次申请期": (dt.date(2027, 3, 5), dt.date(2028, 12, 31)),
        "育儿补贴首次申请截止": (dt.date(2028, 12, 31), dt.date(2028, 12, 31)),
        "育儿补贴2028年度续领截止（如2027年首次申请）": (dt.date(2028, 12, 31), dt.date(2028, 12, 31)),
        "育儿补贴2029年度续领截止（如2027年首次申请）": (dt.date(2029, 12, 31), dt.date(2029, 12, 31)),
    }
    assert "baotou-2025:一/（二）" in plan.clause_ids


def test_hohhot_first_child_flexible_mother_born_after_the_rule():
    plan = plan_for(place="hohhot", child_order=1, date=dt.date(2026, 6, 1), mother_work="flexible",
                    father_work="employee", hukou="hohhot")
    leave = texts(plan, "leave")
    assert "妈妈不是单位职工" in leave and "妈妈的产假" not in leave
    assert "爸爸的护理假：内蒙古自治区规定25天" in leave and "到2026-06-25" in leave
    assert "爸爸的育儿假" in leave and "2026-06-01至2029-05-31" in leave
    money = texts(plan, "money")
    assert "呼和浩特市生育补贴（第一个孩子）：一次性10000元" in money
    assert "不符合" not in money
    assert "每年5月和11月" in money and "每年7月、1月发放" in money
    assert "灵活就业的妈妈能否领生育津贴，请向当地医保部门确认" in money
    assert "从2026年6月扣到2029年5月" in money
    steps = texts(plan, "steps")
    assert "免申即享" in steps and "生育津贴：产假期间" not in steps
    assert "妈妈产假（158天）" not in events(plan)
    assert {"hohhot-subsidy-rules:二/（一）/1", "hohhot-subsidy-rules:一/（一）/2"} <= set(plan.clause_ids)


def test_hohhot_birth_before_1_march_2025_gets_no_local_subsidy():
    plan = plan_for(place="hohhot", child_order=2, date=dt.date(2025, 2, 15), mother_work="employee",
                    father_work="employee", hukou="hohhot")
    money = texts(plan, "money")
    assert "只适用于2025-03-01及以后合法生育的家庭，您的日期早于这一天，不符合" in money
    assert "50000元" not in money
    assert "3600元×3＝10800元" in money            # the national subsidy: born on or after 2025-01-01
    assert "首次申请在2025年或2026年提出（最晚2026年12月31日）" in money


def test_hohhot_hukou_elsewhere_does_not_meet_the_condition():
    plan = plan_for(place="cn-150105", child_order=3, date=dt.date(2025, 4, 1), mother_work="employee",
                    father_work="employee", hukou="baotou")
    money = texts(plan, "money")
    assert "共100000元，每年10000元至10周岁" in money
    assert "您选择户口落在包头市，不符合这一户籍条件" in money
    assert "免申即享" not in texts(plan, "steps")
    assert "188天" in texts(plan, "leave")          # 内蒙古: the third child


def test_hohhot_hukou_unknown_is_flagged():
    plan = plan_for(place="hohhot", child_order=2, date=dt.date(2026, 8, 8))
    money = texts(plan, "money")
    assert "共50000元，每年10000元至5周岁" in money and "请确认孩子户口落在哪里" in money
    assert "如妈妈是参加生育保险的职工" in money
    assert "如爸爸是单位职工" in texts(plan, "leave")


@pytest.mark.parametrize("order, amount", [(2, "一次性2000元"), (3, "一次性4000元")])
def test_zhongning_second_and_third_child(order, amount):
    plan = plan_for(place="zhongning", child_order=order, date=dt.date(2026, 5, 10), mother_work="employee",
                    father_work="employee", hukou="zhongning")
    money = texts(plan, "money")
    assert amount in money and "不符合" not in money
    leave = texts(plan, "leave")
    assert "宁夏回族自治区规定158天" in leave and "休到2026-10-14" in leave       # 10 May + 157 days
    assert "支付宝、微信搜索“育儿补贴”" in texts(plan, "steps") and "蒙速办" not in texts(plan, "steps")


def test_zhongning_first_child_has_no_ningxia_subsidy():
    plan = plan_for(place="zhongning", child_order=1, date=dt.date(2026, 5, 10), mother_work="employee",
                    father_work="employee", hukou="zhongning")
    assert "育儿补贴金" not in texts(plan, "money")
    assert "灵活就业" not in texts(plan, "money")


def test_zhongning_flexible_mother_is_covered_by_maternity_insurance():
    plan = plan_for(place="zhongning", child_order=2, date=dt.date(2026, 5, 10), mother_work="flexible",
                    father_work="employee", hukou="zhongning")
    assert "中卫市中宁县已将参加职工基本医疗保险的灵活就业人员纳入生育保险" in texts(plan, "money") or \
        "中宁县已将" in texts(plan, "money")


def test_tonghua_district_draft_is_flagged_and_jilin_rule_applies():
    plan = plan_for(place="dongchang", child_order=1, date=dt.date(2027, 1, 20), mother_work="employee",
                    father_work="employee", hukou="dongchang")
    leave = texts(plan, "leave")
    assert "规定180天" in leave and "休到2027-07-18" in leave    # 20 Jan + 179 days
    assert "每人每年20天" in leave
    money = texts(plan, "money")
    assert "3600元×3＝10800元" in money


def test_jilin_elsewhere_second_child():
    plan = plan_for(place="jilin", child_order=2, date=dt.date(2026, 9, 1), mother_work="employee",
                    father_work="none", hukou="jilin")
    leave = texts(plan, "leave")
    assert "吉林省规定180天" in leave and "休到2027-02-27" in leave     # 1 Sep + 179 days
    assert "爸爸不是单位职工" in leave and "护理假" not in leave.replace("产假、护理假、育儿假是", "")
    assert "妈妈的育儿假" in leave


def test_place_outside_coverage_gets_the_national_rules_honestly():
    plan = plan_for(place="广东省广州市", child_order=1, date=dt.date(2026, 10, 1), mother_work="employee",
                    father_work="employee")
    leave = texts(plan, "leave")
    assert "暂未收录“广东省广州市”的地方政策" in leave and "98天产假" in leave
    assert "3600元×3＝10800元" in texts(plan, "money")
    assert not plan.covered
    assert "生育补贴" not in texts(plan, "money")


def test_no_place_skipped():
    plan = plan_for(child_order=2)
    assert "您没有提供所在地区" in texts(plan, "leave")
    money = texts(plan, "money")
    assert "每孩每年3600元" in money and "在孩子出生当年或次年首次申请" in money
    assert not plan.events


def test_baotou_child_order_unknown_lists_each_order():
    plan = plan_for(place="baotou", date=dt.date(2026, 1, 10), mother_work="employee", father_work="employee")
    leave = texts(plan, "leave")
    assert "158天" in leave
    assert "188天" in leave
    assert "休到" not in leave.split("护理假")[0]       # no maternity dates without the order


def test_baotou_third_child():
    plan = plan_for(place="baotou", child_order=3, date=dt.date(2026, 1, 10), mother_work="employee",
                    father_work="employee", hukou="baotou")
    assert "内蒙古自治区规定188天" in texts(plan, "leave") and "休到2026-07-16" in texts(plan, "leave")   # + 187 days


def test_born_in_2024_is_prorated_and_the_deadline_has_passed():
    plan = plan_for(place="hohhot", child_order=1, date=dt.date(2024, 6, 1), mother_work="employee",
                    father_work="employee", hukou="hohhot")
    money = texts(plan, "money")
    assert "按应享受补贴的月数折算发放" in money and "这一期限已过" in money
    assert "3600元×3" not in money
    assert "2025-03-01及以后" in money                  # nor 呼和浩特's subsidy


def test_resident_mother_with_employee_father_gets_the_spouse_medical_benefit():
    plan = plan_for(place="kundulun", child_order=1, date=dt.date(2026, 2, 1), mother_work="resident",
                    father_work="employee", hukou="kundulun")
    money = texts(plan, "money")
    assert "城乡居民基本医疗保险享受生育医疗待遇" in money
    assert "职工未就业的配偶按国家规定享受生育医疗费用待遇" in money
    assert "生育津贴在产假期间发放" not in money


def test_a_leap_day_birth():
    plan = plan_for(place="baotou", child_order=1, date=dt.date(2028, 2, 29), mother_work="employee",
                    father_work="employee", hukou="baotou")
    assert add_years(dt.date(2028, 2, 29), 3) == dt.date(2031, 3, 1)
    assert "2028-02-29至2031-02-28" in texts(plan, "leave")
    assert "从2028年2月扣到2031年1月" in texts(plan, "money")


# ---------------------------------------------------------------- every line's figures

SERVICE_NUMBERS = {"12345"}
_DATES = re.compile(r"\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d{4}—\d{4}年|\d{4}年|第\d步|第\d年")
_WORKING = re.compile(r"(\d+(?:\.\d+)?)元×(\d+%?)[=＝](\d+(?:\.\d+)?)元")


def figures_of(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", squash(text)))


def unchecked_figures(line) -> set[str]:
    text = squash(line.text)
    for first, factor, result in _WORKING.findall(text):
        share = float(factor[:-1]) / 100 if factor.endswith("%") else float(factor)
        assert float(first) * share == float(result), line.text
    text = _WORKING.sub(lambda m: f"{m.group(1)}元乘{m.group(2)}", text)
    text = _DATES.sub(" ", text)
    stated = figures_of(text.replace("%", "成")) - SERVICE_NUMBERS
    cited = set()
    for clause_id in line.clause_ids:
        cited |= figures_of(ka.cite(clause_id)["text"])
    return stated - cited


SITUATIONS = list(itertools.product(
    ["kundulun", "hohhot", "cn-150105", "baotou", "ordos", "zhongning", "dongchang", "jilin", "北京市", None],
    [1, 2, 3, None],
    [dt.date(2024, 6, 1), dt.date(2025, 2, 15), dt.date(2026, 6, 1), dt.date(2027, 3, 5), None],
    ["employee", "flexible", "resident", "none", None]))


@pytest.mark.parametrize("place, order, date, mother", SITUATIONS)
def test_no_plan_line_states_a_figure_its_clauses_do_not_hold(place, order, date, mother):
    plan = plan_for(place=place, child_order=order, date=date, mother_work=mother, father_work="employee",
                    hukou=place)
    for section in plan.sections:
        if section.key == "childcare":      # distances and places of listed facilities, not policy figures
            continue
        for line in section.lines:
            assert not unchecked_figures(line), (line.text, line.clause_ids)


def test_the_figure_check_catches_a_figure_not_in_its_clause():
    from actions.family_plan.build import PlanLine

    assert unchecked_figures(PlanLine("每孩每年3700元", ("national-childcare-subsidy:1",))) == {"3700"}
    assert unchecked_figures(PlanLine("每孩每年3600元", ("national-childcare-subsidy:1",))) == set()
    with pytest.raises(AssertionError):
        unchecked_figures(PlanLine("3600元×3＝10000元", ("national-childcare-subsidy:2",)))
