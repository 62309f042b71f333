"""`knowledge add` / `remove` on a private copy of knowledge/: documents found by shape,
entries written to sources.yml, the store rebuilt, and bad input changing nothing."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import build, catalogue, parsers, regions, store
from knowledge.parsers import SourceError

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
OFFICIAL = KNOWLEDGE / "sources" / "official"


def verbatim(name: str) -> str:
    return "\n".join(text for _, text in parsers.verbatim_lines(path=OFFICIAL / f"{name}.txt")) + "\n"


@pytest.fixture()
def knowledge_copy(tmp_path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.py", "review"))
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every source file's text: what `nothing changed` compares."""
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8")
            for p in sorted((root / "sources").rglob("*")) if p.is_file()}


def add(root: Path, tmp_path: Path, **fields):
    options = {"title": "鄂尔多斯市发放育儿补贴实施细则", "issuer": "鄂尔多斯市卫生健康委员会",
               "jurisdiction": "鄂尔多斯市", "date": "2026-03-01", **fields}
    return catalogue.add_document(root=root, db_path=tmp_path / "out" / "knowledge.db", **options)


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize(("text", "shape", "paths"), [
    ("标题\n第一条 为了规范。\n第二条 本办法适用于全市。\n", "articles", ["第一条", "第二条"]),
    ("标题\n一、总体要求\n（一）目标。到2027年建成。\n（二）原则。坚持普惠。\n二、保障\n做好保障。\n",
     "outline", ["一/（一）", "一/（二）", "二"]),
    ("# 通知\n## 补贴对象\n户籍在本市的婴幼儿。\n## 补贴标准\n每孩每年3600元。\n", "markdown", ["1", "2"]),
    ("任务清单\n序号\t工作内容\t牵头单位\n1\t落实产假。\t人社局\n2\t发放补贴。\t卫健局\n", "table", ["1", "2"]),
    ("关于做好育儿补贴工作的通知\n各旗区卫健委：现将有关事项通知如下。\n请于2026年3月底前完成。\n", "plain", ["1", "2"]),
])
def test_a_shape_is_found_from_how_the_text_is_numbered(tmp_path, text, shape, paths):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    found, options = parsers.detect_shape(path=path)
    assert shape == found
    assert paths == [c.path for c in parsers.parse_document(doc_id="x", path=path, shape=found, options=options)]


def test_table_columns_are_read_from_the_header():
    assert {"number": "序号", "text": "工作内容", "lead_units": "牵头单位", "other_units": "责任单位"} == \
        parsers.guess_table_columns(header=["序号", "工作内容", "牵头单位", "责任单位", "备注"])


# ---------------------------------------------------------------- add / remove


@pytest.mark.slow
def test_add_stores_a_copy_writes_the_entry_and_rebuilds(knowledge_copy, tmp_path):
    source = tmp_path / "ordos.txt"
    source.write_text(verbatim("hohhot-subsidy-rules"), encoding="utf-8")
    added = add(knowledge_copy, tmp_path, source_id="ordos-subsidy-2026", path=source, doc_number="鄂卫发〔2026〕1号")

    assert ("ordos-subsidy-2026", "ordos", "outline", {"titled_groups": True}) == \
        (added.source_id, added.jurisdiction, added.shape, added.shape_options)
    official = parsers.parse_document(doc_id="hohhot-subsidy-rules", path=OFFICIAL / "hohhot-subsidy-rules.txt",
                                      shape="outline", options={"titled_groups": True})
    assert [c.path for c in official] == [c.path for c in added.clauses]
    assert knowledge_copy / "sources" / "added" / "ordos-subsidy-2026.txt" == added.file

    entry = {e["id"]: e for e in build.load_yaml_list(path=knowledge_copy / "sources" / "sources.yml")}[
        "ordos-subsidy-2026"]
    assert ("added/ordos-subsidy-2026.txt", "ordos", "2026-03-01", "in_force", "鄂卫发〔2026〕1号", 17) == (
        entry["file"], entry["jurisdiction"], str(entry["date"]), entry["status"], entry["doc_number"],
        entry["expected_measures"])

    conn = store.connect(path=tmp_path / "out" / "knowledge.db")
    row = store.document(conn=conn, doc_id="ordos-subsidy-2026")
    assert ("鄂尔多斯市发放育儿补贴实施细则", "ordos") == (row["title"], row["jurisdiction"])
    assert len(official) == len(store.clauses_of(conn=conn, doc_id="ordos-subsidy-2026"))
    # Not curated yet: it answers through its clauses.
    assert ["ordos-subsidy-2026"] == [d["id"] for d in store.uncurated_documents(conn=conn)]
    # A rebuild from the files gives the same store (the entry is complete).
    assert build.build(root=knowledge_copy, db_path=tmp_path / "again.db").clauses == added.report.clauses


