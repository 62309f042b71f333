"""The build refuses a fact whose quote qualifies more than the row says (child order,
group of people, a goal rather than an entitlement), and every current fact passes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import build, fact_checks
from knowledge.parsers import SourceError

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture()
def knowledge_copy(tmp_path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


def break_row(root: Path, *, table: str, old: str, new: str) -> int:
    """Replace `old` (found exactly once) in facts/<table>.yml; the line of its row."""
    path = root / "facts" / f"{table}.yml"
    text = path.read_text(encoding="utf-8")
    assert 1 == text.count(old), old
    path.write_text(text.replace(old, new), encoding="utf-8")
    before = text[: text.index(old)].splitlines()
    return max(i for i, line in enumerate(before, start=1) if line.startswith("- "))


def refusal(root: Path, tmp_path: Path) -> str:
    with pytest.raises(SourceError) as err:
        build.build(root=root, db_path=tmp_path / "out" / "knowledge.db")
    assert not (tmp_path / "out" / "knowledge.db").exists()
    return str(err.value)


# ---------------------------------------------------------------- every current fact passes

@pytest.mark.parametrize("table", ["leave_rules", "benefits", "targets", "services"])
def test_every_current_fact_carries_what_its_quote_qualifies(table):
    rows = build.load_yaml_list(path=KNOWLEDGE / "facts" / f"{table}.yml")
    problems = [(row["__line__"], p) for row in rows
                for p in fact_checks.unstated_qualifiers(table=table, fact=row) + fact_checks.deadline_problems(fact=row)]
    assert [] == problems


def test_the_real_store_builds_and_checks_clean(built_store):
    assert [] == build.check(db_path=built_store.db_path)


# ---------------------------------------------------------------- refusals, on a copy of the real sources

ZHONGNING_FUND_2 = """  kind: 公积金
  child_order: 2
  amount_text: 二孩、三孩家庭购房贷款增加额度提高到20万元-30万元"""


def test_a_child_order_in_the_quote_but_not_in_the_row_is_refused(knowledge_copy, tmp_path):
    line = break_row(knowledge_copy, table="benefits", old=ZHONGNING_FUND_2,
                     new=ZHONGNING_FUND_2.replace("child_order: 2", "child_order: null"))
    message = refusal(knowledge_copy, tmp_path)
    assert f"benefits.yml:{line}: quote names child order(s) [2, 3] but child_order is null" in message


def test_a_child_order_the_quote_does_not_name_is_refused(knowledge_copy, tmp_path):
    line = break_row(knowledge_copy, table="benefits", old=ZHONGNING_FUND_2,
                     new=ZHONGNING_FUND_2.replace("child_order: 2", "child_order: 1"))
    assert f"benefits.yml:{line}: child_order 1 is not named in the quote" in refusal(knowledge_copy, tmp_path)


def test_a_third_child_rule_stored_for_any_child_is_refused(knowledge_copy, tmp_path):
    old = "  kind: 生育保险\n  child_order: 3\n  amount_text: 生育三孩的费用纳入生育保险支付范围"
    line = break_row(knowledge_copy, table="benefits", old=old, new=old.replace("child_order: 3", "child_order: null"))
    assert f"benefits.yml:{line}: quote names child order(s) [3]" in refusal(knowledge_copy, tmp_path)


def test_a_group_of_people_missing_from_eligibility_is_refused(knowledge_copy, tmp_path):
    old = "  eligibility: 灵活就业人员、农民工、新业态就业人员纳入生育保险"
    line = break_row(knowledge_copy, table="benefits", old=old, new="  eligibility: 参保人")
    message = refusal(knowledge_copy, tmp_path)
    assert f"benefits.yml:{line}: quote limits the rule to 灵活就业人员" in message
    assert "农民工" in message and "新业态" in message


def test_a_leave_quote_naming_mothers_on_a_fathers_row_is_refused(knowledge_copy, tmp_path):
    # The quote the 护理假 row had before: the whole sentence, 女职工's 产假 included.
    old = "  quote: 男职工享受 25 天的护理假\n"
    line = break_row(knowledge_copy, table="leave_rules", old=old, new=(
        "  quote: 女职工享受一、二孩 158 天的产假、三孩 188 天的产假，男职工享受 25 天的护理假\n"))
    message = refusal(knowledge_copy, tmp_path)
    assert f"leave_rules.yml:{line}: quote names child order(s) [1, 2, 3] but child_order is null" in message
    assert "quote limits the rule to 女职工 but who/conditions does not say so" in message


def test_a_goal_without_is_goal_is_refused(knowledge_copy, tmp_path):
    old = "  note: 工作目标（原文“推动实现”），不是已落实的报销比例；实际报销以中宁县医疗保障局规定为准\n  is_goal: true\n"
    line = break_row(knowledge_copy, table="benefits", old=old, new="  note: null\n")
    assert f"benefits.yml:{line}: quote states an intention (推动) but is_goal is not true" in refusal(
        knowledge_copy, tmp_path)


def test_a_service_being_built_without_is_goal_is_refused(knowledge_copy, tmp_path):
    old = "  is_goal: true\n  clause: baotou-2025:一/（五）\n  quote: 实施早孕关爱行动，推动早孕门诊建设"
    line = break_row(knowledge_copy, table="services", old=old, new=old.replace("  is_goal: true\n", ""))
    assert f"services.yml:{line}: quote states an intention (推动)" in refusal(knowledge_copy, tmp_path)


def test_a_deadline_not_printed_in_the_quote_is_refused(knowledge_copy, tmp_path):
    line = break_row(knowledge_copy, table="benefits", old="  deadline: 2025-12-31", new="  deadline: 2026-12-31")
    assert f"benefits.yml:{line}: deadline 2026-12-31 (2026年12月31日) does not appear in its quote" in refusal(
        knowledge_copy, tmp_path)


def test_also_cites_must_name_existing_clauses(knowledge_copy, tmp_path):
    old = "national-infant-tax-deduction:4]\n  clause: national-infant-tax-deduction:1"
    line = break_row(knowledge_copy, table="benefits", old=old, new=old.replace(":4]", ":9]"))
    assert f"benefits.yml:{line}: also_cites 'national-infant-tax-deduction:9': no such clause" in refusal(
        knowledge_copy, tmp_path)


def test_applies_to_must_lie_within_the_jurisdiction(knowledge_copy, tmp_path):
    path = knowledge_copy / "sources" / "sources.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("applies_to: [dongchang, erdaojiang]", "applies_to: [dongchang, baotou]"),
                    encoding="utf-8")
    assert "applies_to 'baotou' is not a region within 'tonghua'" in refusal(knowledge_copy, tmp_path)


# ---------------------------------------------------------------- the word lists

@pytest.mark.parametrize("quote, orders", [
    ("女职工享受一、二孩 158 天的产假、三孩 188 天的产假", {1, 2, 3}),
    ("将二孩、三孩家庭购房贷款增加额度提高到20万元-30万元", {2, 3}),
    ("生育第3个及以后的孩子（三孩及以上）的", {3}),
    ("生育第2个子女（二孩）的，一次性发放育儿补贴金2000元", {2}),
    ("对实施全面两孩政策前的独生子女家庭", set()),        # a policy's name, not a child order
    ("全面依法落实三孩生育政策", set()),
    ("按每孩每年3600元的标准发放", set()),
])
def test_child_orders_named(quote, orders):
    assert orders == set(fact_checks.child_orders_named(quote))


def test_a_leave_rule_cannot_be_a_goal():
    fact = {"quote": "推动将保障生育休假等内容纳入集体合同", "who": "employee", "conditions": None, "child_order": None}
    assert ["quote states an intention (推动), not a leave entitlement"] == fact_checks.unstated_qualifiers(
        table="leave_rules", fact=fact)


def test_targets_are_goals_by_nature():
    fact = {"quote": "每个旗县（市、区）力争建设2 所公办托育机构", "indicator": "公办托育机构数", "note": None}
    assert [] == fact_checks.unstated_qualifiers(table="targets", fact=fact)


def test_a_noun_use_of_support_is_not_a_goal():
    fact = {"quote": "严格落实自治区“以旧换新”“以小换大”、购买新房给予补贴等支持政策", "eligibility": "购房家庭",
            "child_order": None, "is_goal": None}
    assert [] == fact_checks.unstated_qualifiers(table="benefits", fact=fact)
