"""`suggest-facts`: candidate fact rows of a source, checked as the build checks facts."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from knowledge import build, store, suggest
from knowledge.__main__ import main
from knowledge.parsers import SourceError

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
LEAVE_FIELDS = ("leave_type", "child_order", "days", "period", "until_child_age", "who")


@pytest.fixture(scope="module")
def every_suggestion(conn) -> dict[str, list[suggest.Suggestion]]:
    return {doc["id"]: suggest.suggest(conn=conn, doc_id=doc["id"]) for doc in store.documents(conn=conn)}


def rows_of(suggestions, table):
    return [s.row for s in suggestions if s.table == table]


def test_baotou_2025_leave_rows_are_the_curated_neimenggu_rules(every_suggestion):
    actual = [(tuple(row[f] for f in LEAVE_FIELDS), row["quote"])
              for row in rows_of(every_suggestion["baotou-2025"], "leave_rules")]
    assert [
        (("产假", 1, 158, "once", None, "mother"), "女职工享受一、二孩158天的产假、三孩188天的产假"),
        (("产假", 2, 158, "once", None, "mother"), "女职工享受一、二孩158天的产假、三孩188天的产假"),
        (("产假", 3, 188, "once", None, "mother"), "女职工享受一、二孩158天的产假、三孩188天的产假"),
        (("护理假", None, 25, "once", None, "father"), "男职工享受25天的护理假"),
        (("育儿假", None, 10, "per_year", 3, "each_parent"), "每年给予夫妻双方各10天育儿假"),
    ] == actual


def test_baotou_2025_leave_rows_match_leave_rules_yml(every_suggestion):
    """The curated rows of the clause state the same figures; their quotes hold ours."""
    curated = [fact for fact in build.load_yaml_list(path=KNOWLEDGE / "facts" / "leave_rules.yml")
               if fact["clause"] == "baotou-2025:一/（二）"]
    suggested = {tuple(row[f] for f in LEAVE_FIELDS): row
                 for row in rows_of(every_suggestion["baotou-2025"], "leave_rules")}
    assert sorted(tuple(f[k] for k in LEAVE_FIELDS) for f in curated) == sorted(suggested)
    for fact in curated:
        row = suggested[tuple(fact[k] for k in LEAVE_FIELDS)]
        assert build.squash(row["quote"]) in build.squash(fact["quote"])
        assert f"knowledge/facts/leave_rules.yml 第{fact['__line__']}行已有" in row["review_note"]
        # The document is 包头's; the rule is the region's: the note says to check.
        assert ("baotou", "neimenggu") == (row["jurisdiction"], fact["jurisdiction"])
        assert "《内蒙古自治区人口与计划生育条例》" in row["review_note"]


def test_baotou_2025_targets(every_suggestion):
    actual = [(row["indicator"], row["value_text"], row["value"], row["unit"], row["year"])
              for row in rows_of(every_suggestion["baotou-2025"], "targets")]
    assert ("普惠托位占比", "不低于70%", 70, "%", 2025) in actual
    assert ("普惠托育服务联合体", "建设至少2个", 2, "个", 2025) in actual
    assert ("全市学前教育公办率", "达到60%以上", 60, "%", 2027) in actual


def test_money_rows_carry_kind_unit_and_child_order(every_suggestion):
    national = rows_of(every_suggestion["national-childcare-subsidy"], "benefits")
    assert ("育儿补贴", None, 3600, "元/年", "每孩每年3600元的标准") in [
        (r["kind"], r["child_order"], r["value"], r["unit"], r["amount_text"]) for r in national]
    zhongning = rows_of(every_suggestion["zhongning-2025"], "benefits")
    # A range is one amount; "二孩、三孩家庭" is one row per child order.
    assert [(2, 20, "20万元-30万元"), (3, 20, "20万元-30万元")] == [
        (r["child_order"], r["value"], r["amount_text"]) for r in zhongning if r["kind"] == "贷款"]


def test_goal_words_mark_is_goal(every_suggestion):
    row = next(r for r in rows_of(every_suggestion["zhongning-2025"], "benefits") if "推动实现" in r["quote"])
    assert (True, "报销", 100) == (row["is_goal"], row["kind"], row["value"])


def test_unknown_source_lists_the_known_ids(conn):
    with pytest.raises(suggest.UnknownSource) as caught:
        suggest.suggest(conn=conn, doc_id="no-such-doc")
    assert "baotou-2025" in caught.value.known and "baotou-2025" in str(caught.value)


def test_every_quote_is_verbatim_clause_text_and_rows_have_their_tables_fields(conn, every_suggestion):
    for suggestions in every_suggestion.values():
        for s in suggestions:
            clause = store.clause(conn=conn, clause_id=s.row["clause"])
            assert s.row["quote"] in clause["text"]
            assert s.row["quote"] in s.sentence
            assert set(build.REQUIRED_FIELDS[s.table]) <= set(s.row)
            assert set(s.row) - {"clause", "review_note"} <= set(store.SCHEMA[s.table]["columns"])
            assert s.row["review_note"]


def test_predicted_problems_are_in_the_review_note(every_suggestion):
    refused = [s for ss in every_suggestion.values() for s in ss if s.problems]
    assert refused, "the real documents give some rows the build would refuse"
    for s in refused:
        assert "构建检查会拒收：" + "; ".join(s.problems) in s.row["review_note"]
    # No leave named, nobody named: the editor must say which leave (98天 includes these 15).
    leave = next(s for s in refused if s.row["quote"] == "其中产前可以休假15天")
    assert ["missing field(s) ['leave_type', 'who']"] == leave.problems
    assert "原句提到产假" in leave.row["review_note"]


def sections(text: str) -> dict[str, str]:
    """{table: the rows of its section, as an editor would cut them} of a review file."""
    parts = re.split(r"^(leave_rules|benefits|targets|services):.*$", text, flags=re.M)
    return {table: body for table, body in zip(parts[1::2], parts[2::2])}


@pytest.fixture()
def tree(tmp_path) -> Path:
    """A copy of knowledge/ to add rows to (without any review files of the real tree)."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("__pycache__", "review"))
    return root


