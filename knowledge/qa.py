"""The cited question-answer table: answers to what is not a computed fact.

Entries live in knowledge/qa/*.yml (one file per topic group). An answer is a list of
parts, each either a verbatim quote of a clause or a connective phrase:

    answer:
      - say: "审核时限："
      - quote: "初审和审核确认工作原则上应在30个工作日内完成。"
        clause: subsidy-management-rules:第七条      # may be left out for the entry's first clause

The build refuses an entry (file, line and entry id in the message) when a clause does
not exist, a quote is not in its clause's text (whitespace ignored), a figure of the
answer (digits, or a Chinese numeral with a unit such as 十五天) is in none of the cited
clauses (a total shown with its working, 158天＋15天＝173天, stands on its parts: see
knowledge.arithmetic), or the topic, facet or jurisdiction is unknown. Service hotlines (12333 …) are
the only numbers allowed without a clause, as in tests/actions/test_figures.py.

Matching ranks entries for a citizen's question by BM25 over the bigrams of their
paraphrases (the same tokens as knowledge.search), best paraphrase per entry, with a
bonus when the caller already knows the facet or topic.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
import json
import math
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import sqlite_utils
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from knowledge import arithmetic, regions, search, store
from knowledge.parsers import SourceError

TOPICS = frozenset({
    "maternity_leave", "paternity_leave", "parental_leave", "marriage_leave", "leave_general",
    "childcare_subsidy", "local_subsidy", "maternity_allowance", "maternity_insurance",
    "tax_deduction", "housing", "childcare_service", "education", "health_service",
    "employment_rights", "family_support", "marriage_custom", "contacts",
})
FACETS = frozenset({
    "amount", "eligibility", "apply", "materials", "deadline", "review_time", "payment_time",
    "counting", "split_transfer", "rights", "special_case", "general",
})
# Hotlines an answer may name without a clause: they are contacts, not policy figures.
SERVICE_NUMBERS = {
    "12333": "人力资源社会保障服务热线", "12345": "政务服务便民热线",
    "12393": "医疗保障服务热线", "12338": "妇女维权公益服务热线", "12366": "纳税缴费服务热线",
}
MAX_ANSWER_CHARS = 240
FACET_BONUS = 1.0
TOPIC_BONUS = 0.3
PLACE_BONUS = 1.0
NATIONAL_BONUS = 0.2
# How much the learned ranker's margin lifts an entry's full-text score (qa-eval).
MARGIN_SCALE = 8.0
CLASSIFIER_BONUS = 0.5
RANK_WEIGHTS = (1.0, 1.0, 1.0)   # weights of an entry's best, second and third matching paraphrase
CUE_BONUS = 0.3           # facet guessed from the question's wording (多久, 什么材料 …)
FACET_CUES = {
    "review_time": re.compile(r"审核|审批|审完"),
    "payment_time": re.compile(r"到账|几月|什么时候发|多久发|发放时间|打款|打到|发到"),
    "materials": re.compile(r"材料|资料|证件|证明|上传"),
    "deadline": re.compile(r"截止|最晚|过期|错过|逾期|续领|来得及"),
    "apply": re.compile(r"在哪|去哪|怎么申请|怎么领|怎么办理|哪里办|渠道"),
    "amount": re.compile(r"多少钱|多少天|几天|多长|多少|标准"),
    "counting": re.compile(r"包括|算不算|怎么算|顺延|周末|节假日|双休"),
    "rights": re.compile(r"违法|合法|投诉|举报|不让|不给|不批|辞退|开除|扣钱|维权"),
    "split_transfer": re.compile(r"分开|转给|让给|一人一半|各扣|两个人都"),
}         # entries of the most specific place asked about (jurisdictions[0])

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
# A Chinese numeral counts as a figure when a unit follows it (十五天, 一万元, 三个月).
_UNITS = r"(?:个)?(?:天|元|日|月|年|周岁|岁|小时|倍|批)"
_CHINESE_FIGURE = re.compile(r"[零〇一二两三四五六七八九十百千万]+" + _UNITS)
_LONE_ONE = re.compile(r"一" + _UNITS)


@dataclass(frozen=True)
class Part:
    kind: str              # "quote" | "say"
    text: str
    clause: str | None     # the quoted clause (quotes only)


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    facet: str
    jurisdiction: str
    valid_from: str | None
    valid_until: str | None
    questions: tuple[str, ...]
    parts: tuple[Part, ...]
    clauses: tuple[str, ...]
    file: str
    line: int

    @property
    def answer(self) -> str:
        return render(self.parts)


@dataclass(frozen=True)
class QAMatch:
    entry_id: str
    topic: str
    facet: str
    jurisdiction: str
    answer: str
    clause_ids: tuple[str, ...]
    score: float           # higher is better


# ---------------------------------------------------------------- loading and checks

def render(parts: tuple[Part, ...] | list[Part]) -> str:
    """The answer text: connective phrases as written, quotes inside “”. A full stop after
    a quote that already ends a sentence is dropped (“…完成。” not “…完成。”。)."""
    pieces, previous = [], None
    for part in parts:
        if part.kind == "quote":
            pieces.append(f"“{part.text}”")
        elif previous is not None and previous.kind == "quote" and previous.text.endswith(("。", "；", "！", "？")):
            pieces.append(part.text[1:] if part.text.startswith("。") else part.text)
        else:
            pieces.append(part.text)
        previous = part
    return "".join(pieces)


def figures(text: str) -> set[str]:
    """Figures a reader would act on: digit runs and Chinese numerals with a unit. A lone
    一 is not one: it is part of too many words (统一天数, 一次性, 一天一天)."""
    flat = squash(text)
    chinese = {f for f in _CHINESE_FIGURE.findall(flat) if not _LONE_ONE.fullmatch(f)}
    return set(_DIGITS.findall(flat)) | chinese


@lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """As knowledge.build.squash: NFKC, no whitespace, no thousands separators."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", re.sub(r"\s+", "", search.normalise(text)))


