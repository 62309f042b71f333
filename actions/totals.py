"""Totals the citizen asks for, worked out from the rules' own figures with the working
shown: "包头生双胞胎产假一共多少天" (158天＋15天＝173天), "两个孩子照护扣除一个月扣多少"
(2000元×2＝4000元), "夫妻各扣一半每人多少" (2000元×50%＝1000元).

A total is said first, then the answer the rule gave. Only what the words state plainly
is counted (双胞胎 is two babies, 难产 adds its days; 剖宫产 alone is not 难产); when the
place's days or the number of children are unsure, nothing is added.
"""
from __future__ import annotations

import re
from typing import Optional

from actions import knowledge_access as ka
from actions import questions as qs
from actions import templates
from actions.base import Answer
from actions.conditions import about_care_deduction, ages_of
from knowledge import arithmetic

# Babies of one birth the words name.
_BABIES = (("四胞胎", 4), ("三胞胎", 3), ("双胞胎", 2), ("龙凤胎", 2), ("双胎", 2), ("双胞", 2))
_DIFFICULT = re.compile(r"(?<!不是)(?<!没有)(?<!没)(?<!非)难产")
_ASKS_TOTAL = re.compile(r"一共|总共|加起来|合计|加在一起|总计|共(能|可以|有)?休|多少天|几天|多久|多长|休多少")
_ASKS_SAME = re.compile(r"一样|相同|区别|不同|差别|多几天|多休|加不加|能加|会加")
_MATERNITY = re.compile(r"产假")
OTHER_LEAVE = re.compile(r"护理假|陪产假|育儿假|婚假|流产")   # (leave.py asks it too)


def babies_of(text: str) -> int:
    """How many babies one birth the words name has (双胞胎 → 2), or 1."""
    return next((count for word, count in _BABIES if word in text), 1)


def lead_with_leave_total(text: str, *, place: Optional[str], reply: Answer, context: str = "") -> bool:
    """"包头生双胞胎产假一共多少天": the place's 产假 plus the national additions, worked out.
    `context`: the words a follow-up leans on ("包头二孩产假多少天" before "要是剖腹产呢")."""
    from actions import leave   # leave builds on answering, which calls this

    text, context = qs.canonical(text), qs.canonical(context)
    words = f"{context} {text}" if context else text
    babies, difficult = babies_of(words), bool(_DIFFICULT.search(words))
    caesarean = "剖宫" in words and not difficult and babies == 1
    if not place or (babies == 1 and not difficult and not caesarean) or not _MATERNITY.search(words) \
            or OTHER_LEAVE.search(words) or not (_ASKS_TOTAL.search(words) or caesarean and _ASKS_SAME.search(words)) \
            or len(qs.read_message(text)) > 1:
        return False
    region = ka.region_of(place)
    resolution = leave.leave_resolution(place, "产假", None) if region else None
    if resolution is None or not resolution.covered or not resolution.rules:
        return False
    extras = {r["leave_type"]: r for extra in leave.NATIONAL_EXTRAS for r in leave.leave_resolution(place, extra, None).rules}
    if "多胞胎假" not in extras or "难产假" not in extras:
        return False
    order = qs.child_order_of(text) or (qs.child_order_of(context) if context else None)
    by_order = {rule["child_order"]: rule for rule in resolution.rules}
    base = by_order.get(order) or by_order.get(None) or by_order.get(1)
    if base is None:
        return False
    added = [(extras["多胞胎假"]["days"], babies - 1)] if babies > 1 else []
    added += [(extras["难产假"]["days"], 1)] if difficult or caesarean else []
    total, working = arithmetic.sum_shown(terms=[(base["days"], 1)] + added, unit="天")
    if caesarean:   # whether it counts as 难产 is not written: both figures, and who decides
        lines = [templates.leave_caesarean(region.name, days=base["days"], working=working)]
    else:
        lines = [templates.leave_total(region.name, babies=babies, difficult=difficult, total=total, working=working)]
    # 内蒙古's third child has longer 产假: its total too, when the order is not said.
    others = [rule for key, rule in sorted(by_order.items(), key=lambda kv: kv[0] or 0)
              if order is None and key and rule["days"] != base["days"]]
    for rule in others:
        _, other_working = arithmetic.sum_shown(terms=[(rule["days"], 1)] + added, unit="天")
        lines.append(templates.leave_total_other_order(rule["child_order"], other_working, days=rule["days"],
                                                       caesarean=caesarean))
    reply.lead(lines, base["clause_id"], *[r["clause_id"] for r in others], extras["难产假"]["clause_id"])
    return True


