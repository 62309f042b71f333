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
# A follow-up's month without a year ("那3月10号生的呢"): the year is the one asked before.
_MONTH_ONLY = re.compile(r"(?<![\d年])(\d{1,2})月(?:(\d{1,2})[日号])?(?:份)?(?:的时候)?(?:出生|生的|生了|生|出世|落地)")
# The amounts of the 呼和浩特 scheme, by child order (the clauses that state them).
HOHHOT_AMOUNTS = {1: "hohhot-subsidy-rules:二/（一）/1", 2: "hohhot-subsidy-rules:二/（一）/2",
                  3: "hohhot-subsidy-rules:二/（一）/3"}
_HOHHOT_BOUNDARY = "hohhot-subsidy-rules:二/（三）/1"   # births in January and February 2025
# Whether (or how much) the child gets: the birth date decides it.
_ASKS_WHETHER_OR_AMOUNT = re.compile(r"能不能|能否|可不可以|能.{0,8}吗|可以.{0,8}吗|有没有|有吗|多少|几万|一万|1万|算不算|"
                                     r"符合|享受|呢[?？]?$")
_HOHHOT_WORDS = re.compile(r"呼市|呼和浩特|青城|一万|1万|10000|五万|5万|50000|十万|10万|100000")
_NINGXIA_WORDS = re.compile(r"宁夏|中宁|育儿补贴金")


def birth_date_of(text: str, *, context: str = "") -> Optional[tuple[int, Optional[int]]]:
    """(year, month or None) of the birth the question names, or None. A month without a
    year takes the year of the birth the question before it named (`context`)."""
    found = _BIRTH.search(qs.canonical(text))
    if found:
        return int(found.group(1)), int(found.group(2)) if found.group(2) else None
    month_only = _MONTH_ONLY.search(qs.canonical(text))
    earlier = _BIRTH.search(qs.canonical(context)) if context else None
    if month_only and earlier and 1 <= int(month_only.group(1)) <= 12:
        return int(earlier.group(1)), int(month_only.group(1))
    return None


def scheme_of(text: str) -> Scheme:
    """The scheme asked about: the one the words name, else the national one."""
    if _NINGXIA_WORDS.search(text):
        return NINGXIA
    if _HOHHOT_WORDS.search(text) and qs.topic_of(text) in ("local_subsidy", "childcare_subsidy", None) \
            and (qs.topic_of(text) == "local_subsidy" or re.search(r"呼市|呼和浩特|青城", text) and "国家" not in text):
        return HOHHOT
    return NATIONAL


def date_asked_about(text: str) -> Optional[str]:
    """The birth date a question names, as an ISO date (the first day of a month or year
    named without the day), or None: which version of a document applies then."""
    found = birth_date_of(text)
    if found is None:
        return None
    year, month = found
    return dt.date(year, month if month and 1 <= month <= 12 else 1, 1).isoformat()


