"""The build: counts, atomic replacement, and failures that name the file and line."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import build, store
from knowledge.parsers import SourceError

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"


@pytest.mark.parametrize("doc_id, kind, expected", [
    ("neimenggu-measures", "measure", 19), ("baotou-2023", "measure", 21),
    ("baotou-2025", "measure", 15), ("tonghua-draft", "measure", 23),
    ("zhongning-2025", "measure", 13), ("baotou-2023", "target", 1),
    ("baotou-2023", "organisation", 4), ("tonghua-draft", "target", 1),
    ("tonghua-draft", "organisation", 4),
    ("subsidy-management-rules", "measure", 33), ("female-labour-protection", "measure", 16),
    ("social-insurance-law-maternity", "measure", 5), ("hohhot-subsidy-rules", "measure", 17),
    ("hohhot-subsidy-rules", "contact", 10), ("neimenggu-subsidy-deadline-guide", "measure", 4),
])
def test_clause_counts(conn, doc_id, kind, expected):
    assert expected == store.clause_count_by_doc(conn=conn)[(doc_id, kind)]


def test_report_counts_match_the_store(built_store, conn):
    counts = store.count_rows(conn=conn)
    assert built_store.clauses == counts["clauses"] == counts["clause_search"]
    assert built_store.documents == counts["documents"]
    assert all(built_store.facts[t] == counts[t] > 0 for t in store.FACT_TABLES)


def test_spot_texts(conn):
    assert "加强生殖健康服务" == store.clause(conn=conn, clause_id="neimenggu-measures:二/（五）")["heading"]
    assert "增加产假60天" in store.clause(conn=conn, clause_id="baotou-2023:二/（四）/13")["text"]
    assert "育儿假累计20天" in store.clause(conn=conn, clause_id="tonghua-draft:二/（一）/4")["text"]
    assert "市人社局" in store.units(conn=conn, clause_id="baotou-2025:一/（二）")["lead"]
    assert "享受42天产假" in store.clause(conn=conn, clause_id="female-labour-protection:第七条")["text"]
    assert "0471-6218572" in store.clause(
        conn=conn, clause_id="hohhot-subsidy-rules:各旗县区咨询服务电话/新城区卫健委")["text"]


def test_documents_carry_status_and_number(conn):
    docs = {d["id"]: d for d in store.documents(conn=conn)}
    assert ("draft", "document") == (docs["tonghua-draft"]["status"], docs["tonghua-draft"]["kind"])
    assert "包府办发〔2025〕49号" == docs["baotou-2025"]["doc_number"]
    assert "baotou-2025" == docs["baotou-2023"]["superseded_by"]
    assert ("official", "国卫办人口发〔2025〕24号", "2025-08-24") == (
        docs["subsidy-management-rules"]["kind"], docs["subsidy-management-rules"]["doc_number"],
        docs["subsidy-management-rules"]["date"])
    assert docs["hohhot-subsidy-rules"]["source_url"].startswith("http://wjw.huhhot.gov.cn/")
    supplementary = [d for d in docs.values() if d["kind"] == "supplementary"]
    assert supplementary and all(d["confidence"] in ("official", "reported") for d in supplementary)


def test_check_finds_no_problem_in_a_fresh_build(built_store):
    assert [] == build.check(db_path=built_store.db_path)


# ---------------------------------------------------------------- failures

@pytest.fixture()
def knowledge_copy(tmp_path) -> Path:
    """A private copy of knowledge/ to break."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


@pytest.fixture()
def previous_store(tmp_path, knowledge_copy) -> tuple[Path, str]:
    db_path = tmp_path / "out" / "knowledge.db"
    build.build(root=knowledge_copy, db_path=db_path)
    return db_path, hashlib.sha256(db_path.read_bytes()).hexdigest()


def assert_untouched(previous_store) -> None:
    db_path, digest = previous_store
    assert digest == hashlib.sha256(db_path.read_bytes()).hexdigest()
    assert [db_path.name] == [p.name for p in db_path.parent.iterdir()]   # no temp file left


def test_a_skipped_item_number_fails_with_file_and_line(knowledge_copy, previous_store):
    path = knowledge_copy / "sources" / "baotou-2023-measures.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith("13落实生育保障制度"))
    lines[broken] = lines[broken].replace("13落实", "31落实", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        build.build(root=knowledge_copy, db_path=previous_store[0])
    assert f"baotou-2023-measures.txt:{broken + 1}:" in str(err.value)
    assert_untouched(previous_store)


def test_a_missing_source_file_fails_naming_it(knowledge_copy, previous_store):
    (knowledge_copy / "sources" / "zhongning-task-list.txt").unlink()
    with pytest.raises((SourceError, FileNotFoundError)) as err:
        build.build(root=knowledge_copy, db_path=previous_store[0])
    assert "zhongning-task-list.txt" in str(err.value)
    assert_untouched(previous_store)


def test_a_fact_whose_figure_is_not_in_its_clause_fails_the_build(knowledge_copy, previous_store):
    path = knowledge_copy / "facts" / "leave_rules.yml"
    text = path.read_text(encoding="utf-8")
    assert "days: 188" in text
    path.write_text(text.replace("days: 188", "days: 189", 1), encoding="utf-8")
    line = 1 + text[: text.index("days: 188")].count("\n")
    with pytest.raises(SourceError) as err:
        build.build(root=knowledge_copy, db_path=previous_store[0])
    message = str(err.value)
    assert "leave_rules.yml:" in message and "189" in message
    # The error points at the fact's own entry (its first line is at most a few lines above).
    reported_line = int(message.split("leave_rules.yml:")[1].split(":")[0])
    assert 0 <= line - reported_line < 15
    assert_untouched(previous_store)


def test_a_fact_pointing_to_an_unknown_clause_fails(knowledge_copy, previous_store):
    path = knowledge_copy / "facts" / "benefits.yml"
    text = path.read_text(encoding="utf-8")
    first_clause = text.split("clause: ", 1)[1].split("\n", 1)[0]
    path.write_text(text.replace(f"clause: {first_clause}", "clause: baotou-2025:九/（九十九）", 1), encoding="utf-8")
    with pytest.raises(SourceError, match="does not exist"):
        build.build(root=knowledge_copy, db_path=previous_store[0])
    assert_untouched(previous_store)


def test_invalid_yaml_fails_with_line(knowledge_copy, previous_store):
    path = knowledge_copy / "gazetteer.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n- {id: broken, name: [unclosed\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"gazetteer.yml:\d+: invalid YAML"):
        build.build(root=knowledge_copy, db_path=previous_store[0])
    assert_untouched(previous_store)


@pytest.mark.slow
def test_cli_build_search_and_check(tmp_path):
    db_path = tmp_path / "k.db"
    run = lambda *args: subprocess.run([sys.executable, "-m", "knowledge", *args, "--db", str(db_path)],
                                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    built = run("build")
    assert 0 == built.returncode, built.stderr
    for label in ("documents:", "clauses:", "leave_rules:", "benefits:", "targets:", "services:", "seconds:"):
        assert label in built.stdout
    found = run("search", "长幼随学")
    assert 0 == found.returncode and "长幼随学" in found.stdout
    checked = run("check")
    assert (0, "ok") == (checked.returncode, checked.stdout.strip().splitlines()[-1])


def test_cli_reports_a_bad_source_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "knowledge", "search", "x", "--db", str(tmp_path / "none.db")],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert 2 == result.returncode
    assert "make knowledge" in result.stderr and "Traceback" not in result.stderr