def _date(value: object) -> str | None:
    if value is None or isinstance(value, dt.date):
        return None if value is None else value.isoformat()
    raise ValueError(f"not a date: {value!r}")


def parse_entry(*, raw: dict, file: str) -> Entry:
    """An Entry from one YAML mapping; raise SourceError on a malformed shape."""
    line = raw.get("__line__", 0)
    entry_id = raw.get("id")

    def fail(message: str) -> SourceError:
        return SourceError(file=file, line=line, message=f"entry {entry_id}: {message}")

    missing = [k for k in ("id", "topic", "facet", "jurisdiction", "questions", "answer", "clauses")
               if raw.get(k) in (None, "", [])]
    if missing:
        raise fail(f"missing field(s) {missing}")
    unknown = set(raw) - {"__line__", "id", "topic", "facet", "jurisdiction", "valid_from", "valid_until",
                          "questions", "answer", "clauses", "note"}
    if unknown:
        raise fail(f"unknown field(s) {sorted(unknown)}")
    clauses = tuple(str(c) for c in raw["clauses"])
    parts = []
    for item in raw["answer"]:
        if not isinstance(item, dict):
            raise fail(f"answer part {item!r} is not a mapping")
        item = {k: v for k, v in item.items() if k != "__line__"}
        if set(item) == {"say"}:
            parts.append(Part(kind="say", text=str(item["say"]), clause=None))
        elif set(item) in ({"quote"}, {"quote", "clause"}):
            clause = item.get("clause") or clauses[0]     # default: the entry's first clause
            parts.append(Part(kind="quote", text=str(item["quote"]), clause=str(clause)))
        else:
            raise fail(f"answer part {item!r} must be {{say}} or {{quote, clause}}")
    questions = raw["questions"]
    if not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions):
        raise fail("questions must be a list of strings")
    try:
        valid_from, valid_until = _date(raw.get("valid_from")), _date(raw.get("valid_until"))
    except ValueError as err:
        raise fail(str(err)) from err
    return Entry(
        id=str(entry_id), topic=str(raw["topic"]), facet=str(raw["facet"]),
        jurisdiction=str(raw["jurisdiction"]), valid_from=valid_from, valid_until=valid_until,
        questions=tuple(q.strip() for q in questions), parts=tuple(parts), clauses=clauses,
        file=file, line=line,
    )


