"""The plan's calendar file: every event of the plan, all-day, with a stable UID."""
from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from actions.family_plan import Situation, build_plan
from actions.family_plan.calendar import plan_ics

TODAY = dt.date(2026, 12, 4)


def test_the_calendar_holds_every_event_of_the_plan_and_is_stable():
    situation = Situation(place="kundulun", child_order=2, date=dt.date(2027, 3, 5), mother_work="employee",
                          father_work="employee", hukou="kundulun")
    plan = build_plan(situation, today=TODAY)
    calendar = Calendar.from_ical(plan_ics(plan))
    events = [(str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND")) for e in calendar.walk("VEVENT")]
    expected = [(e.title, e.start, e.end + dt.timedelta(days=1)) for e in plan.events]   # DTEND is exclusive
    assert expected == events
    assert ("妈妈产假（158天）", dt.date(2027, 3, 5), dt.date(2027, 8, 10)) in events
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    assert plan_ics(build_plan(situation, today=TODAY)) == plan_ics(plan)     # same plan, same file


def test_a_plan_without_a_date_has_an_empty_calendar():
    calendar = Calendar.from_ical(plan_ics(build_plan(Situation(place="hohhot", child_order=1), today=TODAY)))
    assert [] == calendar.walk("VEVENT") and str(calendar["VERSION"]) == "2.0"
