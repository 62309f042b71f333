"""A birth date named in a subsidy question: outside a scheme's dates is said first, with its clause."""
from __future__ import annotations

import pytest

from actions import birth_dates
from actions.base import Answer
from tests.actions.test_answering import run, slot
from tests.conftest import make_tracker


@pytest.mark.parametrize("text, expected", [
    ("孩子是2021年12月出生的", (2021, 12)),
    ("23年生的二胎", (2023, None)),          # a two-digit year
    ("宝宝2025年3月10号出生", (2025, 3)),
    ("育儿补贴2025年开始发", None),          # a year that is not a birth
])
def test_birth_date_of(text, expected):
    assert expected == birth_dates.birth_date_of(text)


def test_a_follow_ups_month_takes_the_year_asked_before():
    earlier = "呼市孩子是2025年2月出生的 能领一万吗"
    assert (2025, 3) == birth_dates.birth_date_of("那3月10号生的呢", context=earlier)
    assert birth_dates.birth_date_of("那3月10号生的呢") is None   # no year asked before: no date


def test_a_birth_within_the_hohhot_dates_is_told_first_with_its_amount():
    reply = Answer()
    reply.say("“2025年1月1日（含1月1日）至2月28日（含2月28日）出生的”按自治区标准")   # not this date's rule
    reply.say("the answer as before")
    assert birth_dates.lead_if_born_too_early("呼市2025年5月生的二孩能领吗", reply=reply)
    assert ["2025年5月出生的孩子在呼和浩特市生育补贴的时间范围内：“2025年3月1日之后（含3月1日）合法生育的家庭”"
            "另须符合户籍、居住等条件。",
            "金额：“生育二孩发放育儿补贴50000元，按照每年10000元发放，直至孩子5周岁”。",
            "the answer as before"] == reply.lines
    assert ["hohhot-subsidy-rules:一/（一）/2", "hohhot-subsidy-rules:二/（一）/2"] == reply.clause_ids


def test_a_follow_up_date_within_the_hohhot_dates_gives_every_order_when_none_is_named():
    reply = Answer()
    assert birth_dates.lead_if_born_too_early("那3月10号生的呢", reply=reply, context="呼市孩子是2025年2月出生的 能领一万吗")
    assert reply.lines[0].startswith("2025年3月出生的孩子在呼和浩特市生育补贴的时间范围内")
    assert ["10000", "50000", "100000"] == [line.split("补贴")[1].split("元")[0] for line in reply.lines[1:]]


@pytest.mark.parametrize("text, first", [
    ("孩子是2021年12月出生的 还能领国家育儿补贴吗",
     "2021年12月出生的孩子不在国家育儿补贴范围内：“2025年1月1日前出生、当时未满3周岁的婴幼儿，按应享受补贴的月数折算发放，因此2022年1月1日及以后出生的婴幼儿均可享受。”"),
    ("我们是呼市户口 孩子2024年生的 能领呼市一孩那一万吗",
     "2024年出生的孩子不在呼和浩特市生育补贴范围内：“2025年3月1日之后（含3月1日）合法生育的家庭”"),
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
    "呼市2025年5月生的二孩怎么申请",         # within 呼和浩特's dates, asking how to apply
    "2021年生的孩子产假多少天",              # not a subsidy question
])
def test_nothing_is_said_within_the_dates_or_off_topic(text):
    reply = Answer()
    assert not birth_dates.lead_if_born_too_early(text, reply=reply)
    assert [] == reply.lines


@pytest.mark.parametrize("text, born", [
    ("孩子是2023年8月生的 国家育儿补贴总共能拿多少", "2023年8月"),
    ("孩子2022年10月出生 国家育儿补贴按几个月算", "2022年10月"),
])
def test_a_birth_before_2025_is_paid_for_the_months_owed_not_three_years(text, born, domain):
    from actions.money import ActionAnswerSubsidy

    events, reply = run(ActionAnswerSubsidy(), make_tracker(intent="ask_subsidy_amount", text=text), domain)
    assert reply.startswith(f"{born}出生的孩子不是领满3年10800元：2025年1月1日以前出生的，按应补贴月数折算"), reply
    assert "3年合计10800元" not in reply
    assert "subsidy-management-rules:第十四条" == slot(events, "cited_clauses")[0]
    assert "2025年12月31日这个期限已经过了" in reply   # the first-claim deadline of such births still follows


def test_a_birth_from_2025_keeps_the_three_years(domain):
    from actions.money import ActionAnswerSubsidy

    _, reply = run(ActionAnswerSubsidy(), make_tracker(intent="ask_subsidy_amount", text="孩子2025年3月出生 国家育儿补贴总共能拿多少"),
                   domain)
    assert "不是领满3年" not in reply and "10800元" in reply.splitlines()[0], reply
