"""Facts as the dialogue will ask for them, resolved by place on the real store."""
from __future__ import annotations

import pytest

from knowledge import regions


def leave(conn, place, leave_type, child_order=None):
    return regions.resolve(conn=conn, place=place, table="leave_rules",
                           leave_type=leave_type, child_order=child_order)


@pytest.mark.parametrize("place, child_order, days", [
    ("包头", 1, 158), ("包头市", 2, 158), ("包头", 3, 188),
    ("内蒙古", 3, 188), ("呼和浩特", 3, 188), ("昆区", 1, 158), ("鄂尔多斯", 2, 158),
])
def test_neimenggu_maternity_leave(conn, place, child_order, days):
    resolution = leave(conn, place, "产假", child_order)
    assert [days] == [r["days"] for r in resolution.rules]
    assert "neimenggu" == resolution.rules[0]["jurisdiction"]
    assert "baotou-2025:一/（二）" == resolution.rules[0]["clause_id"]


def test_maternity_leave_without_child_order_gives_each_order(conn):
    rules = leave(conn, "包头", "产假").rules
    assert [(1, 158), (2, 158), (3, 188)] == sorted((r["child_order"], r["days"]) for r in rules)


@pytest.mark.parametrize("leave_type, days, period", [("护理假", 25, "once"), ("育儿假", 10, "per_year")])
def test_neimenggu_paternity_and_parental_leave(conn, leave_type, days, period):
    rules = leave(conn, "呼和浩特", leave_type).rules
    assert [(days, period)] == [(r["days"], r["period"]) for r in rules]
    assert "neimenggu" == rules[0]["jurisdiction"]


def test_parental_leave_lasts_until_the_third_birthday(conn):
    rule = leave(conn, "包头", "育儿假").rules[0]
    assert (3, "each_parent") == (rule["until_child_age"], rule["who"])


def test_tonghua_parental_leave_is_20_days_a_year_and_the_draft_is_flagged(conn):
    resolution = leave(conn, "通化", "育儿假")
    assert [(20, "draft", "tonghua-draft")] == [
        (r["days"], r["doc_status"], r["doc_id"]) for r in resolution.drafts]
    # The in-force provincial rule (吉林) says the same and is what applies today.
    assert [(20, "in_force", "jilin")] == [
        (r["days"], r["doc_status"], r["jurisdiction"]) for r in resolution.rules]


def test_national_extras_apply_everywhere_covered(conn):
    rules = leave(conn, "中宁", "难产假").rules
    assert [(15, "china")] == [(r["days"], r["jurisdiction"]) for r in rules]


def test_national_98_days_is_replaced_by_the_regional_figure(conn):
    days = {r["days"] for r in leave(conn, "包头", "产假", 1).rules}
    assert {158} == days


def test_zhongning_housing_fund_for_second_and_third_children(conn):
    rules = regions.resolve(conn=conn, place="中宁县", table="benefits", kind="公积金").rules
    quotes = " ".join(r["quote"] for r in rules)
    assert {20, 30} <= {int(r["value"]) for r in rules if r["value"] is not None} or (
        "20" in quotes and "30" in quotes and "万" in quotes)
    assert all(r["clause_id"].startswith("zhongning-2025:") for r in rules)


@pytest.mark.parametrize("place", ["包头", "通化", "中宁", "呼和浩特"])
def test_tax_deduction_is_2000_a_month(conn, place):
    rules = regions.resolve(conn=conn, place=place, table="benefits", kind="个税扣除").rules
    assert {(2000, "元/月")} == {(int(r["value"]), r["unit"]) for r in rules if r["value"] is not None}


@pytest.mark.parametrize("place", ["包头", "通化市", "中宁", "阿拉善盟"])
def test_childcare_subsidy_is_3600_a_year(conn, place):
    rules = regions.resolve(conn=conn, place=place, table="benefits", kind="育儿补贴").rules
    figures = [r for r in rules if r["value"] is not None and r["unit"] == "元/年"]
    assert [(3600, "national-childcare-subsidy")] == [(int(r["value"]), r["doc_id"]) for r in figures]


