"""The plan's dates as an iCalendar file (RFC 5545, written by the icalendar library):
leave periods, application windows and deadlines, as all-day events."""
from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from actions.family_plan.build import Plan

PRODUCT_ID = "-//fertility-policy-assistant//family plan//ZH"


def plan_ics(plan: Plan) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "我的生育政策清单")
    stamp = dt.datetime.combine(plan.today, dt.time(0, 0), tzinfo=dt.timezone.utc)
    query = plan.situation.query()
    for event in plan.events:
        entry = Event()
        # Stable ids: downloading the same plan again updates the entries, not duplicates them.
        key = f"{query}|{event.title}|{event.start.isoformat()}".encode()
        entry.add("uid", hashlib.sha256(key).hexdigest()[:32] + "@fertility-policy-assistant")
        entry.add("dtstamp", stamp)
        entry.add("summary", event.title)
        entry.add("dtstart", event.start)
        entry.add("dtend", event.end + dt.timedelta(days=1))   # all-day DTEND is exclusive
        entry.add("transp", "TRANSPARENT")
        if event.description:
            entry.add("description", event.description)
        calendar.add_component(entry)
    return calendar.to_ical()
