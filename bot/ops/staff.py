"""`make staff`: a read-only view of the knowledge store for staff, in a browser (Datasette).

    python -m bot.ops.staff [--db build/knowledge.db] [--out build/staff]    # metadata + review db
    python -m bot.ops.staff --serve [--port 8001]                           # … then run Datasette

Writes build/staff/metadata.json (titles, Chinese descriptions, the canned queries of
knowledge.store.STAFF_QUERIES) and build/staff/review.db (the candidate fact rows of
knowledge/facts/review/*.yml, one table). Datasette (in .venv-staff, requirements-staff.txt)
serves the store immutable (`-i`): staff can read and query it, never change it. The review
candidates live in their own small file because the store is rebuilt atomically and has a
fixed schema, while candidates may carry any keys.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import sqlite_utils
import yaml

from knowledge import store

ROOT = Path(__file__).resolve().parents[2]
REVIEW_DIR = ROOT / "knowledge" / "facts" / "review"
OUT_DIR = ROOT / "build" / "staff"
DATASETTE = ROOT / ".venv-staff" / "bin" / "datasette"
TITLE = "生育政策知识库（只读）"
# Keys by which a flat mapping is recognised as a candidate fact row.
ROW_KEYS = frozenset({"table", "clause", "clause_id", "quote"})
SUGGEST_HINT = "运行 python -m knowledge suggest-facts SOURCE_ID 生成候选。"

TABLES: dict[str, dict] = {
    "documents": {"title": "政策文件", "description": "每个来源文件一行。status：in_force 现行、draft 草案；"
                  "kind：document 正式文件、supplementary 补充材料。", "facets": ["jurisdiction", "status"]},
    "clauses": {"title": "条款", "description": "文件的每一条（编号如 baotou-2025:一/（二）），事实行通过 clause_id 引用。",
                "facets": ["doc_id", "kind"]},
    "leave_rules": {"title": "休假规则", "description": "产假、陪产假、育儿假等：天数、孩次、适用人群，附条款与原文摘录。",
                    "facets": ["jurisdiction", "leave_type"]},
    "benefits": {"title": "补贴与待遇", "description": "育儿补贴、生育津贴等：金额、条件、申领方式，附条款与原文摘录。",
                 "facets": ["jurisdiction", "kind"]},
    "targets": {"title": "目标指标", "description": "规划中的目标数值（如每千人口托位数），附条款与原文摘录。",
                "facets": ["jurisdiction"]},
    "services": {"title": "服务与项目", "description": "办事服务、试点项目、联系方式，附条款与原文摘录。",
                 "facets": ["jurisdiction", "kind"]},
    "regions": {"title": "地区", "description": "知识库覆盖的地区及其上级（parent）。"},
    "region_aliases": {"title": "地区别名", "description": "问句中可能出现的地区叫法。"},
    "document_scope": {"title": "文件限定范围", "description": "只适用于所列地区的文件（如区级草案）；没有行的文件适用于其辖区全部。"},
    "places": {"title": "全国行政区划", "description": "民政部公布的全部区划（含乡镇）；region_id 为空表示不在覆盖范围内。"},
    "facilities": {"title": "托育机构", "description": "托育机构名录；is_demo = 1 为演示数据。", "facets": ["jurisdiction", "is_demo"]},
    "clause_units": {"title": "条款分句", "description": "条款拆成的句子（构建检查用）。"},
    "qa": {"title": "问答条目", "description": "knowledge/qa/*.yml 中的问答。", "facets": ["topic", "jurisdiction"]},
    "qa_questions": {"title": "问答问法", "description": "每个问答条目的不同问法。"},
    "qa_clauses": {"title": "问答引用条款", "description": "问答条目引用的条款。"},
    # Pre-tokenised text for full-text search: nothing a person reads.
    "clause_search": {"hidden": True},
    "qa_search": {"hidden": True},
}

# Column descriptions, shown by Datasette above each table; per-table entries win.
COLUMNS: dict[str, str] = {
    "id": "编号", "jurisdiction": "适用地区", "clause_id": "条款编号", "quote": "原文摘录",
    "also_cites": "另外依据的条款", "child_order": "孩次（空 = 不限）", "note": "备注", "kind": "类别",
    "is_goal": "1 = 目标性表述（推动、鼓励…），不是已落实的待遇", "title": "标题", "doc_id": "文件编号",
    "name": "名称", "seq": "顺序", "region_id": "地区编号", "level": "层级", "parent": "上级地区",
}
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "documents": {"id": "文件编号", "file": "来源文件", "issuer": "发文机关", "doc_number": "文号", "date": "成文日期",
                  "date_note": "日期说明", "sort_date": "排序日期", "status": "状态：in_force 现行 / draft 草案",
                  "superseded_by": "被哪个文件取代", "supersedes": "取代了哪个文件", "confidence": "可信度", "publication": "发布渠道",
                  "source_url": "来源网址", "scope_note": "适用范围说明"},
    "clauses": {"id": "条款编号", "path": "条款路径", "number": "序号", "heading": "标题", "text": "条文",
                "line": "来源文件行号"},
    "leave_rules": {"leave_type": "假别", "days": "天数", "period": "计算方式", "until_child_age": "子女几岁前可休",
                    "who": "享受人", "conditions": "条件", "pay_note": "待遇说明"},
    "benefits": {"kind": "待遇类别", "amount_text": "金额（原文）", "value": "金额（数值）", "unit": "单位",
                 "eligibility": "申领条件", "how_to_apply": "申领方式", "deadline": "截止时间"},
    "targets": {"indicator": "指标", "value_text": "目标值（原文）", "value": "目标值（数值）", "unit": "单位",
                "year": "目标年份"},
    "services": {"description": "说明", "contact": "联系方式"},
}
REVIEW_COLUMNS: dict[str, str] = {
    "_file": "候选所在的 YAML 文件", "_item": "在文件中的位置（列表下标/键）",
    "_group": "所在分组（文件按分组写时）", "table": "拟写入的事实表", "jurisdiction": "适用地区",
    "clause": "条款编号", "quote": "原文摘录", "review_note": "审核提示（采纳前删除）", "_error": "读取失败的原因",
}


# ---------------------------------------------------------------- review candidates

def load_review_candidates(*, review_dir: Path) -> list[dict]:
    """Every candidate fact row of review_dir/*.yml, flattened to one dict each.

    Tolerant on purpose (the files are written by a tool and edited by hand): any keys; a
    list of rows, or rows grouped under mappings or lists (the group's own plain keys are
    copied into its rows, its key path goes to `_group`); a file that does not parse
    becomes one row saying why, so the rest can still be reviewed."""
    rows: list[dict] = []
    for path in sorted(Path(review_dir).glob("*.yml")):
        name = path.relative_to(review_dir).as_posix()
        try:
            documents = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            rows.append({"_file": name, "_item": "", "_error": str(error)})
            continue
        for number, document in enumerate(documents):
            start = [] if len(documents) == 1 else [str(number)]
            rows += [{"_file": name, **row} for row in _candidate_rows(document, path=start, group=[], context={})]
    return rows


def _is_container(value: object) -> bool:
    """Whether a value holds candidate rows (rather than being one column's value): a list
    or mapping with mappings inside, or a flat mapping with a candidate's usual keys (a
    flat `source: {file: …, line: …}` stays one JSON cell)."""
    if isinstance(value, list):
        return any(isinstance(item, dict) or _is_container(item) for item in value)
    if isinstance(value, dict):
        return bool(ROW_KEYS & set(map(str, value))) or any(
            isinstance(item, dict) or _is_container(item) for item in value.values())
    return False


def _candidate_rows(node: object, *, path: list[str], group: list[str], context: dict) -> list[dict]:
    if isinstance(node, list):
        found = []
        for index, item in enumerate(node):
            found += _candidate_rows(item, path=[*path, str(index)], group=group, context=context)
        return found
    if not isinstance(node, dict):
        return []   # a bare scalar in a list of rows: nothing to review
    # A fact table's section is a group even when empty (`benefits: []` is no column).
    children = {str(k): v for k, v in node.items()
                if _is_container(v) or (str(k) in store.FACT_TABLES and isinstance(v, (list, dict)))}
    plain = {str(k): _cell(v) for k, v in node.items() if str(k) not in children}
    if not children:
        return [{"_item": "/".join(path), "_group": "/".join(group) or None, **context, **plain}]
    found = []
    for key, child in children.items():
        inner = {**context, **plain}
        # Rows grouped under a fact table's name ({leave_rules: [...]}) belong to that table.
        if key in store.FACT_TABLES and "table" not in inner:
            inner["table"] = key
        found += _candidate_rows(child, path=[*path, key], group=[*group, key], context=inner)
    return found


def _cell(value: object) -> object:
    """A value SQLite can hold: lists and mappings as JSON text, booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)   # dates and other YAML scalars


# ---------------------------------------------------------------- metadata

def metadata(*, db: Path, review_db: Path, candidates: list[dict], review_dir: Path) -> dict:
    """Datasette's metadata: titles and descriptions in Chinese, the canned queries."""
    tables = {}
    for table, spec in TABLES.items():
        entry = dict(spec)
        # Only columns the schema has: a description of a missing column would still be listed.
        described = {**COLUMNS, **TABLE_COLUMNS.get(table, {})}
        columns = {c: d for c, d in described.items() if c in _columns_of(table)}
        if columns:
            entry["columns"] = columns
        tables[table] = entry
    # hide_sql: staff see the form and the rows first; "show" reveals the SQL.
    queries = {name: {"title": query["title"], "description": query["description"], "sql": query["sql"].strip(),
                      "hide_sql": True} for name, query in store.STAFF_QUERIES.items()}
    files = sorted({row["_file"] for row in candidates})
    broken = sorted({row["_file"] for row in candidates if "_error" in row})
    rows = [row for row in candidates if "_error" not in row]
    where = _shown_path(review_dir)
    if rows:
        note = f"{len(rows)} 条待审候选，来自 {where}/ 下的 {len(files)} 个文件（{'、'.join(files)}）。" \
               "审核通过的行由人工移入 knowledge/facts/*.yml。"
    else:
        note = f"暂无待审候选：{where}/ 下没有 *.yml 文件（或文件中没有候选行）。{SUGGEST_HINT}"
    if broken:
        note += f" 读取失败的文件（见 _error 列）：{'、'.join(broken)}。"
    return {
        "title": TITLE,
        "description": "政策文件、条款与事实表（休假、补贴、目标、服务），只读：由 make knowledge 从 knowledge/ 构建，"
                       "此处不能修改。修改请编辑 knowledge/ 下的源文件后重新构建。",
        "databases": {
            # Datasette names a database after its file's stem.
            Path(db).stem: {
                "description": f"知识库（{_shown_path(db)}，只读）。预设查询：按地区查看事实、没有事实引用的条款。",
                "tables": tables,
                "queries": queries,
            },
            Path(review_db).stem: {
                "description": f"待审核的候选事实（由 make staff 从 {where}/*.yml 生成）。{note}",
                "tables": {store.STAFF_REVIEW_TABLE: {"title": "候选事实", "description": note,
                                                      "columns": _review_columns(candidates)}},
            },
        },
    }


def _review_columns(candidates: list[dict]) -> dict[str, str]:
    """Descriptions of the candidates' columns: a candidate's keys are the fact tables'."""
    described = dict(COLUMNS)
    for table in store.FACT_TABLES:
        described.update({c: d for c, d in TABLE_COLUMNS.get(table, {}).items() if c not in COLUMNS})
    described.update(REVIEW_COLUMNS)
    present = set(store.STAFF_REVIEW_FIRST_COLUMNS) | {k for row in candidates for k in row}
    return {c: d for c, d in described.items() if c in present}


def _columns_of(table: str) -> set[str]:
    spec = store.SCHEMA.get(table) or store.QA_SCHEMA.get(table) or {"columns": {}}
    return set(spec["columns"])


def _shown_path(path: Path) -> str:
    """A path relative to the project when it is inside it (what staff see in the repo)."""
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


# ---------------------------------------------------------------- build and serve

def build(*, db: Path, review_dir: Path, out: Path) -> tuple[Path, Path]:
    """Write out/metadata.json and out/review.db for a built store; (metadata, review db)."""
    if not Path(db).exists():
        raise FileNotFoundError(f"knowledge store not found: {db} (run `make knowledge`)")
    conn = store.connect(path=db)
    try:
        for name, query in store.STAFF_QUERIES.items():
            # Fail here, not in the browser, when a canned query no longer fits the schema.
            store.staff_query(conn=conn, name=name, params={p: "" for p in query["params"]})
    finally:
        conn.close()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    candidates = load_review_candidates(review_dir=review_dir)
    review_db = out / "review.db"
    # Built beside and renamed into place: a running Datasette never sees half a file.
    partial = out / "review.db.partial"
    partial.unlink(missing_ok=True)
    with sqlite_utils.Database(partial) as db_file:
        store.write_review_candidates(db=db_file, rows=candidates)
    os.replace(partial, review_db)
    metadata_path = out / "metadata.json"
    data = metadata(db=db, review_db=review_db, candidates=candidates, review_dir=review_dir)
    metadata_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return metadata_path, review_db


def serve_command(*, datasette: Path, db: Path, review_db: Path, metadata_path: Path, port: int,
                  host: str = "127.0.0.1") -> list[str]:
    """The Datasette command line: both databases immutable (-i), bound to `host`."""
    return [str(datasette), "serve", "-i", str(db), "-i", str(review_db), "--metadata", str(metadata_path),
            "--host", host, "--port", str(port)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.staff", description="员工只读视图（Datasette）")
    parser.add_argument("--db", type=Path, default=store.DEFAULT_DB, help="the store (default build/knowledge.db)")
    parser.add_argument("--review-dir", type=Path, default=REVIEW_DIR, help="candidate files (*.yml)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where metadata.json and review.db go")
    parser.add_argument("--serve", action="store_true", help="then run Datasette (Ctrl-C stops it)")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--datasette", type=Path, default=DATASETTE, help="the datasette command (.venv-staff)")
    args = parser.parse_args(argv)
    try:
        metadata_path, review_db = build(db=args.db, review_dir=args.review_dir, out=args.out)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    command = serve_command(datasette=args.datasette, db=args.db, review_db=review_db,
                            metadata_path=metadata_path, port=args.port)
    print(f"wrote {metadata_path} and {review_db}")
    if not args.serve:
        print("serve with: " + " ".join(command))
        return 0
    if not args.datasette.exists():
        print(f"error: {args.datasette} is missing: run `make staff-tools`", file=sys.stderr)
        return 2
    print(f"员工只读视图 / staff view (read-only): http://127.0.0.1:{args.port}/  (Ctrl-C stops it)", flush=True)
    os.execv(command[0], command)   # Datasette takes over this process: Ctrl-C reaches it directly
    return 0   # not reached


if __name__ == "__main__":
    sys.exit(main())