def entry_problems(*, entry: Entry, clause_text: dict[str, str], region_ids: set[str]) -> list[str]:
    """Why an entry does not stand on its clauses (empty list when it does)."""
    problems = []
    if entry.topic not in TOPICS:
        problems.append(f"unknown topic {entry.topic!r}")
    if entry.facet not in FACETS:
        problems.append(f"unknown facet {entry.facet!r}")
    if entry.jurisdiction not in region_ids:
        problems.append(f"unknown jurisdiction {entry.jurisdiction!r}")
    if entry.valid_from and entry.valid_until and entry.valid_until < entry.valid_from:
        problems.append("valid_until is before valid_from")
    if not 4 <= len(entry.questions) <= 14:
        problems.append(f"{len(entry.questions)} questions, expected 4 to 14 paraphrases")
    if len(set(entry.questions)) != len(entry.questions):
        problems.append("a question is repeated")
    missing = [c for c in entry.clauses if c not in clause_text]
    problems += [f"clause {c!r} does not exist" for c in missing]
    if missing:
        return problems
    for part in entry.parts:
        if part.kind != "quote":
            continue
        if part.clause not in entry.clauses:
            problems.append(f"quote's clause {part.clause!r} is not in the entry's clauses")
        elif squash(part.text) not in squash(clause_text[part.clause]):
            problems.append(f"quote {part.text!r} is not in the text of {part.clause}")
    if not any(p.kind == "quote" for p in entry.parts):
        problems.append("the answer quotes no clause")
    cited = squash(" ".join(clause_text[c] for c in entry.clauses))
    # A total shown with its working ("158天＋15天＝173天") stands on its parts, checked as figures.
    worked = arithmetic.worked_results(entry.answer)
    stray = sorted(f for f in figures(entry.answer) - set(SERVICE_NUMBERS) - worked if f not in cited)
    if stray:
        problems.append(f"figure(s) {stray} appear in no cited clause")
    if len(entry.answer) > MAX_ANSWER_CHARS:
        problems.append(f"answer has {len(entry.answer)} characters, at most {MAX_ANSWER_CHARS}")
    return problems


def load_entries(*, root: Path) -> list[Entry]:
    """Every entry of root/qa/*.yml, shape-checked (not yet against clauses)."""
    from knowledge.build import load_yaml_list   # build imports this module

    entries, seen = [], {}
    for path in sorted((root / "qa").glob("*.yml")):
        for raw in load_yaml_list(path=path):
            entry = parse_entry(raw=raw, file=str(path))
            if entry.id in seen:
                raise SourceError(file=str(path), line=entry.line,
                                  message=f"entry {entry.id}: id already used in {seen[entry.id]}")
            seen[entry.id] = path.name
            entries.append(entry)
    return entries


def checked_entries(*, root: Path, clause_text: dict[str, str], region_ids: set[str]) -> list[Entry]:
    """Entries that all stand on their clauses; SourceError naming file, line and entry otherwise."""
    entries = load_entries(root=root)
    owner: dict[str, str] = {}
    for entry in entries:
        problems = entry_problems(entry=entry, clause_text=clause_text, region_ids=region_ids)
        # One wording answered by two entries would make the matcher toss a coin.
        problems += [f"question {q!r} is also a question of {owner[search.normalise(q)]}"
                     for q in entry.questions if owner.get(search.normalise(q), entry.id) != entry.id]
        owner.update({search.normalise(q): entry.id for q in entry.questions})
        if problems:
            raise SourceError(file=entry.file, line=entry.line, message=f"entry {entry.id}: " + "; ".join(problems))
    return entries


