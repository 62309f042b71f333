"""`make staff` (bot/ops/staff.py): the canned queries of knowledge.store.STAFF_QUERIES on a
real built store, the loader of the review candidates, the generated metadata; and the staff
view in a real browser: Datasette from .venv-staff (made here by `make staff-tools` when
missing or stale, so a clean clone passes) serving the store immutable, driven by Debian's
headless chromium (/usr/bin/chromium) with Playwright. Screenshots go to reports/staff/ and
test-artifacts/.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bot.ops import staff
from knowledge import store
from tests.conftest import CHROMIUM, free_ports, save_screenshot

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
LEAVE_CLAUSE = "baotou-2025:一/（二）"
LEAVE_QUOTE = "女职工享受一、二孩 158 天的产假、三孩 188 天的产假"
# Candidate files as the suggest-facts tool or a person may write them.
SAMPLE_REVIEW = {
    "baotou-2025.yml": f"""# 候选
- table: leave_rules
  jurisdiction: baotou
  leave_type: 产假
  child_order: 1
  days: 158
  clause: {LEAVE_CLAUSE}
  quote: {LEAVE_QUOTE}
  also_cites: [female-labour-protection:第七条]
- source: baotou-2025
  benefits:
    - kind: 育儿补贴
      clause: baotou-2025:一/（三）
      quote: 贯彻实施国家、自治区育儿补贴制度
      origin: {{line: 12}}
""",
    # The layout of `python -m knowledge suggest-facts` (one section per fact table), and a
    # section keyed by name.
    "grouped.yml": """leave_rules: []
targets:
- clause: baotou-2025:二/（七）
  quote: 储备托育项目
  review_note: 请核对
services:
  萌宝驿站: {clause: baotou-2025:二/（七）, quote: 扩大“萌宝驿站”自治区社区托育服务试点范围}
