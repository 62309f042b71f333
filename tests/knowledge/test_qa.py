"""The cited question-answer table: validation, the build, the matcher."""
from __future__ import annotations

import hashlib
import json
import math
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

from knowledge import arithmetic, build, qa, store
from knowledge.parsers import SourceError

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
CLAUSE = "female-labour-protection:第七条"
CLAUSE_TEXT = {CLAUSE: "女职工生育享受98天产假，其中产前可以休假15天；难产的，增加产假15天。"}
REGIONS = {"china", "baotou"}


def entry(**changes) -> qa.Entry:
    raw = {
        "id": "prenatal", "topic": "maternity_leave", "facet": "counting", "jurisdiction": "china",
        "questions": ["产前能休几天", "产假能提前休吗", "预产期前可以休假吗", "孕妇几个月可以休产假"],
        "answer": [{"say": "可以产前休："}, {"quote": "其中产前可以休假15天"}],
        "clauses": [CLAUSE],
        **changes,
    }
    return qa.parse_entry(raw=raw, file="test.yml")


def problems(**changes) -> list[str]:
    return qa.entry_problems(entry=entry(**changes), clause_text=CLAUSE_TEXT, region_ids=REGIONS)


# ---------------------------------------------------------------- validation

def test_a_good_entry_has_no_problem():
    assert [] == problems()


def test_the_answer_renders_quotes_verbatim_inside_quotation_marks():
    assert "可以产前休：“其中产前可以休假15天”" == entry().answer


def test_a_quote_not_in_its_clause_is_refused():
    found = problems(answer=[{"quote": "其中产前可以休假30天"}])
    assert any("is not in the text of" in p for p in found)


def test_whitespace_does_not_break_a_quote():
    assert [] == problems(answer=[{"quote": "其中产前 可以休假\n15天"}])


@pytest.mark.parametrize("say, figure", [("共休30天。", "30"), ("产前可休十五天。", "十五天"), ("另发一万元。", "一万元")])
def test_a_figure_in_no_cited_clause_is_refused(say, figure):
    found = problems(answer=[{"quote": "其中产前可以休假15天"}, {"say": say}])
    assert [f"figure(s) ['{figure}'] appear in no cited clause"] == found


def test_a_figure_from_another_cited_clause_is_accepted():
    text = {**CLAUSE_TEXT, "other:1": "生育津贴按月平均工资计发，共158天。"}
    found = qa.entry_problems(
        entry=entry(answer=[{"quote": "其中产前可以休假15天"}, {"say": "另见158天。"}], clauses=[CLAUSE, "other:1"]),
        clause_text=text, region_ids=REGIONS)
    assert [] == found


@pytest.mark.parametrize("say, refused", [
    ("共98天＋15天＝113天。", []),                       # right, and its parts are the clause's
    ("共98天＋15天＝114天。", ["114"]),                   # a mistyped total is still refused
    ("共98天＋30天＝128天。", ["30"]),                    # a part of its own needs a clause
])
def test_a_total_stands_only_on_a_right_working_of_cited_figures(say, refused):
    found = problems(answer=[{"quote": "其中产前可以休假15天"}, {"say": say}])
    assert ([f"figure(s) {sorted(refused)} appear in no cited clause"] if refused else []) == found


def test_a_hotline_needs_no_clause():
    assert [] == problems(answer=[{"quote": "其中产前可以休假15天"}, {"say": "有争议请拨打12333。"}])


def test_an_unknown_clause_is_refused():
    assert ["clause 'female-labour-protection:第九十九条' does not exist"] == problems(
        clauses=["female-labour-protection:第九十九条"])


@pytest.mark.parametrize("field, value, message", [
    ("facet", "price", "unknown facet 'price'"),
    ("topic", "weather", "unknown topic 'weather'"),
    ("jurisdiction", "guangzhou", "unknown jurisdiction 'guangzhou'"),
])
def test_unknown_facet_topic_or_jurisdiction_is_refused(field, value, message):
    assert [message] == problems(**{field: value})


def test_too_few_paraphrases_are_refused():
    assert ["2 questions, expected 4 to 14 paraphrases"] == problems(questions=["产前能休几天", "产假能提前休吗"])


def test_an_answer_without_a_quote_is_refused():
    assert ["the answer quotes no clause"] == problems(answer=[{"say": "可以。"}])


def test_a_malformed_part_names_the_file_and_entry():
    with pytest.raises(SourceError, match=r"test.yml:0: entry prenatal: answer part"):
        entry(answer=[{"text": "可以"}])


