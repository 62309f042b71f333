"""Does a fact row say everything its quote qualifies it with?

A quote can narrow a rule in ways a row can silently drop: to a child order ("二孩、三孩
家庭"), to a group of people ("灵活就业人员", "独生子女") or to an intention rather than
an entitlement ("推动实现…100%报销"). A row that drops one of these is told to every
citizen as if it applied to them, today. The build refuses such a row; the fix is to
carry the qualifier in the row's fields (child_order, who / conditions / eligibility,
is_goal), or to narrow the quote to the sentence the row states.

These are word lists, not understanding: a hit asks a curator to look, and the row's
fields must then say it. Policy names that merely contain a term ("三孩生育政策",
"全面两孩政策") are not qualifiers and are ignored.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# Phrases that contain a child-order, group or goal word but qualify nothing: policy
# names, and "支持" as a noun ("等支持政策" is a list of measures, not an intention).
NOT_QUALIFIERS = re.compile(r"三孩生育政策|三孩政策|全面两孩政策|两孩政策|支持政策|支持措施")

# Child orders, most specific wording first; each pattern names the orders it covers.
CHILD_ORDER_PATTERNS: tuple[tuple[re.Pattern, frozenset[int]], ...] = tuple(
    (re.compile(pattern), frozenset(orders)) for pattern, orders in (
        (r"一、二孩|一二孩", {1, 2}),
        (r"二孩、三孩|二、三孩|二孩及以上|二孩和三孩", {2, 3}),
        (r"三孩及以上|三孩及以后|第3个及以后|第三个及以后", {3}),
        (r"一孩|一胎|头胎|第一个(?:孩子|子女)|第1个(?:孩子|子女)", {1}),
        (r"二孩|二胎|第二个(?:孩子|子女)|第2个(?:孩子|子女)", {2}),
        (r"三孩|三胎|第三个(?:孩子|子女)|第3个(?:孩子|子女)", {3}),
    )
)


@dataclass(frozen=True)
class Group:
    """A group of people a quote can limit a rule to, and how a row says it."""

    label: str
    pattern: re.Pattern
    carried_by_text: re.Pattern                 # found in the row's descriptive fields
    carried_by_who: frozenset[str] = frozenset()  # or the row's `who` is one of these


def _group(label: str, pattern: str, carried: str | None = None, who: tuple[str, ...] = ()) -> Group:
    return Group(label, re.compile(pattern), re.compile(carried or pattern), frozenset(who))


BENEFICIARY_GROUPS: tuple[Group, ...] = (
    _group("独生子女", r"独生子女", who=("only_child",)),
    _group("女职工", r"女职工", who=("mother",)),
    _group("男方/男职工", r"男方|男职工", who=("father",)),
    _group("灵活就业人员", r"灵活就业"),
    _group("农民工", r"农民工"),
    _group("新业态/新就业形态人员", r"新业态|新就业形态"),
    _group("城乡居民", r"城乡居民|参保居民|居民医保", r"城乡居民|居民"),
    _group("城镇职工", r"城镇职工|职工基本医疗保险", r"职工"),
    _group("未就业妇女", r"未就业妇女"),
    _group("农村", r"农村"),
    _group("困难家庭", r"困难家庭|经济困难|困难群众", r"困难"),
    _group("多子女家庭", r"多子女家庭|多孩家庭", r"多子女|多孩"),
    _group("未成年子女家庭", r"未成年子女"),
    _group("计划生育特殊家庭", r"计划生育特殊家庭|特殊家庭", r"特殊家庭"),
    _group("双女户", r"双女户"),
    _group("户籍", r"户籍"),
    _group("新婚女性", r"新婚"),
    _group("适龄妇女/女孩", r"适龄妇女|适龄女孩", r"适龄"),
    _group("留守/困境/流动儿童", r"留守儿童|困境儿童|流动儿童", r"留守|困境|流动"),
)

# Words that make a sentence an intention of the government, not a right of a citizen.
GOAL_VERBS = re.compile(r"推动|推进|探索|鼓励|力争|逐步|争取|支持|引导|倡导|研究制定|打造|到\d{4}年")

# The fields that describe a row, per table (where a qualifier must be written).
DESCRIPTIVE_FIELDS = {
    "leave_rules": ("conditions",),
    "benefits": ("eligibility",),
    "targets": ("indicator", "note"),
    "services": ("name", "description"),
}


def normalised(text: str) -> str:
    """NFKC, no whitespace: "一、二孩 158 天" and "一、二孩158天" compare equal."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _qualifying_text(quote: str) -> str:
    return NOT_QUALIFIERS.sub("", normalised(quote))


def child_orders_named(quote: str) -> frozenset[int]:
    """The child orders a quote names ({2, 3} for "二孩、三孩家庭")."""
    text = _qualifying_text(quote)
    orders: set[int] = set()
    for pattern, covered in CHILD_ORDER_PATTERNS:
        if pattern.search(text):
            orders |= covered
            text = pattern.sub("", text)   # "二孩、三孩" is not also read as "二孩" and "三孩"
    return frozenset(orders)


def groups_named(quote: str) -> list[Group]:
    text = _qualifying_text(quote)
    return [group for group in BENEFICIARY_GROUPS if group.pattern.search(text)]


def goal_verbs_named(quote: str) -> list[str]:
    return sorted(set(GOAL_VERBS.findall(_qualifying_text(quote))))


def _truthy(value: object) -> bool:
    return value not in (None, "", 0, False, "0", "false", "False")


def unstated_qualifiers(*, table: str, fact: dict) -> list[str]:
    """What the quote of `fact` qualifies that the row's fields do not say (empty when none)."""
    quote = str(fact.get("quote") or "")
    problems = []
    if table in ("leave_rules", "benefits"):
        named = child_orders_named(quote)
        order = fact.get("child_order")
        if named and order is None:
            problems.append(
                f"quote names child order(s) {sorted(named)} but child_order is null"
                " (split the row per order, or narrow the quote)")
        elif order is not None and int(order) not in named:
            problems.append(f"child_order {order} is not named in the quote")
    described = normalised(" ".join(str(fact.get(f) or "") for f in DESCRIPTIVE_FIELDS[table]))
    for group in groups_named(quote):
        if fact.get("who") in group.carried_by_who or group.carried_by_text.search(described):
            continue
        fields = "who/" if table == "leave_rules" else ""
        problems.append(
            f"quote limits the rule to {group.label} but {fields}{'/'.join(DESCRIPTIVE_FIELDS[table])}"
            " does not say so")
    verbs = goal_verbs_named(quote)
    if verbs and table != "targets" and not _truthy(fact.get("is_goal")):
        if table == "leave_rules":
            problems.append(f"quote states an intention ({'、'.join(verbs)}), not a leave entitlement")
        else:
            problems.append(f"quote states an intention ({'、'.join(verbs)}) but is_goal is not true")
    return problems


def deadline_problems(*, fact: dict) -> list[str]:
    """A `deadline` is an ISO date printed in the quote as Y年M月D日."""
    deadline = fact.get("deadline")
    if deadline in (None, ""):
        return []
    try:
        day = deadline if isinstance(deadline, dt.date) else dt.date.fromisoformat(str(deadline))
    except ValueError:
        return [f"deadline {deadline!r} is not an ISO date (YYYY-MM-DD)"]
    printed = f"{day.year}年{day.month}月{day.day}日"
    if printed not in normalised(str(fact.get("quote") or "")):
        return [f"deadline {day.isoformat()} ({printed}) does not appear in its quote"]
    return []
