"""Custom actions on the real built store: the events they return and what they say."""
from __future__ import annotations

import asyncio
import re

import pytest
from rasa_sdk.events import SlotSet

from actions.base import HANDLERS
from actions.childcare import ActionFindChildcare
from actions.department import ActionAnswerDepartment
from rasa_sdk.executor import CollectingDispatcher
from actions.leave import ActionAnswerLeave, ActionCompareRegions, ActionLeaveDates, leave_dates
from actions.money import ActionAnswerBenefit, ActionAnswerSubsidy
from actions.policy_search import ActionNextResult, ActionSearchPolicy
from actions.service import ActionCapabilities, ActionFeedback, ActionHandoff, ActionResume
from tests.conftest import entity, make_tracker


def run(action, tracker, dispatcher, domain):
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    text = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    return events, text


def slot(events, name):
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else "<unset>"


# ---------------------------------------------------------------- leave

@pytest.mark.parametrize("place, child_order, direct", [
    ("baotou", "3", "包头市女职工生育第三个孩子可享受产假188天（按内蒙古自治区规定，全区适用）。"),
    ("baotou", "1", "包头市女职工生育第一个孩子可享受产假158天（按内蒙古自治区规定，全区适用）。"),
    ("hohhot", "2", "呼和浩特市女职工生育第二个孩子可享受产假158天（按内蒙古自治区规定，全区适用）。"),
    ("kundulun", "3", "昆都仑区女职工生育第三个孩子可享受产假188天（按内蒙古自治区规定，全区适用）。"),
])
def test_maternity_leave_direct_sentence_first(dispatcher, domain, place, child_order, direct):
    tracker = make_tracker(intent="ask_leave", entities=[
        entity("region", place), entity("child_order", child_order), entity("leave_type", "产假")])
    events, text = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert direct == text.splitlines()[0]
    assert "包府办发〔2025〕49号" in text and "来源：" in text
    assert place == slot(events, "region")
    assert ["baotou-2025:一/（二）", "female-labour-protection:第七条"] == slot(events, "cited_clauses")
    assert ["有帮助", "没帮助"] == [b["title"] for b in dispatcher.messages[0]["buttons"]]


def test_unknown_child_order_gives_each_order(dispatcher, domain):
    tracker = make_tracker(intent="ask_leave", entities=[entity("region", "baotou"), entity("leave_type", "产假")])
    _, text = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert ["158", "158", "188"] == re.findall(r"产假(\d+)天", text)[:3]
    assert "难产" in text and "15" in text


def test_missing_place_is_asked_once_and_remembered(dispatcher, domain):
    tracker = make_tracker(intent="ask_leave", text="护理假几天", entities=[entity("leave_type", "护理假")])
    events, text = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert [SlotSet("pending_intent", "ask_leave"), SlotSet("leave_type", "护理假")] == events
    assert "哪个地区" in text
    # The citizen answers with a place: the waiting question is answered.
    answer = make_tracker(intent="inform", text="包头", entities=[entity("region", "baotou")],
                          slots={"pending_intent": "ask_leave", "leave_type": "护理假"})
    events, text = run(ActionResume(), answer, type(dispatcher)(), domain)
    assert "护理假25天" in text
    assert "baotou" == slot(events, "region") and slot(events, "pending_intent") is None


def test_remembered_place_is_used_without_asking(dispatcher, domain):
    tracker = make_tracker(intent="ask_leave", text="育儿假呢", entities=[entity("leave_type", "育儿假")],
                           slots={"region": "ordos"})
    _, text = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert "鄂尔多斯市在子女3周岁以前，夫妻双方每人每年可享受育儿假10天（按内蒙古自治区规定，全区适用）。" == text.splitlines()[0]


def test_tonghua_draft_is_always_flagged(dispatcher, domain):
    tracker = make_tracker(intent="ask_leave", entities=[entity("region", "tonghua"), entity("leave_type", "育儿假")])
    _, text = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert "20天" in text
    assert "征求意见稿" in text


