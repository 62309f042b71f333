"""A document added with `knowledge add` answers first where it governs, through the
whole action; a replaced document says when the rule changed; and the action server
reads a rebuilt store without a restart."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actions import birth_dates, new_documents, templates
from actions import knowledge_access as ka
from actions.base import Answer
from actions.money import ActionAnswerSubsidy
from knowledge import catalogue, parsers
from tests.conftest import make_tracker

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
OFFICIAL = KNOWLEDGE / "sources" / "official"
TITLE = "鄂尔多斯市发放育儿补贴实施细则"


def verbatim(name: str) -> str:
    return "\n".join(text for _, text in parsers.verbatim_lines(path=OFFICIAL / f"{name}.txt")) + "\n"


def add_ordos_rules(tmp_path: Path) -> tuple[Path, Path]:
    """(knowledge copy, its store with 鄂尔多斯's rules added) under `tmp_path`."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.py", "review"))
    db = tmp_path / "knowledge.db"
    source = tmp_path / "ordos.txt"
    source.write_text(verbatim("hohhot-subsidy-rules"), encoding="utf-8")
    catalogue.add_document(path=source, title=TITLE, issuer="鄂尔多斯市卫生健康委员会", jurisdiction="鄂尔多斯市",
                           date="2026-03-01", source_id="ordos-2026", root=root, db_path=db)
    return root, db


def read_from(db: Path, monkeypatch) -> None:
    """The actions read `db` from now on."""
    monkeypatch.setenv("KNOWLEDGE_DB", str(db))
    ka.connection.cache_clear()


@pytest.fixture()
def store_with_added(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A fresh store with 鄂尔多斯's rules added, the store the actions read (a test may change it)."""
    root, db = add_ordos_rules(tmp_path)
    read_from(db, monkeypatch)
    return root, db


@pytest.fixture(scope="module")
def added_once(tmp_path_factory) -> tuple[Path, Path]:
    return add_ordos_rules(tmp_path_factory.mktemp("added"))


@pytest.fixture()
def read_only_store(added_once, monkeypatch) -> tuple[Path, Path]:
    """The same store built once for the module, for the tests that only read it."""
    read_from(added_once[1], monkeypatch)
    return added_once


@pytest.mark.parametrize(("question", "place", "expected"), [
    ("鄂尔多斯二胎补贴多少", "ordos", ("ordos-2026:二/（一）/2", ["生育二孩发放育儿补贴50000元，按照每年10000元发放，直至孩子5周岁；"])),
    ("东胜区二胎补贴多少", "cn-150602", ("ordos-2026:二/（一）/2", ["生育二孩发放育儿补贴50000元，按照每年10000元发放，直至孩子5周岁；"])),
    ("包头二胎补贴多少", "baotou", None),     # not where it governs
    ("二胎补贴多少", None, None),             # no place: a city's document is not national
    ("鄂尔多斯产假多少天", "ordos", None),     # nothing in it matches
])
def test_the_best_clause_of_a_document_governing_the_place(read_only_store, question, place, expected):
    assert expected == new_documents.best_clause(question, place=place, as_of=None)


def test_the_subsidy_action_says_the_new_document_first(read_only_store, dispatcher, domain):
    tracker = make_tracker(intent="ask_subsidy_amount", text="鄂尔多斯二胎补贴多少",
                           entities=[{"entity": "region", "value": "ordos"}])
    ActionAnswerSubsidy().respond(dispatcher, tracker, "ask_subsidy_amount")
    text = dispatcher.messages[0]["text"]
    assert text.startswith(f"《{TITLE}》（新收录文件）规定：生育二孩发放育儿补贴50000元"), text
    assert f"来源：《{TITLE}》二（一）第2项，2026-03-01" in text


@pytest.mark.slow
def test_a_rebuilt_store_is_read_without_a_restart(store_with_added):
    root, db = store_with_added
    before = ka.connection()
    assert new_documents.best_clause("鄂尔多斯二胎补贴多少", place="ordos", as_of=None) is not None
    catalogue.remove_document(source_id="ordos-2026", root=root, db_path=db)
    assert before is not ka.connection()
    assert new_documents.best_clause("鄂尔多斯二胎补贴多少", place="ordos", as_of=None) is None


@pytest.mark.slow
def test_a_replaced_document_says_when_the_rule_changed(store_with_added, tmp_path):
    root, db = store_with_added
    source = tmp_path / "baotou.txt"
    source.write_text(verbatim("female-labour-protection"), encoding="utf-8")
    catalogue.add_document(path=source, title="包头市生育支持措施（2027年版）", issuer="包头市人民政府", jurisdiction="包头市",
                           date="2027-01-01", source_id="baotou-2027", supersedes="baotou-2025", root=root, db_path=db)
    old = templates.source_line(ka.cite("baotou-2025:一/（二）"))
    new = templates.source_line(ka.cite("baotou-2027:第七条"))
    assert old.endswith("【已于2027-01-01被《包头市生育支持措施（2027年版）》取代，适用于此前的情形】"), old
    assert new.endswith("【自2027-01-01起施行，取代《包头市加快完善生育支持政策体系推动建设生育友好型社会重点任务清单》】"), new


@pytest.mark.parametrize(("text", "expected"), [
    ("孩子2024年3月出生的，能领多少", "2024-03-01"),
    ("2023年生的二胎", "2023-01-01"),
    ("2025年13月出生", "2025-01-01"),
    ("育儿补贴怎么领", None),
])
def test_the_date_a_question_is_about(text, expected):
    assert expected == birth_dates.date_asked_about(text)


def test_no_added_document_no_lead():
    reply = Answer()
    assert not new_documents.lead_with_new_document("鄂尔多斯二胎补贴多少", place="ordos", reply=reply)
    assert [] == reply.lines