# "比国家规定多几天", "比国家的多出多少天", "延长了几天".
_ASKS_MORE_THAN_NATIONAL = re.compile(r"比国家.{0,6}(多|长)(了|出)?(几|多少)天?|多出(几|多少)天|延长了(几|多少)天")


def lead_with_leave_difference(text: str, *, place: Optional[str], reply: Answer) -> bool:
    """"包头三孩产假比国家规定多几天": the place's 产假 less the national 98天, worked out."""
    from actions import leave

    text = qs.canonical(text)
    if not place or not _MATERNITY.search(text) or OTHER_LEAVE.search(text) \
            or not _ASKS_MORE_THAN_NATIONAL.search(text):
        return False
    region = ka.region_of(place)
    resolution = leave.leave_resolution(place, "产假", None) if region else None
    national = leave.national_maternity_rule()
    if resolution is None or not resolution.covered or not resolution.rules or national is None:
        return False
    order = qs.child_order_of(text)
    rules = [r for r in resolution.rules if order is None or r["child_order"] in (order, None)]
    by_days, orders = {}, {}
    for rule in sorted(rules, key=lambda r: r["child_order"] or 0):
        by_days.setdefault(rule["days"], rule)
        orders.setdefault(rule["days"], []).append(rule["child_order"])
    if not by_days:
        return False
    lines = []
    for days, rule in by_days.items():
        _, working = arithmetic.difference_shown(larger=days, smaller=national["days"], unit="天")
        whose = templates.child_orders(orders[days]) if len(by_days) > 1 or order else None
        lines.append(templates.leave_more_than_national(region.name, whose=whose, days=days,
                                                        national_days=national["days"], working=working))
    reply.lead(lines, *reversed([r["clause_id"] for r in by_days.values()]), national["clause_id"])
    return True


# Children under three the words count: "两个孩子都还没满三岁", "双胞胎", "仨娃".
_CHILDREN = re.compile(r"(两|俩|二|三|仨)个?(孩子|娃|宝宝|小孩|宝)|双胞胎|龙凤胎|三胞胎")
_COUNTS = {"两": 2, "俩": 2, "二": 2, "三": 3, "仨": 3}
_HALF_EACH = re.compile(r"各(扣|按|自)?(一半|50%|百分之五十)|平分|对半|一人一半|均摊|分摊|各扣多少|每人(每月)?(扣)?多少|一人(扣)?多少")
_ASKS_AMOUNT = re.compile(r"多少|几千|能扣|可以扣|扣几")
# The clause that lets both parents take half (a test checks it says so).
HALF_EACH_CLAUSE = "national-infant-tax-deduction:3"


def children_of(text: str) -> int:
    """How many children the words count (双胞胎 → 2, "三个孩子" → 3), or 1."""
    found = _CHILDREN.search(text)
    if found is None:
        return 1
    if found.group(1):
        return _COUNTS[found.group(1)]
    return 3 if "三胞胎" in found.group(0) else 2


def lead_with_deduction_total(text: str, *, reply: Answer, topic: Optional[str] = None) -> bool:
    """"两个孩子一个月能扣多少", "各扣一半每人扣多少": the monthly 2000元 worked out."""
    from actions import money

    text = qs.canonical(text)
    if not about_care_deduction(text, topic) or not _ASKS_AMOUNT.search(text) \
            or len(qs.read_message(text)) > 1:
        return False
    children, half = children_of(text), bool(_HALF_EACH.search(text))
    if (children == 1 and not half) or any(age >= 3 for age in ages_of(text)):
        return False   # "老大五岁老二一岁": only the younger one counts; the rule says so
    rows = [row for row in money.national_subsidy_rows("个税扣除") if row["value"]]
    if not rows:
        return False
    row = rows[0]
    factors = ([str(children)] if children > 1 else []) + (["50%"] if half else [])
    _, working = arithmetic.product_shown(value=row["value"], factors=factors, unit="元")
    reply.lead([templates.deduction_total(children=children, half=half, working=working)],
               row["clause_id"], *([HALF_EACH_CLAUSE] if half else []))
    return True