def test_uncovered_place_says_so_and_gives_only_the_national_baseline(dispatcher, domain):
    tracker = make_tracker(intent="ask_leave", entities=[entity("region", "北京"), entity("leave_type", "产假")])
    _, text = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert "暂未收录“北京市”" in text   # issue 11: an outside place is named by its official name
    assert "98天" in text and "国家基准" in text
    assert "158" not in text and "188" not in text


def test_leave_dates_from_a_birth_date(dispatcher, domain):
    tracker = make_tracker(intent="ask_leave_dates", text="包头 2025年3月5号生的老三",
                           entities=[entity("region", "baotou"), entity("child_order", "3"),
                                     {"entity": "date", "value": "2025-03-05", "year_assumed": False}])
    _, text = run(ActionLeaveDates(), tracker, dispatcher, domain)
    assert "产假188天，休到2025-09-08" in text     # 5 March + 187 days
    assert "2028-03-04" in text                     # the day before the 3rd birthday
    assert "自然日" in text


def test_leave_date_arithmetic():
    import datetime as dt

    assert (dt.date(2025, 8, 10), dt.date(2028, 3, 4)) == leave_dates(birth=dt.date(2025, 3, 5), maternity_days=159)
    assert dt.date(2027, 2, 28) == leave_dates(birth=dt.date(2024, 2, 29), maternity_days=1)[1]


def test_compare_regions_side_by_side(dispatcher, domain):
    tracker = make_tracker(intent="compare_regions", entities=[
        entity("region", "baotou"), entity("region", "tonghua"), entity("leave_type", "产假")])
    _, text = run(ActionCompareRegions(), tracker, dispatcher, domain)
    lines = text.splitlines()
    assert lines[0].startswith("包头市产假：") and "188天" in lines[0]
    assert lines[1].startswith("通化市产假：") and "180天" in lines[1] and "征求意见稿" in lines[1]


# ---------------------------------------------------------------- money

@pytest.mark.parametrize("intent, phrases", [
    ("ask_subsidy_amount", ["3600元", "10800元", "免征个人所得税"]),
    ("ask_subsidy_apply", ["支付宝", "微信", "乡镇（街道）", "出生医学证明", "续领"]),
    ("ask_subsidy_eligibility", ["3周岁以下", "2022年1月1日"]),
])
def test_childcare_subsidy(dispatcher, domain, intent, phrases):
    _, text = run(ActionAnswerSubsidy(), make_tracker(intent=intent), dispatcher, domain)
    for phrase in phrases:
        assert phrase in text
    assert "《育儿补贴制度实施方案》" in text and "国家规定" in text


def test_ningxia_extra_subsidy_is_reported_with_its_caveat(dispatcher, domain):
    tracker = make_tracker(intent="ask_subsidy_amount", entities=[entity("district", "zhongning")])
    _, text = run(ActionAnswerSubsidy(), tracker, dispatcher, domain)
    assert "3600元" in text and "2000元" in text and "4000元" in text
    assert "以当地部门解释为准" in text


def test_hohhot_subsidy_comes_from_the_official_rules_with_its_conditions(dispatcher, domain):
    tracker = make_tracker(intent="ask_subsidy_amount", entities=[entity("region", "hohhot")])
    events, text = run(ActionAnswerSubsidy(), tracker, dispatcher, domain)
    assert "3600元" in text and "一次性10000元" in text and "共50000元" in text and "共100000元" in text
    # The hukou condition comes with the amount, from the official clause.
    assert "新生儿首次落户在呼和浩特市" in text and "2025年3月1日之后（含3月1日）" in text
    assert "《呼和浩特市发放育儿补贴实施细则》二（一）第1项" in text
    cited = slot(events, "cited_clauses")
    assert {"hohhot-subsidy-rules:二/（一）/1", "hohhot-subsidy-rules:一/（一）/3"} <= set(cited)
    assert "以当地部门解释为准" not in text   # official text, no longer a reported summary


