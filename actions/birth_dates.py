"""Whether a child's birth date falls within a subsidy scheme's dates: "2021年12月出生的还能领吗"
is answered by the clause that sets the first eligible birth date, not by the general rule."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from actions import knowledge_access as ka
from actions import questions as qs
from actions import templates
from actions.base import Answer


@dataclass(frozen=True)
class Scheme:
    """A subsidy scheme's first eligible birth date and the clause sentence that sets it."""

    name: str
    first_birth: dt.date
    clause_id: str
    cutoff_words: str   # the words of the clause sentence that state the date


NATIONAL = Scheme("国家育儿补贴", dt.date(2022, 1, 1), "national-childcare-subsidy:2", "2022年1月1日及以后出生")
HOHHOT = Scheme("呼和浩特市生育补贴", dt.date(2025, 3, 1), "hohhot-subsidy-rules:一/（一）/2", "2025年3月1日之后")
NINGXIA = Scheme("宁夏育儿补贴金", dt.date(2023, 1, 1), "ningxia-childcare-subsidy-fund:1", "2023年1月1日起")

# "2021年12月出生", "孩子是2024年生的", "23年生的二胎" (22年 is 2022年 once canonical).
_BIRTH = re.compile(r"(20\d{2})年(?:(\d{1,2})月)?(?:(\d{1,2})[日号])?(?:份)?(?:的时候)?(?:出生|生的|生了|生|出世|落地)")
_HOHHOT_WORDS = re.compile(r"呼市|呼和浩特|青城|一万|1万|10000|五万|5万|50000|十万|10万|100000")
_NINGXIA_WORDS = re.compile(r"宁夏|中宁|育儿补贴金")


def birth_date_of(text: str) -> Optional[tuple[int, Optional[int]]]:
    """(year, month or None) of the birth the question names, or None."""
    found = _BIRTH.search(qs.canonical(text))
    if not found:
        return None
    return int(found.group(1)), int(found.group(2)) if found.group(2) else None


def scheme_of(text: str) -> Scheme:
    """The scheme asked about: the one the words name, else the national one."""
    if _NINGXIA_WORDS.search(text):
        return NINGXIA
    if _HOHHOT_WORDS.search(text) and qs.topic_of(text) in ("local_subsidy", "childcare_subsidy", None) \
            and (qs.topic_of(text) == "local_subsidy" or re.search(r"呼市|呼和浩特|青城", text) and "国家" not in text):
        return HOHHOT
    return NATIONAL


def born_before(birth: tuple[int, Optional[int]], first: dt.date) -> bool:
    """Whether the whole of the named year (or month) is before the scheme's first date."""
    year, month = birth
    last_day = dt.date(year, 12, 31) if month is None else (
        dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
    return last_day < first


def lead_if_born_too_early(text: str, *, reply: Answer) -> bool:
    """Put first, with its clause, that a child born before a scheme's first date is outside
    it. False (nothing said) when no birth date is named, it is within the scheme, or the
    message asks several questions."""
    birth = birth_date_of(text)
    if birth is None or qs.topic_of(text) not in ("childcare_subsidy", "local_subsidy", None) \
            or len(qs.read_message(text)) > 1:
        return False
    scheme = scheme_of(text)
    if not born_before(birth, scheme.first_birth):
        return False
    clause = ka.cite(scheme.clause_id)
    sentence = next((s for s in re.split(r"(?<=[。；])", clause["text"]) if scheme.cutoff_words in s), clause["text"])
    born = f"{birth[0]}年" + (f"{birth[1]}月" if birth[1] else "")
    reply.lines.insert(0, templates.born_before_scheme(born, scheme.name, sentence.strip()))
    if scheme.clause_id not in reply.clause_ids:
        reply.clause_ids.insert(0, scheme.clause_id)
    reply.factual = True
    return True