def stored_problems(*, conn: sqlite3.Connection) -> list[str]:
    """Re-check every entry of a built store against the clauses stored with it."""
    region_ids = {row["id"] for row in store.regions(conn=conn)}
    problems = []
    for entry_id in store.qa_entry_ids(conn=conn):
        stored = store.qa_entry(conn=conn, entry_id=entry_id)
        clause_ids = store.qa_clause_ids(conn=conn, entry_id=entry_id)
        clause_text = {c: found["text"] for c in clause_ids if (found := store.clause(conn=conn, clause_id=c))}
        entry = Entry(
            id=stored["id"], topic=stored["topic"], facet=stored["facet"], jurisdiction=stored["jurisdiction"],
            valid_from=stored["valid_from"], valid_until=stored["valid_until"],
            questions=tuple(store.qa_questions(conn=conn, entry_id=entry_id)),
            parts=tuple(Part(**part) for part in json.loads(stored["parts"])), clauses=tuple(clause_ids),
            file=stored["file"], line=stored["line"],
        )
        problems += [f"qa {entry.id}: {p}" for p in entry_problems(entry=entry, clause_text=clause_text, region_ids=region_ids)]
    return problems


# ---------------------------------------------------------------- writing

def write(*, db: sqlite_utils.Database, entries: list[Entry], held_out: dict[str, int] | None = None) -> None:
    """Fill qa, qa_questions, qa_clauses and the paraphrase index. `held_out` maps an entry
    id to the index of a paraphrase left out of the index (for the evaluation)."""
    store.create_qa_schema(db=db, foreign_keys=held_out is None)
    held_out = held_out or {}
    store.insert_rows(db=db, table="qa", rows=(
        {"id": e.id, "topic": e.topic, "facet": e.facet, "jurisdiction": e.jurisdiction,
         "valid_from": e.valid_from, "valid_until": e.valid_until, "answer": e.answer,
         "parts": json.dumps([p.__dict__ for p in e.parts], ensure_ascii=False),
         "file": Path(e.file).name, "line": e.line}
        for e in entries))
    store.insert_rows(db=db, table="qa_questions", rows=(
        {"entry_id": e.id, "seq": i, "question": q} for e in entries for i, q in enumerate(e.questions)))
    store.insert_rows(db=db, table="qa_clauses", rows=(
        {"entry_id": e.id, "seq": i, "clause_id": c} for e in entries for i, c in enumerate(e.clauses)))
    store.insert_qa_search_rows(db=db, rows=(
        (e.id, i, search.index_text(q)) for e in entries for i, q in enumerate(e.questions)
        if held_out.get(e.id) != i))
    # The answer is one more "paraphrase" (seq -1): it holds the documents' own words.
    store.insert_qa_search_rows(db=db, rows=((e.id, -1, search.index_text(e.answer)) for e in entries))


# ---------------------------------------------------------------- matching

# Words citizens use for what the documents name otherwise; the document's word is added
# to the query (measured by qa-eval).
SYNONYMS = {
    "试管": "辅助生殖", "无痛": "分娩镇痛", "陪产": "护理假", "小产": "流产", "引产": "流产",
    "开除": "辞退", "炒鱿鱼": "辞退", "裁员": "辞退", "老公": "男方", "丈夫": "男方", "媳妇": "女方",
    "二胎": "二孩", "三胎": "三孩", "头胎": "一孩", "一胎": "一孩", "龙凤胎": "双胞胎",
    "到账": "发放", "打款": "发放", "多久": "时限", "呼市": "呼和浩特", "娃": "孩子", "宝宝": "婴幼儿",
    "上户口": "落户", "三期": "孕期 哺乳期", "托儿所": "托育", "早教": "托育", "买房": "购房", "租房": "公租房",
}


def match_terms(text: str) -> list[str]:
    """Distinct search terms of a question (bigrams, words; question words such as 怎么
    and 可以 dropped as in clause search), plus the documents' words for colloquial ones."""
    expanded = text + "".join(f" {official}" for word, official in SYNONYMS.items() if word in text)
    return search.query_terms(expanded)


def facet_cues(text: str) -> set[str]:
    """Facets the wording of a question points at (a weak hint, not a classifier)."""
    return {facet for facet, cue in FACET_CUES.items() if cue.search(text)}


