"""The plan conversation's actions: each answer read (or asked again), what an opening
message states kept, changes recomputed, sections expanded, and everything cleared."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.family_plan import form
from actions.family_plan.situation import SKIPPED, parents_work
from tests.conftest import entity


def tracker_for(text: str, *, slots: dict | None = None, entities: list | None = None, channel: str = "socketio",
                intent: str = "inform", requested: str | None = None) -> Tracker:
    slots = dict(slots or {})
    if requested:
        slots["requested_slot"] = requested
    return Tracker(
        sender_id="plan-user", slots=slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
        events=[{"event": "user", "text": text, "input_channel": channel}],
        paused=False, followup_action=None, active_loop={"name": "plan_form"} if requested else {},
        latest_action_name="action_listen")


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(form, "_today", lambda: dt.date(2026, 12, 4))


VALIDATE = form.ValidatePlanForm()


@pytest.mark.parametrize("slot, text, value, expected", [
    ("region", "包头昆区", "包头昆区", "kundulun"),
    ("region", "呼和浩特市", "呼和浩特市", "hohhot"),
    ("region", "广州", "广州", "广东省广州市"),
    ("region", "跳过", "跳过", SKIPPED),
    ("child_order", "二孩", "二孩", "2"),
    ("child_order", "三孩", "三孩", "3"),
    ("child_order", "这是第四个了", "这是第四个了", "3"),
    ("date", "2027年3月5日", "2027年3月5日", "2027-03-05"),
    ("date", "2026-6-1", "2026-6-1", "2026-06-01"),
    ("mother_work", "职工（参加生育保险）", "职工（参加生育保险）", "employee"),
    ("mother_work", "灵活就业", "灵活就业", "flexible"),
    ("father_work", "未就业", "未就业", "none"),
    ("father_work", "城乡居民医保", "城乡居民医保", "resident"),
    ("hukou_place", "与所在地相同", "与所在地相同", "kundulun"),
    ("hukou_place", "落呼和浩特", "落呼和浩特", "hohhot"),
])
def test_each_answer_is_read(slot, text, value, expected, dispatcher):
    tracker = tracker_for(text, slots={"region": "kundulun", slot: value} if slot != "region" else {slot: value},
                          requested=slot)
    validate = getattr(VALIDATE, f"validate_{slot}")
    assert {slot: expected} == validate(value, dispatcher, tracker, {})
    assert [] == dispatcher.messages


@pytest.mark.parametrize("slot, text", [
    ("region", "qwerty"), ("child_order", "不好说呢"), ("date", "下个月吧"), ("date", "2035年1月1日"),
    ("mother_work", "嗯"), ("hukou_place", "随便"),
])
def test_an_answer_not_understood_is_asked_again_with_a_hint(slot, text, dispatcher):
    validate = getattr(VALIDATE, f"validate_{slot}")
    assert {slot: None} == validate(text, dispatcher, tracker_for(text, requested=slot), {})
    assert "重新开始" in dispatcher.messages[0]["text"]


def test_a_shared_place_name_is_asked_back(dispatcher):
    assert {"region": None} == VALIDATE.validate_region("白云区", dispatcher, tracker_for("白云区", requested="region"), {})
    assert "有几处同名" in dispatcher.messages[0]["text"] and "包头市" in dispatcher.messages[0]["text"]


def test_the_date_extractors_entity_is_used(dispatcher):
    tracker = tracker_for("预产期明年三月五号", entities=[entity("date", "2027-03-05")], requested="date")
    assert {"date": "2027-03-05"} == VALIDATE.validate_date("预产期明年三月五号", dispatcher, tracker, {})


@pytest.mark.parametrize("text, expected", [
    ("我老婆在私企上班，我是灵活就业", {"mother_work": "employee", "father_work": "flexible"}),
    ("预产期3月，在私企上班", {"mother_work": "employee"}),
    ("老公在国企，我没工作", {"father_work": "employee", "mother_work": "none"}),
    ("在私企上班", {}),                # who works there is not said: the form asks
    ("老婆 其实是灵活就业", {}),         # hers, not the speaker's: read by changed_values
])
def test_parents_work_from_one_message(text, expected):
    assert expected == parents_work(text)


def test_an_opening_message_keeps_what_it_states(dispatcher):
    text = "我是包头昆区的，预产期2027年3月5日，二胎，在私企上班"
    tracker = tracker_for(text, intent="ask_plan", entities=[entity("child_order", "2")])
    events = run(form.ActionStartPlan(), dispatcher, tracker)
    assert [SlotSet("region", "kundulun"), SlotSet("child_order", "2"), SlotSet("date", "2027-03-05"),
            SlotSet("mother_work", "employee"), FollowupAction("plan_form")] == events
    assert [] == dispatcher.messages


COMPLETE = {"region": "kundulun", "child_order": "2", "date": "2027-03-05", "mother_work": "employee",
            "father_work": "employee", "hukou_place": "kundulun", "plan_ready": True}


def test_the_web_gets_the_card_with_calendar_and_print_links(dispatcher):
    events = run(form.ActionShowPlan(), dispatcher, tracker_for("跳过", slots=COMPLETE))
    assert [SlotSet("plan_ready", True), SlotSet("last_intent", "plan")] == events
    text = dispatcher.messages[0]["text"]
    assert text.startswith("## 我的生育政策清单")
    assert "[下载日历（.ics）](/plan.ics?place=kundulun&order=2&date=2027-03-05" in text and "(/plan/print?" in text
    assert "休到2027-08-09" in text


def test_wechat_gets_numbered_sections(dispatcher):
    run(form.ActionShowPlan(), dispatcher, tracker_for("跳过", slots=COMPLETE, channel="wechat"))
    message = dispatcher.messages[0]
    assert "1. 假期" in message["text"] and "回复数字查看该部分详情（如回复2看钱）" in message["text"]
    assert ["看假期", "看钱", "看办事", "看托育"] == [b["title"] for b in message["buttons"]]
    assert "plan.ics" not in message["text"]


def test_staff_see_clause_ids_and_no_buttons(dispatcher):
    run(form.ActionShowPlan(), dispatcher, tracker_for("跳过", slots=COMPLETE, channel="cmdline"))
    message = dispatcher.messages[0]
    assert "[baotou-2025:一/（二）" in message["text"] and not message["buttons"]


def test_a_section_in_full(dispatcher):
    tracker = tracker_for('/plan_section{"plan_section": "money"}', slots=COMPLETE, channel="wechat",
                          entities=[entity("plan_section", "money")], intent="plan_section")
    assert [SlotSet("plan_section", None), SlotSet("last_intent", "plan")] == run(form.ActionPlanSection(), dispatcher,
                                                                                   tracker)
    text = dispatcher.messages[0]["text"]
    assert text.startswith("二、钱") and "1）国家育儿补贴：每孩每年3600元" in text


def test_a_section_named_in_words(dispatcher):
    run(form.ActionPlanSection(), dispatcher, tracker_for("假期那块详细点", slots=COMPLETE, intent="plan_section"))
    assert dispatcher.messages[0]["text"].startswith("一、假期")


def test_no_section_before_a_plan(dispatcher):
    run(form.ActionPlanSection(), dispatcher, tracker_for("看钱", intent="plan_section"))
    assert "还没有为您生成清单" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("text, entities, slot, value, shown", [
    ("预产期改成2027年4月1日", [entity("date", "2027-04-01")], "date", "2027-04-01", "休到2027-09-05"),
    ("其实是三胎", [entity("child_order", "3")], "child_order", "3", "188天"),
    ("我老婆其实是灵活就业", [], "mother_work", "flexible", "妈妈不是单位职工"),
    ("老婆 其实是灵活就业", [], "mother_work", "flexible", "妈妈不是单位职工"),
    ("户口要落在呼和浩特", [], "hukou_place", "hohhot", "户口：呼和浩特市"),
])
def test_a_change_recomputes_the_plan(text, entities, slot, value, shown, dispatcher):
    events = run(form.ActionChangePlan(), dispatcher, tracker_for(text, slots=COMPLETE, entities=entities,
                                                                  intent="change_plan"))
    assert [SlotSet(slot, value), SlotSet("plan_ready", True), SlotSet("last_intent", "plan")] == events
    reply = dispatcher.messages[0]["text"]
    assert reply.startswith("已按新的情况") and shown in reply


def test_a_change_without_a_value_says_how(dispatcher):
    assert [] == run(form.ActionChangePlan(), dispatcher, tracker_for("改一下", slots=COMPLETE, intent="change_plan"))
    assert "预产期改成4月1日" in dispatcher.messages[0]["text"]


def test_starting_over_clears_every_value(dispatcher):
    events = run(form.ActionResetPlan(), dispatcher, tracker_for("重新开始", slots=COMPLETE, intent="restart_plan"))
    assert [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("region", None), SlotSet("child_order", None),
            SlotSet("date", None), SlotSet("mother_work", None), SlotSet("father_work", None),
            SlotSet("hukou_place", None), SlotSet("plan_ready", None)] == events
    assert "已清空" in dispatcher.messages[0]["text"]


def test_each_question_has_buttons_and_skip(dispatcher):
    for action in form.ASK_ACTIONS:
        dispatcher.messages.clear()
        run(action(), dispatcher, tracker_for("", requested="region"))
        assert dispatcher.messages[0]["buttons"][-1] == {"title": "跳过", "payload": "跳过"}
    dispatcher.messages.clear()
    run(form.ASK_ACTIONS[0](), dispatcher, tracker_for("", channel="cmdline"))
    assert not dispatcher.messages[0]["buttons"]


@pytest.mark.slow
def test_words_read_as_restart_with_no_plan_are_answered_as_a_question(dispatcher):
    tracker = tracker_for("呼和浩特二孩补贴怎么重新算", slots={"region": "hohhot"}, intent="restart_plan")
    events = run(form.ActionResetPlan(), dispatcher, tracker)
    text = dispatcher.messages[0]["text"]
    assert "已清空" not in text and "来源：" in text
    assert SlotSet("region", None) not in events


def test_restart_with_no_plan_clears_nothing_it_was_not_asked_to(dispatcher):
    assert [] == run(form.ActionResetPlan(), dispatcher, tracker_for("重新开始", intent="restart_plan"))
    assert "还没有为您生成清单" in dispatcher.messages[0]["text"]


def test_a_change_with_no_plan_is_a_follow_up_not_a_plan(dispatcher):
    run(form.ActionChangePlan(), dispatcher, tracker_for("其实是三胎", slots={"region": "baotou"},
                                                         entities=[entity("child_order", "3")], intent="change_plan"))
    assert "我的生育政策清单" not in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("text", ["帮我算算我家能享受哪些政策", "给我做个生育政策清单"])
def test_a_request_for_the_whole_plan_starts_the_form(text, dispatcher):
    assert [FollowupAction("plan_form")] == run(form.ActionStartPlan(), dispatcher, tracker_for(text, intent="ask_plan"))


@pytest.mark.parametrize("text", ["我怀孕了公司要把我辞退 这样合法吗", "孩子还不满一岁 公司排我上夜班合理吗",
                                  "在呼和浩特生了二孩 国家的和市里的补贴能一起拿吗"])
def test_a_question_that_resembles_a_situation_is_answered_and_no_form_starts(text, dispatcher):
    events = run(form.ActionStartPlan(), dispatcher, tracker_for(text, intent="ask_plan"))
    assert FollowupAction("plan_form") not in events
    assert "来源：" in dispatcher.messages[0]["text"] or "12333" in dispatcher.messages[0]["text"]


def test_a_question_asked_instead_of_an_answer_is_answered(dispatcher):
    tracker = tracker_for("包头生三孩产假多少天", slots={"region": "baotou"}, requested="date", intent="ask_leave",
                          entities=[entity("region", "baotou"), entity("child_order", "3")])
    assert {"date": None} == VALIDATE.validate_date("包头生三孩产假多少天", dispatcher, tracker, {})
    assert "188" in dispatcher.messages[0]["text"] and len(dispatcher.messages) == 1


def dated(text: str, iso: str) -> list:
    return [{"entity": "date", "value": iso, "year_assumed": True}]


@pytest.mark.parametrize("text, assumed_iso, expected", [
    ("预产期3月5日", "2026-03-05", "2027-03-05"),          # a due date is ahead: next year's
    ("3月2日出生的", "2026-03-02", "2026-03-02"),
    ("12月20日生的", "2026-12-20", "2025-12-20"),          # a birth is behind: last year's
    ("预产期12月20日", "2026-12-20", "2026-12-20"),
])
def test_a_date_without_a_year_takes_the_year_its_words_imply(text, assumed_iso, expected, dispatcher):
    tracker = tracker_for(text, entities=dated(text, assumed_iso), requested="date")
    assert {"date": expected} == VALIDATE.validate_date(text, dispatcher, tracker, {})


def test_a_date_without_a_year_or_words_is_asked_back(dispatcher):
    tracker = tracker_for("3月5日", entities=dated("3月5日", "2026-03-05"), requested="date")
    assert {"date": None} == VALIDATE.validate_date("3月5日", dispatcher, tracker, {})
    assert ["2026年3月5日出生", "预产期2027年3月5日"] == [b["title"] for b in dispatcher.messages[0]["buttons"]]


def test_a_changed_due_date_without_a_year_stays_ahead(dispatcher):
    tracker = tracker_for("预产期改成4月1日", slots=COMPLETE, entities=dated("预产期改成4月1日", "2026-04-01"),
                          intent="change_plan")
    assert SlotSet("date", "2027-04-01") in run(form.ActionChangePlan(), dispatcher, tracker)


def test_that_parents_lines_after_a_plan(dispatcher):
    from actions.follow_up import ActionFollowUp

    tracker = tracker_for("那我老公呢", slots={**COMPLETE, "last_intent": "plan"}, intent="follow_up")
    assert [SlotSet("plan_ready", True), SlotSet("last_intent", "plan")] == run(ActionFollowUp(), dispatcher, tracker)
    text = dispatcher.messages[0]["text"]
    assert text.startswith("按您的清单，爸爸的部分：")
    assert "爸爸的护理假：内蒙古自治区规定25天" in text and "妈妈的产假" not in text and "（《" in text


def test_a_follow_up_after_another_answer_is_not_about_the_plan(dispatcher):
    from actions.follow_up import ActionFollowUp

    tracker = tracker_for("那我老公呢", slots={**COMPLETE, "last_intent": "ask_leave"}, intent="follow_up")
    run(ActionFollowUp(), dispatcher, tracker)
    assert "按您的清单" not in dispatcher.messages[0]["text"]
