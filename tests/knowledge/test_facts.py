"""Facts as the dialogue will ask for them, resolved by place on the real store."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import build, regions, store

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


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


# ---------------------------------------------------------------- document scope (issue 11.4)

TONGHUA_COUNTIES = ["通化县", "辉南县", "柳河县", "梅河口市", "集安市"]
TONGHUA_DISTRICTS_OR_CITY = ["东昌区", "二道江区", "通化市"]


@pytest.mark.parametrize("place", TONGHUA_COUNTIES)
@pytest.mark.parametrize("table", ["leave_rules", "benefits", "targets", "services"])
def test_the_district_draft_does_not_reach_tonghuas_counties(conn, place, table):
    resolution = regions.resolve(conn=conn, place=place, table=table)
    assert resolution.covered
    assert [] == [r["clause_id"] for r in resolution.rules + resolution.drafts if r["doc_id"] == "tonghua-draft"]


@pytest.mark.parametrize("place", TONGHUA_COUNTIES)
def test_tonghuas_counties_get_jilins_rules(conn, place):
    resolution = leave(conn, place, "独生子女照护假")
    assert [(15, "jilin", "in_force")] == [(r["days"], r["jurisdiction"], r["doc_status"]) for r in resolution.rules]
    assert [] == resolution.drafts


@pytest.mark.parametrize("place", TONGHUA_DISTRICTS_OR_CITY)
def test_the_district_draft_is_shown_flagged_for_its_districts_and_for_tonghua_city(conn, place):
    resolution = leave(conn, place, "独生子女照护假")
    assert [(15, "jilin")] == [(r["days"], r["jurisdiction"]) for r in resolution.rules]
    assert [(15, "tonghua-draft", "draft")] == [(r["days"], r["doc_id"], r["doc_status"]) for r in resolution.drafts]


def test_the_draft_scope_is_data(conn):
    assert {"tonghua-draft": frozenset({"dongchang", "erdaojiang"})} == store.document_scopes(conn=conn)
    docs = {d["id"]: d for d in store.documents(conn=conn)}
    assert "仅适用于发文的区" in docs["tonghua-draft"]["scope_note"]


# ---------------------------------------------------------------- dates: undated sorts oldest

def test_jilin_leave_is_not_dated_by_the_baicheng_reply(conn):
    doc = {d["id"]: d for d in store.documents(conn=conn)}["jilin-leave"]
    assert (None, "2021-01-01") == (doc["date"], doc["sort_date"])
    assert "2025-07-23" not in (doc["date_note"] or "")


def test_an_undated_source_never_counts_as_the_newest(tmp_path):
    """A second 吉林 source with no date at all and another figure: the dated rule wins."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (root / "sources" / "supplementary" / "jilin-undated.md").write_text(
        "---\nid: jilin-undated\ntitle: 测试用无日期来源\nissuer: 测试\njurisdiction: jilin\ndate: null\n"
        "date_note: 无日期（测试）\nsort_date: null\nstatus: in_force\nconfidence: official\n---\n\n"
        "## 1\n育儿假。每人每年各享受育儿假累计30天。\n", encoding="utf-8")
    with (root / "facts" / "leave_rules.yml").open("a", encoding="utf-8") as facts:
        facts.write("\n- {jurisdiction: jilin, leave_type: 育儿假, child_order: null, days: 30, period: per_year,"
                    " until_child_age: 3, who: each_parent, conditions: 测试, pay_note: null,"
                    " clause: 'jilin-undated:1', quote: 每人每年各享受育儿假累计30天}\n")
    report = build.build(root=root, db_path=tmp_path / "k.db")
    test_conn = store.connect(path=report.db_path)
    try:
        rules = regions.resolve(conn=test_conn, place="通化县", table="leave_rules", leave_type="育儿假").rules
        assert [(20, "jilin-leave")] == [(r["days"], r["doc_id"]) for r in rules]
    finally:
        test_conn.close()


def test_negated_dates_order_newest_first_and_undated_last():
    keys = sorted(["2021-01-01", None, "2025-08-06", ""], key=regions._negated_date)
    assert ["2025-08-06", "2021-01-01"] == keys[:2] and {None, ""} == set(keys[2:])


# ---------------------------------------------------------------- rows fixed (issue 11.5)