@pytest.mark.slow
def test_remove_restores_every_file(knowledge_copy, tmp_path):
    before = snapshot(knowledge_copy)
    source = tmp_path / "rules.md"
    source.write_text("# 细则\n## 对象\n本市户籍婴幼儿。\n## 标准\n每孩每年3600元。\n", encoding="utf-8")
    added = add(knowledge_copy, tmp_path, path=source, jurisdiction="包头市昆都仑区", supersedes="baotou-2025")
    assert ("kundulun-2026", "markdown") == (added.source_id, added.shape)
    assert "superseded_by: kundulun-2026" in (knowledge_copy / "sources" / "sources.yml").read_text(encoding="utf-8")
    catalogue.remove_document(source_id=added.source_id, root=knowledge_copy, db_path=tmp_path / "out" / "knowledge.db")
    assert before == snapshot(knowledge_copy)


def test_a_curated_document_is_not_removed(knowledge_copy, tmp_path):
    with pytest.raises(SourceError, match="curated"):
        catalogue.remove_document(source_id="baotou-2025", root=knowledge_copy, db_path=tmp_path / "k.db")


@pytest.mark.parametrize(("fields", "message"), [
    ({"jurisdiction": "火星市"}, "unknown place"),
    ({"jurisdiction": "白云区"}, "ambiguous"),
    ({"jurisdiction": "成都市"}, "outside the covered regions"),
    ({"source_id": "baotou-2025"}, "already in sources.yml"),
    ({"source_id": "Bad Id"}, "lower-case"),
    ({"date": "2026-02-30"}, "not a real date"),
    ({"status": "rumour"}, "status"),
    ({"supersedes": "nowhere"}, "no such document"),
    ({"title": " "}, "must not be empty"),
])
def test_bad_input_changes_nothing(knowledge_copy, tmp_path, fields, message):
    source = tmp_path / "doc.txt"
    source.write_text(verbatim("female-labour-protection"), encoding="utf-8")
    before = snapshot(knowledge_copy)
    with pytest.raises(SourceError, match=message):
        add(knowledge_copy, tmp_path, path=source, **fields)
    assert before == snapshot(knowledge_copy)
    assert not (tmp_path / "out" / "knowledge.db").exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.txt", None, "file not found"),
    ("empty.txt", "", "empty"),
    ("sheet.xls", "a\tb\n", "unsupported file type"),
])
def test_an_unreadable_file_changes_nothing(knowledge_copy, tmp_path, name, content, message):
    source = tmp_path / name
    if content is not None:
        source.write_text(content, encoding="utf-8")
    before = snapshot(knowledge_copy)
    with pytest.raises(SourceError, match=message):
        add(knowledge_copy, tmp_path, path=source)
    assert before == snapshot(knowledge_copy)


def test_a_failed_build_restores_the_files(knowledge_copy, tmp_path, monkeypatch):
    source = tmp_path / "doc.txt"
    source.write_text(verbatim("female-labour-protection"), encoding="utf-8")
    before = snapshot(knowledge_copy)

    def broken(**_):
        raise SourceError(file="x", line=1, message="disk full")

    monkeypatch.setattr(build, "build", broken)
    with pytest.raises(SourceError, match="disk full"):
        add(knowledge_copy, tmp_path, path=source)
    assert before == snapshot(knowledge_copy)


# ---------------------------------------------------------------- versions