""",
    "broken.yml": "- table: [leave_rules\n",
    "empty.yml": "# nothing yet\n",
}


def write_review_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in SAMPLE_REVIEW.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- canned queries on the real store

def chain_of(conn, region_id: str) -> list[str]:
    parents = {row["id"]: row["parent"] for row in store.regions(conn=conn)}
    chain = [region_id]
    while parents.get(chain[-1]):
        chain.append(parents[chain[-1]])
    return chain


def test_facts_by_place_lists_the_rules_of_baotou_and_the_places_above_it(conn):
    rows = store.staff_query(conn=conn, name="facts_by_place", params={"place": "baotou"})
    leave = [(r["地区编号"], r["层级"], r["项目"], r["孩次"], r["数值"], r["原文摘录"], r["文件状态"])
             for r in rows if r["事实表"] == "leave_rules" and r["条款编号"] == LEAVE_CLAUSE]
    # 内蒙古's rules (one level up), quoted by 包头's 2025 task list.
    assert [("neimenggu", 1, "产假", 1, "158天", LEAVE_QUOTE, "in_force"),
            ("neimenggu", 1, "产假", 2, "158天", LEAVE_QUOTE, "in_force"),
            ("neimenggu", 1, "产假", 3, "188天", LEAVE_QUOTE, "in_force"),
            ("neimenggu", 1, "护理假", None, "25天", "男职工享受 25 天的护理假", "in_force"),
            ("neimenggu", 1, "育儿假", None, "10天",
             "在子女 3 周岁以前，每年给予夫妻双方各 10 天育儿假，休假期间的工资、福利等待遇不变", "in_force")] == leave
    assert {"包头市加快完善生育支持政策体系推动建设生育友好型社会重点任务清单"} == {
        r["文件标题"] for r in rows if r["条款编号"] == LEAVE_CLAUSE}
    # Exactly the fact rows of 包头, 内蒙古 and 全国, whatever their table, nearest first.
    chain = chain_of(conn, "baotou")
    assert ["baotou", "neimenggu", "china"] == chain
    expected = sorted((chain.index(f["jurisdiction"]), store.FACT_TABLES.index(table), table, f["id"])
                      for table in store.FACT_TABLES
                      for f in store.all_facts(conn=conn, table=table) if f["jurisdiction"] in chain)
    assert [(level, table, fact_id) for level, _, table, fact_id in expected] == [
        (r["层级"], r["事实表"], r["行号"]) for r in rows]


def test_facts_by_place_takes_a_name_or_an_alias_like_the_id(conn):
    def query(place: str) -> list[tuple]:
        return [tuple(r) for r in store.staff_query(conn=conn, name="facts_by_place", params={"place": place})]

    by_id = query("baotou")
    assert by_id == query("包头") == query("包头市")
    assert [] == query("没有这个地方")
    # A district of 包头 (an official division, table places) sees 包头's rules one level up.
    assert {("baotou", 1)} <= {(r[1], r[2]) for r in query("昆都仑区")}


def test_clauses_without_facts_are_those_no_fact_row_cites(conn):
    rows = store.staff_query(conn=conn, name="clauses_without_facts")
    cited = set()
    for table in store.FACT_TABLES:
        for fact in store.all_facts(conn=conn, table=table):
            cited.add(fact["clause_id"])
            if "also_cites" in fact.keys() and fact["also_cites"]:
                cited.update(fact["also_cites"].split(", "))
    docs = {d["id"]: d for d in store.documents(conn=conn)}
    expected = [(c["doc_id"], c["id"]) for d in sorted(docs.values(), key=lambda d: (d["kind"], d["id"]))
                for c in store.clauses_of(conn=conn, doc_id=d["id"]) if c["id"] not in cited]
    assert expected == [(r["文件编号"], r["条款编号"]) for r in rows]
    ids = {r["条款编号"] for r in rows}
    assert "baotou-2023:二/（一）/1" in ids          # 依法实施三孩生育政策: no figure to extract
    assert LEAVE_CLAUSE not in ids
    assert "female-labour-protection:第八条" not in ids   # cited only through also_cites
    per_doc = {}
    for doc_id, _ in expected:
        per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
    assert per_doc == {r["文件编号"]: r["该文件未引用条款数"] for r in rows}


# ---------------------------------------------------------------- review candidates and metadata

def test_review_candidates_are_loaded_whatever_their_shape(tmp_path):
    rows = staff.load_review_candidates(review_dir=write_review_dir(tmp_path / "review"))
    simple = [{k: v for k, v in row.items() if k != "_error"} for row in rows]
    assert [
        {"_file": "baotou-2025.yml", "_item": "0", "_group": None, "table": "leave_rules",
         "jurisdiction": "baotou", "leave_type": "产假", "child_order": 1, "days": 158,
         "clause": LEAVE_CLAUSE, "quote": LEAVE_QUOTE, "also_cites": '["female-labour-protection:第七条"]'},
        {"_file": "baotou-2025.yml", "_item": "1/benefits/0", "_group": "benefits", "source": "baotou-2025",
         "table": "benefits", "kind": "育儿补贴", "clause": "baotou-2025:一/（三）",
         "quote": "贯彻实施国家、自治区育儿补贴制度", "origin": '{"line": 12}'},
        {"_file": "broken.yml", "_item": ""},
        {"_file": "grouped.yml", "_item": "targets/0", "_group": "targets", "table": "targets",
         "clause": "baotou-2025:二/（七）", "quote": "储备托育项目", "review_note": "请核对"},
        {"_file": "grouped.yml", "_item": "services/萌宝驿站", "_group": "services/萌宝驿站", "table": "services",
         "clause": "baotou-2025:二/（七）", "quote": "扩大“萌宝驿站”自治区社区托育服务试点范围"},
    ] == simple
    assert "broken.yml" == next(row["_file"] for row in rows if row.get("_error"))


def test_staff_files_from_a_built_store(built_store, tmp_path):
    metadata_path, review_db = staff.build(db=built_store.db_path, review_dir=write_review_dir(tmp_path / "review"),
                                           out=tmp_path / "out")
    data = json.loads(metadata_path.read_text(encoding="utf-8"))
    assert "生育政策知识库（只读）" == data["title"]
    assert ["knowledge", "review"] == list(data["databases"])
    queries = data["databases"]["knowledge"]["queries"]
    assert {name: q["sql"].strip() for name, q in store.STAFF_QUERIES.items()} == {
        name: q["sql"] for name, q in queries.items()}
    assert "按地区查看事实" == queries["facts_by_place"]["title"]
    assert set(store.SCHEMA) <= set(data["databases"]["knowledge"]["tables"])
    conn = store.connect(path=review_db)
    try:
        quotes = [row["quote"] for row in conn.execute("SELECT quote FROM candidates ORDER BY _file, _item")]
    finally:
        conn.close()
    assert [LEAVE_QUOTE, "贯彻实施国家、自治区育儿补贴制度", None, "扩大“萌宝驿站”自治区社区托育服务试点范围",
            "储备托育项目"] == quotes
    review = data["databases"]["review"]["tables"]["candidates"]
    assert "4 条待审候选" in review["description"] and "broken.yml" in review["description"]
    assert ("审核提示（采纳前删除）", "天数") == (review["columns"]["review_note"], review["columns"]["days"])


def test_no_review_files_give_an_empty_table_and_a_note(built_store, tmp_path):
    metadata_path, review_db = staff.build(db=built_store.db_path, review_dir=tmp_path / "none", out=tmp_path)
    conn = store.connect(path=review_db)
    try:
        columns = [row["name"] for row in conn.execute("PRAGMA table_info(candidates)")]
        count = conn.execute("SELECT count(*) FROM candidates").fetchone()[0]
    finally:
        conn.close()
    assert (list(store.STAFF_REVIEW_FIRST_COLUMNS), 0) == (columns, count)
    note = json.loads(metadata_path.read_text(encoding="utf-8"))["databases"]["review"]["tables"]["candidates"]
    assert note["description"].startswith("暂无待审候选")
    assert "suggest-facts" in note["description"]


def test_cli_refuses_a_missing_store(tmp_path, capsys):
    assert 2 == staff.main(["--db", str(tmp_path / "missing.db"), "--out", str(tmp_path / "out")])
    assert "make knowledge" in capsys.readouterr().err


# ---------------------------------------------------------------- the staff view in a browser

def staff_datasette() -> Path:
    """.venv-staff's datasette, made by the Makefile when missing or older than its pins."""
    try:
        done = subprocess.run(["make", "--no-print-directory", "staff-tools"], cwd=ROOT, capture_output=True,
                              text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.fail(f"`make staff-tools` (Datasette in .venv-staff) could not run: {error}")
    if done.returncode != 0 or not staff.DATASETTE.exists():
        pytest.fail("`make staff-tools` did not make .venv-staff (Datasette for `make staff`):\n"
                    f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return staff.DATASETTE


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def staff_view(built_store, tmp_path_factory):
    """Datasette serving the session's store and sample candidates on a free port: its URL."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (.ci/run does)")
    datasette = staff_datasette()
    out = tmp_path_factory.mktemp("staff")
    metadata_path, review_db = staff.build(db=built_store.db_path, review_dir=write_review_dir(out / "review"),
                                           out=out)
    (port,) = free_ports(1)
    url = f"http://127.0.0.1:{port}"
    log = out / "datasette.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            staff.serve_command(datasette=datasette, db=built_store.db_path, review_db=review_db,
                                metadata_path=metadata_path, port=port),
            stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(f"{url}/-/databases.json")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Datasette did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / "staff-datasette.log")


@pytest.fixture(scope="module")
def browser(staff_view, chromium_browser):
    return chromium_browser


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    return save_screenshot(page, role="staff", name=name)


@pytest.mark.live
def test_staff_view_in_a_browser(page, staff_view):
    page.goto(f"{staff_view}/")
    assert "生育政策知识库（只读）" in page.title()
    page.get_by_role("heading", name="生育政策知识库（只读）").wait_for()
    page.locator("a", has_text="review").first.wait_for()
    screenshot(page, "index.png")

    page.goto(f"{staff_view}/knowledge/clauses?doc_id=baotou-2025")
    page.get_by_role("heading", name="条款").wait_for()
    page.locator("td.col-id", has_text=LEAVE_CLAUSE).first.wait_for()
    assert page.locator("dl.column-descriptions", has_text="条款编号").is_visible()

    # The canned query, as staff use it: type a place name into its form.
    page.goto(f"{staff_view}/knowledge/facts_by_place")
    page.get_by_role("heading", name="按地区查看事实").wait_for()
    page.fill("input[name=place]", "包头")
    page.locator("form.sql input[type=submit]").click()
    page.wait_for_url("**place=*")
    row = page.locator("tr", has_text=LEAVE_CLAUSE).first
    row.wait_for()
    assert LEAVE_QUOTE in row.inner_text() and "158天" in page.locator("table.rows-and-columns").inner_text()
    shot = screenshot(page, "facts-by-place.png")
    assert shot.stat().st_size > 10_000
    row.scroll_into_view_if_needed()
    screenshot(page, "facts-by-place-leave.png")

    page.goto(f"{staff_view}/knowledge/clauses_without_facts")
    page.get_by_role("heading", name="没有事实引用的条款").wait_for()
    page.locator("td", has_text="baotou-2023:二/（一）/1").first.wait_for()

    page.goto(f"{staff_view}/review/candidates")
    page.get_by_role("heading", name="候选事实").wait_for()
    page.locator("td", has_text="贯彻实施国家、自治区育儿补贴制度").first.wait_for()
    screenshot(page, "review.png")


@pytest.mark.live
def test_staff_view_cannot_change_the_store(staff_view, built_store):
    before = sha256(built_store.db_path)
    status, body = get(f"{staff_view}/-/databases.json")
    assert 200 == status
    assert {"knowledge": False, "review": False} == {db["name"]: db["is_mutable"] for db in json.loads(body)}
    # Arbitrary SQL is read-only, and a POST to a table is refused.
    sql = urllib.parse.quote("DELETE FROM documents")
    status, body = get(f"{staff_view}/knowledge.json?sql={sql}")
    assert (400, "Statement must be a SELECT") == (status, json.loads(body)["error"])
    request = urllib.request.Request(f"{staff_view}/knowledge/documents", data=b"title=x", method="POST")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    status, body = get(f"{staff_view}/knowledge/documents.json?_shape=array&_size=max")
    assert 200 == status and all(row["title"] != "x" for row in json.loads(body))
    assert before == sha256(built_store.db_path)