def test_subsidy_apply_cites_the_management_rules_article(dispatcher, domain):
    events, text = run(ActionAnswerSubsidy(), make_tracker(intent="ask_subsidy_apply"), dispatcher, domain)
    assert "对于2025年1月1日以前出生的婴幼儿，首次申请应当在2025年12月31日前提出。" in text
    assert "《育儿补贴制度管理规范（试行）》（国卫办人口发〔2025〕24号）第十二条" in text
    assert "subsidy-management-rules:第十二条" in slot(events, "cited_clauses")


@pytest.mark.parametrize("intent, place, phrases", [
    ("ask_tax_deduction", "baotou", ["2000元"]),
    ("ask_housing", "zhongning", ["20万元-30万元"]),
    ("ask_maternity_insurance", "zhongning", ["75%"]),
])
def test_other_money(dispatcher, domain, intent, place, phrases):
    tracker = make_tracker(intent=intent, entities=[entity("region", place)])
    _, text = run(ActionAnswerBenefit(), tracker, dispatcher, domain)
    for phrase in phrases:
        assert phrase in text
    assert "来源：" in text


# ---------------------------------------------------------------- childcare, departments, search

def test_childcare_by_district_labels_demo_rows(dispatcher, domain):
    tracker = make_tracker(intent="ask_childcare_find", entities=[entity("district", "kundulun")])
    _, text = run(ActionFindChildcare(), tracker, dispatcher, domain)
    assert "【演示数据】" in text and "演示数据，并非真实机构" in text


def test_childcare_by_coordinates_nearest_first(dispatcher, domain):
    tracker = make_tracker(intent="ask_childcare_find", metadata={"location": {"latitude": 40.6574, "longitude": 109.8403}})
    _, text = run(ActionFindChildcare(), tracker, dispatcher, domain)
    distances = [float(d) for d in re.findall(r"约([\d.]+)公里", text)]
    assert distances and distances == sorted(distances)


def test_childcare_without_data_names_the_department(dispatcher, domain):
    tracker = make_tracker(intent="ask_childcare_find", entities=[entity("region", "tonghua")])
    _, text = run(ActionFindChildcare(), tracker, dispatcher, domain)
    assert "卫生健康部门" in text and "演示" not in text


def test_department_lookup(dispatcher, domain):
    tracker = make_tracker(intent="ask_department", text="生育休假归哪个部门管", entities=[entity("region", "baotou")])
    _, text = run(ActionAnswerDepartment(), tracker, dispatcher, domain)
    assert "包头市文件中" in text and "牵头单位：市人社局" in text


def test_department_of_a_step_is_the_entry_about_it(dispatcher, domain):
    # Who reviews the subsidy is the management rules' answer, not a task list's lead unit.
    tracker = make_tracker(intent="ask_department", text="育儿补贴是哪个部门负责审核的")
    _, text = run(ActionAnswerDepartment(), tracker, dispatcher, domain)
    assert text.startswith("卫生健康部门负责") and "乡镇（街道）" in text and "牵头单位" not in text


def test_department_of_a_task_is_the_lead_unit(dispatcher, domain):
    tracker = make_tracker(intent="ask_department", text="托育服务归哪个单位负责", entities=[entity("region", "zhongning")])
    _, text = run(ActionAnswerDepartment(), tracker, dispatcher, domain)
    assert "中宁县文件中" in text and "牵头单位：卫生健康局" in text


def test_search_answers_with_excerpt_and_offers_the_next(dispatcher, domain):
    tracker = make_tracker(intent="ask_policy_general", text="生育友好医院")
    events, text = run(ActionSearchPolicy(), tracker, dispatcher, domain)
    assert "生育友好医院" in text and "来源：" in text
    assert "看下一条" in [b["title"] for b in dispatcher.messages[0]["buttons"]]
    remaining = slot(events, "search_results")
    more = make_tracker(intent="next_result", slots={"search_results": remaining})
    events, text = run(ActionNextResult(), more, type(dispatcher)(), domain)
    assert "生育友好" in text and remaining[1:] == (slot(events, "search_results") or [])


