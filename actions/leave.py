"""Leave: days by place, leave type and child order; leave dates; comparing places."""
from __future__ import annotations

import datetime as dt
import re
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_access as ka
from actions import templates
from actions.base import Answer, AnswerAction, answers
from knowledge import regions, store

MAIN_LEAVE_TYPES = ("产假", "护理假", "育儿假")
NATIONAL_EXTRAS = ("难产假", "多胞胎假")


def child_order_of(tracker: Tracker) -> Optional[int]:
    value = ka.latest_entity(tracker, "child_order") or tracker.get_slot("child_order")
    return int(value) if value and str(value).isdigit() and int(value) in (1, 2, 3) else None


LEAVE_TYPES = ("产假", "护理假", "育儿假", "婚假", "独生子女照护假", "流产假")


def known_leave_type(value: Optional[str]) -> Optional[str]:
    """A leave type the store knows; anything else (a mis-extracted "假") means "not said"."""
    return value if value in LEAVE_TYPES else None


def national_maternity_rule():
    rows = store.facts_in(conn=ka.connection(), table="leave_rules", jurisdictions=["china"], leave_type="产假")
    return rows[0] if rows else None


def answer_not_covered(place: str, leave_type: Optional[str], reply: Answer) -> None:
    reply.say(templates.not_covered(ka.display_name(place)))
    if leave_type in (None, "产假"):
        rule = national_maternity_rule()
        if rule is not None:
            reply.say(templates.national_baseline(rule["days"]))
            reply.cite(rule["clause_id"])


def leave_resolution(place: str, leave_type: str, child_order: Optional[int]) -> regions.Resolution:
    return ka.resolve_rules(place=place, table="leave_rules", leave_type=leave_type, child_order=child_order)


def say_leave(reply: Answer, *, place: str, leave_type: Optional[str], child_order: Optional[int],
              brief: bool = False) -> None:
    """The days of `leave_type` (or of the main leave types) at `place`, cited."""
    region = ka.region_of(place)
    if region is None or not leave_resolution(place, "产假", None).covered:
        answer_not_covered(place, leave_type, reply)
        return
    types = [leave_type] if leave_type else list(MAIN_LEAVE_TYPES)
    name = region.name
    for current in types:
        resolution = leave_resolution(place, current, child_order)
        rules = sorted(resolution.rules, key=lambda r: (r["child_order"] or 0))
        if not rules and not resolution.drafts:
            reply.say(templates.no_leave_rule(name, current))
            continue
        for line, rule in zip(leave_lines(region, rules), rules):
            reply.say(line)
            reply.cite(rule["clause_id"])
        for draft in resolution.drafts:
            reply.say(templates.draft_note(draft))
            reply.cite(draft["clause_id"])
        if brief:
            continue
        reply.say(templates.leave_details(rules))
        if current == "产假":
            extras = [r for extra in NATIONAL_EXTRAS for r in leave_resolution(place, extra, None).rules]
            reply.say(templates.leave_extras(extras))
            reply.cite(*[r["clause_id"] for r in extras])


def lead_if_past_parental_age(text: str, *, place: Optional[str], reply: Answer) -> bool:
    """"孩子满三岁了育儿假还能休吗": no; the place's rule, which says until when, first."""
    from actions import questions as qs
    from actions.conditions import ASKS_WHETHER, ages_of

    text = qs.canonical(text)
    if not place or "育儿假" not in text or not ASKS_WHETHER.search(text) or not any(age >= 3 for age in ages_of(text)):
        return False
    region = ka.region_of(place)
    rules = leave_resolution(place, "育儿假", None).rules if region else []
    rule = next((r for r in rules if re.search(r"3\s*周岁(以前|前)", r["quote"])), None)
    if rule is None:
        return False
    reply.lead([templates.parental_leave_past_age(region.name, rule["quote"])], rule["clause_id"])
    return True