# ---------------------------------------------------------------- the build

@pytest.fixture()
def knowledge_copy(tmp_path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


def break_first_quote(root: Path) -> tuple[Path, str]:
    """Change a figure inside the first quote of leave.yml; return the file and entry id."""
    path = root / "qa" / "leave.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("不得纳入事假范畴", "不得纳入事假范畴30天", 1), encoding="utf-8")
    return path, "leave-not-personal-leave"


def test_a_bad_entry_fails_the_build_with_file_and_entry_id(knowledge_copy, tmp_path):
    db_path = tmp_path / "out" / "knowledge.db"
    build.build(root=knowledge_copy, db_path=db_path)
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    path, entry_id = break_first_quote(knowledge_copy)
    with pytest.raises(SourceError) as err:
        build.build(root=knowledge_copy, db_path=db_path)
    assert f"{path}:" in str(err.value) and f"entry {entry_id}:" in str(err.value)
    assert "is not in the text of" in str(err.value)
    assert digest == hashlib.sha256(db_path.read_bytes()).hexdigest()


def test_a_duplicate_entry_id_fails_the_build(knowledge_copy, tmp_path):
    path = knowledge_copy / "qa" / "leave.yml"
    text = path.read_text(encoding="utf-8")
    first = text[text.index("- id: leave-not-personal-leave"):text.index("- id: paternity-leave-flexible")]
    (knowledge_copy / "qa" / "zz-copy.yml").write_text(first, encoding="utf-8")
    with pytest.raises(SourceError, match="entry leave-not-personal-leave: id already used in leave.yml"):
        build.build(root=knowledge_copy, db_path=tmp_path / "k.db")


def test_a_question_of_two_entries_fails_the_build(knowledge_copy, tmp_path):
    path = knowledge_copy / "qa" / "leave.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    - 陪产假可以分开休吗\n", "    - 陪产假可以分开休吗\n    - 护理假算不算事假\n", 1), encoding="utf-8")
    with pytest.raises(SourceError, match="entry paternity-leave-flexible: question '护理假算不算事假' is also a question of leave-not-personal-leave"):
        build.build(root=knowledge_copy, db_path=tmp_path / "k.db")


def test_the_build_fills_the_tables(built_store, conn):
    counts = store.qa_counts(conn=conn)
    assert built_store.qa == counts["qa"] >= 150
    assert counts["qa_questions"] >= 4 * counts["qa"]
    # Every paraphrase and every answer is in the index.
    assert counts["qa_search"] == counts["qa_questions"] + counts["qa"]
    assert [] == store.integrity_problems(conn=conn)
    assert ["female-labour-protection:第五条"] == store.qa_clause_ids(conn=conn, entry_id="no-dismissal-pregnancy")


def test_every_topic_of_the_issue_is_covered(conn):
    rows = set(store.qa_entry_ids(conn=conn))
    expected = {
        "leave-not-personal-leave", "paternity-leave-flexible", "siblings-same-school-baotou",
        "twins-placement-zhongning", "newborn-screening-baotou", "birth-defect-screening-zhongning",
        "unemployed-insurance", "tax-child-education", "housing-zhongning-fund-withdraw",
        "nursery-class-age-nm", "only-child-family-baotou", "no-bride-price-zhongning",
        "subsidy-review-time", "subsidy-payment-frequency", "subsidy-divorce", "subsidy-adoption",
        "subsidy-orphans", "subsidy-child-death", "subsidy-hukou-elsewhere", "subsidy-twins",
        "hohhot-conditions", "hohhot-jan-feb-births", "allowance-vs-wage", "miscarriage-leave",
        "prenatal-leave", "nm-leave-counting-weekends", "no-dismissal-pregnancy", "tax-infant-split",
    }
    assert set() == expected - set(rows)


# ---------------------------------------------------------------- figures (the rule of tests/actions/test_figures.py)