# "扣到哪个月", "能扣到什么时候", "最后一个月是哪个月": the deduction's last month.
_ASKS_LAST_MONTH = re.compile(r"(扣|算)到(哪|什么时候|几月|啥时候|何时)|哪个月(截止|结束|为止|止)|"
                              r"最后(一个月|一个月份|是哪个?月)|(截止|结束|停止?)(到)?(哪个月|什么时候|几月)|扣(多少|几)个月")
PERIOD_CLAUSE = "national-infant-tax-deduction:2"


def lead_with_deduction_period(text: str, *, reply: Answer, context: str = "") -> bool:
    """"孩子2024年3月出生 照护扣除能扣到哪个月": 2027年2月, worked out from the clause's
    "从出生的当月起，至年满3周岁的前一个月止" (36 months)."""
    from actions import birth_dates

    text = qs.canonical(text)
    birth = birth_dates.birth_date_of(text, context=context)
    if birth is None or birth[1] is None or not about_care_deduction(f"{context} {text}") \
            or not _ASKS_LAST_MONTH.search(text):
        return False
    year, month = birth
    third_birthday = (year + 3, month)
    last = (year + 3, month - 1) if month > 1 else (year + 2, 12)
    reply.lead([templates.deduction_period(birth=(year, month), third_birthday=third_birthday, last=last)],
               PERIOD_CLAUSE)
    return True


# Which birth this is: named ("头胎", "第二胎") or counted from the children already had
# ("已有两个孩子" → the third). "两个孩子" alone may be the twins themselves: not read.
_BIRTH_NAMED = ((1, re.compile(r"头胎|首胎|第一胎|一胎|老大|第一次生")), (2, re.compile(r"第二胎|二胎|二孩|老二|二宝|第二次生")),
                (3, re.compile(r"第三胎|三胎|三孩|老三|三宝|第三次生")))
_ALREADY_HAD = re.compile(r"(已有|已经有|有了|家里有|前面有|之前有|已生育?了?)(一|1|两|2|二|俩)个?(孩子|娃|子女|小孩|宝宝)?")
_HAD_COUNT = {"一": 1, "1": 1, "两": 2, "2": 2, "二": 2, "俩": 2}


def birth_order_of(text: str) -> Optional[int]:
    """The order of the birth the words name, or None when unsure (several, or none)."""
    had = _ALREADY_HAD.search(text)
    named = {order for order, pattern in _BIRTH_NAMED if pattern.search(text)}
    if had:
        named.add(_HAD_COUNT[had.group(2)] + 1)
    return named.pop() if len(named) == 1 else None


# The 呼和浩特 rule on multiple births (按孩次顺序分别享受) and the scheme's own rows.
HOHHOT_MULTIPLE_BIRTHS_CLAUSE = "hohhot-subsidy-rules:一/（二）/1"


def lead_with_multiple_birth_amounts(text: str, *, reply: Answer, context: str = "") -> bool:
    """"呼市头胎生了双胞胎 能拿多少": the babies take the orders in turn (一孩 and 二孩), each
    with its amount from the scheme's rows, said first; the rule quoted follows."""
    from actions import money
    from knowledge import store

    if HOHHOT_MULTIPLE_BIRTHS_CLAUSE not in reply.clause_ids:
        return False
    text, context = qs.canonical(text), qs.canonical(context)
    babies = babies_of(f"{context} {text}")
    birth_order = birth_order_of(text) or (birth_order_of(context) if context else None)
    if babies < 2 or birth_order is None:
        return False
    rows = {row["child_order"]: row for row in store.all_facts(conn=ka.connection(), table="benefits")
            if row["jurisdiction"] == "hohhot" and row["kind"] in money.REGIONAL_SUBSIDIES and row["child_order"]}
    orders = [min(birth_order + i, 3) for i in range(babies)]
    if any(order not in rows for order in orders):
        return False
    lines = [templates.multiple_birth_orders(birth_order=birth_order, babies=babies, orders=orders)]
    shown = list(dict.fromkeys(orders))
    for order in shown:
        row = rows[order]
        lines.append(templates.regional_subsidy(ka.display_name("hohhot"), row["kind"],
                                                templates.CHILD_ORDER_WORDS.get(order, ""), row["amount_text"]))
    conditions = [c for c in money.CONDITION_CLAUSES["hohhot-subsidy-rules"] if c not in reply.clause_ids]
    lines += [templates.clause_bullet(ka.cite(c)["text"]) for c in conditions]
    reply.lead(lines, *[rows[o]["clause_id"] for o in shown], *conditions)
    return True