# The clause saying which employers' 女职工 the leave rules cover: a reply leaning on it
# ("劳务派遣工产假也是158天吗", "私企女员工产假多少天") answers who, not how many days.
APPLIES_TO_EVERY_EMPLOYER_CLAUSE = "female-labour-protection:第二条"
_ASKS_DAYS = re.compile(r"多少天|几天|多久|多长时间|\d+天")


def lead_if_worker_kind_asks_days(text: str, *, place: Optional[str], reply: Answer) -> bool:
    """"我是劳务派遣工 在包头产假也是158天吗": the place's 产假 days first, then that the rule
    covers every employer's 女职工 (the entry's answer)."""
    from actions import questions as qs

    from actions.totals import OTHER_LEAVE

    text = qs.canonical(text)
    if APPLIES_TO_EVERY_EMPLOYER_CLAUSE not in reply.clause_ids or "产假" not in text \
            or OTHER_LEAVE.search(text) or not _ASKS_DAYS.search(text):
        return False
    if not place:   # the national baseline; the reply offers to narrow it to a place
        national = national_maternity_rule()
        if national is None:
            return False
        reply.lead([templates.national_baseline(national["days"])], national["clause_id"])
        return True
    region = ka.region_of(place)
    resolution = leave_resolution(place, "产假", qs.child_order_of(text)) if region else None
    if resolution is None or not resolution.covered or not resolution.rules:
        return False
    rules = sorted(resolution.rules, key=lambda r: r["child_order"] or 0)
    reply.lead(leave_lines(region, rules), *[rule["clause_id"] for rule in rules])
    return True


def leave_lines(region, rules) -> list[str]:
    """One sentence per rule at the region, naming a wider place whose rule it is (全区适用)."""
    return [templates.leave_direct(region.name, rule, ka.display_name(rule["jurisdiction"])
                                   if rule["jurisdiction"] not in (region.id, "china") else None) for rule in rules]


def say_leave_without_place(reply: Answer, *, leave_type: Optional[str], ask: bool = True) -> None:
    """No place known: the national 产假 baseline where there is one, and what to tell us."""
    if leave_type in (None, "产假"):
        rule = national_maternity_rule()
        if rule is not None:
            reply.say(templates.national_baseline(rule["days"]))
            reply.cite(rule["clause_id"])
        # Inside a longer answer the offer to narrow it, not a question.
        reply.say(templates.leave_depends_on_place(leave_type or "产假") if ask else templates.may_differ_locally())
        return
    national = store.facts_in(conn=ka.connection(), table="leave_rules", jurisdictions=["china"], leave_type=leave_type)
    for rule in national:   # 流产假 is the State Council's: the same everywhere
        reply.say(templates.leave_direct("国家规定", rule))
        reply.cite(rule["clause_id"])
    if not national:
        reply.say(templates.leave_depends_on_place(leave_type) if ask else templates.leave_set_by_province(leave_type))


@answers("ask_leave")
class ActionAnswerLeave(AnswerAction, Action):
    needs_place = True

    def name(self) -> Text:
        return "action_answer_leave"

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        place = ka.current_place(tracker)
        leave_type = known_leave_type(ka.latest_entity(tracker, "leave_type")) or (
            known_leave_type(tracker.get_slot("leave_type")) if not ka.latest_entity(tracker, "child_order") else None)
        child_order = child_order_of(tracker)
        reply.events += [SlotSet("region", place)]
        say_leave(reply, place=place, leave_type=leave_type, child_order=child_order)
        if leave_type:
            reply.events.append(SlotSet("leave_type", leave_type))
        if child_order:
            reply.events.append(SlotSet("child_order", str(child_order)))


def iso_date(value: object) -> Optional[dt.date]:
    """An ISO date from an entity or slot; anything else counts as "no date given"."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:   # born 29 February: the birthday of a common year is 1 March
        return dt.date(day.year + years, 3, 1)


def leave_dates(*, birth: dt.date, maternity_days: int) -> tuple[dt.date, dt.date]:
    """Maternity leave counted in calendar days from the birth date (day 1); parental
    leave can be taken until the day before the child's 3rd birthday."""
    return birth + dt.timedelta(days=maternity_days - 1), _add_years(birth, 3) - dt.timedelta(days=1)


