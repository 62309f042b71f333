"""Text clean-up before NLU, and Chinese dates -> ISO dates.

`normalise` keeps the text's length (one character in, one character out) so entity
offsets in training data stay valid; `cap` shortens only at run time.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_CHARS = 500   # longer messages are cut: no citizen question needs more

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20   # ideographic space


@lru_cache(maxsize=1)
def _t2s():
    # opencc-python-reimplemented: the maintained OpenCC dictionaries, pure Python.
    from opencc import OpenCC

    return OpenCC("t2s")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\u200d"


def normalise(text: str) -> str:
    """Full-width -> half-width, traditional -> simplified, control characters -> space.
    The result has exactly as many characters as the input."""
    if not text:
        return ""
    text = text.translate(_FULL_WIDTH)
    text = "".join(" " if _is_control(ch) else ch for ch in text)
    simplified = _t2s().convert(text)
    if len(simplified) != len(text):
        # Phrase-level conversion changed the length: fall back to character by character.
        simplified = "".join(_t2s().convert(ch) if len(_t2s().convert(ch)) == 1 else ch for ch in text)
    # Pinyin input puts 价 (jià) for 假: "婚价", "产价几天" (not 房产价格).
    return _LEAVE_TYPO.sub("假", simplified)


_LEAVE_TYPO = re.compile(r"(?:(?<=婚)|(?<=护理)|(?<=育儿)|(?<![房资财生])(?<=产))价(?![格钱位值])")


def cap(text: str) -> str:
    """Collapse whitespace and cut to MAX_CHARS (run time only)."""
    return re.sub(r"\s+", " ", text).strip()[:MAX_CHARS]


# ---------------------------------------------------------------- dates

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(token: str) -> int | None:
    """'2025', '二〇二五', '十二', '二十三', '廿三' -> int."""
    if token.isdigit():
        return int(token)
    token = token.replace("廿", "二十").replace("卅", "三十")
    if all(ch in _CN_DIGITS for ch in token):          # 二〇二五: digit by digit
        return int("".join(str(_CN_DIGITS[ch]) for ch in token))
    if "十" in token:
        tens, _, ones = token.partition("十")
        tens_value = _CN_DIGITS.get(tens, None) if tens else 1
        ones_value = _CN_DIGITS.get(ones, None) if ones else 0
        if tens_value is None or ones_value is None:
            return None
        return tens_value * 10 + ones_value
    return None


_NUM = r"[0-9]{1,4}|[〇零○一二两三四五六七八九十廿卅]{1,4}"
_FULL_DATE = re.compile(rf"(?:(?P<year>{_NUM})\s*年\s*)?(?P<month>{_NUM})\s*月\s*(?P<day>{_NUM})\s*[日号號]?")
_ISO_DATE = re.compile(r"(?<!\d)(?P<year>20\d{2}|19\d{2})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)")
_RELATIVE = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "明天": 1, "后天": 2}
_RELATIVE_YEAR = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    text: str
    value: str          # ISO date
    year_assumed: bool  # True when the text gave no year


def extract_dates(text: str, *, today: dt.date | None = None) -> list[FoundDate]:
    """Dates written in a message, as ISO dates. A date without a year is taken in the
    current year (and says so through `year_assumed`); impossible dates are skipped."""
    today = today or dt.date.today()
    found: list[FoundDate] = []
    taken: set[int] = set()

    def add(start: int, end: int, year: int | None, month: int | None, day: int | None, assumed: bool) -> None:
        if month is None or day is None or any(i in taken for i in range(start, end)):
            return
        if year is not None and year < 100:
            year += 2000
        try:
            value = dt.date(year if year is not None else today.year, month, day)
        except ValueError:
            return
        taken.update(range(start, end))
        found.append(FoundDate(start, end, text[start:end], value.isoformat(), assumed))

    for match in _ISO_DATE.finditer(text):
        add(match.start(), match.end(), int(match["year"]), int(match["month"]), int(match["day"]), False)
    for match in _FULL_DATE.finditer(text):
        year_text = match["year"]
        year = _cn_number(year_text) if year_text else None
        start = match.start()
        assumed = year_text is None
        if assumed:
            # "去年3月5号": the relative year word just before the month.
            before = text[max(0, start - 2):start]
            if before in _RELATIVE_YEAR:
                year, start, assumed = today.year + _RELATIVE_YEAR[before], start - 2, False
        add(start, match.end(), year, _cn_number(match["month"]), _cn_number(match["day"]), assumed)
    for word, offset in _RELATIVE.items():
        for match in re.finditer(word, text):
            day = today + dt.timedelta(days=offset)
            add(match.start(), match.end(), day.year, day.month, day.day, False)
    return sorted(found, key=lambda d: d.start)
