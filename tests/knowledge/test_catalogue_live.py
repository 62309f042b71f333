"""A document added with `knowledge add` from a Word file, a saved web page and a PDF
(written here from an official text) is answered by the running assistant, without a
restart, and is gone again after `knowledge remove`."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.ops.stack import send
from knowledge import build, catalogue
from tests.knowledge import document_files

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

# (format, writer, place the document governs, its region id, the citizen's question)
CASES = [
    ("docx", document_files.write_docx, "鄂尔多斯市", "ordos", "鄂尔多斯二胎补贴多少"),
    ("html", document_files.write_html, "赤峰市", "chifeng", "赤峰市生育二孩发放多少育儿补贴"),
    ("pdf", document_files.write_pdf, "乌海市", "wuhai", "乌海二孩补贴多少钱"),
]


@pytest.fixture(scope="module")
def knowledge_copy(tmp_path_factory) -> tuple[Path, Path]:
    """(a private knowledge/ tree, the store built from it) — the stack reads that store."""
    root = tmp_path_factory.mktemp("added") / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.py", "review"))
    db = root.parent / "knowledge.db"
    build.build(root=root, db_path=db)
    return root, db


@pytest.fixture(scope="module")
def stack(live_stack, knowledge_copy):
    return live_stack("added-documents", knowledge_db=knowledge_copy[1])


def text_of(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


@pytest.mark.parametrize(("fmt", "write", "place", "region_id", "question"), CASES, ids=[c[0] for c in CASES])
def test_an_added_document_answers_until_it_is_removed(stack, knowledge_copy, tmp_path, fmt, write, place,
                                                       region_id, question):
    root, db = knowledge_copy
    title = f"{place}发放育儿补贴实施细则（测试{fmt}）"
    before = text_of(send(stack.rest_url, f"before-{fmt}", question))
    assert title not in before

    _, paragraphs = document_files.official_paragraphs(name="hohhot-subsidy-rules")
    source = write(path=tmp_path / f"rules.{fmt}", title=title, paragraphs=paragraphs)
    added = catalogue.add_document(path=source, title=title, issuer=f"{place}卫生健康委员会", jurisdiction=place,
                                   date="2026-03-01", source_id=f"{region_id}-test-{fmt}", root=root, db_path=db)
    assert region_id == added.jurisdiction
    # The scheme's amounts by child order are clauses of their own, in whatever format it came.
    two = [c for c in added.clauses if "二孩" in c.text and "50000" in c.text.replace(",", "")]
    assert two, [c.text[:40] for c in added.clauses]

    # The running action server reads the rebuilt store: no restart.
    answer = text_of(send(stack.rest_url, f"after-{fmt}", question))
    first = answer.splitlines()[0]
    assert first.startswith(f"《{title}》（新收录文件）规定："), answer
    assert "50000元" in first.replace(",", ""), answer
    assert f"来源：《{title}》" in answer

    catalogue.remove_document(source_id=added.source_id, root=root, db_path=db)
    assert title not in text_of(send(stack.rest_url, f"removed-{fmt}", question))