def test_weak_match_is_an_honest_not_found(dispatcher, domain):
    tracker = make_tracker(intent="ask_policy_general", text="火星移民签证怎么办理")
    events, text = run(ActionSearchPolicy(), tracker, dispatcher, domain)
    assert "没有找到" in text and "12345" in text and "来源" not in text
    assert "火星移民签证怎么办理" == slot(events, "unanswered")


# ---------------------------------------------------------------- service

def test_the_leave_the_words_mean_is_kept_while_the_place_is_asked(dispatcher, domain):
    # "老公能休几天产假": the NLU hears 产假; the husband's leave is 护理假.
    tracker = make_tracker(intent="ask_leave", text="老公能休几天产假", entities=[entity("leave_type", "产假")])
    events, _ = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert [SlotSet("pending_intent", "ask_leave"), SlotSet("leave_type", "护理假")] == events
    resumed = make_tracker(intent="inform", text="我在包头", entities=[entity("region", "baotou")],
                           slots={"pending_intent": "ask_leave", "leave_type": "护理假"})
    _, text = run(ActionResume(), resumed, dispatcher, domain)
    assert "护理假25天" in text, text


def test_a_man_asking_whether_he_gets_产假_is_told_what_a_man_gets(dispatcher, domain):
    _, text = run(ActionAnswerLeave(), make_tracker(intent="ask_leave", text="男职工有没有产假"), dispatcher, domain)
    assert text.startswith("产假是女职工的假") and "陪产假" in text.splitlines()[0], text


def test_a_comparison_of_two_cases_not_two_places_is_answered(dispatcher, domain):
    tracker = make_tracker(intent="compare_regions", text="剖腹产和顺产的产假天数一样吗")
    _, text = run(ActionCompareRegions(), tracker, dispatcher, domain)
    assert "难产" in text and "两个地区" not in text, text


def test_a_point_of_the_last_answer_read_as_a_wish_for_a_person_is_answered(dispatcher, domain):
    tracker = make_tracker(intent="human_handoff", text="我跟老公一人一半可以吗",
                           slots={"last_question": "tax_deduction|counting|||婴幼儿照护扣除从哪个月开始算"})
    _, text = run(ActionHandoff(), tracker, dispatcher, domain)
    assert "50%" in text and "无法直接转接人工" not in text, text


def test_an_employer_breaking_a_rule_is_a_complaint_to_the_labour_office(dispatcher, domain):
    from actions.department import ActionAnswerDepartment

    tracker = make_tracker(intent="ask_department", text="中宁这边单位不落实产假 归哪个部门管",
                           entities=[entity("region", "zhongning")])
    _, text = run(ActionAnswerDepartment(), tracker, dispatcher, domain)
    assert "人力资源社会保障" in text.splitlines()[0] and "托育" not in text, text


def test_a_question_about_public_centres_gets_the_target_first(dispatcher, domain):
    tracker = make_tracker(intent="ask_childcare_find", text="东胜区有公办托育园吗", entities=[entity("region", "dongsheng")])
    _, text = run(ActionFindChildcare(), tracker, dispatcher, domain)
    assert "2所公办托育机构" in text.splitlines()[0], text


def test_handoff_names_the_department_of_the_last_topic(dispatcher, domain):
    _, text = run(ActionHandoff(), make_tracker(intent="human_handoff", slots={"last_intent": "ask_leave"}), dispatcher, domain)
    assert "12345" in text and "人力资源和社会保障部门" in text


@pytest.mark.parametrize("text, expected", [
    ("赛罕区卫健委电话多少", "0471-3121324"),                 # a place's office: its number
    ("公司以怀孕为由让我走人可以吗", "不得因女职工怀孕"),     # an employer's act: the rule
    ("托克托县育儿补贴咨询电话多少", "0471-8512627"),          # whom to call, whatever it is about
])
def test_a_question_read_as_a_wish_for_a_person_is_answered(dispatcher, domain, text, expected):
    _, reply = run(ActionHandoff(), make_tracker(intent="human_handoff", text=text), dispatcher, domain)
    assert expected in reply and "无法直接转接人工" not in reply