def born_before(birth: tuple[int, Optional[int]], first: dt.date) -> bool:
    """Whether the whole of the named year (or month) is before the scheme's first date."""
    year, month = birth
    last_day = dt.date(year, 12, 31) if month is None else (
        dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
    return last_day < first


def born_on_or_after(birth: tuple[int, Optional[int]], first: dt.date) -> bool:
    """Whether the whole of the named year (or month) is on or after the scheme's first date."""
    year, month = birth
    return dt.date(year, month or 1, 1) >= first


def lead_if_born_too_early(text: str, *, reply: Answer, context: str = "") -> bool:
    """Put first, with its clause, that a child born before a scheme's first date is outside
    it (or, for 呼和浩特, born within it, with the amounts). False (nothing said) when no birth
    date is named, the date leaves it open, or the message asks several questions."""
    birth = birth_date_of(text, context=context)
    said = f"{context} {text}" if context and not _BIRTH.search(qs.canonical(text)) else text
    if birth is None or qs.topic_of(said) not in ("childcare_subsidy", "local_subsidy", None) \
            or len(qs.read_message(text)) > 1:
        return False
    scheme = scheme_of(said)
    if scheme is HOHHOT and born_on_or_after(birth, scheme.first_birth) and _ASKS_WHETHER_OR_AMOUNT.search(text):
        return lead_born_within_hohhot(birth, said=said, reply=reply)
    if not born_before(birth, scheme.first_birth):
        # Months owed said first; the first-claim deadline of such births still follows.
        lead_if_prorated(birth, said=said, scheme=scheme, reply=reply)
        return False
    sentence = cutoff_sentence(scheme)
    born = f"{birth[0]}年" + (f"{birth[1]}月" if birth[1] else "")
    reply.lines.insert(0, templates.born_before_scheme(born, scheme.name, sentence))
    if scheme.clause_id not in reply.clause_ids:
        reply.clause_ids.insert(0, scheme.clause_id)
    reply.factual = True
    return True


def cutoff_sentence(scheme: Scheme) -> str:
    """The clause sentence that sets the scheme's first birth date."""
    clause = ka.cite(scheme.clause_id)
    return next((s for s in re.split(r"(?<=[。；])", clause["text"]) if scheme.cutoff_words in s),
                clause["text"]).strip().rstrip("；;")


def lead_born_within_hohhot(birth: tuple[int, Optional[int]], *, said: str, reply: Answer) -> bool:
    """A birth on or after 2025-03-01 is within the 呼和浩特 scheme: say so with its clause,
    then the amount for the child order named (all three when none is), each quoted."""
    born = f"{birth[0]}年" + (f"{birth[1]}月" if birth[1] else "")
    order = qs.read(said).child_order
    amounts = [HOHHOT_AMOUNTS[order]] if order in HOHHOT_AMOUNTS else list(HOHHOT_AMOUNTS.values())
    # The clause on January and February births does not apply to this date.
    reply.lines = [line for line in reply.lines if "2月28日" not in line]
    if _HOHHOT_BOUNDARY in reply.clause_ids:
        reply.clause_ids.remove(_HOHHOT_BOUNDARY)
    lines = [templates.born_within_scheme(born, HOHHOT.name, cutoff_sentence(HOHHOT))]
    lines += [templates.scheme_amount(ka.cite(clause_id)["text"].rstrip("；;。")) for clause_id in amounts]
    reply.lines[:0] = lines
    for clause_id in reversed([HOHHOT.clause_id, *amounts]):
        if clause_id in reply.clause_ids:
            reply.clause_ids.remove(clause_id)
        reply.clause_ids.insert(0, clause_id)
    reply.factual = True
    return True


# Births before 2025 get the national subsidy for the months they are owed, not 3 years.
PRORATED_CLAUSE = "subsidy-management-rules:第十四条"
_ASKS_HOW_MUCH = re.compile(r"多少|几个月|多少个月|怎么算|怎么计算|总共|一共|合计|几年|几千")
_FULL_THREE_YEARS = re.compile(r"10800|3年合计|可领取3年")


def lead_if_prorated(birth: tuple[int, Optional[int]], *, said: str, scheme: Scheme, reply: Answer) -> bool:
    """"孩子是2023年8月生的 国家育儿补贴总共能拿多少": born before 2025, so counted by the months
    owed (第十四条), said first; the 3 years' 10800元 (for births from 2025) is dropped."""
    if scheme is not NATIONAL or not born_on_or_after(birth, NATIONAL.first_birth) or birth[0] >= 2025 \
            or not _ASKS_HOW_MUCH.search(said):
        return False
    sentence = next((s for s in ka.cite(PRORATED_CLAUSE)["text"].splitlines() if "折算" in s), None)
    if sentence is None:
        return False
    born = f"{birth[0]}年" + (f"{birth[1]}月" if birth[1] else "")
    reply.lines = [line for line in reply.lines if not _FULL_THREE_YEARS.search(line)]
    reply.lead([templates.prorated_subsidy(born, sentence.strip())], PRORATED_CLAUSE)
    return True
