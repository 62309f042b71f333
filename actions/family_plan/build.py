"""The family's plan: every line computed from the store's rules for the family's place,
child order, date and work, each with the clauses it comes from and the calendar events
it implies. Nothing here writes a sentence (actions.templates does) or guesses a rule: a
figure the store does not hold is not said; what the documents leave open is said so."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from actions import knowledge_access as ka
from actions import templates
from actions.family_plan.situation import Situation
from knowledge import arithmetic, store

SECTIONS = (("leave", "假期"), ("money", "钱"), ("steps", "办事"), ("childcare", "托育"))
MATERNITY_CLAUSE = "female-labour-protection:第七条"      # 98天, 产前15天, 难产/多胞胎 +15
EMPLOYERS_CLAUSE = "female-labour-protection:第二条"      # the leave is the employer's
ALLOWANCE_CLAUSES = ("social-insurance-law-maternity:第五十六条", "female-labour-protection:第八条")
SPOUSE_MEDICAL_CLAUSE = "social-insurance-law-maternity:第五十四条"
SUBSIDY_AMOUNT_CLAUSES = ("national-childcare-subsidy:1", "national-childcare-subsidy:2")
SUBSIDY_DEADLINE_CLAUSE = "subsidy-management-rules:第十二条"
SUBSIDY_CHANNEL_CLAUSE = "national-childcare-subsidy:4"
SUBSIDY_MATERIALS_CLAUSE = "national-childcare-subsidy:5"
SUBSIDY_REVIEW_CLAUSE = "subsidy-management-rules:第七条"
NEIMENGGU_CHANNEL_CLAUSE = "neimenggu-subsidy-deadline-guide:二"
NEIMENGGU_EARLY_CLAUSE = "neimenggu-subsidy-deadline-guide:三"
DEDUCTION_CLAUSES = ("national-infant-tax-deduction:1", "national-infant-tax-deduction:2",
                     "national-infant-tax-deduction:3", "national-infant-tax-deduction:4")
SUBSIDY_START = dt.date(2025, 1, 1)        # national-childcare-subsidy:1 (自2025年1月1日起)
SUBSIDY_EARLIEST_BIRTH = dt.date(2022, 1, 1)   # national-childcare-subsidy:2
# "出生一件事" (出生医学证明、预防接种、户口登记、医保参保、社保卡申领 联办), by jurisdiction.
BIRTH_BUNDLE_CLAUSES = {"neimenggu": "neimenggu-measures:一/（一）", "baotou": "baotou-2023:二/（一）/3",
                        "tonghua": "tonghua-draft:二/（一）/3"}
# A local subsidy's start date, as its conditions state it ("2025年3月1日之后（含3月1日）").
_FROM_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(之后|以后|起|及以后)")
_NEEDS_HUKOU = re.compile(r"户籍|落户|户口")
MAX_FACILITIES = 3
LOCAL_TIMING_KINDS = ("生育补贴审核时间", "生育补贴发放时间")


@dataclass(frozen=True)
class PlanEvent:
    """A calendar entry: all-day, `start` to `end` inclusive."""

    title: str
    start: dt.date
    end: dt.date
    description: str = ""


@dataclass
class PlanLine:
    text: str
    clause_ids: tuple[str, ...] = ()
    events: tuple[PlanEvent, ...] = ()


@dataclass
class PlanSection:
    key: str
    title: str
    lines: list[PlanLine] = field(default_factory=list)

    def add(self, text: str, *clause_ids: str, events: Iterable[PlanEvent] = ()) -> None:
        self.lines.append(PlanLine(text=text, clause_ids=tuple(dict.fromkeys(clause_ids)), events=tuple(events)))


@dataclass
class Plan:
    situation: Situation
    today: dt.date
    place_name: Optional[str]
    covered: bool
    sections: list[PlanSection]

    def section(self, key: str) -> PlanSection:
        return next(s for s in self.sections if s.key == key)

    @property
    def lines(self) -> list[PlanLine]:
        return [line for section in self.sections for line in section.lines]

    @property
    def events(self) -> list[PlanEvent]:
        return [event for line in self.lines for event in line.events]

    @property
    def clause_ids(self) -> list[str]:
        return list(dict.fromkeys(c for line in self.lines for c in line.clause_ids))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:   # 29 February: the anniversary of a common year is 1 March
        return dt.date(day.year + years, 3, 1)


def third_birthday(birth: dt.date) -> dt.date:
    return add_years(birth, 3)


def situation_of_link(query: str) -> Situation:
    """The situation a calendar or print link carries; ValueError unless every field is one
    our links hold (a place must be a place: the plan would print its name)."""
    situation = Situation.from_query(query)
    for place in (situation.place, situation.hukou):
        if place is not None and ka.region_of(place) is None and \
                ka.gazetteer().places.resolve(place).kind != "outside":
            raise ValueError("unknown place")
    return situation


def build_plan(situation: Situation, *, today: Optional[dt.date] = None) -> Plan:
    """The plan for `situation` from the store's rules in force on its date."""
    today = today or dt.date.today()
    token = ka.DATE_ASKED_ABOUT.set(situation.date.isoformat() if situation.date else None)
    try:
        region = ka.region_of(situation.place) if situation.place else None
        plan = Plan(situation=situation, today=today,
                    place_name=ka.display_name(situation.place) if situation.place else None,
                    covered=region is not None and region.id != "china",
                    sections=[PlanSection(key, title) for key, title in SECTIONS])
        _leave(plan)
        _money(plan)
        _steps(plan)
        _childcare(plan)
        return plan
    finally:
        ka.DATE_ASKED_ABOUT.reset(token)


