"""Candidate fact rows for one source (`python -m knowledge suggest-facts SOURCE_ID`).

Facts are curated by hand; this only saves the typing. Each clause of the source is cut
into sentences and each sentence into comma-separated parts; every figure (days, money,
percentages, counts, ages, dates) becomes a row of the table it most likely belongs to,
with the part that holds the figure as its `quote`: the narrowest verbatim text that
still says the figure, because a whole sentence usually names several child orders or
groups of people that one row cannot all carry (knowledge/fact_checks.py would refuse
it). The whole sentence is written above the row as a comment.

Every row is run through the build's own checks; what they would refuse is written in
the row's `review_note`, so an editor knows what to fix before moving it into
knowledge/facts/<table>.yml. The build ignores `review_note` and never reads
knowledge/facts/review/.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge import build, fact_checks, store

REVIEW_DIR = build.KNOWLEDGE_DIR / "facts" / "review"

# ---------------------------------------------------------------- figures

_NUM = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
# Order matters: a date is read before its day ("8月6日") could be read as days.
FIGURE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("date", r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"),
    ("year", r"\d{4}\s*年(?:\s*年?(?:底|末))?(?:\s*(?:前|以前|之前))?(?!\s*\d{1,2}\s*月)"),
    ("money", rf"(?:{_NUM})\s*(?:亿元|万元|元)"),
    ("percent", rf"(?:{_NUM})\s*[%％‰]"),
    ("days", rf"(?:{_NUM})\s*(?:个工作日|天)"),
    ("age", rf"(?:{_NUM})\s*(?:周岁|岁|个?月龄)"),
    ("count", rf"(?:{_NUM})\s*(?:个|所|家|张|处)(?![月工])"),
))
PRIMARY = ("money", "percent", "days")   # figures that make a row of their own
# A range's second figure ("20万元-30万元") is part of the first one's amount.
RANGE_JOIN = re.compile(r"\s*[-—－~～至到]\s*$")


@dataclass(frozen=True)
class Figure:
    kind: str
    start: int          # offsets in the sentence
    end: int
    text: str

    @property
    def value(self) -> int | float | None:
        """The number as the build compares it (format_figure must print it as in the quote)."""
        match = re.match(_NUM, self.text)
        if match is None or self.kind in ("date", "year"):
            return None
        digits = match.group().replace(",", "")
        return float(digits) if "." in digits else int(digits)

    @property
    def unit(self) -> str:
        return re.sub(rf"^(?:{_NUM})\s*", "", self.text).strip().replace("％", "%")


def figures(sentence: str) -> list[Figure]:
    """Every figure of a sentence, left to right, none overlapping another."""
    taken: list[Figure] = []
    for kind, pattern in FIGURE_PATTERNS:
        for match in pattern.finditer(sentence):
            if any(match.start() < f.end and f.start < match.end() for f in taken):
                continue
            taken.append(Figure(kind, match.start(), match.end(), match.group()))
    return sorted(taken, key=lambda f: f.start)


# ---------------------------------------------------------------- words

LEAVE_WORDS = re.compile(
    r"独生子女(?:父母)?(?:护理|照护)假|陪产假|护理假|育儿假|哺乳假|婚假|流产假|难产假|产假|照护假")
# The nearest word names who takes the leave; fact_checks reads 女职工/男方/独生子女 the same way.
WHO_WORDS: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p), who) for p, who in (
    (r"独生子女", "only_child"),
    (r"女职工|女方|产妇|孕妇", "mother"),
    (r"男职工|男方|配偶|丈夫", "father"),
    (r"夫妻双方|夫妻|父母双方|每人|双方", "each_parent"),
    (r"职工", "employee"),
))
# Who takes a leave when the quote names nobody; an unnamed leave leaves `who` null too.
WHO_BY_LEAVE = {"产假": "mother", "流产假": "mother", "难产假": "mother", "哺乳假": "mother",
                "护理假": "father", "陪产假": "father", "育儿假": "each_parent", "婚假": "employee"}
BENEFIT_KINDS: tuple[tuple[re.Pattern, str | None], ...] = tuple((re.compile(p), kind) for p, kind in (
    (r"个人所得税|专项附加扣除|定额扣除|扣除", "个税扣除"),
    (r"所得税|增值税|税率|税费", "税收优惠"),
    (r"公积金", "公积金"),
    (r"育儿补贴|生育补贴|托育补贴|购房补贴|租房补贴|住房补贴|生育津贴|育儿津补贴|生育保险|一次性生育补助", None),
    (r"贷款|贴息", "贷款"),
    (r"报销|医保支付|纳入医保", "报销"),
    (r"补贴|津贴|补助|奖补|奖励|扶助|救助|慰问金", None),
    (r"减免|免费|优惠", None),
))
# "率" alone is no target word ("按20%的税率" is a tax rule); "落实率100%" is.
TARGET_WORDS = re.compile(
    r"目标|达到|达|覆盖|普及率|率\s*(?=\d)|占比|不低于|不少于|至少|稳定在|力争|下降|降低|降至|提高至|提高到|提升|"
    r"到\s*\d{4}\s*年|\d{4}\s*年底")
# Sentences that are no rule for citizens: penalties, and a text's own dates.
NOT_FACTS = re.compile(r"罚款|罚金|赔偿")
DOCUMENT_DATES = re.compile(r"施行|废止|印发|发布|公布")
# Verbs and bounds printed before a target's figure: they belong to its value_text.
TARGET_LEAD = re.compile(
    r"(?:(?:力争|至少|不少于|不低于|达到|达|超过|稳定在|保持在|控制在|低于|建设|打造|新增|提高到|提高至|提升至|提升到|"
    r"增加到|下降到|下降至|降低到|降至|每个)\s*)+$")
SERVICE_VERBS = re.compile(r"开展|建设|设立|提供|实施|推行|打造|举办|加强|推进|推广|建立")
QUOTED_LAW = re.compile(r"《[^》]+》")
DEADLINE_WORDS = re.compile(r"截止|截至|申领|申请|办理|提交")


def benefit_kind(*texts: str | None) -> str | None:
    """The kind of benefit the first text naming one names ("育儿补贴", "个税扣除"…)."""
    for text in texts:
        for pattern, kind in BENEFIT_KINDS:
            match = pattern.search(text or "")
            if match:
                return kind or match.group()
    return None


def child_order_spans(text: str) -> list[tuple[int, frozenset[int]]]:
    """(end offset, orders) of every child-order word, read as fact_checks reads them:
    most specific wording first, policy names ("三孩生育政策") ignored."""
    masked = fact_checks.NOT_QUALIFIERS.sub(lambda m: "□" * len(m.group()), text)
    spans = []
    for pattern, orders in fact_checks.CHILD_ORDER_PATTERNS:
        for match in pattern.finditer(masked):
            spans.append((match.end(), orders))
        masked = pattern.sub(lambda m: "□" * len(m.group()), masked)
    return sorted(spans, key=lambda span: span[0])


def orders_for(*, part: str, at: int) -> list[int | None]:
    """The child orders a figure at offset `at` of a part is about: those named nearest
    before it ("一、二孩158天…三孩188天"), else all the part names, else any (None)."""
    spans = child_order_spans(part)
    before = [orders for end, orders in spans if end <= at]
    named = before[-1] if before else frozenset().union(*(orders for _, orders in spans))
    return sorted(named) or [None]


def group_words(quote: str) -> list[str]:
    """The words of a quote that limit a rule to a group of people (as fact_checks finds them)."""
    text = fact_checks.NOT_QUALIFIERS.sub("", fact_checks.normalised(quote))
    return [group.pattern.search(text).group() for group in fact_checks.groups_named(quote)]


# ---------------------------------------------------------------- sentences

def sentences(text: str) -> list[str]:
    """The sentences of a clause text, each verbatim (so any part of one is a valid quote)."""
    return [s.strip() for s in re.split(r"(?<=[。！？；;])|\n", text) if s.strip(" \t。；;")]


def parts(sentence: str) -> list[tuple[int, str]]:
    """(offset, text) of the comma-separated parts of a sentence, end punctuation dropped."""
    found, start = [], 0
    for match in re.finditer(r"[，,]|$", sentence):
        piece = sentence[start:match.start()]
        stripped = piece.strip().rstrip("。！？；;")
        if stripped:
            found.append((start + piece.index(stripped[0]), stripped))
        start = match.end()
    return found


# ---------------------------------------------------------------- rows

@dataclass
class Suggestion:
    """One candidate row: the table it belongs to, its fields, the sentence it came from."""

    table: str
    row: dict
    sentence: str
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # what the build would refuse

    def key(self) -> tuple:
        row = self.row
        return (self.table, row["clause"], row["quote"], row.get("days", row.get("value")),
                row.get("child_order"), row.get("leave_type"), row.get("name"))


@dataclass
class _Context:
    doc: sqlite3.Row
    clause: sqlite3.Row
    sentence: str
    figure: Figure
    part: str
    offset: int          # of the part in the sentence

    @property
    def at(self) -> int:
        return self.figure.start - self.offset

    def base(self) -> dict:
        return {"jurisdiction": self.doc["jurisdiction"]}

    def tail(self) -> dict:
        return {"clause": self.clause["id"], "quote": self.part}


def _leave(ctx: _Context) -> list[Suggestion]:
    part, at, figure = ctx.part, ctx.at, ctx.figure
    words = list(LEAVE_WORDS.finditer(part))
    after = [m for m in words if 0 <= m.start() - (figure.end - ctx.offset) <= 3]   # "158天的产假"
    before = [m for m in words if m.end() <= at]                                    # "享受产假180天"
    # "其中产前可以休假15天", "共18天" name no leave: leave_type stays null (the build asks
    # for it) rather than guessing from the sentence, which may name another leave.
    leave_type = (after or before[-1:] or words)[0].group() if words else None
    # The nearest word before the figure; at the same end "女职工" wins over "职工" (listed first).
    who_matches = [(m.end(), -i, who) for i, (pattern, who) in enumerate(WHO_WORDS)
                   for m in pattern.finditer(part[:at])]
    who = max(who_matches)[2] if who_matches else WHO_BY_LEAVE.get(leave_type)
    # Groups the quote names that `who` does not say go to `conditions` (fact_checks reads both).
    uncarried = [w for w in group_words(part)
                 if not any(g.pattern.search(w) and who in g.carried_by_who for g in fact_checks.BENEFICIARY_GROUPS)]
    age = re.search(r"(\d+)\s*周?岁(?:以前|之前|前|以下)", ctx.sentence[:figure.start])
    notes = []
    if leave_type is None:
        named = "、".join(dict.fromkeys(m.group() for m in LEAVE_WORDS.finditer(ctx.sentence)))
        notes.append("摘录没有写明假别" + (f"（原句提到{named}）" if named else "") + "：请填写 leave_type")
    if re.search(r"增加|延长|基础上", part):
        notes.append("原文是“在…基础上/增加/延长”的表述：days 是基准、增加的还是合计天数，请核对")
    rows = []
    for order in orders_for(part=part, at=at):
        row = {**ctx.base(), "leave_type": leave_type, "child_order": order, "days": figure.value,
               "period": "per_year" if re.search(r"每年|年度", part) else "once",
               "until_child_age": int(age.group(1)) if age and leave_type == "育儿假" else None,
               "who": who, "conditions": "、".join(uncarried) or None, "pay_note": None, **ctx.tail()}
        rows.append(Suggestion("leave_rules", row, ctx.sentence, notes=list(notes)))
    return rows


def _benefit(ctx: _Context, *, value: bool = True) -> list[Suggestion]:
    """Rows for a money or rate figure; with value=False a condition ("…前出生的婴幼儿")."""
    part, figure = ctx.part, ctx.figure
    kind = benefit_kind(part, ctx.sentence, ctx.clause["heading"], ctx.clause["text"])
    unit = figure.unit if value else None
    if value and figure.kind == "money":
        per = re.search(r"每(?:人|孩|户|个婴幼儿)?每?([年月])\s*$", part[:ctx.at])
        unit = f"{unit}/{per.group(1)}" if per else unit
    # amount_text: the figure with its "每孩每年…" lead and "以上/以内" tail.
    lead = re.search(r"(?:每[^\d，,。；]{0,6})?$", part[:ctx.at]).group() if value else ""
    trail = re.match(rf"(?:以上|以下|以内|左右)?(?:{RANGE_JOIN.pattern[:-1]}(?:{_NUM})\s*(?:亿元|万元|元|[%％‰]))?"
                     r"(?:以上|以下|以内)?(?:的标准)?", part[ctx.at + len(figure.text):]).group()
    # A deadline is a date by which to apply ("申请截止时间为…", "…前申领"), not "…前出生".
    deadline = None
    for date in figures(part) if DEADLINE_WORDS.search(part) else ():
        if date.kind == "date" and (re.match(r"\s*(?:前|之前|以前|止)", part[date.end:])
                                    or re.search(r"(?:截止|截至)[^，,\d]{0,6}$", part[:date.start])):
            y, m, d = (int(n) for n in re.findall(r"\d+", date.text))
            deadline = f"{y:04d}-{m:02d}-{d:02d}"
    ages = [f.text + re.match(r"(?:以下|以上|以前|前)?", part[f.end:]).group()
            for f in figures(part) if f.kind == "age"]
    rows = []
    for order in orders_for(part=part, at=ctx.at):
        row = {**ctx.base(), "kind": kind, "child_order": order,
               "amount_text": (lead + figure.text + trail) if value else None,
               "value": figure.value if value else None, "unit": unit,
               "eligibility": ("、".join(ages + group_words(part)) or None) if value else part,
               "how_to_apply": None, "note": None}
        if fact_checks.goal_verbs_named(part):
            row["is_goal"] = True
        if deadline:
            row["deadline"] = deadline
        rows.append(Suggestion("benefits", {**row, **ctx.tail()}, ctx.sentence))
    return rows


def _target(ctx: _Context) -> list[Suggestion]:
    part, at, figure = ctx.part, ctx.at, ctx.figure
    lead = TARGET_LEAD.search(part[:at])
    lead_start = lead.start() if lead else at
    trail = re.match(r"(?:及以上|以上|以下|左右)?", part[at + len(figure.text):]).group()
    before = re.sub(r"^(?:到|至|于)?\s*\d{4}\s*年(?:底|末)?(?:前|以前)?\s*[，,]?|^(?:全区|全市|全县)", "",
                    part[:lead_start]).strip()
    after = part[at + len(figure.text) + len(trail):].strip()
    indicator = (before + after) if figure.kind == "count" else (before or after)
    years = re.findall(r"(\d{4})\s*年", ctx.sentence[:figure.start])
    described = fact_checks.normalised(indicator)
    missing_groups = [w for w in group_words(part) if w not in described]
    row = {**ctx.base(), "indicator": indicator or None, "value_text": part[lead_start:at] + figure.text + trail,
           "value": figure.value, "unit": figure.unit, "year": int(years[-1]) if years else None,
           "note": "、".join(missing_groups) or None, **ctx.tail()}
    return [Suggestion("targets", row, ctx.sentence)]


def _service(ctx: _Context) -> list[Suggestion]:
    part = ctx.part
    verbs = list(SERVICE_VERBS.finditer(part))
    name = part[verbs[-1].end():].strip(" 、，,的") if verbs else ""
    row = {**ctx.base(), "name": name or part, "kind": "programme", "description": part, "contact": None}
    if fact_checks.goal_verbs_named(part) or re.search(r"到\s*\d{4}\s*年|\d{4}\s*年底", ctx.sentence):
        row["is_goal"] = True
    return [Suggestion("services", {**row, **ctx.tail()}, ctx.sentence)]


def _has_benefit_word(*texts: str | None) -> bool:
    return benefit_kind(*texts) is not None


def _rows_for(ctx: _Context) -> list[Suggestion]:
    """The rows one primary figure suggests, by the words around it."""
    kind, part = ctx.figure.kind, ctx.part
    if kind == "days" and (LEAVE_WORDS.search(ctx.sentence) or re.search(r"休假|假期", part)):
        return _leave(ctx)
    if kind == "money":
        return _benefit(ctx)
    if kind == "percent":
        # "报销比例提高至75%" is a benefit although it names a rise; "签约服务率达到100%" a target.
        return _target(ctx) if TARGET_WORDS.search(part) and not _has_benefit_word(part) else _benefit(ctx)
    if kind == "count":
        return _target(ctx)
    # Days that are no leave (审核时限15个工作日…): a benefit's figure, else a service's.
    return _benefit(ctx) if _has_benefit_word(ctx.sentence, ctx.clause["heading"]) else _service(ctx)


def _part_of(sentence: str, figure: Figure) -> tuple[int, str]:
    for offset, text in parts(sentence):
        if offset <= figure.start < offset + len(text):
            return offset, text
    return 0, sentence


def suggest(*, conn: sqlite3.Connection, doc_id: str, root: Path = build.KNOWLEDGE_DIR) -> list[Suggestion]:
    """Candidate rows for every figure in the clauses of one source, checked as the build would."""
    doc = store.document(conn=conn, doc_id=doc_id)
    if doc is None:
        raise UnknownSource(doc_id=doc_id, known=[row["id"] for row in store.documents(conn=conn)])
    found: list[Suggestion] = []
    for clause in store.clauses_of(conn=conn, doc_id=doc_id):
        for sentence in sentences(clause["text"]):
            if NOT_FACTS.search(sentence):
                continue
            figs = figures(sentence)
            # Counts ("2所", "4.5个") are targets in a sentence that sets one, else a detail.
            primary = [f for f in figs if f.kind in PRIMARY
                       or (f.kind == "count" and TARGET_WORDS.search(sentence))]
            made: list[Suggestion] = []
            for previous, figure in zip([None, *primary], primary):
                if previous and previous.kind == figure.kind \
                        and RANGE_JOIN.search(sentence[previous.end:figure.start]):
                    continue
                offset, part = _part_of(sentence, figure)
                made += _rows_for(_Context(doc, clause, sentence, figure, part, offset))
            # A sentence whose only figures are ages, dates or counts is a condition more often
            # than a fact: one flagged row for it, so nothing printed is overlooked. Not for a
            # text's own dates ("自…起施行") or a bare "到2035年".
            figs = [f for f in figs if len(_part_of(sentence, f)[1]) > len(f.text) + 2]
            if not made and figs and not (DOCUMENT_DATES.search(sentence) and {f.kind for f in figs} <= {"date", "year"}):
                offset, part = _part_of(sentence, figs[0])
                ctx = _Context(doc, clause, sentence, figs[0], part, offset)
                benefit = _has_benefit_word(sentence, clause["heading"]) or DEADLINE_WORDS.search(sentence)
                made = _benefit(ctx, value=False) if benefit else _service(ctx)
                for suggestion in made:
                    suggestion.notes.append("本句只有年龄、日期或个数，没有金额、天数或比例：多半是其他规定的条件，不需要就删除此行")
            found += made
    unique = {s.key(): s for s in reversed(found)}    # first occurrence wins
    result = [s for s in found if unique.get(s.key()) is s]
    _review(suggestions=result, conn=conn, root=root)
    return result


# ---------------------------------------------------------------- review notes

def _curated(*, root: Path) -> dict[tuple, list[tuple[str, int]]]:
    """{(table, clause, figure, child_order): [(squashed quote, line)]} of the rows already
    in knowledge/facts/ (services have no figure: their quotes must overlap)."""
    found: dict[tuple, list[tuple[str, int]]] = {}
    for table in store.FACT_TABLES:
        path = root / "facts" / f"{table}.yml"
        if not path.exists():
            continue
        for fact in build.load_yaml_list(path=path):
            key = (table, fact.get("clause"), fact.get("days", fact.get("value")), fact.get("child_order"))
            found.setdefault(key, []).append((build.squash(str(fact.get("quote") or "")), fact["__line__"]))
    return found


def _curated_line(*, curated: dict, table: str, row: dict) -> int | None:
    """The line of a curated row stating the same figure from an overlapping quote, if any."""
    quote = build.squash(row["quote"])
    key = (table, row["clause"], row.get("days", row.get("value")), row.get("child_order"))
    for other, line in curated.get(key, []):
        if other and (other in quote or quote in other):
            return line
    return None


def _review(*, suggestions: list[Suggestion], conn: sqlite3.Connection, root: Path) -> None:
    """Fill each suggestion's `problems` (the build's own messages) and its `review_note`."""
    curated = _curated(root=root)
    for s in suggestions:
        row, table = s.row, s.table
        clause_row = store.clause(conn=conn, clause_id=row["clause"])
        missing = [f for f in build.REQUIRED_FIELDS[table] if row.get(f) in (None, "")]
        s.problems = [f"missing field(s) {missing}"] if missing else build.fact_problems(
            table=table, fact=row, clause_text=clause_row["text"] if clause_row else None)
        notes = list(s.notes)
        line = _curated_line(curated=curated, table=table, row=row)
        if line:
            notes.insert(0, f"knowledge/facts/{table}.yml 第{line}行已有摘录同一段原文、数字相同的事实，多半不必再加")
        if table in ("leave_rules", "benefits") and row.get("child_order") is not None \
                and len(fact_checks.child_orders_named(row["quote"])) > 1:
            notes.append(f"child_order {row['child_order']} 按数字前最近的孩次推断")
        if table == "leave_rules":
            notes.append("leave_type、who、period 由摘录用词推断，请核对")
        law = QUOTED_LAW.search(s.sentence)
        if law:
            notes.append(f"原句引用{law.group()}：若规定出自上级法规，jurisdiction 应为其适用地区")
        if row.get("is_goal"):
            notes.append(f"摘录有目标性表述（{'、'.join(fact_checks.goal_verbs_named(row['quote'])) or '到某年'}），已标 is_goal")
        if table == "benefits" and row.get("eligibility"):
            notes.append("eligibility 只列出摘录点名的人群/年龄，请补全条件")
        if s.problems:
            notes.append("构建检查会拒收：" + "; ".join(s.problems))
        row["review_note"] = "；".join(notes) or "请对照原文核对各字段"


# ---------------------------------------------------------------- review file

class SuggestError(Exception):
    """A suggest-facts failure the command line reports without a traceback."""


class UnknownSource(SuggestError):
    def __init__(self, *, doc_id: str, known: list[str]):
        self.doc_id = doc_id
        self.known = known
        super().__init__(f"unknown source id {doc_id!r}; known ids: {', '.join(known)}")


HEADER = """\
# 《{title}》（{doc_id}）的候选事实，由 `python -m knowledge suggest-facts {doc_id}` 逐句摘出，未经人工核对。
# 本文件不参与构建：构建只读取 knowledge/facts/<表名>.yml，不读 knowledge/facts/review/。
#
# 采纳一行：
#   1. 把整行（从“- jurisdiction:”到 review_note）剪切到 knowledge/facts/<表名>.yml 末尾，
#      表名就是该行所在的分组（leave_rules / benefits / targets / services），行首不用改缩进；
#   2. 对照行上方注释里的原句核对、改正各字段；null 的必填字段必须填写（见 review_note）；
#      quote 必须是条款原文的一段，可扩大或缩小，但 quote 里出现的孩次、人群（女职工、男方、
#      独生子女、灵活就业人员…）、目标性表述（推动、逐步、鼓励…）须由 child_order、who /
#      conditions / eligibility、is_goal 表达（knowledge/fact_checks.py 检查）；
#   3. 删除 review_note（构建会忽略它，但它只是写给审核人的）；
#   4. 运行 `python -m knowledge build`：不通过时报错会指出文件、行号和原因。
# 不采纳的行直接删除；全部处理完后删除本文件。
"""


def review_yaml(*, doc: sqlite3.Row, suggestions: list[Suggestion]) -> str:
    """The review file: a header, then one section per fact table, rows at column 0 (a row
    can be cut and pasted into knowledge/facts/<table>.yml as it is)."""
    out = [HEADER.format(title=doc["title"], doc_id=doc["id"])]
    for table in store.FACT_TABLES:
        rows = [s for s in suggestions if s.table == table]
        out.append(f"\n# ---- {table}：{len(rows)} 行，采纳的移到 knowledge/facts/{table}.yml\n")
        out.append(f"{table}:" + (" []\n" if not rows else "\n"))
        for s in rows:
            if s.sentence != s.row["quote"]:
                out.append(f"# 原句：{s.sentence}\n")
            out.append(yaml.safe_dump([s.row], allow_unicode=True, sort_keys=False, width=100_000) + "\n")
    return "".join(out)


@dataclass
class Written:
    path: Path
    counts: dict[str, int]


def write_review(*, conn: sqlite3.Connection, doc_id: str, out_dir: Path = REVIEW_DIR,
                 force: bool = False, root: Path = build.KNOWLEDGE_DIR) -> Written:
    """Write <out_dir>/<doc_id>.yml; an existing file is replaced only when `force`."""
    suggestions = suggest(conn=conn, doc_id=doc_id, root=root)   # unknown id: raise before writing
    path = Path(out_dir) / f"{doc_id}.yml"
    if path.exists() and not force:
        raise SuggestError(f"{path} already exists (an editor may be reviewing it); use --force to overwrite")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(review_yaml(doc=store.document(conn=conn, doc_id=doc_id), suggestions=suggestions),
                    encoding="utf-8")
    return Written(path=path, counts={t: sum(s.table == t for s in suggestions) for t in store.FACT_TABLES})
