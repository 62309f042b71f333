"""The plan conversation: `plan_form` asks only what is missing (place, child order, date,
each parent's work, the child's hukou), each question with buttons and 跳过; the plan is
shown when it is complete, recomputed on "预产期改成4月1日" / "其实是三胎", expanded by
section ("回复2看钱") and cleared by "重新开始"."""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge_access as ka
from actions import templates
from actions.base import STAFF_CHANNELS
from actions.family_plan import render
from actions.family_plan.build import SECTIONS, build_plan
from actions.family_plan.situation import (SKIPPED, Situation, date_in_range, from_slots, is_skip, parent_named,
                                           parents_work, work_of)

logger = logging.getLogger(__name__)

FORM = "plan_form"
ASKED_SLOTS = ("region", "child_order", "date", "mother_work", "father_work", "hukou_place")
PLAN_SLOTS = ASKED_SLOTS + ("plan_ready",)
WECHAT_CHANNELS = {"wechat"}
_DATE = re.compile(r"(20\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
_SAYS_DUE = re.compile(r"预产期|预计|还没生|快生|要生|怀孕|怀了")
_SAYS_BORN = re.compile(r"出生|生了|生的|已经生|刚生|满月|生于")
_SAME_PLACE = re.compile(r"相同|一样|同上|本地|当地|这里|这儿")
_HUKOU = re.compile(r"户口|户籍|落户")
# A request for the whole plan ("帮我算算我家能享受哪些政策", "生育福利清单").
_ASKS_FOR_PLAN = re.compile(r"清单|规划|计划一下|哪些(政策|福利|待遇|补贴)|(能|可以)享受|享受(什么|啥|哪些)|全部|所有|"
                            r"都有(什么|啥|哪些)|整理|汇总|列(一下|出来|个|上)|算算|算一算|帮我算|梳理|捋|一次(说|讲)|"
                            r"整体|从头到尾|福利|(能|可以)领(啥|什么|哪些)|该办啥|要办(啥|什么|哪些)")
# A question about one's rights at work, which the words of a situation resemble.
_ASKS_ABOUT_RIGHTS = re.compile(r"合法|违法|合理吗|怎么办|咋办|维权|辞退|开除|旷工|夜班|加班|劳动合同|仲裁|投诉|扣工资|降薪|调岗")
# A question of its own (a plan request says "哪些"/"清单" and is caught above).
_ASKS_A_QUESTION = re.compile(r"吗|么|呢|？|\?|多少|几[天个年月次]|怎么|如何|能不能|可不可以|是否|啥时候|什么时候|哪")
# Words that restart whatever is going on, even with no plan in progress.
_RESTART = re.compile(r"重新开始|从头|重来|清空|重置|reset|作废", re.IGNORECASE)
_SECTION_WORDS = (("leave", re.compile(r"假")), ("money", re.compile(r"钱|补贴|津贴|个税|扣除")),
                  ("steps", re.compile(r"办事|步骤|流程|怎么办|手续|期限|截止|时间节点|待办")), ("childcare", re.compile(r"托育|托儿|幼儿园")))


def _today() -> dt.date:
    return dt.date.today()


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def date_of(tracker: Tracker, value: Any = None) -> tuple[Optional[dt.date], bool]:
    """The date the latest message names, and whether its year was assumed ("3月5日"): the
    date extractor's entity, else a slot value, else "2026年3月5日"."""
    for found in tracker.latest_message.get("entities", []) or []:
        if found.get("entity") == "date":
            try:
                return dt.date.fromisoformat(found.get("value")), bool(found.get("year_assumed"))
            except (TypeError, ValueError):
                continue
    try:
        return dt.date.fromisoformat(value), False
    except (TypeError, ValueError):
        pass
    written = _DATE.search(latest_text(tracker))
    if written:
        try:
            return dt.date(int(written.group(1)), int(written.group(2)), int(written.group(3))), False
        except ValueError:
            return None, False
    return None, False


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:   # 29 February
        return dt.date(day.year + years, 3, 1)


def settle_year(day: dt.date, *, assumed: bool, text: str, today: dt.date,
                was_due: Optional[bool] = None) -> Optional[dt.date]:
    """A date without a year: a due date is the next such day, a birth date the last one.
    None when the words say neither (then ask: "3月5日" in December may be either)."""
    if not assumed:
        return day
    due = True if _SAYS_DUE.search(text) else False if _SAYS_BORN.search(text) else was_due
    if due is None:
        return None
    if due:
        return day if day > today else _shift_year(day, 1)
    return day if day <= today else _shift_year(day, -1)


def order_of(text: str, entity_value: Any = None) -> Optional[int]:
    from actions import questions, totals

    if isinstance(entity_value, str) and entity_value in ("1", "2", "3"):
        return int(entity_value)
    if re.search(r"三孩及以上|四胎|四孩|第四", text):
        return 3
    return totals.birth_order_of(text) or questions.child_order_of(text)


def place_in(text: str):
    """places.Resolved for the place the words name."""
    return ka.gazetteer().places.resolve_text(text) if text else None


def place_value(resolved) -> Optional[str]:
    if resolved is None:
        return None
    if resolved.kind == "covered":
        return resolved.region_id
    if resolved.kind == "outside":
        return resolved.chain
    return None


class ValidatePlanForm(FormValidationAction):
    """Checks each answer; a value it cannot read is asked again with a hint."""

    def name(self) -> Text:
        return "validate_plan_form"

    async def extract_mother_work(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        return self._stated_work(tracker, "mother_work")

    async def extract_father_work(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        return self._stated_work(tracker, "father_work")

    @staticmethod
    def _stated_work(tracker: Tracker, slot: str) -> Dict[Text, Any]:
        """"我老婆在私企上班" said while another question was asked: kept for later."""
        if tracker.get_slot("requested_slot") == slot or tracker.get_slot(slot):
            return {}
        found = parents_work(latest_text(tracker)).get(slot)
        return {slot: found} if found else {}

    def _skip_or(self, slot: str, tracker: Tracker) -> Optional[Dict[Text, Any]]:
        if tracker.get_slot("requested_slot") == slot and is_skip(latest_text(tracker)):
            return {slot: SKIPPED}
        return None

    def _again(self, dispatcher: CollectingDispatcher, slot: str, tracker: Tracker) -> Dict[Text, Any]:
        """Ask again; a question asked instead of an answer ("产假多少天") is answered first,
        so nothing the citizen said is lost, and the form's question follows."""
        if not answered_as_a_question(dispatcher, tracker):
            dispatcher.utter_message(text=templates.plan_not_understood(slot))
        return {slot: None}

    def validate_region(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[Text, Any]:
        skipped = self._skip_or("region", tracker)
        if skipped:
            return skipped
        if value == SKIPPED:
            return {"region": value}
        text = latest_text(tracker)
        resolved = place_in(text) if text and not text.startswith("/") else None
        if resolved is None or resolved.kind == "unknown":
            resolved = ka.gazetteer().places.resolve(value) if isinstance(value, str) else None
        if resolved is not None and resolved.kind == "ambiguous":
            dispatcher.utter_message(text=templates.plan_which_place(resolved.mention,
                                                                     [c.chain for c in resolved.candidates]))
            return {"region": None}
        found = place_value(resolved)
        if found:
            return {"region": found}
        if tracker.get_slot("requested_slot") != "region":
            return {"region": None}
        return self._again(dispatcher, "region", tracker)

    def validate_child_order(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        skipped = self._skip_or("child_order", tracker)
        if skipped or value == SKIPPED:
            return skipped or {"child_order": value}
        order = order_of(latest_text(tracker), value if isinstance(value, str) else None)
        if order:
            return {"child_order": str(order)}
        if tracker.get_slot("requested_slot") != "child_order":
            return {"child_order": None}
        return self._again(dispatcher, "child_order", tracker)

    def validate_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: DomainDict) -> Dict[Text, Any]:
        skipped = self._skip_or("date", tracker)
        if skipped or value == SKIPPED:
            return skipped or {"date": value}
        day, assumed = date_of(tracker, value)
        if day is not None and assumed:
            settled = settle_year(day, assumed=True, text=latest_text(tracker), today=_today())
            if settled is None:   # "3月5日": this year's birth or next year's due date?
                born, due = settle_year(day, assumed=True, text="出生", today=_today()), \
                    settle_year(day, assumed=True, text="预产期", today=_today())
                dispatcher.utter_message(text=templates.plan_which_year(born, due),
                                         buttons=templates.plan_which_year_buttons(born, due))
                return {"date": None}
            day = settled
        if day is not None and date_in_range(day, today=_today()):
            return {"date": day.isoformat()}
        if tracker.get_slot("requested_slot") != "date":
            return {"date": None}
        return self._again(dispatcher, "date", tracker)

    def _work(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        skipped = self._skip_or(slot, tracker)
        if skipped or value == SKIPPED:
            return skipped or {slot: value}
        if value in templates.WORK_WORDS:
            return {slot: value}
        kind = work_of(latest_text(tracker)) if tracker.get_slot("requested_slot") == slot else None
        if kind:
            return {slot: kind}
        if tracker.get_slot("requested_slot") != slot:
            return {slot: None}
        return self._again(dispatcher, slot, tracker)

    def validate_mother_work(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        return self._work("mother_work", value, dispatcher, tracker)

    def validate_father_work(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        return self._work("father_work", value, dispatcher, tracker)

    def validate_hukou_place(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        skipped = self._skip_or("hukou_place", tracker)
        if skipped or value == SKIPPED:
            return skipped or {"hukou_place": value}
        text = latest_text(tracker)
        region = tracker.get_slot("region")
        if _SAME_PLACE.search(text) and isinstance(region, str) and region != SKIPPED:
            return {"hukou_place": region}
        found = place_value(place_in(text))
        if found:
            return {"hukou_place": found}
        return self._again(dispatcher, "hukou_place", tracker)


# A question asked in the middle of the form is answered when the NLU is this sure of it.
QUESTION_CONFIDENCE = 0.8


def answered_as_a_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer the latest message when it is a policy question, not an answer to the form."""
    from actions.base import HANDLERS

    intent = tracker.latest_message.get("intent") or {}
    handler = HANDLERS.get(intent.get("name") or "")
    if handler is None or (intent.get("confidence") or 0) < QUESTION_CONFIDENCE:
        return False
    handler().respond(dispatcher, tracker, intent["name"])
    return True


def _ask_action(slot: str) -> type:
    """action_ask_<slot>: the form's question, with its buttons (staff type: none)."""

    def name(self) -> Text:
        return f"action_ask_{slot}"

    async def run(self, dispatcher, tracker, domain):
        staff = tracker.get_latest_input_channel() in STAFF_CHANNELS
        dispatcher.utter_message(text=templates.plan_ask(slot), buttons=None if staff else templates.plan_ask_buttons(slot))
        return []

    return type(f"ActionAsk_{slot}", (Action,), {"name": name, "run": run})


ASK_ACTIONS = [_ask_action(slot) for slot in ASKED_SLOTS]


def changed_values(tracker: Tracker) -> Dict[str, str]:
    """The plan values the latest message states: a place, a child order, a date, a
    parent's work, the hukou ("户口落在呼和浩特")."""
    text = latest_text(tracker)
    values: Dict[str, str] = {}
    resolved = place_in(text)
    place = place_value(resolved)
    if place:
        values["hukou_place" if _HUKOU.search(text) else "region"] = place
    order = order_of(text, ka.latest_entity(tracker, "child_order"))
    if order:
        values["child_order"] = str(order)
    day, assumed = date_of(tracker)
    if day is not None:
        old = tracker.get_slot("date")
        was_due = None
        try:
            was_due = dt.date.fromisoformat(old) > _today() if isinstance(old, str) else None
        except ValueError:
            pass
        day = settle_year(day, assumed=assumed, text=text, today=_today(), was_due=was_due)
    if day is not None and date_in_range(day, today=_today()):
        values["date"] = day.isoformat()
    values.update(parents_work(text))
    if "mother_work" not in values and "father_work" not in values:
        kind, parent = work_of(text), parent_named(text)   # "老婆 其实是灵活就业": the work, then whose
        if kind and parent:
            values[f"{parent}_work"] = kind
    return values


def show_plan(dispatcher: CollectingDispatcher, tracker: Tracker, situation: Situation,
              *, lead: Optional[str] = None) -> None:
    """The plan as the channel shows it: the web's card, WeChat's numbered sections, the
    staff shell's text with clause ids."""
    plan = build_plan(situation, today=_today())
    channel = tracker.get_latest_input_channel()
    prefix = f"{lead}\n" if lead else ""
    if channel in STAFF_CHANNELS:
        dispatcher.utter_message(text=prefix + render.full_text(plan, markdown=False, staff=True))
    elif channel in WECHAT_CHANNELS:
        dispatcher.utter_message(text=prefix + render.wechat_summary(plan), buttons=templates.PLAN_SECTION_BUTTONS)
    else:
        dispatcher.utter_message(text=prefix + render.full_text(plan, markdown=True))


class PlanAction:
    """Mixin for the plan actions (`class X(PlanAction, Action)`; not an Action itself, so
    the SDK does not register it): a failure is apologised for, never a stack trace."""

    def name(self) -> Text:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        try:
            return await self.act(dispatcher, tracker)
        except Exception:
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=templates.action_failed())
            return []

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        raise NotImplementedError


def plan_in_progress(tracker: Tracker) -> bool:
    """Whether there is a plan (shown, or being asked for) that the words can refer to."""
    return bool(tracker.get_slot("plan_ready")) or (tracker.active_loop or {}).get("name") == FORM


def answer_as_a_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Words read as a plan command with no plan around ("重新算一下呼市的补贴"): answered as
    the policy question they are, by the same routing every question takes."""
    from actions.policy_search import ActionSearchPolicy

    return ActionSearchPolicy().respond(dispatcher, tracker, "ask_policy_general")


async def answer_as_a_value(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """"其实是三胎" with no plan around: a follow-up of the last answer, or a place noted."""
    from actions.service import ActionResume

    return await ActionResume().run(dispatcher, tracker, {})


class ActionStartPlan(PlanAction, Action):
    """"我是包头昆区的，预产期2026年3月5日，二胎，在私企上班": what the words state is kept,
    then plan_form asks for the rest. Words that only resemble a situation ("公司排我上夜班
    合理吗") are answered as the question they are, and no form starts."""

    def name(self) -> Text:
        return "action_start_plan"

    async def act(self, dispatcher, tracker):
        text = latest_text(tracker)
        values = changed_values(tracker)
        asked = bool(_ASKS_FOR_PLAN.search(text))
        a_situation = len(values) >= 2 and not _ASKS_A_QUESTION.search(text) and not _ASKS_ABOUT_RIGHTS.search(text)
        if not asked and not a_situation:
            # "我怀孕了公司要把我辞退 这样合法吗", "在呼和浩特生了二孩 国家的和市里的能一起拿吗":
            # they read like a situation, and are questions.
            return answer_as_a_question(dispatcher, tracker)
        return [SlotSet(slot, value) for slot, value in values.items()] + [FollowupAction(FORM)]


# What a follow-up leans on after a plan ("那我老公呢"): slot last_intent.
SHOWN = [SlotSet("plan_ready", True), SlotSet("last_intent", "plan")]


def answer_about_a_parent(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """"那我老公呢" right after a plan: that parent's lines of it, each with its sources;
    None when the words lean on something else."""
    if tracker.get_slot("last_intent") != "plan" or not tracker.get_slot("plan_ready"):
        return None
    text = latest_text(tracker)
    parent = {"father": "爸爸", "mother": "妈妈"}.get(parent_named(text) or "")
    if parent is None:
        return None
    plan = build_plan(from_slots(tracker.current_slot_values()), today=_today())
    staff = tracker.get_latest_input_channel() in STAFF_CHANNELS
    lines = [render.line_text(line, staff=staff) for line in plan.lines if parent in line.text]
    dispatcher.utter_message(text="\n".join([templates.plan_parent_lines(parent, found=bool(lines))] + lines))
    return list(SHOWN)


class ActionShowPlan(PlanAction, Action):
    def name(self) -> Text:
        return "action_show_plan"

    async def act(self, dispatcher, tracker):
        show_plan(dispatcher, tracker, from_slots(tracker.current_slot_values()))
        return list(SHOWN)


class ActionChangePlan(PlanAction, Action):
    """"预产期改成4月1日", "其实是三胎": the plan again with the new value."""

    def name(self) -> Text:
        return "action_change_plan"

    async def act(self, dispatcher, tracker):
        if not plan_in_progress(tracker):
            return await answer_as_a_value(dispatcher, tracker)
        values = changed_values(tracker)
        if not values:
            dispatcher.utter_message(text=templates.plan_change_hint())
            return []
        slots = dict(tracker.current_slot_values())
        slots.update(values)
        what = "、".join(templates.PLAN_CHANGE_WORDS[slot] for slot in values)
        show_plan(dispatcher, tracker, from_slots(slots), lead=templates.plan_changed(what))
        return [SlotSet(slot, value) for slot, value in values.items()] + list(SHOWN)


class ActionPlanSection(PlanAction, Action):
    """"回复2看钱": one section of the plan in full."""

    def name(self) -> Text:
        return "action_plan_section"

    async def act(self, dispatcher, tracker):
        key = ka.latest_entity(tracker, "plan_section")
        if key not in dict(SECTIONS):
            text = latest_text(tracker)
            key = next((k for k, pattern in _SECTION_WORDS if pattern.search(text)), None)
        if not tracker.get_slot("plan_ready"):
            if key is None:   # "托育那部分呢" is no plan's section: a question
                return answer_as_a_question(dispatcher, tracker)
            dispatcher.utter_message(text=templates.plan_nothing_yet())
            return []
        plan = build_plan(from_slots(tracker.current_slot_values()), today=_today())
        staff = tracker.get_latest_input_channel() in STAFF_CHANNELS
        text = render.section_text(plan, key, staff=staff) if key else None
        if text is None:
            text = render.wechat_summary(plan)
        dispatcher.utter_message(text=text, buttons=None if staff else templates.PLAN_SECTION_BUTTONS)
        return [SlotSet("plan_section", None), SlotSet("last_intent", "plan")]


class ActionResetPlan(PlanAction, Action):
    """"重新开始": the plan's values are cleared and the questionnaire stops."""

    def name(self) -> Text:
        return "action_reset_plan"

    async def act(self, dispatcher, tracker):
        has_values = any(tracker.get_slot(slot) for slot in PLAN_SLOTS)
        if not plan_in_progress(tracker) and not _RESTART.search(latest_text(tracker)):
            return answer_as_a_question(dispatcher, tracker)
        if not has_values and not plan_in_progress(tracker):
            dispatcher.utter_message(text=templates.plan_nothing_yet())
            return []
        dispatcher.utter_message(text=templates.plan_reset())
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(slot, None) for slot in PLAN_SLOTS]