def test_a_local_clause_without_a_figure_does_not_hide_the_national_figure(conn):
    rules = regions.resolve(conn=conn, place="中宁", table="benefits", kind="育儿补贴").rules
    assert {("china", 3600.0), ("zhongning", None)} <= {(r["jurisdiction"], r["value"]) for r in rules}


def test_the_newer_city_document_wins_over_the_older_one(conn):
    rules = regions.resolve(conn=conn, place="包头", table="benefits", kind="托育机构补助").rules
    assert ["baotou-2025"] == sorted({r["doc_id"] for r in rules})


def test_national_rows_cite_the_official_regulation(conn):
    rules = leave(conn, "中宁", "难产假").rules + leave(conn, "中宁", "多胞胎假").rules
    assert {"female-labour-protection:第七条"} == {r["clause_id"] for r in rules}


def test_miscarriage_leave_by_months_of_pregnancy(conn):
    rules = leave(conn, "包头", "流产假").rules
    assert [(15, "china"), (42, "china")] == sorted((r["days"], r["jurisdiction"]) for r in rules)
    assert all(r["doc_id"] == "female-labour-protection" for r in rules)


def test_maternity_allowance_who_pays(conn):
    rows = regions.resolve(conn=conn, place="通化", table="benefits", kind="生育津贴").rules
    national = {r["amount_text"]: r["note"] for r in rows if r["jurisdiction"] == "china"}
    assert {"按照用人单位上年度职工月平均工资的标准", "按照女职工产假前工资的标准"} == set(national)
    assert "由用人单位支付" == national["按照女职工产假前工资的标准"]


@pytest.mark.parametrize("child_order, value, amount_text", [
    (1, 10000, "一次性10000元"), (2, 50000, "共50000元，每年10000元至5周岁"),
    (3, 100000, "共100000元，每年10000元至10周岁"),
])
def test_hohhot_subsidy_by_child_order_from_the_official_rules(conn, child_order, value, amount_text):
    rules = regions.resolve(conn=conn, place="呼市", table="benefits", kind="生育补贴", child_order=child_order).rules
    assert [(value, amount_text, "hohhot-subsidy-rules", "official")] == [
        (int(r["value"]), r["amount_text"], r["doc_id"], r["confidence"]) for r in rules]
    assert "首次落户在呼和浩特市" in rules[0]["eligibility"]


def test_hohhot_subsidy_is_not_offered_in_baotou(conn):
    assert [] == regions.resolve(conn=conn, place="包头", table="benefits", kind="生育补贴").rules


def test_neimenggu_deadlines_by_birth_year(conn):
    rows = regions.resolve(conn=conn, place="鄂尔多斯", table="benefits", kind="育儿补贴申领期限").rules
    assert {"neimenggu-subsidy-deadline-guide"} == {r["doc_id"] for r in rows}
    assert ["2022年出生的婴幼儿", "2023年出生的婴幼儿", "2024年出生的婴幼儿"] == sorted(
        r["eligibility"] for r in rows if r["eligibility"].startswith("202") and "及以后" not in r["eligibility"])
    assert all("2025年12月31日" in r["quote"] for r in rows if r["eligibility"].startswith("202")
               and "及以后" not in r["eligibility"])


def test_hohhot_district_phone_numbers(conn):
    rows = regions.resolve(conn=conn, place="呼和浩特", table="services", kind="hotline").rules
    phones = {r["name"]: r["contact"] for r in rows if r["clause_id"].startswith("hohhot-subsidy-rules:")}
    assert 10 == len(phones)
    assert "0471-6218572" == phones["新城区卫健委"]


def test_subsidy_review_and_payment_timing(conn):
    review = regions.resolve(conn=conn, place="中宁", table="benefits", kind="育儿补贴审核时限").rules
    assert [(30, "个工作日", "subsidy-management-rules:第七条")] == [
        (int(r["value"]), r["unit"], r["clause_id"]) for r in review]
    paid = regions.resolve(conn=conn, place="呼和浩特", table="benefits", kind="生育补贴发放时间").rules
    assert ["hohhot-subsidy-rules:四"] == [r["clause_id"] for r in paid]