# ---------------------------------------------------------------- 假期

def _leave_rules(place: str, leave_type: str, order: Optional[int]):
    from actions import leave

    resolution = leave.leave_resolution(place, leave_type, None)
    rules = resolution.rules or []
    if order is not None:
        rules = [r for r in rules if r["child_order"] in (order, None)] or rules
    return rules, resolution.drafts


def _national(leave_type: str):
    return store.facts_in(conn=ka.connection(), table="leave_rules", jurisdictions=["china"], leave_type=leave_type)


def _leave(plan: Plan) -> None:
    section, situation = plan.section("leave"), plan.situation
    date, due = situation.date, situation.is_due(today=plan.today)
    if not plan.covered:
        national = _national("产假")
        if situation.place:
            section.add(templates.not_covered_national_follows(plan.place_name))
        else:
            section.add(templates.plan_no_place())
        if national:
            section.add(templates.national_baseline(national[0]["days"]), national[0]["clause_id"])
        return
    mother_employed = situation.mother_work in (None, "employee")
    father_employed = situation.father_work in (None, "employee")
    if not mother_employed or not father_employed:
        who = [w for w, employed in (("妈妈", mother_employed), ("爸爸", father_employed)) if not employed]
        section.add(templates.plan_leave_for_employees(who), EMPLOYERS_CLAUSE)

    maternity, maternity_drafts = _leave_rules(situation.place, "产假", situation.child_order)
    if mother_employed and maternity:
        _maternity_lines(section, plan, maternity, date=date, due=due)
    father_rules, father_drafts = _leave_rules(situation.place, "护理假", None)
    if father_employed and father_rules:
        rule = father_rules[0]
        events = ()
        end = date + dt.timedelta(days=rule["days"] - 1) if date else None
        if date:
            events = (PlanEvent(templates.plan_event_paternity(rule["days"]), date, end,
                                templates.plan_event_paternity_note()),)
        section.add(templates.plan_paternity(ka.display_name(rule["jurisdiction"]), days=rule["days"], start=date, end=end,
                                             unknown_worker=situation.father_work is None),
                    rule["clause_id"], events=events)
    parental, parental_drafts = _leave_rules(situation.place, "育儿假", None)
    if (mother_employed or father_employed) and parental:
        rule = parental[0]
        events, years, last_day = (), [], None
        if date:
            last_day = third_birthday(date) - dt.timedelta(days=1)
            years = list(range(date.year, last_day.year + 1))
            events = (PlanEvent(templates.plan_event_parental(rule["days"]), date, last_day),)
        section.add(templates.plan_parental(ka.display_name(rule["jurisdiction"]), days=rule["days"], until_age=rule["until_child_age"] or 3,
                                            start=date, last_day=last_day, years=years,
                                            who=[w for w, employed in (("妈妈", mother_employed),
                                                                       ("爸爸", father_employed)) if employed]),
                    rule["clause_id"], events=events)
    for draft in _first_per_type(maternity_drafts + father_drafts + parental_drafts):
        section.add(templates.plan_draft_rule(ka.display_name(draft["jurisdiction"]), draft["leave_type"],
                                              draft["days"], per_year=draft["period"] == "per_year"),
                    draft["clause_id"])
    if not (maternity or father_rules or parental):
        section.add(templates.no_leave_rule(plan.place_name, "产假"))


