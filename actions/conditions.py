"""Conditions a question states that decide its yes/no: "我和老公户口都不在呼和浩特 孩子能领吗",
"老公是甘肃户口 能领宁夏的补贴金吗", "老大六岁了 还能领吗", "一岁半能上托班吗".

The verdict goes first, with the clause sentence that sets the condition; the general
rule the action found follows. Only conditions a clause states plainly are read, and a
verdict is said only when the words leave no doubt (both spouses' hukou elsewhere, an
age over the limit); anything less leaves the answer as it was.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from actions import questions as qs
from actions import templates
from actions.base import Answer
from actions.birth_dates import HOHHOT, NINGXIA, scheme_of


@dataclass(frozen=True)
class Condition:
    """A condition the question states, the scheme it decides and the clause words that set it
    (a test checks that the clause holds them)."""

    name: str
    applies: Callable[[str], bool]   # whether the question is about the scheme this condition belongs to
    stated: Callable[[str], bool]    # whether the question states the condition
    verdict: Callable[[str], str]    # the opening, given the clause sentence
    clause_id: str
    quote: str                       # the clause's words that set it, quoted


# Asking whether one can ("能领吗", "可以拿吗", "有没有份", "符合条件吗").
_ASKS_WHETHER = re.compile(r"能不能|能否|可不可以|可否|能.{0,10}吗|可以.{0,10}吗|行不行|行吗|有没有份|有份吗|"
                           r"符合|有资格|算不算|够不够|享受.{0,4}吗|给不给|拿得到|领得到|还能|还可以")
_HOHHOT = r"(呼市|呼和浩特|青城|本地|本市|这边|这里)"
# Both spouses' hukou elsewhere: "我和老公户口都不在呼和浩特", "两口子都是外地户口".
_BOTH = r"(都|均|双方|俩|两口子|两个人|我们|夫妻)"
_BOTH_ELSEWHERE = re.compile(
    r"(户口|户籍)(都|均)(不在|不是)" + _HOHHOT
    + r"|" + _BOTH + r".{0,8}(户口|户籍).{0,3}(都|均)?(不在|不是)" + _HOHHOT
    + r"|" + _BOTH + r".{0,6}(不是|不在)" + _HOHHOT + r".{0,3}(的)?(户口|户籍|人)"
    + r"|" + _BOTH + r".{0,6}是?(外地|外省|外市)(的)?(户口|户籍|人)")
# Living or working elsewhere though the hukou is local: "常年在北京上班".
_LIVES_ELSEWHERE = re.compile(r"(常年|长期|一直|平时|都)?在(外地|外省|北京|上海|天津|广州|深圳|[\u4e00-\u9fa5]{2,3}(市|省))"
                              r"(上班|工作|打工|生活|居住|住)")
_CHILD_HUKOU_ELSEWHERE = re.compile(r"(孩子|宝宝|小孩|新生儿)(的)?户口.{0,3}(落|上|报|在)(在|到)?(老家|外地|外省|别的地方|"
                                    r"[\u4e00-\u9fa5]{2,3}(市|省|县))")
# One spouse's hukou outside 宁夏: "我是甘肃户口", "老公不是宁夏户口", "一方是外地户口".
_SPOUSE = r"(我|他|她|老公|老婆|丈夫|妻子|媳妇|爱人|男方|女方|孩子爸|孩子妈|对象|一方|另一半)"
_ONE_OUTSIDE_NINGXIA = re.compile(_SPOUSE + r"(的户口|户口|户籍)?(是|在)?(不是宁夏|不在宁夏|外地|外省|"
                                  r"(?!宁夏|中宁|中卫|本地)[\u4e00-\u9fa5]{2,3})(的)?(户口|户籍|人)")
_AGE = re.compile(r"(?<![\d一二三四五六七八九十])(满|已经|都|已)?(\d{1,2}|[一二三四五六七八九十]|两)(周)?岁(?!以下|以内|前|之前|以前|半前)"
                  r"(半|多)?")
_MONTHS = re.compile(r"(\d{1,2}|[一二三四五六七八九十]+)个月(大)?")
_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def ages_of(text: str) -> list[float]:
    """The ages in years the question names ("老大六岁了老二刚满一岁" → [6, 1]; "一岁半" → 1.5)."""
    ages = []
    for found in _AGE.finditer(text):
        number = found.group(2)
        years = float(number) if number.isdigit() else float(_NUMERALS.get(number, 0))
        ages.append(years + (0.5 if found.group(4) == "半" else 0))
    ages += [(int(m.group(1)) if m.group(1).isdigit() else _NUMERALS.get(m.group(1), 0)) / 12
             for m in _MONTHS.finditer(text)]
    return ages


def _not_in_hohhot(found: Optional[re.Match]) -> bool:
    return bool(found) and not re.search(_HOHHOT, found.group(0))


def _about_hohhot(text: str) -> bool:
    return scheme_of(text) is HOHHOT


def _about_ningxia(text: str) -> bool:
    return scheme_of(text) is NINGXIA and qs.topic_of(text) in ("childcare_subsidy", "local_subsidy", None)


def _about_national(text: str) -> bool:
    return scheme_of(text) not in (HOHHOT, NINGXIA) and qs.topic_of(text) in ("childcare_subsidy", None) \
        and "补贴" in text


def _asks_tuoban(text: str) -> bool:
    return bool(re.search(r"托班|托育班|幼儿园.{0,6}托", text))


CONDITIONS = (
    Condition("hohhot_hukou", _about_hohhot, lambda t: bool(_BOTH_ELSEWHERE.search(t)),
              templates.condition_hohhot_hukou, "hohhot-subsidy-rules:一/（一）/3",
              "夫妻双方户籍地均为呼和浩特市或一方户籍地为呼和浩特市"),
    Condition("hohhot_child_hukou", _about_hohhot, lambda t: _not_in_hohhot(_CHILD_HUKOU_ELSEWHERE.search(t)),
              templates.condition_hohhot_child_hukou, "hohhot-subsidy-rules:一/（一）/3",
              "新生儿首次落户在呼和浩特市"),
    Condition("hohhot_residence", _about_hohhot, lambda t: _not_in_hohhot(_LIVES_ELSEWHERE.search(t)),
              templates.condition_hohhot_residence, "hohhot-subsidy-rules:一/（一）/3",
              "在呼和浩特市居住、工作、生活，要求人、房、户一致"),
    Condition("ningxia_hukou", _about_ningxia, lambda t: bool(_ONE_OUTSIDE_NINGXIA.search(t)),
              templates.condition_ningxia_hukou, "ningxia-childcare-subsidy-fund:1",
              "夫妻双方均为宁夏户籍"),
    Condition("national_age", _about_national, lambda t: any(age >= 3 for age in ages_of(t)),
              lambda s: "", "national-childcare-subsidy:1",
              "按每孩每年3600元的标准发放，直至婴幼儿年满3周岁"),
    Condition("tuoban_age", _asks_tuoban, lambda t: any(age < 2 for age in ages_of(t)),
              templates.condition_tuoban_age, "neimenggu-measures:三/（九）",
              "单独招收2-3岁幼儿，举办托育班"),
)


def condition_stated(text: str) -> Optional[Condition]:
    """The first condition the question states that decides its yes/no, or None."""
    if not _ASKS_WHETHER.search(text):
        return None
    return next((c for c in CONDITIONS if c.applies(text) and c.stated(text)), None)


def lead_if_condition_decides(text: str, *, reply: Answer) -> bool:
    """Put first, with its clause, what a condition the question states decides. False
    (nothing said) when no condition is stated or the message asks several questions."""
    text = qs.canonical(text)
    condition = condition_stated(text)
    if condition is None or len(qs.read_message(text)) > 1:
        return False
    sentence = condition.quote
    if condition.name == "national_age":
        ages = ages_of(text)
        opening = templates.condition_national_age(sentence, some_younger=any(age < 3 for age in ages))
    else:
        opening = condition.verdict(sentence)
    reply.lines.insert(0, opening)
    if condition.clause_id in reply.clause_ids:
        reply.clause_ids.remove(condition.clause_id)
    reply.clause_ids.insert(0, condition.clause_id)
    reply.factual = True
    return True
