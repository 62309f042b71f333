"""Figures worked out from a clause's figures, with the working shown.

A citizen asks for a total ("双胞胎产假一共多少天", "夫妻各扣一半每人多少"); the clauses hold
its parts (158天, 15天; 2000元, 50%). An answer may state such a total only as a shown
calculation, "158天＋15天＝173天", whose parts are the clauses' own figures. The figure
checks (the build's and tests/actions/test_figures.py) accept a result only where the
calculation written in front of it is right, so a mistyped total is still refused.
"""
from __future__ import annotations

import re
import unicodedata

_UNIT = r"[天元]?"
_TERM = r"\d+(?:\.\d+)?%?" + _UNIT
# "158天+15天×2=188天" after NFKC (＋ － ＝ become + - =; × stays ×).
_WORKING = re.compile(rf"((?:{_TERM}[+×-])+{_TERM})=(\d+(?:\.\d+)?)")


def _number(term: str) -> float:
    term = term.rstrip("天元")
    return float(term[:-1]) / 100 if term.endswith("%") else float(term)


def value_of(expression: str) -> float:
    """The value of "a+b×c-d" (× before + and -), terms as written in a working."""
    total, sign = 0.0, 1.0
    for piece in re.split(r"([+-])", expression):
        if piece in "+-":
            sign = -1.0 if piece == "-" else 1.0
            continue
        product = 1.0
        for factor in piece.split("×"):
            product *= _number(factor)
        total += sign * product
    return total


def figure(value: float) -> str:
    """How a worked figure is written: 173, 1000, 1.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def worked_results(text: str) -> set[str]:
    """The results of the calculations in `text` that are right ("158天＋15天＝173天" → {"173"});
    a wrong one ("158天＋15天＝174天") gives nothing."""
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return {result for expression, result in _WORKING.findall(flat)
            if abs(value_of(expression) - float(result)) < 1e-9}


def sum_shown(*, terms: list[tuple[float, int]], unit: str) -> tuple[float, str]:
    """(total, "158天＋15天×2＝188天") for terms given as (figure, how many times)."""
    written = "＋".join(f"{figure(value)}{unit}" + (f"×{times}" if times != 1 else "") for value, times in terms)
    total = sum(value * times for value, times in terms)
    return total, f"{written}＝{figure(total)}{unit}"


def product_shown(*, value: float, factors: list[str], unit: str) -> tuple[float, str]:
    """(result, "2000元×2×50%＝2000元"): a figure times counts or shares ("2", "50%")."""
    result = value
    for factor in factors:
        result *= _number(factor)
    return result, f"{figure(value)}{unit}" + "".join(f"×{f}" for f in factors) + f"＝{figure(result)}{unit}"


def difference_shown(*, larger: float, smaller: float, unit: str) -> tuple[float, str]:
    """(difference, "188天－98天＝90天")."""
    return larger - smaller, f"{figure(larger)}{unit}－{figure(smaller)}{unit}＝{figure(larger - smaller)}{unit}"