def _first_per_type(rows):
    seen, kept = set(), []
    for row in rows:
        if row["leave_type"] not in seen:
            seen.add(row["leave_type"])
            kept.append(row)
    return kept


def _maternity_lines(section: PlanSection, plan: Plan, rules, *, date, due: bool) -> None:
    order = plan.situation.child_order
    by_days: dict[int, list] = {}
    for rule in sorted(rules, key=lambda r: r["child_order"] or 0):
        by_days.setdefault(rule["days"], []).append(rule)
    extras = {r["leave_type"]: r["days"] for t in ("难产假", "多胞胎假") for r in _national(t)}
    if order is None and len(by_days) > 1:   # the days depend on the child order not given
        for days, same in by_days.items():
            section.add(templates.plan_maternity_by_order(ka.display_name(same[0]["jurisdiction"]),
                                                          [r["child_order"] for r in same], days),
                        same[0]["clause_id"])
    else:
        rule = max(rules, key=lambda r: r["days"]) if order else min(rules, key=lambda r: r["days"])
        days = rule["days"]
        events, end, early_start, early_end = (), None, None, None
        if date:
            end = date + dt.timedelta(days=days - 1)
            early_start = date - dt.timedelta(days=15)
            early_end = early_start + dt.timedelta(days=days - 1)
            events = (PlanEvent(templates.plan_event_maternity(days), date, end,
                                templates.plan_event_maternity_note(due=due)),)
        section.add(templates.plan_maternity(ka.display_name(rule["jurisdiction"]), days=days, start=date, end=end, due=due,
                                             order=order, early_start=early_start, early_end=early_end),
                    rule["clause_id"], *([MATERNITY_CLAUSE] if date else []), events=events)   # its 产前15天
    if extras:
        section.add(templates.plan_maternity_extras(difficult=extras.get("难产假"), per_baby=extras.get("多胞胎假")),
                    MATERNITY_CLAUSE)


# ---------------------------------------------------------------- 钱

def _benefit_rows(place: str, kind: str):
    from actions import money

    return money.resolve(place, kind).rules


def _national_rows(kind: str):
    return store.facts_in(conn=ka.connection(), table="benefits", jurisdictions=["china"], kind=kind)


def _within(place: Optional[str], jurisdiction: str) -> Optional[bool]:
    """Whether `place` lies in `jurisdiction`; None when the place is unknown."""
    region = ka.region_of(place) if place else None
    if region is None:
        return None if not place else False
    return jurisdiction in [r.id for r in ka.gazetteer().chain(region.id)]


