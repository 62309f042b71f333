"""A birth date named in a subsidy question: outside a scheme's dates is said first, with its clause."""
from __future__ import annotations

import pytest

from actions import birth_dates
from actions.base import Answer


@pytest.mark.parametrize("text, expected", [
    ("孩子是2021年12月出生的", (2021, 12)),
    ("23年生的二胎", (2023, None)),          # a two-digit year
    ("宝宝2025年3月10号出生", (2025, 3)),
    ("育儿补贴2025年开始发", None),          # a year that is not a birth
])
def test_birth_date_of(text, expected):
    assert expected == birth_dates.birth_date_of(text)


@pytest.mark.parametrize("text, first", [
    ("孩子是2021年12月出生的 还能领国家育儿补贴吗",
     "2021年12月出生的孩子不在国家育儿补贴范围内：“2025年1月1日前出生、当时未满3周岁的婴幼儿，按应享受补贴的月数折算发放，因此2022年1月1日及以后出生的婴幼儿均可享受。”"),
    ("我们是呼市户口 孩子2024年生的 能领呼市一孩那一万吗",
     "2024年出生的孩子不在呼和浩特市生育补贴范围内：“2025年3月1日之后（含3月1日）合法生育的家庭；”"),
    ("中宁这边2022年生的二胎 有没有宁夏的育儿补贴金",
     "2022年出生的孩子不在宁夏育儿补贴金范围内：“夫妻双方均为宁夏户籍，2023年1月1日起生育二孩、三孩并在宁夏登记户口的家庭。”"),
])
def test_a_child_born_before_a_schemes_first_date_is_told_first(text, first):
    reply = Answer()
    reply.say("the answer as before")
    assert birth_dates.lead_if_born_too_early(text, reply=reply)
    assert [first, "the answer as before"] == reply.lines


@pytest.mark.parametrize("text", [
    "2022年出生的孩子也有育儿补贴吗",        # within the national dates (prorated)
    "呼市2025年5月生的二孩能领吗",
    "2021年生的孩子产假多少天",              # not a subsidy question
])
def test_nothing_is_said_within_the_dates_or_off_topic(text):
    reply = Answer()
    assert not birth_dates.lead_if_born_too_early(text, reply=reply)
    assert [] == reply.lines