def test_rows_the_checks_pass_build_when_pasted_into_the_facts_files(conn, built_store, every_suggestion, tree,
                                                                     tmp_path):
    """Every row without a predicted problem, cut from a review file as it is (review_note
    and all) and pasted at the end of knowledge/facts/<table>.yml, builds."""
    added = dict.fromkeys(store.FACT_TABLES, 0)
    for doc_id, suggestions in every_suggestion.items():
        clean = [s for s in suggestions if not s.problems]
        text = suggest.review_yaml(doc=store.document(conn=conn, doc_id=doc_id), suggestions=clean)
        for table, body in sections(text).items():
            rows = yaml.safe_load(body) or []
            assert rows == [s.row for s in clean if s.table == table]
            if rows:
                with (tree / "facts" / f"{table}.yml").open("a", encoding="utf-8") as facts:
                    facts.write("\n" + body)
                added[table] += len(rows)
    # The build never reads knowledge/facts/review/, even a file that is no facts file at all.
    (tree / "facts" / "review").mkdir()
    (tree / "facts" / "review" / "broken.yml").write_text("leave_rules: [{days: x}]\n", encoding="utf-8")

    report = build.build(root=tree, db_path=tmp_path / "knowledge.db")
    assert all(added.values())
    assert {t: built_store.facts[t] + added[t] for t in store.FACT_TABLES} == report.facts


def test_rows_with_predicted_problems_fail_with_the_builds_own_message(conn, every_suggestion, tree, tmp_path):
    refused = {}
    for suggestions in every_suggestion.values():
        for s in suggestions:
            if s.problems:
                refused.setdefault(s.table, s)
    for table, s in refused.items():
        path = tree / "facts" / f"{table}.yml"
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "\n" + yaml.safe_dump([s.row], allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        with pytest.raises(SourceError) as caught:
            build.build(root=tree, db_path=tmp_path / f"{table}.db")
        assert (str(path), "; ".join(s.problems)) == (caught.value.file, caught.value.message)
        path.write_text(original, encoding="utf-8")


def test_review_file_groups_rows_by_table_under_a_chinese_header(conn, tmp_path):
    written = suggest.write_review(conn=conn, doc_id="baotou-2025", out_dir=tmp_path)
    text = written.path.read_text(encoding="utf-8")
    assert text.startswith("# 《包头市加快完善生育支持政策体系推动建设生育友好型社会重点任务清单》（baotou-2025）")
    assert "删除 review_note" in text
    loaded = yaml.safe_load(text)
    assert list(store.FACT_TABLES) == list(loaded)
    assert {t: len(rows or []) for t, rows in loaded.items()} == written.counts
    assert "# 原句：严格落实《内蒙古自治区人口与计划生育条例》" in text


# ---------------------------------------------------------------- command line

def test_cli_unknown_id_exits_2_and_writes_nothing(built_store, tmp_path, capsys):
    out = tmp_path / "review"
    assert 2 == main(["--db", str(built_store.db_path), "suggest-facts", "no-such-doc", "--out", str(out)])
    error = capsys.readouterr().err
    assert "unknown source id 'no-such-doc'" in error and "neimenggu-measures" in error
    assert not out.exists()


def test_cli_writes_the_file_and_refuses_to_overwrite_without_force(built_store, tmp_path, capsys):
    out = tmp_path / "review"
    argv = ["--db", str(built_store.db_path), "suggest-facts", "baotou-2025", "--out", str(out)]
    assert 0 == main(argv)
    path = out / "baotou-2025.yml"
    printed = capsys.readouterr().out
    assert "leave_rules: 5" in printed and f"wrote {path}" in printed

    path.write_text("# 审核中\n", encoding="utf-8")
    assert 2 == main(argv)
    assert "--force" in capsys.readouterr().err
    assert "# 审核中\n" == path.read_text(encoding="utf-8")

    assert 0 == main([*argv, "--force"])
    assert "leave_rules" in yaml.safe_load(path.read_text(encoding="utf-8"))