def match(
    *, conn: sqlite3.Connection, text: str, topic: str | None = None, facet: str | None = None,
    jurisdictions: list[str] | None = None, limit: int = 5,
) -> list[QAMatch]:
    """Entries ranked for a citizen's question, best first (empty when no term matches)."""
    terms = match_terms(text)
    if not terms:
        return []
    index = search_index(conn)
    found = index.ranked_rows(terms=terms, jurisdictions=jurisdictions, limit=max(limit * 40, 200))
    if found is None:   # a term the in-memory index cannot take: SQLite's full-text search
        rows = store.qa_search(
            conn=conn, match=" OR ".join(f'"{term}"' for term in terms), limit=max(limit * 40, 200),
            jurisdictions_json=None if jurisdictions is None else json.dumps(list(jurisdictions)),
        )
        hits = [(row["entry_id"], row["score"]) for row in rows]
        row_at: Callable[[int], Any] = rows.__getitem__
    else:   # the same rows, without making a dict of each (most only add a score)
        numbers, scores = found
        hits = list(zip([index.entry_ids[number] for number in numbers], scores))
        row_at = lambda position: index.row(numbers[position])   # noqa: E731
    best: dict[str, list[float]] = {}
    first_row: dict[str, Any] = {}
    learned = ranker(conn).scores(" ".join(terms)) if CLASSIFIER_BONUS else {}
    for position, (entry_id, score) in enumerate(hits):          # best paraphrase first
        if entry_id not in best:
            best[entry_id] = []
            first_row[entry_id] = row_at(position)
        best[entry_id].append(-score)
    cued = facet_cues(text) if facet is None else set()
    # The place asked about counts fully, its province half, the country not at all.
    places = list(jurisdictions or [])
    specificity = {j: 1 - i / (len(places) - 1) for i, j in enumerate(places)} if len(places) > 1 else {}
    ranked = []
    for entry_id, scores in best.items():
        row = first_row[entry_id]
        # An entry several of whose wordings match is a safer bet than one lucky wording.
        score = sum(weight * value for weight, value in zip(RANK_WEIGHTS, scores))
        score *= 1 + CLASSIFIER_BONUS * learned.get(entry_id, 0.0)
        score *= (1 + FACET_BONUS * (facet is not None and row["facet"] == facet))
        score *= (1 + CUE_BONUS * (row["facet"] in cued))
        score *= (1 + TOPIC_BONUS * (topic is not None and row["topic"] == topic))
        score *= (1 + PLACE_BONUS * specificity.get(row["jurisdiction"], 0.0))
        # No place known: the national rule is the likelier answer (a place in the text
        # still lifts its own entries through the words it shares with their paraphrases).
        score *= (1 + NATIONAL_BONUS * (not places and row["jurisdiction"] == "china"))
        ranked.append((-score, entry_id, row))
    ranked.sort(key=lambda ranked_row: ranked_row[:2])
    # Answers and clauses looked up for the entries returned only (not for every one that
    # matched a word).
    returned = [entry_id for _, entry_id, _ in ranked[:limit]]
    answers = store.qa_answers(conn=conn, entry_ids=returned)
    clause_ids = store.qa_clause_ids_of(conn=conn, entry_ids=returned)
    return [QAMatch(entry_id=entry_id, topic=row["topic"], facet=row["facet"],
                    jurisdiction=row["jurisdiction"], answer=answers[entry_id],
                    clause_ids=tuple(clause_ids.get(entry_id, ())), score=-negative_score)
            for negative_score, entry_id, row in ranked[:limit]]


