"""Totals shown with their working: only a right calculation yields its result."""
from __future__ import annotations

import pytest

from knowledge import arithmetic


@pytest.mark.parametrize("text, expected", [
    ("产假一共173天：158天＋15天＝173天。", {"173"}),
    ("三胞胎：158天＋15天×2＝188天", {"188"}),
    ("每人每月2000元×50%＝1000元", {"1000"}),
    ("两个孩子各扣一半：2000元×2×50%＝2000元", {"2000"}),
    ("比国家规定多90天：188天－98天＝90天", {"90"}),
    ("188天－98天＝80天", set()),
    ("来源：2025-08-06", set()),
    ("158天＋15天＝174天", set()),
    ("2000元×50%＝2000元", set()),
    ("产假158天，另加15天。", set()),
])
def test_worked_results(text, expected):
    assert expected == arithmetic.worked_results(text)


def test_sum_shown_writes_what_it_adds():
    assert (188, "158天＋15天×2＝188天") == arithmetic.sum_shown(terms=[(158, 1), (15, 2)], unit="天")


def test_product_shown_writes_its_factors():
    assert (1000, "2000元×50%＝1000元") == arithmetic.product_shown(value=2000, factors=["50%"], unit="元")


def test_what_is_shown_is_what_is_accepted():
    _, shown = arithmetic.product_shown(value=2000, factors=["3", "50%"], unit="元")
    assert {"3000"} == arithmetic.worked_results(shown)


def test_difference_shown():
    assert (90, "188天－98天＝90天") == arithmetic.difference_shown(larger=188, smaller=98, unit="天")
