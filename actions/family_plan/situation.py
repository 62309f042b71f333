"""A family's situation, as the plan form collects it: where, which child, when, who works
how, and where the child's hukou will be. Read from the citizen's words, kept in slots,
and written into the links of the calendar and print view (so those need no server state)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Mapping, Optional
from urllib.parse import parse_qs, urlencode

# What a slot holds when the citizen chose "跳过".
SKIPPED = "skip"
# Work status, as the form's buttons offer it.
WORK_KINDS = ("employee", "flexible", "resident", "none")
ORDERS = (1, 2, 3)
# A date the plan reasons about: a child of up to three, or a birth up to a year ahead.
EARLIEST_DATE = dt.date(2019, 1, 1)
LATEST_YEARS_AHEAD = 2

# Words for work status, most specific first ("灵活就业" before "就业").
_WORK_WORDS = (
    ("none", re.compile(r"未就业|没(有)?(工作|上班|就业)|不上班|无业|待业|失业|全职(妈妈|太太|主妇|宝妈)|家庭主妇|在家带娃")),
    ("flexible", re.compile(r"灵活就业|自由职业|个体(户|工商户)?|打零工|零工|外卖|快递员|网约车|跑滴滴|主播|新就业形态|自己做生意|开店")),
    ("resident", re.compile(r"城乡居民|居民医保|新农合|务农|种地|农民")),
    ("employee", re.compile(r"职工|上班|单位|公司|私企|国企|企业|事业编|事业单位|公务员|机关|工厂|打工|社保|生育保险|五险")),
)
_MOTHER = re.compile(r"老婆|妻子|媳妇|爱人|孩子(他|她)?妈|宝妈|女方|孕妈|我太太|太太")
_FATHER = re.compile(r"老公|丈夫|孩子(他|她)?爸|宝爸|男方|先生|孩他爹")
_SPEAKER_IS_MOTHER = re.compile(r"预产期|怀孕|怀了|我生|我快生|产假|孕\d+周|我是宝妈|我是妈妈")
_SKIP = re.compile(r"^\s*(跳过|不知道|不清楚|不确定|不想说|先不填|略过|skip)\s*[。.!！]?\s*$", re.IGNORECASE)
# Sentence pieces: a parent's work is read from the piece that names the parent.
_PIECES = re.compile(r"[，,。；;！!？?\s]+")


@dataclass(frozen=True)
class Situation:
    """What the plan is computed from; None = not given, SKIPPED = the citizen skipped it."""

    place: Optional[str] = None          # a region id, or a place outside the coverage by name
    child_order: Optional[int] = None    # 1, 2 or 3 (3 = the third or later)
    date: Optional[dt.date] = None       # due date or birth date
    mother_work: Optional[str] = None    # one of WORK_KINDS
    father_work: Optional[str] = None
    hukou: Optional[str] = None          # where the child's hukou will be (a region id or a name)

    def replace(self, **changes) -> "Situation":
        return replace(self, **changes)

    def is_due(self, *, today: dt.date) -> bool:
        """A date still ahead is a due date (预产期); a date passed is the birth date."""
        return self.date is not None and self.date > today

    # ------------------------------------------------------------ links

    def query(self) -> str:
        """The situation as a URL query (the calendar and print links)."""
        values = {"place": self.place, "order": self.child_order, "date": self.date.isoformat() if self.date else None,
                  "mother": self.mother_work, "father": self.father_work, "hukou": self.hukou}
        return urlencode({key: value for key, value in values.items() if value is not None})

    @classmethod
    def from_query(cls, query: str) -> "Situation":
        """The situation of a link; ValueError for anything a link of ours never holds."""
        fields = parse_qs(query, keep_blank_values=False, strict_parsing=False, max_num_fields=10)
        if set(fields) - {"place", "order", "date", "mother", "father", "hukou"}:
            raise ValueError("unknown field")
        one = {key: values[-1] for key, values in fields.items()}
        if any(len(value) > 60 for value in one.values()):
            raise ValueError("field too long")
        order = one.get("order")
        if order is not None and order not in ("1", "2", "3"):
            raise ValueError("bad child order")
        date = one.get("date")
        parsed_date = dt.date.fromisoformat(date) if date else None
        if parsed_date is not None and not date_in_range(parsed_date, today=dt.date.today()):
            raise ValueError("date out of range")
        for key in ("mother", "father"):
            if one.get(key) is not None and one[key] not in WORK_KINDS:
                raise ValueError(f"bad {key}")
        return cls(place=one.get("place"), child_order=int(order) if order else None, date=parsed_date,
                   mother_work=one.get("mother"), father_work=one.get("father"), hukou=one.get("hukou"))


def date_in_range(day: dt.date, *, today: dt.date) -> bool:
    return EARLIEST_DATE <= day <= today.replace(year=today.year + LATEST_YEARS_AHEAD)


def from_slots(slots: Mapping[str, object]) -> Situation:
    """The situation kept in the tracker's slots (values checked by the form)."""
    def text(name: str) -> Optional[str]:
        value = slots.get(name)
        return value if isinstance(value, str) and value and value != SKIPPED else None

    order = text("child_order")
    date = text("date")
    try:
        parsed = dt.date.fromisoformat(date) if date else None
    except ValueError:
        parsed = None
    return Situation(place=text("region"), child_order=int(order) if order in ("1", "2", "3") else None,
                     date=parsed,
                     mother_work=text("mother_work") if text("mother_work") in WORK_KINDS else None,
                     father_work=text("father_work") if text("father_work") in WORK_KINDS else None,
                     hukou=text("hukou_place"))


def parent_named(text: str) -> Optional[str]:
    """"mother" / "father" when the words name one parent only ("那我老公呢", "孩子爸爸"), else None."""
    mother = bool(_MOTHER.search(text or "")) or "妈妈" in (text or "")
    father = bool(_FATHER.search(text or "")) or "爸爸" in (text or "")
    return "mother" if mother and not father else "father" if father and not mother else None


def is_skip(text: str) -> bool:
    return bool(_SKIP.match(text or ""))


def work_of(text: str) -> Optional[str]:
    """The work status the words name ("在私企上班" → employee), or None."""
    for kind, pattern in _WORK_WORDS:
        if pattern.search(text or ""):
            return kind
    return None


def parents_work(text: str) -> dict[str, str]:
    """{"mother_work"/"father_work": kind} for the parents whose work the words state:
    "我老婆在私企上班，我是灵活就业" gives both. The speaker is the father when the words
    name the wife, the mother when they name the husband or the pregnancy; otherwise the
    speaker's work is not assigned to anyone (the form asks)."""
    found: dict[str, str] = {}
    names_mother, names_father = bool(_MOTHER.search(text)), bool(_FATHER.search(text))
    speaker = "father_work" if names_mother and not names_father else \
        "mother_work" if names_father and not names_mother or _SPEAKER_IS_MOTHER.search(text) and not names_mother \
        else None
    for piece in _PIECES.split(text or ""):
        kind = work_of(piece)
        if kind is None:
            continue
        if _MOTHER.search(piece) and not _FATHER.search(piece):
            found.setdefault("mother_work", kind)
        elif _FATHER.search(piece) and not _MOTHER.search(piece):
            found.setdefault("father_work", kind)
        elif re.search(r"我|本人", piece) and speaker:
            found.setdefault(speaker, kind)
        elif not found and speaker and not (names_mother or names_father):
            # "预产期3月，在私企上班": the speaker's, when the words name no parent at all
            # ("老婆 其实是灵活就业" names one: its work is hers, read by the caller).
            found.setdefault(speaker, kind)
    return found
