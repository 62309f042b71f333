"""Parsers for the policy documents, official texts and supplementary sources.

Each document shape (how it is numbered: articles, outline, table, Markdown, plain
paragraphs) gets one parser in SHAPES, named by the document's entry in sources.yml; every parser returns Clause records
whose `path` follows knowledge/README.md ("二/（四）/13"). Parsers validate the
numbering as they go and raise SourceError naming the file and line, so a damaged
copy of a document fails the build instead of silently losing a clause.

Only the standard library and PyYAML are used.
"""
from __future__ import annotations

import datetime
import errno
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

__all__ = [
    "Clause",
    "SourceError",
    "SHAPES",
    "parse_document",
    "detect_shape",
    "parse_supplementary",
    "parse_outline",
    "parse_table",
    "parse_markdown",
    "parse_plain",
    "parse_articles",
    "parse_official_outline",
    "SUPPLEMENTARY_REQUIRED_KEYS",
]


@dataclass(frozen=True)
class Clause:
    """One citable clause of a source document."""

    doc_id: str
    path: str  # chain of printed labels, e.g. "二/（四）/13"
    number: str  # the clause's own label, normalised: "（十三）", "13", "一"
    heading: str  # first sentence, without label and final 。
    text: str  # full clause text, heading included, unit bracket removed
    kind: str  # "measure" | "target" | "organisation"
    line: int  # 1-based line where the clause starts
    lead_units: tuple[str, ...] = ()
    other_units: tuple[str, ...] = ()


class SourceError(ValueError):
    """Raised with file name and line: str(err) == f"{file}:{line}: {message}"."""

    def __init__(self, *, file: str, line: int, message: str):
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}")


# ---------------------------------------------------------------------------
# Text helpers

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "一二三四五六七八九十"