@answers("ask_leave_dates")
class ActionLeaveDates(AnswerAction, Action):
    needs_place = True

    def name(self) -> Text:
        return "action_leave_dates"

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        place = ka.current_place(tracker)
        reply.events += [SlotSet("region", place)]
        date_entity = next((e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "date"), None)
        date_value = date_entity["value"] if date_entity else tracker.get_slot("date")
        birth = iso_date(date_value)
        if birth is None:
            reply.say(templates.ask_birth_date())
            reply.events.append(SlotSet("pending_intent", intent))
            return
        resolution = leave_resolution(place, "产假", child_order_of(tracker))
        if not resolution.covered:
            answer_not_covered(place, "产假", reply)
            return
        rules = resolution.rules or resolution.drafts
        if not rules:
            reply.say(templates.no_leave_rule(ka.display_name(place), "产假"))
            return
        rule = max(rules, key=lambda r: r["days"]) if child_order_of(tracker) else min(rules, key=lambda r: r["days"])
        text = (tracker.latest_message.get("text") or "")
        maternity_end, parental_until = leave_dates(birth=birth, maternity_days=rule["days"])
        has_parental = bool(leave_resolution(place, "育儿假", None).rules)
        reply.say(templates.leave_dates(
            birth=birth.isoformat(), birth_is_due="预产期" in text or "预计" in text,
            maternity_days=rule["days"], maternity_end=maternity_end.isoformat(),
            parental_until=parental_until.isoformat() if has_parental else None,
            year_assumed=bool(date_entity and date_entity.get("year_assumed"))))
        if rule["child_order"] is None and len(rules) > 1:
            pass
        reply.cite(rule["clause_id"])
        reply.events.append(SlotSet("date", birth.isoformat()))


@answers("compare_regions")
class ActionCompareRegions(AnswerAction, Action):
    def name(self) -> Text:
        return "action_compare_regions"

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[EventType]:
        places = ka.mentioned_places(tracker)
        if len(places) < 2 and not (len(places) == 1 and tracker.get_slot("region")
                                    and tracker.get_slot("region") != places[0]):
            from actions import questions as qs
            from actions.policy_search import ActionSearchPolicy

            text = tracker.latest_message.get("text") or ""
            if qs.named_topic(text) not in qs.LEAVE_TOPICS:
                # "托育和幼儿园有什么区别" compares two things, neither a place nor a leave.
                return ActionSearchPolicy().respond(dispatcher, tracker, "ask_policy_general")
            # "剖腹产和顺产的产假一样吗" compares two cases, not two places: a leave question.
            return ActionAnswerLeave().respond(dispatcher, tracker, "ask_leave")
        return super().respond(dispatcher, tracker, intent)

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        places = ka.mentioned_places(tracker)
        if len(places) == 1 and tracker.get_slot("region") and tracker.get_slot("region") != places[0]:
            places = [tracker.get_slot("region"), places[0]]
        if len(places) < 2:
            reply.say(templates.compare_need_two())
            return
        leave_type = known_leave_type(ka.latest_entity(tracker, "leave_type"))
        types = [leave_type] if leave_type else list(MAIN_LEAVE_TYPES)
        for place in places[:3]:
            resolution = leave_resolution(place, types[0], None)
            if not resolution.covered:
                reply.say(templates.not_covered(ka.display_name(place)))
                continue
            for current in types:
                resolution = leave_resolution(place, current, None)
                rules = sorted(resolution.rules, key=lambda r: (r["child_order"] or 0))
                reply.say(templates.compare_line(ka.display_name(place), current, rules, resolution.drafts))
                reply.cite(*[r["clause_id"] for r in rules + resolution.drafts])