def subsidy_years(birth: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    """The three subsidy years of a child born on or after 2025-01-01: (n, first day, last day)."""
    return [(n + 1, add_years(birth, n), add_years(birth, n + 1) - dt.timedelta(days=1)) for n in range(3)]


def _money(plan: Plan) -> None:
    section, situation = plan.section("money"), plan.situation
    date = situation.date
    subsidy_rows = _national_rows("育儿补贴")
    per_year = next((r for r in subsidy_rows if r["unit"] == "元/年"), None)
    total = next((r for r in subsidy_rows if r["unit"] == "元"), None)
    if per_year and total:
        if date is None or date >= SUBSIDY_START:
            events = ()
            years = subsidy_years(date) if date else []
            if date:
                first_deadline = dt.date(date.year + 1, 12, 31)
                events = (PlanEvent(templates.plan_event_subsidy_window(), date, first_deadline,
                                    templates.plan_event_subsidy_window_note(date.year)),
                          PlanEvent(templates.plan_event_subsidy_deadline(), first_deadline, first_deadline),
                          *[PlanEvent(templates.plan_event_subsidy_renewal(year, first_year=date.year),
                                      dt.date(year, 12, 31), dt.date(year, 12, 31))
                            for year in (date.year + 1, date.year + 2)])
            _, working = arithmetic.product_shown(value=per_year["value"], factors=["3"], unit="元")
            section.add(templates.plan_subsidy(per_year=per_year["value"], total=total["value"], working=working,
                                               years=years),
                        *SUBSIDY_AMOUNT_CLAUSES)
            section.add(templates.plan_subsidy_deadlines(birth_year=date.year if date else None),
                        SUBSIDY_DEADLINE_CLAUSE, events=events)
        elif date >= SUBSIDY_EARLIEST_BIRTH:
            section.add(templates.plan_subsidy_prorated(date, past_deadline=plan.today > dt.date(2025, 12, 31)),
                        "national-childcare-subsidy:2", SUBSIDY_DEADLINE_CLAUSE)
        else:
            section.add(templates.plan_subsidy_too_old(date), "subsidy-management-rules:第五条")
    if plan.covered:
        _local_subsidies(section, plan)
    _allowance(section, plan)
    _deduction(section, plan)


def _local_subsidies(section: PlanSection, plan: Plan) -> None:
    from actions import money

    situation = plan.situation
    rows = [row for kind in money.REGIONAL_SUBSIDIES for row in _benefit_rows(situation.place, kind)
            if row["jurisdiction"] != "china"]
    if situation.child_order:
        rows = [row for row in rows if row["child_order"] in (None, situation.child_order)]
    offered: dict[str, str] = {}   # jurisdiction -> its name, for the schemes the family may get
    for row in rows:
        name = ka.display_name(row["jurisdiction"])
        order_words = templates.CHILD_ORDER_WORDS.get(row["child_order"], "")
        doc_id = row["clause_id"].split(":", 1)[0]
        conditions = money.CONDITION_CLAUSES.get(doc_id, ())
        start = _FROM_DATE.search(row["eligibility"] or "")
        from_date = dt.date(int(start.group(1)), int(start.group(2)), int(start.group(3))) if start else None
        if from_date and situation.date and situation.date < from_date:
            section.add(templates.plan_local_subsidy_too_early(name, row["kind"], order_words, from_date),
                        row["clause_id"], *conditions)
            continue
        hukou_ok = _within(situation.hukou, row["jurisdiction"]) if _NEEDS_HUKOU.search(row["eligibility"] or "") \
            else None
        section.add(templates.plan_local_subsidy(name, row["kind"], order_words, row["amount_text"],
                                                 eligibility=row["eligibility"], hukou_ok=hukou_ok,
                                                 hukou_name=ka.display_name(situation.hukou) if situation.hukou else None),
                    row["clause_id"], *conditions)
        offered.setdefault(row["jurisdiction"], name)
    # When the scheme reviews and pays: once per scheme, after its amounts.
    for kind in LOCAL_TIMING_KINDS if offered else ():
        for timing in _benefit_rows(situation.place, kind):
            if timing["jurisdiction"] in offered:
                section.add(templates.plan_local_timing(offered[timing["jurisdiction"]], timing["amount_text"]),
                            timing["clause_id"])
    if not rows:
        section.add(templates.no_local_subsidy(plan.place_name))


def _allowance(section: PlanSection, plan: Plan) -> None:
    situation = plan.situation
    work = situation.mother_work
    local = [r for r in (_benefit_rows(situation.place, "生育津贴") if plan.covered else [])
             if r["jurisdiction"] != "china"]
    if work in (None, "employee"):
        section.add(templates.plan_allowance_employee(unknown_worker=work is None), *ALLOWANCE_CLAUSES)
        for row in local:
            if row["amount_text"]:
                section.add(templates.plan_allowance_local(ka.display_name(row["jurisdiction"]), row["amount_text"]),
                            row["clause_id"])
    elif work == "flexible":
        covering = [r for r in local if "灵活就业" in (r["eligibility"] or "")]
        if covering:
            row = covering[0]
            section.add(templates.plan_allowance_flexible_covered(ka.display_name(row["jurisdiction"])),
                        row["clause_id"])
        elif _within(situation.place, "neimenggu"):
            section.add(templates.plan_allowance_flexible_maybe(), "neimenggu-measures:四/（十三）")
        else:
            section.add(templates.plan_allowance_flexible_unknown(plan.place_name or ""))
    else:   # resident / none: medical costs through the residents' insurance, no allowance
        if _within(situation.place, "neimenggu"):
            section.add(templates.plan_allowance_resident_neimenggu(), "neimenggu-measures:四/（十三）")
        else:
            section.add(templates.plan_allowance_resident(), ALLOWANCE_CLAUSES[0])
        if situation.father_work == "employee":
            section.add(templates.plan_spouse_medical(), SPOUSE_MEDICAL_CLAUSE)


def _deduction(section: PlanSection, plan: Plan) -> None:
    row = next((r for r in _national_rows("个税扣除") if r["value"]), None)
    if row is None:
        return
    date = plan.situation.date
    first = last = None
    if date:
        first = (date.year, date.month)
        last = (date.year + 3, date.month - 1) if date.month > 1 else (date.year + 2, 12)
    _, half_working = arithmetic.product_shown(value=row["value"], factors=["50%"], unit="元")
    section.add(templates.plan_deduction(monthly=row["value"], first=first, last=last, half_working=half_working),
                *DEDUCTION_CLAUSES[:3])


# ---------------------------------------------------------------- 办事

def _steps(plan: Plan) -> None:
    section, situation = plan.section("steps"), plan.situation
    region = ka.region_of(situation.place) if plan.covered else None
    chain = [r.id for r in ka.gazetteer().chain(region.id)] if region else []
    bundle = next((BIRTH_BUNDLE_CLAUSES[j] for j in chain if j in BIRTH_BUNDLE_CLAUSES), None)
    hukou_name = ka.display_name(situation.hukou) if situation.hukou else None
    section.add(templates.plan_step_birth_documents(bundle=bool(bundle), hukou_name=hukou_name),
                *([bundle] if bundle else []))
    date = situation.date
    if date is None or date >= SUBSIDY_START:
        channel = [NEIMENGGU_CHANNEL_CLAUSE] if "neimenggu" in chain else [SUBSIDY_CHANNEL_CLAUSE]
        deadline = dt.date(date.year + 1, 12, 31) if date else None
        section.add(templates.plan_step_subsidy(deadline=deadline, neimenggu="neimenggu" in chain),
                    SUBSIDY_MATERIALS_CLAUSE, *channel, SUBSIDY_DEADLINE_CLAUSE, SUBSIDY_REVIEW_CLAUSE,
                    *([NEIMENGGU_EARLY_CLAUSE] if "neimenggu" in chain else []))
    if "hohhot" in chain and situation.child_order is not None and situation.hukou and \
            _within(situation.hukou, "hohhot"):
        section.add(templates.plan_step_hohhot(), "hohhot-subsidy-rules:三/（一）", "hohhot-subsidy-rules:三/（二）/1")
    if situation.mother_work in (None, "employee"):
        section.add(templates.plan_step_allowance(), *ALLOWANCE_CLAUSES[:1])
    section.add(templates.plan_step_deduction(), DEDUCTION_CLAUSES[2], DEDUCTION_CLAUSES[3])


# ---------------------------------------------------------------- 托育

def _childcare(plan: Plan) -> None:
    section, situation = plan.section("childcare"), plan.situation
    region = ka.region_of(situation.place) if plan.covered else None
    if region is None:
        section.add(templates.plan_childcare_no_place())
        return
    from actions.childcare import facilities_in

    conn = ka.connection()
    rows = facilities_in(region)
    if not rows:
        section.add(templates.no_facilities(region.name))
        return
    section.add(templates.facilities_intro(region.name, nearest=False))
    demo = False
    for row in rows[:MAX_FACILITIES]:
        demo = demo or bool(row["is_demo"])
        cited = () if row["is_demo"] or not row["source"] or not store.clause(conn=conn, clause_id=row["source"]) \
            else (row["source"],)
        section.add(templates.facility_line(row["name"], distance_km=None, address=row["address"],
                                            is_demo=bool(row["is_demo"]), facility_type=row["type"],
                                            places=row["places"]), *cited)
    if demo:
        section.add(templates.demo_warning())