# Spaces are extraction noise in Chinese text ("三孩 188 天", "体系 建设"); only a space
# between two ASCII letters/digits ("HPV 2") carries meaning.
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_P_TAG = re.compile(r"</?p\s*>", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^#+\s*")

_SECTION = re.compile(rf"^([{_CN_NUMERAL}]+)、\s*(.*)$")
# Full- or half-width brackets, sometimes followed by a space: "（一）", "(十一) ".
_GROUP = re.compile(rf"^[（(]\s*([{_CN_NUMERAL}]+)\s*[）)]\s*(.*)$")
# "13落实…", "11.积极…", "1．…": one or two digits not followed by another digit, so
# paragraphs opening with a year ("2025年,…") are not items; a dotted label may be
# followed by a year ("2.2025年3月1日之后…").
_ITEM = re.compile(r"^(\d{1,2})(?!\d)(?:\s*[.．、]?\s*(?=[\u4e00-\u9fff“《])|[.．](?=\d{4}年))(.*)$")

# A paragraph ending in one of these is complete; anything else was cut by a page break.
_SENTENCE_END = tuple("。；！？：”」》）)]")

_OPEN = "（(["
_CLOSE = "）)]"


def _cn_to_int(numeral: str) -> int:
    """Chinese numeral up to 九十九 -> int."""
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[numeral]


def _tidy(text: str) -> str:
    """Drop tags/markers and spaces inside Chinese text; keep spaces between ASCII words."""
    text = _P_TAG.sub("", _BOOKMARK.sub("", text))

    def keep_or_drop(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""

    return _SPACES.sub(keep_or_drop, text).strip()


def _join(paragraphs: list[str]) -> str:
    """Join paragraphs; a paragraph cut mid-sentence (page break) is continued directly."""
    text = ""
    for paragraph in paragraphs:
        if not text:
            text = paragraph
        elif text.endswith(_SENTENCE_END):
            text += "\n" + paragraph
        else:
            text += paragraph
    return text


def _heading(text: str) -> str:
    """First sentence up to the first 。, without it."""
    first_line = text.split("\n", 1)[0]
    return first_line.split("。", 1)[0].strip()


def _trailing_bracket(text: str) -> tuple[str, str] | None:
    """(text before, bracket content) when text ends with a bracket, else None.

    Brackets nest ("各乡（镇）街人民政府") and the documents mix full- and half-width
    forms in one pair ("（责任单位：…)"), so all round brackets count as one kind.
    """
    if not text or text[-1] not in _CLOSE:
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        char = text[i]
        if char in _CLOSE:
            depth += 1
        elif char in _OPEN:
            depth -= 1
            if depth == 0:
                return text[:i].rstrip(), text[i + 1 : -1].strip()
    return None


# "各旗、县、区人民政府" is one unit: an enumeration of one-character divisions
# sharing a head noun must not be split at its 、.
_DIVISION_ENUM = re.compile(r"(?<=[旗县区])、(?=[县区市](?:、|人民政府))")
_UNIT_SEPARATORS = re.compile(r"[、，,；;\s]+")
_UNIT_BOILERPLATE = re.compile(r"(?:按职[责工]分工)?(?:牵头)?负责(?:落实)?$")


def _split_units(text: str) -> list[str]:
    protected = _DIVISION_ENUM.sub("\x00", text)
    units = [u.replace("\x00", "、").strip() for u in _UNIT_SEPARATORS.split(protected)]
    return [u for u in units if u]


def _dedupe(units: list[str], exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    seen = set(exclude)
    result = []
    for unit in units:
        if unit not in seen:
            seen.add(unit)
            result.append(unit)
    return tuple(result)


def _parse_units(content: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Responsible units of a bracket, or None when the bracket names none.

    Handles "责任单位：A、B", "A牵头，B、C按职责分工负责", and the 内蒙古 boilerplate
    "A、B按职责分工负责，地方各级人民政府负责落实；以下均需…不再列出".
    """
    if not re.search(r"负责|责任单位|牵头", content):
        return None
    content = re.sub(r"^责任单位\s*[：:]\s*", "", content)
    # A trailing note after ；/。 ("以下各项工作均须…不再单独列出") names no new unit.
    content = re.split(r"[；;。]", content, maxsplit=1)[0]
    # Local governments "负责落实" everything; the documents say so in boilerplate.
    content = re.sub(r"[，,]\s*地方各级人民政府.*$", "", content)
    content = _UNIT_BOILERPLATE.sub("", content.strip()).strip("，, ")
    if "牵头" in content:
        lead_part, _, other_part = content.partition("牵头")
        lead = _dedupe(_split_units(lead_part))
        other = _dedupe(_split_units(_UNIT_BOILERPLATE.sub("", other_part.strip("，, "))), lead)
    else:
        # No lead column: by convention the first unit listed leads.
        units = _split_units(content)
        lead = tuple(units[:1])
        other = _dedupe(units[1:], lead)
    return lead, other


def _read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file (BOM tolerated); a missing file names itself."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, "source file not found", str(path)) from None
    return raw.splitlines()


# ---------------------------------------------------------------------------
# Outline documents: 一、 sections, （一） groups, 1 items


@dataclass
class _Node:
    label: str  # normalised label: "一", "（一）", "13"
    value: int
    line: int
    paragraphs: list[str] = field(default_factory=list)
    children: list["_Node"] = field(default_factory=list)


def parse_outline(
    *,
    doc_id: str,
    path: Path,
    items: bool,
    organisation_kind: str = "organisation",
    titled_groups: bool = False,
    lines: list[tuple[int, str]] | None = None,
) -> list[Clause]:
    """Parse a 一、/（一）/1 outline document into clauses.

    What a clause is follows from the content: a section with numbered items yields
    the items (groups are only headings); a section with groups yields the groups; a
    section with neither is one clause itself (e.g. 发展目标). `items` says whether the
    shape uses digit items at all, so a page-break fragment like "2 个…" is never
    mistaken for one. Sections titled …目标 are `target`; …组织保障 get
    `organisation_kind`.

    `titled_groups` is the layout of the official web texts, where a heading stands on
    its own line: a group without items under a section that has items elsewhere is a
    clause of its own, a bare title line is kept as its own first line, and a group
    title that leads into its items ("以下情况…享受补贴：") is repeated as the first line
    of each item, which would mean nothing without it. `lines` ((line number, text)
    pairs) replaces reading `path` when the caller has cut out the part to parse.
    """
    file = str(path)
    sections: list[_Node] = []
    last_group = 0  # groups and items may continue their numbering across parents
    last_item = 0

    def fail(line: int, message: str) -> SourceError:
        return SourceError(file=file, line=line, message=message)

    def check_next(*, kind: str, value: int, label: str, line: int, first: bool, last: int) -> None:
        # The first label under a new parent may restart at 1 or continue the count.
        allowed = {last + 1} | ({1} if first else set())
        if value not in allowed:
            expected = " or ".join(str(v) for v in sorted(allowed))
            raise fail(line, f"{kind} {label} out of sequence (expected number {expected})")

    numbered = lines if lines is not None else list(enumerate(_read_lines(path), start=1))
    for lineno, raw in numbered:
        line = _tidy(_MARKDOWN_HEADING.sub("", raw.strip()))
        if line == "---" and sections:
            break  # markdown rule: the 抄送/印发 footer follows
        if not line or line.strip("-") == "":
            continue
        if match := _SECTION.match(line):
            label, title = match.groups()
            value = _cn_to_int(label)
            if value != len(sections) + 1:
                raise fail(lineno, f"section {label}、 out of sequence (expected {len(sections) + 1})")
            sections.append(_Node(label=label, value=value, line=lineno, paragraphs=[title]))
            continue
        if not sections:
            continue  # title, 文号, preamble before the first section
        section = sections[-1]
        if match := _GROUP.match(line):
            numeral, rest = match.groups()
            value = _cn_to_int(numeral)
            label = f"（{numeral}）"
            check_next(kind="group", value=value, label=label, line=lineno,
                       first=not section.children, last=last_group)
            last_group = value
            section.children.append(_Node(label=label, value=value, line=lineno, paragraphs=[rest]))
            continue
        if items and (match := _ITEM.match(line)) and section.children:
            digits, rest = match.groups()
            value = int(digits)
            group = section.children[-1]
            check_next(kind="item", value=value, label=digits, line=lineno,
                       first=not group.children, last=last_item)
            last_item = value
            group.children.append(_Node(label=digits, value=value, line=lineno, paragraphs=[rest]))
            continue
        # Plain paragraph: continues the innermost open node (page breaks split them).
        node = section
        if section.children:
            node = section.children[-1]
            if node.children:
                node = node.children[-1]
        node.paragraphs.append(line)

    clauses: list[Clause] = []
    for section in sections:
        title = section.paragraphs[0]
        kind = "measure"
        if "目标" in title:
            kind = "target"
        elif "组织保障" in title:
            kind = organisation_kind
        if any(group.children for group in section.children):
            for group in section.children:
                group_path = f"{section.label}/{group.label}"
                if not group.children and titled_groups and len(group.paragraphs) > 1:
                    clauses.append(_clause(doc_id=doc_id, file=file, node=group, kind=kind,
                                           path=group_path, title=_bare_title(group.paragraphs)))
                    continue
                if not group.children:
                    raise fail(group.line, f"group {group.label} has no numbered items")
                if len(group.paragraphs) > 1:
                    raise fail(group.line, f"group {group.label} has text before its first item")
                lead_in = group.paragraphs[0] if titled_groups and group.paragraphs[0].endswith(("：", ":")) else None
                for item in group.children:
                    clauses.append(_clause(doc_id=doc_id, file=file, node=item, kind=kind, lead_in=lead_in,
                                           path=f"{group_path}/{item.label}",
                                           title=_bare_title(item.paragraphs) if titled_groups else None))
        elif section.children:
            if len(section.paragraphs) > 1:
                raise fail(section.line, f"section {section.label}、 has text before its first group")
            for group in section.children:
                clauses.append(_clause(doc_id=doc_id, file=file, node=group, kind=kind,
                                       path=f"{section.label}/{group.label}",
                                       title=_bare_title(group.paragraphs) if titled_groups else None))
        else:
            if len(section.paragraphs) < 2:
                raise fail(section.line, f"section {section.label}、 is empty")
            # The section title is the clause's heading sentence.
            clauses.append(_clause(doc_id=doc_id, file=file, node=section, kind=kind,
                                   path=section.label, title=title))
    if not clauses:
        raise fail(1, "no clauses found")
    return clauses


def _bare_title(paragraphs: list[str]) -> str | None:
    """The first paragraph when it is a title on its own line ("享受条件"), else None."""
    first = paragraphs[0]
    if len(paragraphs) > 1 and first and not first.endswith(_SENTENCE_END) and "。" not in first:
        return first
    return None


def _clause(
    *, doc_id: str, file: str, node: _Node, kind: str, path: str,
    title: str | None = None, lead_in: str | None = None,
) -> Clause:
    """Build a Clause from a node: rejoin paragraphs, split off the unit bracket.

    `title` is a heading on its own line (kept as the first line); `lead_in` is the
    parent's sentence that the clause completes, put before it.
    """
    if title is not None:
        text = title + "\n" + _join(node.paragraphs[1:])
    else:
        text = _join(node.paragraphs)
    if lead_in is not None:
        text = lead_in + "\n" + text
    lead: tuple[str, ...] = ()
    other: tuple[str, ...] = ()
    if (split := _trailing_bracket(text)) and (units := _parse_units(split[1])):
        text, (lead, other) = split[0], units
    if not text:
        raise SourceError(file=file, line=node.line, message=f"clause {path} has no text")
    heading = title if title is not None else _heading(text)
    return Clause(doc_id=doc_id, path=path, number=node.label, heading=heading, text=text,
                  kind=kind, line=node.line, lead_units=lead, other_units=other)


# ---------------------------------------------------------------------------
# Tab-separated tables (中宁县's task list): column roles come from sources.yml

#: What a table column can be: the clause's group (举措 "一、…", inherited by the rows
#: below it), its number (序号), its text (工作内容), the lead and other units.
COLUMN_ROLES = ("group", "number", "text", "lead_units", "other_units")
# Header names a new document's table is read with when sources.yml declares none.
_ROLE_HEADERS = {
    "group": ("举措", "类别", "任务类别", "领域", "重点任务", "方面"),
    "number": ("序号", "编号", "序"),
    "text": ("工作内容", "主要内容", "具体措施", "内容", "措施", "政策内容", "任务内容", "工作任务"),
    "lead_units": ("牵头单位", "责任单位（牵头）", "牵头部门"),
    "other_units": ("责任单位", "配合单位", "参与单位", "协同单位"),
}


def guess_table_columns(*, header: list[str]) -> dict[str, str]:
    """Column roles of a table from its header cells (a new document; an editor may
    correct them in sources.yml): {role: header name}, `text` always among them."""
    roles: dict[str, str] = {}
    for role, names in _ROLE_HEADERS.items():
        for name in names:
            if name in header and name not in roles.values():
                roles[role] = name
                break
    if "text" not in roles:
        # The widest column is the text (a header the list above does not know).
        free = [cell for cell in header if cell not in roles.values()]
        if free:
            roles["text"] = max(free, key=len)
    return roles


def parse_table(*, doc_id: str, path: Path, columns: dict[str, str]) -> list[Clause]:
    """One clause per row of a tab-separated table whose header names the columns.

    `columns` maps roles (COLUMN_ROLES) to header names; `text` is required. The header
    may repeat on every page; an empty group cell continues the previous row's group;
    numbers must run 1, 2, 3 … without a gap.
    """
    file = str(path)
    unknown = set(columns) - set(COLUMN_ROLES)
    if unknown or "text" not in columns:
        raise SourceError(file=file, line=0, message=f"table columns need a `text` role; unknown roles: {sorted(unknown)}")
    clauses: list[Clause] = []
    header: list[str] | None = None
    group = ""
    for lineno, raw in _body_lines(path=path):
        if "\t" not in raw:
            continue  # title and blank lines
        cells = [_P_TAG.sub("", cell).strip() for cell in raw.split("\t")]
        if all(name in cells for name in columns.values()):
            if header is not None and cells != header:
                raise SourceError(file=file, line=lineno, message="table header differs from the first one")
            header = cells
            continue  # header, repeated per page
        if header is None:
            raise SourceError(file=file, line=lineno,
                              message=f"table row before a header naming {', '.join(columns.values())}")
        if len(cells) != len(header):
            raise SourceError(file=file, line=lineno,
                              message=f"table row has {len(cells)} columns, expected {len(header)}")
        cell = {role: cells[header.index(name)] for role, name in columns.items()}
        if group_cell := cell.get("group", ""):
            match = _SECTION.match(_tidy(group_cell))
            if not match:
                raise SourceError(file=file, line=lineno,
                                  message=f"{columns['group']} cell {group_cell!r} has no 一、 label")
            label = match.group(1)
            # A page may repeat the current group; otherwise groups go 一, 二, 三 …
            if label != group:
                expected = 1 if not group else _cn_to_int(group) + 1
                if _cn_to_int(label) != expected:
                    raise SourceError(file=file, line=lineno, message=f"group {label}、 out of sequence")
                group = label
        if "group" in columns and not group:
            raise SourceError(file=file, line=lineno, message=f"row before any {columns['group']} group")
        number = cell.get("number", str(len(clauses) + 1))
        if not number.isdigit() or int(number) != len(clauses) + 1:
            raise SourceError(file=file, line=lineno,
                              message=f"row {columns.get('number', 'number')} {number!r} out of sequence "
                                      f"(expected {len(clauses) + 1})")
        text = _tidy(cell["text"])
        if not text:
            raise SourceError(file=file, line=lineno, message=f"row {number} has no {columns['text']}")
        lead = _dedupe(_split_units(cell.get("lead_units", "")))
        other = _dedupe(_split_units(cell.get("other_units", "")), lead)
        clauses.append(Clause(doc_id=doc_id, path=f"{group}/{number}" if group else number, number=number,
                              heading=_heading(text), text=text, kind="measure", line=lineno,
                              lead_units=lead, other_units=other))
    if not clauses:
        raise SourceError(file=file, line=1, message="no table rows found")
    return clauses


# ---------------------------------------------------------------------------
# Markdown and plain text: any document gets citable clauses


_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def parse_markdown(*, doc_id: str, path: Path) -> list[Clause]:
    """One clause per Markdown heading with text under it; path "1", "2/1" … by heading
    level (a single top-level heading is the document's title, not a clause)."""
    file = str(path)
    lines = _body_lines(path=path)
    headings = [(n, _HEADING.match(t.strip())) for n, t in lines]
    levels = [len(m.group(1)) for _, m in headings if m]
    if not levels:
        raise SourceError(file=file, line=1, message="no Markdown headings (#) found")
    title_level = min(levels) if levels.count(min(levels)) == 1 and len(levels) > 1 else None
    counters: list[int] = []
    current: tuple[str, str, int, list[str]] | None = None  # (path, heading, line, paragraphs)
    clauses: list[Clause] = []

    def flush() -> None:
        if current is None:
            return
        clause_path, heading, line, paragraphs = current
        body = _join([p for p in paragraphs if p])
        if body:
            clauses.append(Clause(doc_id=doc_id, path=clause_path, number=clause_path.rsplit("/", 1)[-1],
                                  heading=heading, text=f"{heading}\n{body}", kind="measure", line=line))

    base = min(level for level in levels if level != title_level) if set(levels) - {title_level} else 1
    for lineno, raw in lines:
        match = _HEADING.match(raw.strip())
        if match and len(match.group(1)) == title_level:
            flush()
            current = None
            continue
        if match:
            flush()
            depth = len(match.group(1)) - base
            counters = counters[:depth + 1] + [0] * max(0, depth + 1 - len(counters))
            counters[depth] += 1
            current = ("/".join(str(c) for c in counters[:depth + 1]), _tidy(match.group(2)), lineno, [])
        elif current is not None:
            current[3].append(_tidy(raw))
    flush()
    if not clauses:
        raise SourceError(file=file, line=1, message="no Markdown heading has text under it")
    return clauses


def parse_plain(*, doc_id: str, path: Path) -> list[Clause]:
    """The fallback: every paragraph is a clause "1", "2" …; a first line without a full
    stop is the title and a short line without one heads the paragraph after it."""
    file = str(path)
    lines = [(n, _tidy(t)) for n, t in _body_lines(path=path)]
    lines = [(n, t) for n, t in lines if t]
    if lines and not lines[0][1].endswith(_SENTENCE_END) and len(lines[0][1]) <= 60:
        lines = lines[1:]   # the title
    clauses: list[Clause] = []
    pending: tuple[int, str] | None = None   # a subheading waiting for its paragraph
    for lineno, text in lines:
        if len(text) <= 20 and not text.endswith(_SENTENCE_END):
            pending = (pending[0], f"{pending[1]} {text}") if pending else (lineno, text)
            continue
        start = lineno
        if pending:
            start, text = pending[0], f"{pending[1]}\n{text}"
            pending = None
        number = str(len(clauses) + 1)
        clauses.append(Clause(doc_id=doc_id, path=number, number=number, heading=_heading(text),
                              text=text, kind="measure", line=start))
    if not clauses:
        raise SourceError(file=file, line=1, message="no paragraph with text found")
    return clauses


# ---------------------------------------------------------------------------
# Official texts (sources/official/*.txt): a header, then the verbatim text between
# markers. Two shapes: laws and rules numbered 第X条, and web pages numbered as an
# outline, possibly ending with a table of phone numbers.

VERBATIM_BEGIN = "-----BEGIN VERBATIM TEXT-----"
VERBATIM_END = "-----END VERBATIM TEXT-----"

# The web snapshots carry Markdown bold ("**…**", sometimes split "****").
_BOLD = re.compile(r"\*\*")
_CHAPTER = re.compile(rf"^第[{_CN_NUMERAL}百零]+章(?:\s|$)")
# "第七条 …"; an excerpt may say which paragraph it quotes: "第八十三条（第三款） …".
_ARTICLE = re.compile(rf"^(第([{_CN_NUMERAL}百零]+)条)(（第[{_CN_NUMERAL}]+款）)?\s*(.*)$")
_TABLE_ROW = re.compile(r"^([^|]+?)\s*\|\s*(.+?)\s*\|?$")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def verbatim_lines(*, path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the lines between the verbatim markers, bold marks removed."""
    file = str(path)
    lines = _read_lines(path)
    try:
        begin = next(i for i, line in enumerate(lines) if line.strip() == VERBATIM_BEGIN)
    except StopIteration:
        raise SourceError(file=file, line=1, message=f"no {VERBATIM_BEGIN} line") from None
    try:
        end = next(i for i in range(begin + 1, len(lines)) if lines[i].strip() == VERBATIM_END)
    except StopIteration:
        raise SourceError(file=file, line=begin + 1, message=f"no {VERBATIM_END} line") from None
    return [(i + 1, _BOLD.sub("", lines[i])) for i in range(begin + 1, end)]


def _body_lines(*, path: Path) -> list[tuple[int, str]]:
    """(line number, text) of what to parse: the verbatim part of an official text's copy
    (it has a collector's header), else every line; Markdown bold removed."""
    lines = _read_lines(path)
    if any(line.strip() == VERBATIM_BEGIN for line in lines):
        return verbatim_lines(path=path)
    return [(i, _BOLD.sub("", line)) for i, line in enumerate(lines, start=1)]


def _article_number(numeral: str) -> int:
    """一 … 九十九, 一百 … 一百九十九 (the 百 forms laws need)."""
    if "百" in numeral:
        hundreds, _, rest = numeral.partition("百")
        rest = rest.lstrip("零")
        return (_CN_DIGITS[hundreds] if hundreds else 1) * 100 + (_cn_to_int(rest) if rest else 0)
    return _cn_to_int(numeral)


def parse_articles(*, doc_id: str, path: Path, excerpt: bool = False) -> list[Clause]:
    """Clauses 第一条, 第二条 … of a law or rules; chapters 第X章 are not part of the path.

    A clause's text is the article with all its paragraphs and （一） items. Text
    before the first article (a covering notice, a title) is not a clause. Numbers
    must run 第一条, 第二条 … without a gap; an `excerpt` only has to increase.
    """
    file = str(path)
    articles: list[tuple[str, str, int, list[str]]] = []  # (label, number, line, paragraphs)
    last = 0
    for lineno, raw in _body_lines(path=path):
        line = _tidy(raw)
        if not line or _CHAPTER.match(raw.strip()):
            continue
        if match := _ARTICLE.match(line):
            label, numeral, part, rest = match.groups()
            value = _article_number(numeral)
            expected_ok = value > last if excerpt else value == last + 1
            if not expected_ok:
                expected = f"after {last}" if excerpt else str(last + 1)
                raise SourceError(file=file, line=lineno,
                                  message=f"article {label} out of sequence (expected number {expected})")
            last = value
            articles.append((label, label + (part or ""), lineno, [rest] if rest else []))
            continue
        if articles:
            articles[-1][3].append(line)
    if not articles:
        raise SourceError(file=file, line=1, message="no articles 第X条 found")
    clauses = []
    for label, number, lineno, paragraphs in articles:
        text = _join(paragraphs)
        if not text:
            raise SourceError(file=file, line=lineno, message=f"article {label} has no text")
        clauses.append(Clause(doc_id=doc_id, path=label, number=number, heading=_heading(text),
                              text=text, kind="measure", line=lineno))
    return clauses


def parse_official_outline(*, doc_id: str, path: Path) -> list[Clause]:
    """An official web text numbered 一、/（一）/1. (see parse_outline, titled_groups).

    A closing table of phone numbers ("**各旗县区咨询服务电话**", a --- rule, rows
    "name | numbers") becomes one clause per row, path `<table title>/<row name>`,
    kind `contact`, text "name：numbers". A date line after the table is the signature.
    """
    file = str(path)
    lines = _body_lines(path=path)
    outline, table_title, rows = lines, None, []
    for index, (lineno, raw) in enumerate(lines):
        if raw.strip() == "---" and index > 0:
            # The non-blank line before the rule is the table's title.
            before = [(n, t) for n, t in lines[:index] if t.strip()]
            table_title = _tidy(before[-1][1])
            outline = [(n, t) for n, t in lines[:index] if n < before[-1][0]]
            rows = lines[index + 1:]
            break
    clauses = parse_outline(doc_id=doc_id, path=path, items=True, titled_groups=True, lines=outline)
    for lineno, raw in rows:
        line = raw.strip()
        if not line:
            continue
        if match := _TABLE_ROW.match(line):
            name, numbers = _tidy(match.group(1)), " ".join(match.group(2).split())
            text = f"{name}：{numbers}"
            clauses.append(Clause(doc_id=doc_id, path=f"{table_title}/{name}", number=name,
                                  heading=name, text=text, kind="contact", line=lineno))
        elif not _DATE_LINE.match(_tidy(line)):
            raise SourceError(file=file, line=lineno, message=f"line after the table is neither a row nor a date: {line!r}")
    return clauses


# ---------------------------------------------------------------------------
# Shapes: how a document is numbered chooses its parser, never its id. sources.yml names
# each document's `shape` (and `shape_options`); `detect_shape` proposes both for a new one.


def _outline(*, doc_id: str, path: Path, items: bool = True, titled_groups: bool = False,
             organisation_kind: str = "organisation") -> list[Clause]:
    """一、/（一）/1. outlines. `titled_groups`: the layout of official web texts, whose
    headings stand on their own lines and which may end with a phone table."""
    if titled_groups:
        if not items or organisation_kind != "organisation":
            raise ValueError("titled_groups outlines always read digit items and organisation sections")
        return parse_official_outline(doc_id=doc_id, path=path)
    return parse_outline(doc_id=doc_id, path=path, items=items, organisation_kind=organisation_kind,
                         lines=_body_lines(path=path))


def _article_excerpt(*, doc_id: str, path: Path) -> list[Clause]:
    return parse_articles(doc_id=doc_id, path=path, excerpt=True)


SHAPES: dict[str, Callable[..., list[Clause]]] = {
    "articles": parse_articles,              # 第一条, 第二条 … without gaps
    "article-excerpt": _article_excerpt,     # 第X条 increasing (a law's chapter)
    "outline": _outline,                     # 一、/（一）/1. (options: items, titled_groups, organisation_kind)
    "table": parse_table,                    # tab-separated rows (option: columns)
    "markdown": parse_markdown,              # # headings
    "plain": parse_plain,                    # paragraphs
}


def parse_document(*, doc_id: str, path: Path, shape: str, options: dict | None = None) -> list[Clause]:
    """Clauses of a document, in document order, by its `shape` (SHAPES) and options."""
    try:
        parser = SHAPES[shape]
    except KeyError:
        raise ValueError(f"unknown shape {shape!r}; known: {', '.join(SHAPES)}") from None
    try:
        return parser(doc_id=doc_id, path=Path(path), **(options or {}))
    except TypeError as err:   # an option the shape does not take
        raise ValueError(f"shape {shape!r}: bad shape_options {options!r} ({err})") from None


def detect_shape(*, path: Path) -> tuple[str, dict]:
    """(shape, options) for a new document: the first of articles, outline (with or
    without digit items, official web layout first), table, Markdown that parses it;
    plain paragraphs otherwise. Raises SourceError when not even a paragraph is found."""
    lines = _body_lines(path=path)
    candidates: list[tuple[str, dict]] = [("articles", {}), ("article-excerpt", {})]
    candidates += [("outline", {"titled_groups": True}), ("outline", {"items": True}), ("outline", {"items": False})]
    header = next(([c.strip() for c in t.split("\t")] for _, t in lines if t.count("\t") >= 1), None)
    if header:
        candidates.append(("table", {"columns": guess_table_columns(header=header)}))
    candidates.append(("markdown", {}))
    for shape, options in candidates:
        try:
            clauses = parse_document(doc_id="new", path=path, shape=shape, options=options)
        except (SourceError, ValueError):
            continue
        # An outline must hold more than one clause: a lone "一、" line in a letter is no outline.
        if clauses and (shape not in ("outline", "markdown") or len(clauses) > 1):
            return shape, options
    parse_plain(doc_id="new", path=path)   # raises when there is nothing to cite
    return "plain", {}


# ---------------------------------------------------------------------------
# Supplementary sources: YAML front matter + "## N" clauses

SUPPLEMENTARY_REQUIRED_KEYS = ("id", "title", "issuer", "jurisdiction", "date", "status", "confidence")
_SUPPLEMENTARY_CLAUSE = re.compile(r"^##\s+(\S+)\s*$")


def parse_supplementary(*, path: Path) -> tuple[dict, list[Clause]]:
    """(front-matter metadata, clauses "1", "2", … of kind measure) of a supplementary .md.

    `date` is returned as an ISO string whatever YAML made of it.
    """
    path = Path(path)
    file = str(path)
    lines = _read_lines(path)
    if not lines or lines[0].strip() != "---":
        raise SourceError(file=file, line=1, message="missing YAML front matter (file must start with ---)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SourceError(file=file, line=1, message="front matter is not closed with ---") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for the opening ---, +1 for 1-based
        raise SourceError(file=file, line=line, message=f"invalid YAML front matter: {exc}") from None
    if not isinstance(meta, dict):
        raise SourceError(file=file, line=1, message="front matter is not a mapping")
    missing = [key for key in SUPPLEMENTARY_REQUIRED_KEYS if meta.get(key) in (None, "")]
    if "date" in missing and meta.get("date_note"):
        missing.remove("date")  # an undated source is fine if it says why (date_note)
    if missing:
        raise SourceError(file=file, line=1, message=f"front matter lacks {', '.join(missing)}")
    for key in ("date", "sort_date"):
        if isinstance(meta.get(key), (datetime.date, datetime.datetime)):
            meta[key] = meta[key].isoformat()
    doc_id = str(meta["id"])

    clauses: list[Clause] = []
    current: tuple[str, int, list[str]] | None = None  # (number, line, paragraphs)

    def flush() -> None:
        if current is None:
            return
        number, line, paragraphs = current
        text = _join([p for p in paragraphs if p])
        if not text:
            raise SourceError(file=file, line=line, message=f"clause ## {number} is empty")
        clauses.append(Clause(doc_id=doc_id, path=number, number=number, heading=_heading(text),
                              text=text, kind="measure", line=line))

    for lineno in range(end + 2, len(lines) + 1):
        raw = lines[lineno - 1]
        if match := _SUPPLEMENTARY_CLAUSE.match(raw.strip()):
            flush()
            number = match.group(1)
            # Numbers may follow the source's own articles (## 7, ## 8 for 第七条, 第八条)
            # but must increase, so a duplicated or misplaced clause is caught.
            if not number.isdigit():
                raise SourceError(file=file, line=lineno, message=f"clause ## {number} is not a number")
            previous = int(clauses[-1].number) if clauses else 0
            if int(number) <= previous:
                raise SourceError(file=file, line=lineno,
                                  message=f"clause ## {number} out of sequence (must follow ## {previous})")
            current = (number, lineno, [])
        elif current is not None and (line := _tidy(raw)):
            current[2].append(line)
    flush()
    if not clauses:
        raise SourceError(file=file, line=end + 1, message="no numbered clauses (## 1, ## 2, …)")
    return meta, clauses