def test_a_first_child_family_in_zhongning_is_not_told_the_20_to_30_wan_fund_rule(conn):
    first = regions.resolve(conn=conn, place="中宁", table="benefits", kind="公积金", child_order=1).rules
    assert not any("20万元" in (r["amount_text"] or "") for r in first)
    for order in (2, 3):
        rules = regions.resolve(conn=conn, place="中宁", table="benefits", kind="公积金", child_order=order).rules
        assert [order] == [r["child_order"] for r in rules if "20万元-30万元" in (r["amount_text"] or "")]
    every = regions.resolve(conn=conn, place="中宁", table="benefits", kind="公积金").rules
    assert not any("上限" in " ".join(str(v) for v in tuple(r)) for r in every)


def test_tonghua_small_business_tax_is_for_second_and_third_children_only(conn):
    assert [] == regions.resolve(conn=conn, place="通化", table="benefits", kind="小微企业税收", child_order=1).drafts
    drafts = regions.resolve(conn=conn, place="通化", table="benefits", kind="小微企业税收").drafts
    assert [2, 2, 2, 3, 3, 3] == sorted(r["child_order"] for r in drafts)


def test_zhongnings_100_percent_is_a_goal(conn):
    rules = regions.resolve(conn=conn, place="中宁", table="benefits", kind="产检分娩报销").rules
    assert {(100.0, 1), (75.0, 0), (60.0, 0)} == {(r["value"], r["is_goal"] or 0) for r in rules}


def test_the_childcare_subsidy_deadline_for_earlier_births_is_a_fact(conn):
    rows = store.facts_in(conn=conn, table="benefits", jurisdictions=["china"], kind="育儿补贴申领期限")
    assert [("2025-12-31", "subsidy-management-rules:第十二条")] == [
        (r["deadline"], r["clause_id"]) for r in rows if r["deadline"]]
    assert all("2025年1月1日以前出生" in r["quote"] for r in rows if r["deadline"])


def test_how_to_apply_cites_the_clauses_it_summarises(conn):
    row = next(r for r in store.facts_in(conn=conn, table="benefits", jurisdictions=["china"], kind="育儿补贴")
               if r["unit"] == "元/年")
    cited = [c.strip() for c in row["also_cites"].split(",")]
    assert {"national-childcare-subsidy:4", "subsidy-management-rules:第十二条"} <= set(cited)
    assert "续领" in store.clause(conn=conn, clause_id="subsidy-management-rules:第十二条")["text"]
    assert "续领" not in store.clause(conn=conn, clause_id=row["clause_id"])["text"]


# ---------------------------------------------------------------- what the citizen is told

def answer(action, **tracker):
    import asyncio

    import yaml
    from rasa_sdk.executor import CollectingDispatcher

    from tests.conftest import make_tracker

    domain = yaml.safe_load((KNOWLEDGE.parent / "domain.yml").read_text(encoding="utf-8"))
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, make_tracker(**tracker), domain))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


DRAFT_SCOPE = "通化市某区的征求意见稿（尚未施行，仅适用于发文的区）"


def test_tonghua_city_hears_jilins_rule_and_the_district_draft_beside_it():
    from actions.leave import ActionAnswerLeave
    from tests.conftest import entity

    text = answer(ActionAnswerLeave(), intent="ask_leave",
                  entities=[entity("region", "tonghua"), entity("leave_type", "独生子女照护假")])
    lines = text.splitlines()
    assert "通化市独生子女每年可享受独生子女照护假15天（按吉林省规定，全省适用）。" == lines[0]
    assert f"另：{DRAFT_SCOPE}拟规定独生子女照护假每年15天。" == lines[1]
    assert "《吉林省生育相关休假规定" in text


def test_tonghua_county_hears_no_draft():
    from actions.leave import ActionAnswerLeave
    from tests.conftest import entity

    text = answer(ActionAnswerLeave(), intent="ask_leave",
                  entities=[entity("region", "tonghua-county"), entity("leave_type", "育儿假")])
    assert "通化县在子女3周岁以前，夫妻双方每人每年可享受育儿假20天（按吉林省规定，全省适用）。" == text.splitlines()[0]
    assert "征求意见稿" not in text


def test_a_goal_is_said_to_be_a_goal():
    from actions.money import ActionAnswerBenefit
    from tests.conftest import entity

    text = answer(ActionAnswerBenefit(), intent="ask_maternity_insurance", entities=[entity("region", "zhongning")])
    line = next(line for line in text.splitlines() if "100%" in line)
    assert "推动实现" in line and "工作目标" in line
    assert "工作目标" not in next(line for line in text.splitlines() if "75%" in line)
