"""Childcare finder: by district name or by coordinates (message metadata)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import knowledge_access as ka
from actions import templates
from actions.base import Answer, AnswerAction, answers
from knowledge import facilities, store

MAX_LISTED = 5


def coordinates(tracker: Tracker) -> Optional[Tuple[float, float]]:
    """(latitude, longitude) sent with the message: WeChat location or browser geolocation."""
    metadata: Dict[str, Any] = tracker.latest_message.get("metadata") or {}
    location = metadata.get("location") or metadata
    try:
        lat, lon = float(location["latitude"]), float(location["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def facilities_in(region) -> list:
    """The facilities of a region: a district's own rows (or a county's, when it is the
    jurisdiction), or every row of the places below a city or league."""
    conn = ka.connection()
    if region.level == "district":
        return store.facilities(conn=conn, district=region.id) + [
            r for r in store.facilities(conn=conn, jurisdictions=[region.id]) if r["district"] is None]
    ids = [r.id for r in ka.gazetteer().regions.values() if region.id in [c.id for c in ka.gazetteer().chain(r.id)]]
    return store.facilities(conn=conn, jurisdictions=ids)


@answers("ask_childcare_find")
class ActionFindChildcare(AnswerAction, Action):
    def name(self) -> Text:
        return "action_find_childcare"

    def place_matters(self, intent: str) -> bool:
        return True   # which 青山区's nurseries: ask back rather than list the wrong city's

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        conn = ka.connection()
        point = coordinates(tracker)
        if point is not None:
            found = facilities.nearest(conn=conn, latitude=point[0], longitude=point[1], limit=MAX_LISTED)
            if not found:
                reply.say(templates.no_facilities("您所在的位置附近"))
                return
            reply.say(templates.facilities_intro("", nearest=True))
            self.list(reply, [(n.facility, n.distance_km) for n in found])
            return
        place = ka.current_place(tracker)
        if not place:
            reply.say(templates.ask_childcare_place())
            reply.events.append(SlotSet("pending_intent", intent))
            return
        region = ka.region_of(place)
        reply.events.append(SlotSet("region", place))
        if region is None:
            reply.say(templates.not_covered(ka.display_name(place)))
            return
        self.say_public_target(tracker.latest_message.get("text") or "", place=place, reply=reply)
        rows = facilities_in(region)
        if not rows:
            reply.say(templates.no_facilities(region.name))
            return
        reply.say(templates.facilities_intro(region.name, nearest=False))
        self.list(reply, [(row, None) for row in rows[:MAX_LISTED]])

    @staticmethod
    def say_public_target(text: str, *, place: str, reply: Answer) -> None:
        """"东胜区有公办托育园吗": what the documents set for public centres (2 per 旗县) goes
        first; the list (if any) follows."""
        if "公办" not in text:
            return
        from actions import answering, questions

        question = questions.with_topic(questions.read(text), "childcare_service")
        match = answering.best_qa(question, chain=answering.place_chain(place))
        if match is not None and "公办" in match.answer:
            answering.say_entry(match, question=question, place=place, reply=reply)

    def list(self, reply: Answer, rows) -> None:
        demo = False
        for row, distance in rows:
            demo = demo or bool(row["is_demo"])
            reply.say(templates.facility_line(
                row["name"], distance_km=distance, address=row["address"], is_demo=bool(row["is_demo"]),
                facility_type=row["type"], places=row["places"]))
            if not row["is_demo"] and row["source"] and store.clause(conn=ka.connection(), clause_id=row["source"]):
                reply.cite(row["source"])
        if demo:
            reply.say(templates.demo_warning())
        reply.factual = True