class QASearchIndex:
    """The paraphrase search of `store.qa_search` (SQLite FTS5, `bm25()`), in memory: the
    same matches, the same scores to the last bit, the same order. A common word matches
    about a thousand of the 3 600 paraphrases, and FTS5 took 2-4 ms to score them; numpy
    takes a tenth of that. FTS5's bm25 (fts5_aux.c): for each query phrase in order,
    score += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)), with f the phrase's
    count in the row, D the row's tokens, avgdl the mean over rows, idf =
    log((N - n + 0.5) / (n + 0.5)) (1e-6 where that is not positive) over the N rows, n of
    which hold the phrase; the result is -score (lower is better)."""

    K1 = 1.2
    B = 0.75
    # Terms the unicode61 tokenizer keeps as one token, as they are (the indexed tokens
    # are CJK bigrams, digits and lower-case ASCII); any other term goes to SQLite.
    SIMPLE_TERM = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff0-9a-z]+")

    def __init__(self, rows: list[sqlite3.Row]):
        self.entry_ids = [row["entry_id"] for row in rows]
        self.seqs = [row["seq"] for row in rows]
        self.topics = [row["topic"] for row in rows]
        self.facets = [row["facet"] for row in rows]
        self.jurisdictions = [row["jurisdiction"] for row in rows]
        self._jurisdiction_of_row = np.array(self.jurisdictions, dtype=object)
        self._rows_by_chain: dict[tuple[str, ...], np.ndarray] = {}
        self.rowids = np.array([row["rowid"] for row in rows], dtype=np.int64)
        postings: dict[str, dict[int, int]] = {}
        lengths = []
        for index, row in enumerate(rows):
            tokens = row["question_tokens"].split()
            lengths.append(len(tokens))
            for token in tokens:
                counts = postings.setdefault(token, {})
                counts[index] = counts.get(index, 0) + 1
        self.lengths = np.array(lengths, dtype=np.float64)
        self.rows = len(rows)
        self.mean_length = float(self.lengths.sum()) / self.rows if self.rows else 0.0
        self.postings = {token: (np.fromiter(counts.keys(), dtype=np.intp, count=len(counts)),
                                 np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
                         for token, counts in postings.items()}

    # A place's chain of jurisdictions (district, city, province, country) comes up again
    # and again; which rows it allows is worked out once (np.isin over the 3 600 rows of
    # objects cost 0.2 ms a search).
    MOST_CHAINS = 512

    def _rows_of(self, jurisdictions: tuple[str, ...]) -> np.ndarray:
        """The rows whose entry is of one of `jurisdictions` (a read-only mask)."""
        rows = self._rows_by_chain.get(jurisdictions)
        if rows is None:
            rows = np.isin(self._jurisdiction_of_row, list(jurisdictions))
            rows.setflags(write=False)
            if len(self._rows_by_chain) >= self.MOST_CHAINS:
                self._rows_by_chain.clear()
            self._rows_by_chain[jurisdictions] = rows
        return rows

    def ranked_rows(self, *, terms: list[str], jurisdictions: list[str] | None,
                    limit: int) -> tuple[list[int], list[float]] | None:
        """The rows of `search`, best first, as row numbers and their scores; None when a
        term is not a plain token."""
        if not all(self.SIMPLE_TERM.fullmatch(term) for term in terms):
            return None
        scores = np.zeros(self.rows)
        matched = np.zeros(self.rows, dtype=bool)
        for term in terms:
            if term not in self.postings:
                continue
            rows, counts = self.postings[term]
            idf = math.log((self.rows - len(rows) + 0.5) / (len(rows) + 0.5))
            if idf <= 0.0:
                idf = 1e-6
            # The same operations in the same order as fts5_aux.c, for the same doubles.
            scores[rows] += idf * ((counts * (self.K1 + 1.0))
                                   / (counts + self.K1 * (1 - self.B + self.B * self.lengths[rows] / self.mean_length)))
            matched[rows] = True
        if jurisdictions is not None:
            matched &= self._rows_of(tuple(jurisdictions))
        candidates = np.flatnonzero(matched)
        ranked = candidates[np.lexsort((self.rowids[candidates], -1.0 * scores[candidates]))][:limit]
        return ranked.tolist(), (-1.0 * scores[ranked]).tolist()

    def search(self, *, terms: list[str], jurisdictions: list[str] | None, limit: int) -> list[dict] | None:
        """What store.qa_search gives for `"term" OR "term" …`; None when a term is not a
        plain token (SQLite must tokenize it)."""
        found = self.ranked_rows(terms=terms, jurisdictions=jurisdictions, limit=limit)
        if found is None:
            return None
        return [{**self.row(number), "score": score} for number, score in zip(*found)]

    def row(self, number: int) -> dict:
        """A paraphrase row as store.qa_search gives it, without its score."""
        return {"entry_id": self.entry_ids[number], "seq": self.seqs[number], "topic": self.topics[number],
                "facet": self.facets[number], "jurisdiction": self.jurisdictions[number]}


def search_index(conn: sqlite3.Connection) -> QASearchIndex:
    """The in-memory paraphrase search of a store, built once per store file."""
    return store.per_store(_SEARCH_INDEXES, conn=conn, build=lambda c: QASearchIndex(store.qa_search_rows(conn=c)),
                           most=8)


_SEARCH_INDEXES: dict = {}


class Ranker:
    """A linear classifier from a question's words to the entry it asks about, trained on
    the indexed paraphrases and answers: it learns which words tell neighbouring entries
    apart, where the full-text score counts every shared word alike (measured by qa-eval)."""

    def __init__(self, rows: list[tuple[str, str]]):
        labels = [entry_id for entry_id, _ in rows]
        self.vectorizer = TfidfVectorizer(analyzer=_features, sublinear_tf=True)
        self.model = LogisticRegression(C=20, solver="liblinear").fit(self.vectorizer.fit_transform([t for _, t in rows]), labels) \
            if len(set(labels)) > 1 else None
        if self.model is not None:
            # One question at a time, sklearn's input checks cost more than the arithmetic
            # (0.5 ms a question): `margins` does the same sums on the few features it has.
            self._feature_index = self.vectorizer.vocabulary_
            self._idf = self.vectorizer.idf_
            self._weights_by_feature = np.ascontiguousarray(self.model.coef_.T)
            self._intercept = self.model.intercept_
            self._entry_ids = [str(entry_id) for entry_id in self.model.classes_]

    def margins(self, tokens: str) -> np.ndarray:
        """The model's decision function for one question (as `decision_function` gives it):
        its features' sublinear tf-idf, L2-normalised, times each entry's weights."""
        counts: dict[int, int] = {}
        for feature in _features(tokens):
            index = self._feature_index.get(feature)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return self._intercept.copy()
        indices = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1) * self._idf[indices]
        values /= np.sqrt(np.dot(values, values))
        return values @ self._weights_by_feature[indices] + self._intercept

    def scores(self, tokens: str) -> dict[str, float]:
        """Each entry's closeness to the best one, 1 for the best and falling with its margin
        behind it (margins of a one-vs-rest model are mostly negative; their order counts)."""
        if self.model is None or not tokens:
            return {}
        margins = self.margins(tokens)
        closeness = np.exp(MARGIN_SCALE * (margins - margins.max()))
        return dict(zip(self._entry_ids, closeness.tolist()))