def digit_figures(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d+(?:[.,]\d+)*", build.squash(text))}


def stored_entries(conn) -> list:
    return [store.qa_entry(conn=conn, entry_id=entry_id) for entry_id in store.qa_entry_ids(conn=conn)]


def test_every_figure_in_every_answer_is_in_a_cited_clause(conn):
    offenders = {}
    for row in stored_entries(conn):
        cited = build.squash(" ".join(
            store.clause(conn=conn, clause_id=c)["text"] for c in store.qa_clause_ids(conn=conn, entry_id=row["id"])))
        found = (digit_figures(row["answer"]) | qa.figures(row["answer"])) - set(qa.SERVICE_NUMBERS) \
            - arithmetic.worked_results(row["answer"])
        missing = {f for f in found if f not in cited}
        if missing:
            offenders[row["id"]] = missing
    assert {} == offenders


def test_every_stored_quote_is_verbatim_in_its_clause(conn):
    bad = []
    for row in stored_entries(conn):
        for part in json.loads(row["parts"]):
            if part["kind"] == "quote":
                text = store.clause(conn=conn, clause_id=part["clause"])["text"]
                if build.squash(part["text"]) not in build.squash(text):
                    bad.append((row["id"], part["text"]))
    assert [] == bad


def test_answers_are_short_enough_for_wechat(conn):
    lengths = [len(row["answer"]) for row in stored_entries(conn)]
    assert max(lengths) <= qa.MAX_ANSWER_CHARS
    assert sorted(lengths)[len(lengths) // 2] <= 120     # the median answer is short


# ---------------------------------------------------------------- the matcher

@pytest.mark.parametrize("question, jurisdictions, expected", [
    # Wordings that are in no entry's paraphrases.
    ("双胞胎的育儿补贴是不是能拿两份", None, "subsidy-twins"),
    ("怀孕了被公司开除，合法吗", ["china"], "no-dismissal-pregnancy"),
    ("产假包含周末吗", ["baotou", "neimenggu", "china"], "nm-leave-counting-weekends"),
    ("包头老二上学能和老大一个学校吗", None, "siblings-same-school-baotou"),
    ("呼市补贴几月发", None, "hohhot-payment-months"),
    ("育儿补贴审核一般几天", None, "subsidy-review-time"),
    ("零彩礼在中宁有啥优惠", ["zhongning", "ningxia", "china"], "no-bride-price-zhongning"),
    ("失业的时候生孩子医保谁来交", None, "unemployed-insurance"),
])
def test_the_matcher_finds_entries_from_unseen_wordings(conn, question, jurisdictions, expected):
    for entry_id in [e.id for e in qa.load_entries(root=KNOWLEDGE)]:
        assert question not in store.qa_questions(conn=conn, entry_id=entry_id)
    found = qa.match(conn=conn, text=question, jurisdictions=jurisdictions, limit=3)
    assert expected == found[0].entry_id
    assert found[0].answer and found[0].clause_ids


def test_jurisdictions_limit_the_entries(conn):
    found = qa.match(conn=conn, text="二胎能和哥哥上同一所学校吗", jurisdictions=["zhongning", "ningxia", "china"])
    assert found and {"zhongning", "ningxia", "china"} >= {m.jurisdiction for m in found}
    assert "twins-placement-zhongning" == found[0].entry_id


def test_a_known_facet_lifts_its_entries(conn):
    question = "呼市育儿补贴几月份"
    plain = [m.entry_id for m in qa.match(conn=conn, text=question, limit=5)]
    lifted = qa.match(conn=conn, text=question, facet="review_time", limit=5)
    assert "hohhot-review-months" in plain
    assert "hohhot-review-months" == lifted[0].entry_id
    assert lifted[0].score > qa.match(conn=conn, text=question, limit=5)[plain.index("hohhot-review-months")].score


def test_no_terms_no_match(conn):
    assert [] == qa.match(conn=conn, text="？？")


@pytest.mark.slow
def test_qa_eval_reports_hit_rates(built_store):
    result = subprocess.run([sys.executable, "-m", "knowledge", "qa-eval", "--db", str(built_store.db_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert 0 == result.returncode, result.stderr
    hit_at_1 = float(re.search(r"text only:\s+hit@1 ([0-9.]+)", result.stdout).group(1))
    assert 0.3 < hit_at_1 <= 1.0


@pytest.mark.slow
def test_the_learned_ranker_lifts_the_entry_asked(monkeypatch):
    """Held-out paraphrases are ranked first more often with the classifier than without."""
    entries = qa.load_entries(root=KNOWLEDGE)
    with_ranker = qa.evaluate(entries=entries).hit_at_1
    monkeypatch.setattr(qa, "CLASSIFIER_BONUS", 0.0)
    without = qa.evaluate(entries=entries).hit_at_1
    assert with_ranker > without + 0.02, (with_ranker, without)


def test_the_ranker_is_trained_once_per_store_file(built_store):
    first = qa.ranker(store.connect(path=built_store.db_path))
    assert first is qa.ranker(store.connect(path=built_store.db_path))


def test_the_ranker_computes_what_sklearn_computes(built_store):
    """Ranker.margins skips sklearn's per-call checks: the same margins, for every indexed
    wording, half-wordings, unknown words and an empty question."""
    ranker = qa.ranker(store.connect(path=built_store.db_path))
    texts = [tokens for _, tokens in store.qa_index_rows(conn=store.connect(path=built_store.db_path))]
    draw = random.Random(5)
    texts += [" ".join(draw.sample(t.split(), max(1, len(t.split()) // 2))) for t in texts[::7]]
    texts += ["没有 这个 词", "", "产假 产假 产假"]
    worst = 0.0
    for tokens in texts:
        expected = ranker.model.decision_function(ranker.vectorizer.transform([tokens]))[0]
        worst = max(worst, float(numpy.abs(expected - ranker.margins(tokens)).max()))
    assert worst < 1e-9
    tokens = "育儿 儿补 补贴 申请"
    margins = ranker.model.decision_function(ranker.vectorizer.transform([tokens]))[0]
    expected = {entry_id: math.exp(qa.MARGIN_SCALE * (float(m) - float(margins.max())))
                for entry_id, m in zip(ranker.model.classes_, margins)}
    actual = ranker.scores(tokens)
    assert expected.keys() == actual.keys()
    assert all(abs(expected[e] - actual[e]) < 1e-9 for e in expected)
    assert 1.0 == max(actual.values())


CHAINS = [None, ["china"], ["baotou", "neimenggu", "china"], ["hohhot", "neimenggu", "china"],
          ["zhongning", "zhongwei", "ningxia", "china"]]


@pytest.mark.slow
def test_the_in_memory_search_is_sqlites_full_text_search(built_store):
    """Same rows, same bm25 scores to the last bit, same order (ties by row) as FTS5, for
    every indexed wording, shuffled wordings and several place chains."""
    conn = store.connect(path=built_store.db_path)
    index = qa.search_index(conn)
    texts = ["".join(tokens.split()) for _, tokens in store.qa_index_rows(conn=conn)]
    draw = random.Random(8)
    texts += ["".join(draw.sample(text, len(text))) for text in texts[::9]]
    texts += ["2024年生的老二呢", "ABC产假", "产假 (98天)", "育儿补贴怎么申请"]
    compared = 0
    for number, text in enumerate(texts):
        terms = qa.match_terms(text)
        chain = CHAINS[number % len(CHAINS)]
        expected = store.qa_search(conn=conn, match=" OR ".join(f'"{term}"' for term in terms), limit=320,
                                   jurisdictions_json=None if chain is None else json.dumps(chain)) if terms else []
        actual = index.search(terms=terms, jurisdictions=chain, limit=320)
        assert [dict(row) for row in expected] == actual, (text, chain)
        compared += bool(expected)
    assert compared > 3000


def test_a_place_chain_allows_the_rows_of_its_jurisdictions_worked_out_once(built_store):
    conn = store.connect(path=built_store.db_path)
    index = qa.search_index(conn)
    chain = ("baotou", "neimenggu", "china")
    rows = index._rows_of(chain)
    assert [j in chain for j in index.jurisdictions] == rows.tolist()
    assert rows is index._rows_of(chain)        # kept for the next search of the same chain
    with pytest.raises(ValueError):            # and nobody can change what is kept
        rows[0] = not rows[0]
    for number in range(index.MOST_CHAINS + 3):   # many chains: the kept ones are bounded
        index._rows_of(("china", f"place-{number}"))
    assert len(index._rows_by_chain) <= index.MOST_CHAINS
    assert [j in chain for j in index.jurisdictions] == index._rows_of(chain).tolist()


def test_clause_ids_of_several_entries_in_one_query_are_each_entrys_own(built_store):
    conn = store.connect(path=built_store.db_path)
    entry_ids = store.qa_entry_ids(conn=conn)
    expected = {entry_id: store.qa_clause_ids(conn=conn, entry_id=entry_id) for entry_id in entry_ids}
    actual = store.qa_clause_ids_of(conn=conn, entry_ids=entry_ids + ["no-such-entry"])
    assert {e: c for e, c in expected.items() if c} == actual
    assert {} == store.qa_clause_ids_of(conn=conn, entry_ids=[])
    for match in qa.match(conn=conn, text="包头产假多少天", jurisdictions=["baotou", "neimenggu", "china"]):
        assert tuple(expected[match.entry_id]) == match.clause_ids


def test_a_term_sqlite_must_tokenize_goes_to_sqlite(built_store, monkeypatch):
    conn = store.connect(path=built_store.db_path)
    assert qa.search_index(conn).search(terms=["产假", "x-y"], jurisdictions=None, limit=10) is None
    expected = qa.match(conn=conn, text="包头产假多少天", jurisdictions=["baotou", "neimenggu", "china"])
    monkeypatch.setattr(qa.QASearchIndex, "ranked_rows", lambda self, **arguments: None)
    assert expected and expected == qa.match(conn=conn, text="包头产假多少天",
                                             jurisdictions=["baotou", "neimenggu", "china"])


def test_check_finds_a_tampered_answer_in_a_built_store(built_store, tmp_path):
    db_path = tmp_path / "k.db"
    shutil.copy(built_store.db_path, db_path)
    assert [] == qa.stored_problems(conn=store.connect(path=db_path))
    writable = store.connect(path=db_path, read_only=False)
    parts = json.loads(store.qa_entry(conn=writable, entry_id="subsidy-review-time")["parts"])
    parts[-1]["text"] = parts[-1]["text"].replace("30", "15")
    writable.execute("UPDATE qa SET parts = ? WHERE id = ?", (json.dumps(parts, ensure_ascii=False), "subsidy-review-time"))
    writable.commit()
    problems = build.check(db_path=db_path)
    assert any(p.startswith("qa subsidy-review-time: quote") for p in problems)


# ---------------------------------------------------------------- facets and special cases

THIN_FACETS = ("review_time", "materials", "split_transfer", "payment_time", "deadline", "counting")


def test_every_facet_once_thin_has_entries_of_its_own(conn):
    facets = [store.qa_entry(conn=conn, entry_id=e)["facet"] for e in store.qa_entry_ids(conn=conn)]
    counts = {facet: facets.count(facet) for facet in THIN_FACETS}
    assert {facet: True for facet in THIN_FACETS} == {facet: n >= 8 for facet, n in counts.items()}


@pytest.mark.parametrize("question, jurisdictions, expected", [
    # Wordings that are in no entry's paraphrases; each names a point beyond its topic.
    ("劳务派遣工怀孕了有没有产假", None, "dispatch-worker-maternity"),
    ("临时工有没有98天产假", None, "temporary-worker-maternity"),
    ("试用期员工怀孕公司能开除吗", None, "probation-maternity"),
    ("剖宫产是难产吗", None, "caesarean-counts-as-difficult"),
    ("流产期间有没有生育津贴", None, "miscarriage-allowance"),
    ("哺乳期单位安排我上夜班合法吗", None, "breastfeeding-no-night-shift"),
    ("生育津贴要准备什么材料", None, "allowance-materials"),
    ("婴幼儿照护扣除爸爸妈妈各扣一半可以吗", None, "tax-infant-half-each"),
    ("双胞胎婴幼儿照护能一个孩子归我一个归老公吗", None, "tax-infant-twins-split"),
    ("育儿补贴30个工作日算不算周末", None, "subsidy-review-workdays"),
    ("育儿补贴卡号填错了", None, "subsidy-materials-wrong-info"),
    ("孩子户口迁到别的省了补贴怎么续领", None, "subsidy-hukou-moved-renewal"),
    ("2025年出生的宝宝补贴最迟哪年申请", None, "subsidy-deadline-2025-births"),
    ("单位不给缴社保怎么处理", ["china"], "social-insurance-not-paid"),
    ("呼市审核通过以后几月份发钱", ["hohhot", "neimenggu", "china"], "hohhot-payment-after-review"),
    ("呼市二孩的五万分几年给", ["hohhot", "neimenggu", "china"], "hohhot-second-child-instalments"),
])
def test_the_matcher_finds_the_point_asked(conn, question, jurisdictions, expected):
    for entry_id in [e.id for e in qa.load_entries(root=KNOWLEDGE)]:
        assert question not in store.qa_questions(conn=conn, entry_id=entry_id)
    found = qa.match(conn=conn, text=question, jurisdictions=jurisdictions, limit=3)
    assert expected == found[0].entry_id


def test_where_the_material_is_silent_the_answer_names_the_office(conn):
    # 生育津贴 details are decided by the 医保经办机构; leave disputes by 人社部门.
    for entry_id, office in (("allowance-materials", "医保经办机构"), ("allowance-paid-to-whom", "12393"),
                             ("caesarean-counts-as-difficult", "人社部门"), ("maternity-leave-start-day", "12333")):
        assert office in store.qa_entry(conn=conn, entry_id=entry_id)["answer"]