@pytest.mark.slow
def test_the_version_in_force_on_a_date(knowledge_copy, tmp_path):
    source = tmp_path / "new.txt"
    source.write_text(verbatim("female-labour-protection"), encoding="utf-8")
    add(knowledge_copy, tmp_path, path=source, source_id="baotou-2027", jurisdiction="包头市", date="2027-01-01",
        supersedes="baotou-2025")
    db = tmp_path / "out" / "knowledge.db"
    conn = store.connect(path=db)
    # No facts curated from the successor yet: the replaced document keeps answering (flagged).
    assert {"baotou-2027": ("2027-01-01", None)} == store.versions(conn=conn)
    after = regions.resolve(conn=conn, place="baotou", table="leave_rules", as_of="2027-06-01", leave_type="产假")
    assert {"baotou-2025"} == {r["doc_id"] for r in after.rules}

    # An editor accepts a fact from the new document: from its date on, it answers instead.
    facts = knowledge_copy / "facts" / "leave_rules.yml"
    facts.write_text(facts.read_text(encoding="utf-8") + """
- jurisdiction: baotou
  leave_type: 产假
  child_order: null
  days: 98
  period: once
  until_child_age: null
  who: mother
  conditions: null
  pay_note: null
  clause: baotou-2027:第七条
  quote: 女职工生育享受98天产假
""", encoding="utf-8")
    build.build(root=knowledge_copy, db_path=db)
    conn = store.connect(path=db)
    versions = store.versions(conn=conn)
    assert {"baotou-2027": ("2027-01-01", None), "baotou-2025": (None, "2027-01-01")} == versions
    rows = [{"doc_id": "baotou-2025"}, {"doc_id": "baotou-2027"}, {"doc_id": "neimenggu-measures"}]
    assert ["baotou-2025", "neimenggu-measures"] == \
        [r["doc_id"] for r in regions.in_force_on(rows, versions=versions, as_of="2026-12-31")]
    assert ["baotou-2027", "neimenggu-measures"] == \
        [r["doc_id"] for r in regions.in_force_on(rows, versions=versions, as_of="2027-01-01")]
    before = regions.resolve(conn=conn, place="baotou", table="leave_rules", as_of="2026-06-01", leave_type="产假")
    after = regions.resolve(conn=conn, place="baotou", table="leave_rules", as_of="2027-06-01", leave_type="产假")
    assert {"baotou-2025"} == {r["doc_id"] for r in before.rules}
    assert ({"baotou-2027"}, [98]) == ({r["doc_id"] for r in after.rules}, [r["days"] for r in after.rules])


# ---------------------------------------------------------------- command line


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # The copy's own package: the command edits the knowledge/ it is run from.
    return subprocess.run([sys.executable, "-m", "knowledge", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, timeout=300)


@pytest.mark.slow
def test_cli_add_prints_the_clauses_and_bad_input_is_one_line(tmp_path):
    """On a copy of the project (the command edits knowledge/ in place)."""
    project = tmp_path / "project"
    shutil.copytree(KNOWLEDGE, project / "knowledge", ignore=shutil.ignore_patterns("__pycache__", "review"))
    source = tmp_path / "labour.txt"
    source.write_text(verbatim("female-labour-protection"), encoding="utf-8")
    db = tmp_path / "k.db"
    done = run_cli("add", str(source), "--title", "鄂尔多斯市女职工劳动保护办法", "--issuer", "鄂尔多斯市人民政府",
                   "--jurisdiction", "鄂尔多斯市", "--date", "2026-05-01", "--db", str(db), cwd=project)
    assert 0 == done.returncode, done.stderr
    assert "added ordos-2026" in done.stdout
    assert "shape: articles" in done.stdout
    assert "  ordos-2026:第七条  女职工生育享受98天产假，其中产前可以休假15天" in done.stdout
    failed = run_cli("add", str(source), "--title", "x", "--issuer", "y", "--jurisdiction", "火星市",
                     "--date", "2026-05-01", "--db", str(db), cwd=project)
    assert (2, "") == (failed.returncode, failed.stdout)
    assert failed.stderr.startswith("error: ") and "Traceback" not in failed.stderr
    removed = run_cli("remove", "ordos-2026", "--db", str(db), cwd=project)
    assert 0 == removed.returncode, removed.stderr
    assert not (project / "knowledge" / "sources" / "added" / "ordos-2026.txt").exists()