def _features(tokens: str) -> list[str]:
    """The indexed bigrams and their characters."""
    words = tokens.split()
    return words + [ch for w in words for ch in w]


def ranker(conn: sqlite3.Connection) -> Ranker:
    """The classifier of a store's question-answer table, trained once per store file."""
    return store.per_store(_RANKERS, conn=conn, build=lambda c: Ranker(store.qa_index_rows(conn=c)), most=8)


_RANKERS: dict = {}


# ---------------------------------------------------------------- evaluation

@dataclass(frozen=True)
class EvalReport:
    entries: int
    hit_at_1: float
    hit_at_3: float
    misses: list[tuple[str, str, list[str]]]   # (entry id, held-out question, top-3 ids)


def evaluate(
    *, entries: list[Entry], held_out_index: int = -1, places: "regions.Gazetteer | None" = None,
) -> EvalReport:
    """Hold out one paraphrase per entry (the last by default), index the others, and
    count how often the matcher ranks the entry first / in the top three. With a
    gazetteer, a place named in the question limits the entries to that place's chain
    (as the assistant does once it knows the citizen's place)."""
    db = sqlite_utils.Database(memory=True)
    db.conn.row_factory = sqlite3.Row
    held = {e.id: held_out_index % len(e.questions) for e in entries}
    write(db=db, entries=entries, held_out=held)
    hits1 = hits3 = 0
    misses = []
    for entry in entries:
        question = entry.questions[held[entry.id]]
        named = places.find_in_text(question) if places is not None else []
        chain = [r.id for r in places.chain(named[0].id)] if named else None
        top = [m.entry_id for m in match(conn=db.conn, text=question, jurisdictions=chain, limit=3)]
        hits1 += bool(top) and top[0] == entry.id
        hits3 += entry.id in top
        if not top or top[0] != entry.id:
            misses.append((entry.id, question, top))
    n = len(entries)
    return EvalReport(entries=n, hit_at_1=hits1 / n, hit_at_3=hits3 / n, misses=misses)