@pytest.mark.parametrize("text", ["我要转人工", "有电话吗我想问人"])   # no place: not a place's numbers
def test_a_plain_wish_for_a_person_gets_the_handoff(dispatcher, domain, text):
    _, reply = run(ActionHandoff(), make_tracker(intent="human_handoff", text=text), dispatcher, domain)
    assert "无法直接转接人工" in reply and "12345" in reply


def test_a_question_is_never_taken_for_feedback(dispatcher, domain):
    from actions.service import ActionFeedback

    tracker = make_tracker(intent="feedback", text="一般几月份打钱",
                           slots={"last_question": "local_subsidy|payment_time|||呼市一孩补贴多少", "region": "hohhot"})
    _, reply = run(ActionFeedback(), tracker, dispatcher, domain)
    assert "7月" in reply and "谢谢" not in reply, reply


@pytest.mark.parametrize("text", ["你能干啥", "这个小程序能干嘛用", "你能回答内蒙古的吗"])
def test_a_wish_to_know_what_can_be_asked_gets_the_list(dispatcher, domain, text):
    tracker = make_tracker(intent="bot_capabilities", text=text,
                           slots={"last_question": "local_subsidy|eligibility|||呼市孩子能领补贴吗"})
    events, _ = run(ActionCapabilities(), tracker, dispatcher, domain)
    assert [{"response": "utter_bot_capabilities"}] == [{k: m[k] for k in ("response",)} for m in dispatcher.messages]
    assert [] == events


def test_a_point_of_the_last_answer_read_as_a_wish_for_the_list_is_answered(dispatcher, domain):
    tracker = make_tracker(intent="bot_capabilities", text="要交什么材料", slots={
        "last_question": "local_subsidy|eligibility|||在呼市买了房 孩子能领呼市的育儿补贴吗", "region": "hohhot"})
    _, reply = run(ActionCapabilities(), tracker, dispatcher, domain)
    assert "户口簿" in reply and "出生医学证明" in reply and "呼和浩特市发放育儿补贴实施细则" in reply, reply


@pytest.mark.parametrize("text, helpful", [("没帮助", "no"), ("有帮助", "yes"), ("👎", "no")])
def test_feedback_is_stored_in_a_slot(dispatcher, domain, text, helpful):
    events, _ = run(ActionFeedback(), make_tracker(intent="feedback", text=text), dispatcher, domain)
    assert [SlotSet("helpful", helpful)] == events


def test_every_question_intent_has_a_handler(domain):
    questions = {i for i in domain["intents"] if i.startswith("ask_")} | {"compare_regions", "follow_up", "out_of_scope"}
    # ask_plan starts the plan's own conversation (actions/family_plan/form.py), not an answer.
    assert questions - {"ask_plan"} == set(HANDLERS)


def test_a_broken_store_gives_an_apology_not_a_trace(dispatcher, domain, monkeypatch, tmp_path):
    from actions import knowledge_access

    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database")
    monkeypatch.setenv("KNOWLEDGE_DB", str(broken))
    knowledge_access.connection.cache_clear()
    tracker = make_tracker(intent="ask_leave", entities=[entity("region", "baotou")])
    events, text = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert [] == events and "系统暂时出了点问题" in text


def test_a_turn_checks_the_store_file_once_and_the_next_turn_sees_a_new_store(dispatcher, domain, monkeypatch,
                                                                                built_store, tmp_path):
    import shutil

    from actions import knowledge_access

    checked = []   # the store file's path each time it is checked (stat, reopened if replaced)
    check = knowledge_access._current_connection
    monkeypatch.setattr(knowledge_access, "_current_connection",
                        lambda: checked.append(str(knowledge_access.store_path())) or check())
    tracker = make_tracker(intent="ask_leave", text="包头产假多少天", entities=[entity("region", "baotou")])
    _, first = run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert "158天" in first
    assert [str(built_store.db_path)] == checked   # once, for the dozens of lookups of a turn
    # `make knowledge` replaces the file: the next turn opens the new one.
    copy = tmp_path / "rebuilt.db"
    shutil.copy(built_store.db_path, copy)
    monkeypatch.setenv("KNOWLEDGE_DB", str(copy))
    run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert [str(built_store.db_path), str(copy)] == checked
    assert str(copy) == knowledge_access.store.database_file(conn=knowledge_access.connection())
    assert knowledge_access._TURN_CONNECTION.get() is None   # nothing held between turns


def test_a_turn_searches_the_answer_table_once_for_the_same_words(monkeypatch):
    from actions import knowledge_access
    from knowledge import qa

    searched = []
    search = qa.match
    monkeypatch.setattr(qa, "match", lambda **arguments: searched.append(arguments["text"]) or search(**arguments))
    asked = dict(text="北京产假多少天", topic="maternity_leave", facet="amount", jurisdictions=["china"], limit=8)
    with knowledge_access.turn_connection():
        first = knowledge_access.qa_match(**asked)
        first.clear()    # a caller changing its list changes nothing for the next one
        again = knowledge_access.qa_match(**asked)
        other = knowledge_access.qa_match(**{**asked, "jurisdictions": ["china", "neimenggu"]})
    assert ["北京产假多少天", "北京产假多少天"] == searched   # once per distinct arguments
    assert again and again == qa.match(conn=knowledge_access.connection(), **asked)
    assert [m.entry_id for m in other]
    with knowledge_access.turn_connection():   # the next turn searches afresh
        knowledge_access.qa_match(**asked)
    knowledge_access.qa_match(**asked)         # outside a turn, every call searches
    assert 5 == len(searched)


def test_a_turn_works_out_its_place_once_for_its_tracker(monkeypatch):
    from actions import knowledge_access

    worked = []
    work = knowledge_access._place_of_turn
    monkeypatch.setattr(knowledge_access, "_place_of_turn", lambda tracker: worked.append(tracker) or work(tracker))
    tracker = make_tracker(intent="ask_leave", text="白云区产假多少天")
    other = make_tracker(intent="ask_leave", text="包头产假多少天")
    with knowledge_access.turn_connection():
        first = [knowledge_access.place_of_turn(tracker) for _ in range(3)]
        second = knowledge_access.place_of_turn(other)
        region = knowledge_access.current_place(other)
    assert [tracker, other] == worked                       # once per tracker
    assert [work(tracker)] * 3 == first and "ambiguous" == first[0].kind
    assert work(other) == second and "baotou" == region
    with knowledge_access.turn_connection():                # the next turn works afresh
        knowledge_access.place_of_turn(tracker)
    knowledge_access.place_of_turn(tracker)                 # outside a turn, every call works
    assert 4 == len(worked)


def test_a_turn_resolves_the_rules_of_a_place_once_and_each_caller_gets_its_own(monkeypatch):
    from actions import knowledge_access
    from knowledge import regions

    resolved = []
    resolve = regions.resolve
    monkeypatch.setattr(regions, "resolve", lambda **arguments: resolved.append(arguments["place"])
                        or resolve(**arguments))
    asked = dict(place="baotou", table="leave_rules", leave_type="产假", child_order=None)
    expected = resolve(conn=knowledge_access.connection(), as_of=None, **asked)
    with knowledge_access.turn_connection():
        first = knowledge_access.resolve_rules(**asked)
        first.rules.clear()        # a caller changing its lists changes nothing for the next
        first.chain.append(None)
        again = knowledge_access.resolve_rules(**asked)
        third = knowledge_access.resolve_rules(**{**asked, "child_order": 2})
        token = knowledge_access.DATE_ASKED_ABOUT.set("2020-01-01")   # another date: its own rules
        try:
            earlier = knowledge_access.resolve_rules(**asked)
        finally:
            knowledge_access.DATE_ASKED_ABOUT.reset(token)
    assert ["baotou", "baotou", "baotou"] == resolved   # once per distinct arguments
    assert expected == again and expected.rules and 158 in {r["days"] for r in again.rules}
    assert resolve(conn=knowledge_access.connection(), as_of=None, **{**asked, "child_order": 2}) == third
    assert resolve(conn=knowledge_access.connection(), as_of="2020-01-01", **asked) == earlier
    with knowledge_access.turn_connection():   # the next turn resolves afresh
        knowledge_access.resolve_rules(**asked)
    knowledge_access.resolve_rules(**asked)    # outside a turn, every call resolves
    assert 5 == len(resolved)


def test_a_citation_is_looked_up_once_per_store_file_and_each_caller_gets_its_own(monkeypatch, built_store,
                                                                                   tmp_path):
    import shutil
    import sqlite3

    from actions import knowledge_access
    from knowledge import store

    looked_up = []
    citation = store.citation
    monkeypatch.setattr(store, "citation", lambda **arguments: looked_up.append(arguments["clause_id"])
                        or citation(**arguments))
    knowledge_access.connection.cache_clear()
    clause_id = "baotou-2025:一/（二）"
    expected = dict(citation(conn=knowledge_access.connection(), clause_id=clause_id))
    first = knowledge_access.cite(clause_id)
    first["title"] = "changed by a caller"
    with knowledge_access.turn_connection():
        again = knowledge_access.cite(clause_id)
        again["title"] = "changed by another"
    with knowledge_access.turn_connection():
        third = knowledge_access.cite(clause_id)
    assert expected.items() <= third.items()
    assert [clause_id] == looked_up   # once for the store file, in and out of turns
    with pytest.raises(KeyError):     # an unknown clause is not kept as found
        knowledge_access.cite("no-such-document:第一条")
    # `make knowledge` writes a new file: its citations are its own.
    rebuilt = tmp_path / "rebuilt.db"
    shutil.copy(built_store.db_path, rebuilt)
    with sqlite3.connect(rebuilt) as conn:
        conn.execute("UPDATE documents SET title = ? WHERE id = ?", ("改过的标题", third["doc_id"]))
    conn.close()
    monkeypatch.setenv("KNOWLEDGE_DB", str(rebuilt))
    assert "改过的标题" == knowledge_access.cite(clause_id)["title"]
    assert [clause_id, "no-such-document:第一条", clause_id] == looked_up


def test_tax_deduction_needs_no_place(dispatcher, domain):
    events, text = run(ActionAnswerBenefit(), make_tracker(intent="ask_tax_deduction"), dispatcher, domain)
    assert "2000元" in text and "哪个地区" not in text


def test_a_county_lists_the_institutions_its_documents_name(dispatcher, domain):
    tracker = make_tracker(intent="ask_childcare_find", entities=[entity("district", "zhongning")])
    _, text = run(ActionFindChildcare(), tracker, dispatcher, domain)
    assert "中宁县托育综合服务项目" in text and "演示" not in text


def test_staff_shell_answers_list_their_clause_ids(dispatcher, domain):
    from rasa_sdk import Tracker

    tracker = make_tracker(intent="ask_leave", entities=[entity("region", "baotou"), entity("leave_type", "产假")])
    staff = Tracker(tracker.sender_id, tracker.slots, {**tracker.latest_message}, [
        {"event": "user", "input_channel": "cmdline"}], False, None, {}, "action_listen")
    _, text = run(ActionAnswerLeave(), staff, dispatcher, domain)
    assert "[条款] baotou-2025:一/（二）, female-labour-protection:第七条" in text
    _, citizen = run(ActionAnswerLeave(), tracker, type(dispatcher)(), domain)
    assert "[条款]" not in citizen


@pytest.mark.parametrize("text", ["中宁县公积金贷款这块到底归哪个部门管", "包头托育机构备案是什么部门"])
def test_who_is_responsible_is_answered_with_the_department_whatever_the_nlu_said(text, dispatcher, domain):
    from actions.policy_search import ActionSearchPolicy

    tracker = make_tracker(intent="nlu_fallback", text=text)
    asyncio.run(ActionSearchPolicy().run(dispatcher, tracker, domain))
    department = CollectingDispatcher()
    asyncio.run(ActionAnswerDepartment().run(department, make_tracker(intent="ask_department", text=text), domain))
    assert department.messages[0]["text"] == dispatcher.messages[0]["text"]
