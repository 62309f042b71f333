"""Answering the point asked (actions/answering.py) on the real built store: source
requests, follow-ups, several questions at once, facets without asking for the place."""
from __future__ import annotations

import asyncio

import re

import pytest

from actions.follow_up import ActionFollowUp
from actions.leave import ActionAnswerLeave
from actions.money import ActionAnswerSubsidy
from actions.policy_search import ActionSearchPolicy
from actions.service import ActionResume
from tests.conftest import entity, make_tracker

ASK_REGION = "请问您在哪个地区"


def run(action, tracker, domain):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, "\n".join(m.get("text") or "" for m in dispatcher.messages)


def slot(events, name):
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else "<unset>"


def test_source_request_shows_the_cited_clause_text(domain):
    tracker = make_tracker(intent="ask_source", text="你说的天数是哪个文件规定的 给我看原文",
                           slots={"cited_clauses": ["female-labour-protection:第七条"]})
    events, text = run(ActionFollowUp(), tracker, domain)
    assert "《女职工劳动保护特别规定》" in text and "女职工生育享受98天产假" in text
    assert ["female-labour-protection:第七条"] == slot(events, "cited_clauses")


def test_source_request_without_an_answer_says_so(domain):
    _, text = run(ActionFollowUp(), make_tracker(intent="ask_source", text="出处是哪"), domain)
    assert "还没有回答" in text


@pytest.mark.parametrize("action, intent", [(ActionFollowUp(), "follow_up"), (ActionResume(), "inform"),
                                            (ActionAnswerLeave(), "ask_leave")])
def test_husband_follow_up_after_maternity_leave_gets_paternity_leave(action, intent, domain):
    tracker = make_tracker(intent=intent, text="那我老公呢 他能休几天",
                           slots={"region": "baotou", "last_question": "maternity_leave|amount||"})
    events, text = run(action, tracker, domain)
    first = text.splitlines()[0]
    assert "护理假" in first and "25" in first, text
    assert "产假158" not in text and ASK_REGION not in text
    # The follow-up's words are what the next follow-up leans on.
    assert "paternity_leave|amount||father|那我老公呢 他能休几天" == slot(events, "last_question")


@pytest.mark.parametrize("asked, follow_up, expected_first, leaning_on", [
    # What the follow-up names is looked for within the point it leans on.
    ("哺乳期每天有多少喂奶时间", "双胞胎呢", "多胞胎", "哺乳期每天有多少喂奶时间"),
    ("包头生孩子打无痛医保能报吗", "那试管呢", "辅助生殖", "包头生孩子打无痛医保能报吗"),
    ("中宁产检医保报销比例多少", "居民医保呢", "60%", "中宁产检医保报销比例多少"),
])
def test_a_follow_up_is_read_with_the_question_it_leans_on(asked, follow_up, expected_first, leaning_on, domain):
    first_events, _ = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=asked), domain)
    remembered = slot(first_events, "last_question")
    assert remembered.endswith("|" + leaning_on)
    region = slot(first_events, "region")
    slots = {"last_question": remembered, **({"region": region} if region != "<unset>" else {})}
    events, text = run(ActionFollowUp(), make_tracker(intent="follow_up", text=follow_up, slots=slots), domain)
    assert expected_first in "。".join(text.split("。")[:2]), text
    # "三胞胎呢" leans on both.
    assert slot(events, "last_question").endswith("|" + f"{leaning_on} {follow_up}"[-40:])


def test_hukou_elsewhere_follow_up_asks_the_same_point_for_that_place(domain):
    from actions.money import ActionAnswerSubsidy

    first_events, first = run(ActionAnswerSubsidy(), make_tracker(
        intent="ask_subsidy_amount", text="呼市二孩育儿补贴多少钱", entities=[entity("child_order", "2")]), domain)
    assert first.startswith("呼和浩特市另有生育补贴")
    assert slot(first_events, "last_question").startswith("local_subsidy|amount|2|")
    _, text = run(ActionSearchPolicy(), make_tracker(
        intent="nlu_fallback", text="我家孩子户口在包头呢",
        slots={"last_question": slot(first_events, "last_question"), "region": "hohhot"}), domain)
    assert text.startswith("知识库中没有找到包头市另外发放的地方育儿补贴"), text
    assert "3600" in text and "50000" not in text


def test_child_order_follow_up_keeps_the_place_and_topic(domain):
    tracker = make_tracker(intent="follow_up", text="那三胎呢",
                           slots={"region": "hohhot", "last_question": "maternity_leave|amount||"})
    _, text = run(ActionFollowUp(), tracker, domain)
    assert text.startswith("呼和浩特市女职工生育第三个孩子可享受产假188天（按内蒙古自治区规定")


def test_place_follow_up_changes_only_the_place(domain):
    tracker = make_tracker(intent="inform", text="那通化呢", entities=[entity("region", "tonghua")],
                           slots={"region": "baotou", "last_question": "maternity_leave|amount|3|"})
    events, text = run(ActionResume(), tracker, domain)
    assert "通化" in text.splitlines()[0] and "188" not in text
    assert "tonghua" == slot(events, "region")


def test_several_questions_get_one_numbered_answer_each(domain):
    tracker = make_tracker(intent="ask_leave", text="产假多少天、生育津贴谁发、育儿补贴能不能领、个税能不能扣",
                           entities=[entity("region", "baotou")])
    events, text = run(ActionAnswerLeave(), tracker, domain)
    assert all(f"\n{mark}、" in text for mark in "一二三四"), text
    assert "158" in text and "3600" in text and "2000" in text and "生育保险基金" in text
    assert len(slot(events, "cited_clauses")) >= 4


@pytest.mark.parametrize("text, expected_part", [
    ("产前能休几天 难产能多休几天", "其中产前可以休假15天"),        # the point, not the 98 days
    ("鄂尔多斯产假多少天 生育津贴谁来发", "由生育保险基金支付"),
])
def test_each_part_of_several_questions_gets_the_entry_it_gets_alone(text, expected_part, domain):
    _, reply = run(ActionAnswerLeave(), make_tracker(intent="ask_leave", text=text), domain)
    assert "\n二、" in reply and expected_part in reply.split("\n二、")[0] + reply.split("\n二、")[1], reply


@pytest.mark.parametrize("intent, text, first", [
    ("ask_tax_deduction", "子女教育专项附加扣除一个月扣多少", "没有规定子女教育专项附加扣除的标准"),
    ("ask_tax_deduction", "赡养老人能扣多少个税", "没有规定赡养老人专项附加扣除的标准"),
    ("ask_maternity_insurance", "领到的生育津贴需要交个税吗", "生育津贴要不要交个人所得税，这里的材料没有规定"),
])
def test_what_the_material_does_not_set_out_is_said_first_with_who_answers(intent, text, first, domain):
    from actions.money import ActionAnswerBenefit

    _, reply = run(ActionAnswerBenefit(), make_tracker(intent=intent, text=text), domain)
    assert first in reply.splitlines()[0] and "12366" in reply.splitlines()[0], reply


def test_the_infant_care_deduction_is_not_told_it_is_missing(domain):
    from actions.money import ActionAnswerBenefit

    _, reply = run(ActionAnswerBenefit(), make_tracker(intent="ask_tax_deduction", text="婴幼儿照护扣除一个月扣多少"), domain)
    assert "2000" in reply.splitlines()[0] and "材料只规定" not in reply, reply


def test_several_child_orders_named_get_every_amount(domain):
    tracker = make_tracker(intent="ask_subsidy_amount", text="呼市生一孩 二孩 三孩的补贴分别是多少", entities=[
        entity("region", "hohhot"), entity("child_order", "1"), entity("child_order", "2"), entity("child_order", "3")])
    _, reply = run(ActionAnswerSubsidy(), tracker, domain)
    assert "10000元" in reply and "50000元" in reply and "100000元" in reply, reply


@pytest.mark.parametrize("place, text, entry_words", [
    ("hohhot", "在呼和浩特生了二孩 国家的3600和市里的5万能一起拿吗", "是两项不同的补贴"),
    ("zhongning", "宁夏的育儿补贴金跟国家的育儿补贴是一回事吗", "不是一回事，是两项"),
])
def test_a_local_scheme_and_the_national_one_are_told_apart(place, text, entry_words, domain):
    tracker = make_tracker(intent="ask_subsidy_eligibility", text=text, entities=[entity("region", place)])
    _, reply = run(ActionAnswerSubsidy(), tracker, domain)
    assert reply.startswith(entry_words) and "3600" in reply, reply


def test_a_childcare_price_is_answered_by_its_entry_not_not_found(domain):
    tracker = make_tracker(intent="ask_childcare_policy", text="包头托育一个月多少钱", entities=[entity("region", "baotou")])
    _, reply = run(ActionSearchPolicy(), tracker, domain)
    assert "普惠指导价" in reply.splitlines()[0] and "没有找到" not in reply, reply


@pytest.mark.parametrize("text, expected, not_expected", [
    ("辞职了生育保险还能报吗", "", "未就业配偶"),                  # leaving a job is not a spouse without one
    ("老婆没工作能用我的生育保险吗", "职工未就业配偶", ""),
    ("男方参加生育保险有什么待遇", "未就业配偶", ""),
    ("生育保险报销需要什么材料", "12393", ""),
    ("单位不给报销产检费怎么办", "由用人单位支付", "计入劳动时间"),   # who pays, not 产检 time
])
def test_whose_insurance_and_what_to_bring(text, expected, not_expected, domain):
    from actions.money import ActionAnswerBenefit

    _, reply = run(ActionAnswerBenefit(), make_tracker(intent="ask_maternity_insurance", text=text), domain)
    assert expected in reply.splitlines()[0] and (not not_expected or not_expected not in reply), reply


@pytest.mark.parametrize("place, text, expected", [
    ("hohhot", "呼和浩特生孩子政府给多少钱", "10000元"),     # 政府 and 给钱 say how one asks, not what
    ("baotou", "包头生孩子政府给钱吗", "3600元"),
])
def test_money_from_the_government_is_the_subsidy(place, text, expected, domain):
    tracker = make_tracker(intent="ask_childcare_policy", text=text, entities=[entity("region", place)])
    _, reply = run(ActionSearchPolicy(), tracker, domain)
    assert expected in reply.splitlines()[0], reply


def test_an_amount_question_gets_every_amount_before_the_conditions(domain):
    tracker = make_tracker(intent="ask_childcare_policy", text="呼和浩特生孩子政府给多少钱",
                           entities=[entity("region", "hohhot")])
    _, reply = run(ActionSearchPolicy(), tracker, domain)
    lines = reply.splitlines()
    assert ["10000元", "50000元", "100000元"] == [re.search(r"共?(\d+元)", line).group(1) for line in lines[:3]], reply
    assert "户籍" in reply   # the conditions still follow


def test_an_eligibility_question_gets_each_amount_with_its_conditions(domain):
    tracker = make_tracker(intent="ask_subsidy_eligibility", text="在呼市买了房 孩子能领呼市的育儿补贴吗",
                           entities=[entity("region", "hohhot")])
    _, reply = run(ActionAnswerSubsidy(), tracker, domain)
    assert "10000元" in reply.splitlines()[0] and "2025年3月1日" in reply.splitlines()[1], reply


def test_a_renewal_question_is_not_told_the_first_claim_deadline(domain):
    tracker = make_tracker(intent="ask_subsidy_apply", text="24年出生的孩子 今年的育儿补贴续领截止到哪天")
    _, reply = run(ActionAnswerSubsidy(), tracker, domain)
    assert reply.startswith("续领按年度办") and "2025年12月31日" not in reply, reply


@pytest.mark.parametrize("text", ["产假包括双休日吗", "孕妇产前可以休几天产假", "不给员工休陪产假违法吗"])
def test_a_national_point_is_answered_without_asking_the_place(text, domain):
    _, reply = run(ActionAnswerLeave(), make_tracker(intent="ask_leave", text=text), domain)
    assert ASK_REGION not in reply and "来源：" in reply, reply


def test_long_tail_answers_with_the_clause_sentence(domain):
    tracker = make_tracker(intent="ask_education", text="包头二胎能和哥哥上同一所学校吗")
    _, text = run(ActionSearchPolicy(), tracker, domain)
    assert "同一所学校" in text.splitlines()[0] + text.splitlines()[1] and "包府办发〔2025〕49号" in text


def test_another_places_clause_is_labelled_with_its_place(domain):
    tracker = make_tracker(intent="ask_policy_general", text="零彩礼有什么奖励")
    _, text = run(ActionSearchPolicy(), tracker, domain)
    assert "仅适用于" in text or "没有找到" in text


@pytest.mark.parametrize("text, passed", [
    ("首次申请应当在2025年12月31日前提出", ["2025年12月31日"]),
    ("截止时间为2025年12月31日", ["2025年12月31日"]),
    ("对于2025年1月1日以前出生的婴幼儿", []),
    ("2027年12月31日前提出", []),
])
def test_passed_deadlines_are_recognised(text, passed):
    import datetime as dt

    from actions.answering import passed_deadlines

    assert passed == passed_deadlines(text, today=dt.date(2026, 12, 3))


@pytest.mark.parametrize("text, document", [
    ("98天产假是哪个法规规定的", "出自《女职工劳动保护特别规定》（国务院令第619号）第七条"),
    ("怀孕不能降工资是哪条规定", "出自《女职工劳动保护特别规定》（国务院令第619号）第五条"),
])
def test_a_source_request_naming_a_rule_answers_where_it_comes_from(text, document, domain):
    _, reply = run(ActionFollowUp(), make_tracker(intent="ask_source", text=text), domain)
    assert reply.startswith(document), reply
    assert "原文" in reply


def test_this_turns_entity_does_not_settle_a_shared_place_name(domain):
    """Rasa fills the region slot from this turn's entity (白云区 -> 白云鄂博矿区) before the
    action runs: only a place remembered from earlier turns may settle which is meant."""
    from rasa_sdk import Tracker

    tracker = Tracker(
        sender_id="t", slots={"region": "baiyunebo"},
        latest_message={"text": "白云区产假几天", "intent": {"name": "ask_leave", "confidence": 1.0},
                        "entities": [{"entity": "district", "value": "baiyunebo"}]},
        events=[{"event": "action", "name": "action_listen"},
                {"event": "user", "text": "白云区产假几天"},
                {"event": "slot", "name": "region", "value": "baiyunebo"}],
        paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")
    _, text = run(ActionAnswerLeave(), tracker, domain)
    assert "同名" in text and "广东省广州市白云区" in text, text


def test_a_districts_draft_is_not_given_for_a_county_of_the_same_city():
    from actions import answering
    from knowledge import qa

    draft_entry = qa.QAMatch(entry_id="x", topic="housing", facet="eligibility", jurisdiction="tonghua",
                             answer="…", clause_ids=("tonghua-draft:二/（一）/4",), score=1.0)
    assert answering.is_draft(draft_entry)
    assert answering.within_scope(draft_entry, place="dongchang")
    assert not answering.within_scope(draft_entry, place="tonghua-county")


def test_a_local_subsidy_without_a_place_comes_with_its_conditions(domain):
    """呼和浩特's 10000 元 shown to someone who named no place carries the hukou condition."""
    _, text = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text="一孩能拿一万吗"), domain)
    first = text.splitlines()[0]
    assert "呼和浩特" in first and "10000" in first
    assert "首次落户在呼和浩特市" in text and "2025年3月1日" in text


# ---------------------------------------------------------------- the words over the intent

@pytest.mark.parametrize("action, intent, text, wanted, unwanted", [
    # An NLU fallback would search clauses: the topic the words name is answered from the facts.
    (ActionSearchPolicy, "nlu_fallback", "呼和浩特一胎的育儿补贴标准是多少", "10000元", "停止发放"),
    # The leave the words name, not every leave of the place.
    (ActionAnswerLeave, "ask_leave", "老婆在内蒙古生孩子 丈夫有多少天假", "护理假25天", "产假158天"),
    # The national rule when it is asked for, without asking the place.
    (ActionAnswerLeave, "ask_leave", "国家层面规定的产假是几天", "98天", ASK_REGION),
    (ActionAnswerLeave, "ask_leave", "孕早期胎停做了流产手术能休几天", "15天", ASK_REGION),
    # No date given: the rule, not a date computation that asks for the birth date.
    (ActionAnswerLeave, "ask_leave_dates", "怀孕以后最早什么时候可以请产假", "15天", "出生日期"),
    # Every topic of a list asked 分别是多少.
    (ActionAnswerLeave, "ask_leave", "内蒙古产假 护理假 育儿补贴 个税扣除 分别是多少", "2000元", ASK_REGION),
    # 交个税 after a subsidy question is the tax on that subsidy, not the 个税 deduction.
    (ActionSearchPolicy, "ask_subsidy_apply", "育儿补贴谁来申请 钱打到哪个账户 要不要交个税", "免征个人所得税", ASK_REGION),
])
def test_the_words_decide_what_is_answered(domain, action, intent, text, wanted, unwanted):
    _, reply = run(action(), make_tracker(intent=intent, text=text), domain)
    assert wanted in reply and unwanted not in reply, reply


@pytest.mark.parametrize("text", ["包头生娃都能休哪些假", "买汽车有没有补贴"])
def test_every_leave_and_other_money_stay_with_the_action(domain, text):
    from actions import answering

    intent = "out_of_scope" if "汽车" in text else "ask_leave"
    assert answering.answer_turn(make_tracker(intent=intent, text=text), intent) is None


@pytest.mark.parametrize("intent, text, wanted", [
    ("ask_leave", "通化独生子女照护假要父母多大年纪才能休", "60周岁"),         # the family-support entry answers the leave
    ("ask_leave", "去医院产检请的假公司要扣钱吗", "计入劳动时间"),              # 产检 … 公司: the employer's duty
    ("ask_policy_general", "包头计生特殊家庭每年能免费体检一次吗", "体检"),      # 计生特殊家庭 is family support
])
def test_related_topics_reach_their_entry(domain, intent, text, wanted):
    from actions import answering

    reply = answering.answer_turn(make_tracker(intent=intent, text=text), intent)
    assert reply is not None and wanted in reply.lines[0], reply and reply.lines


@pytest.mark.parametrize("text, place, expected", [
    # The welfare institutions' entry is worded "去哪申请" too: without 福利 it is not the one.
    ("育儿补贴去哪申请", None, "subsidy-channels"),
    ("福利院的孩子育儿补贴去哪申请", None, "subsidy-welfare-institution"),
    # The ranker's clear leader, though a straddling bigram (期间被) favours its neighbour.
    ("怀孕期间被辞退合法吗", None, "no-dismissal-pregnancy"),
    # The place's own channels before the national ones.
    ("育儿补贴去哪申请", "hohhot", "hohhot-apply-channels"),
])
def test_the_entry_chosen_names_what_it_is_about(text, place, expected):
    from actions import answering, questions

    question = questions.read(text, intent="ask_subsidy_apply")
    match = answering.best_qa(question, chain=answering.place_chain(place))
    assert expected == (match and match.entry_id)


def test_key_terms_are_the_rare_words_of_nearly_every_paraphrase():
    from actions import answering

    assert {"福利"} == answering.key_terms("subsidy-welfare-institution")
    assert frozenset() == answering.key_terms("subsidy-channels")


def test_a_follow_up_changing_only_the_child_falls_back_to_the_facts(domain):
    # 宁夏's fund pays a third child once; when is not said: its amount is.
    tracker = make_tracker(intent="follow_up", text="三孩呢", slots={
        "region": "zhongning", "last_question": "local_subsidy|payment_time|||宁夏育儿补贴金多少钱"})
    _, text = run(ActionFollowUp(), tracker, domain)
    assert "4000元" in text.splitlines()[0], text


@pytest.mark.parametrize("text, first", [
    ("赛罕区卫健委电话多少", "赛罕区的咨询电话：0471-3121324。"),
    ("土左旗卫健委电话", "土左旗的咨询电话：0471-8151190。"),
])
def test_the_number_of_the_place_asked_comes_first(text, first, domain):
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text), domain)
    assert first == reply.splitlines()[0]
    assert "新城区“0471-6218572”" in reply   # the list follows


@pytest.mark.parametrize("text, expected_first", [
    # A year the fact rows do not tell apart: the entry on that year's standard.
    ("2022年那会儿婴幼儿照护扣除标准是多少", "2022年是每月1000元"),
    # An ordinary amount question: the fact rows.
    ("婴幼儿照护扣除标准是多少", "3岁以下婴幼儿照护个人所得税专项附加扣除：每个婴幼儿每月2000元"),
])
def test_an_amount_entry_answers_only_a_point_the_rows_do_not_tell_apart(text, expected_first, domain):
    from actions.money import ActionAnswerBenefit

    _, reply = run(ActionAnswerBenefit(), make_tracker(intent="ask_tax_deduction", text=text), domain)
    assert reply.startswith(expected_first), reply


@pytest.mark.parametrize("text, reminded", [
    ("2022年出生的孩子也有育儿补贴吗", True),
    ("俺家娃23年生的 还能领育儿补贴不", True),
    ("2025年5月出生的孩子育儿补贴能领吗", False),   # no deadline of its own
])
def test_a_child_born_before_2025_is_told_the_first_claim_deadline(text, reminded, domain):
    from actions.money import ActionAnswerSubsidy

    _, reply = run(ActionAnswerSubsidy(), make_tracker(intent="ask_subsidy_eligibility", text=text), domain)
    # The first-claim deadline (the national clause, or 内蒙古's guide naming that year) and that it has passed.
    assert reminded == ("2025年12月31日" in reply and "这个期限已经过了" in reply), reply


@pytest.mark.parametrize("text, first, also", [
    # The clause says which regulation it carries out: that regulation is named first.
    ("内蒙古产假158天依据的是哪个法规", "依据是《内蒙古自治区人口与计划生育条例》", "包府办发〔2025〕49号"),
    # A figure no fact row holds: the entry that states it, with its own clause.
    ("育儿补贴30个工作日审完出自哪个文件", "出自《育儿补贴制度管理规范（试行）》（国卫办人口发〔2025〕24号）第七条", "30个工作日"),
])
def test_a_source_question_names_the_source_of_that_figure(text, first, also, domain):
    _, reply = run(ActionFollowUp(), make_tracker(intent="ask_source", text=text), domain)
    assert reply.startswith(first) and also in reply, reply


def test_the_words_topic_outweighs_another_topics_intent(domain):
    from actions.money import ActionAnswerSubsidy

    # The NLU reads a money question as 育儿补贴; the words ask about 生育保险.
    _, reply = run(ActionAnswerSubsidy(), make_tracker(intent="ask_subsidy_amount", text="生育保险一个月交多少钱"), domain)
    assert reply.startswith("个人不缴") and "3600" not in reply, reply
    # A place outside the coverage is named first on that path too.
    _, reply = run(ActionAnswerSubsidy(), make_tracker(intent="ask_subsidy_amount", text="杭州生育津贴一般多少天能到账"),
                   domain)
    assert "杭州" in reply.splitlines()[0], reply


@pytest.mark.parametrize("text, finds", [
    ("单位有没有义务办托儿所", False),
    ("昆区哪有普惠托育", True),
    ("九原区有公办托育吗", True),
])
def test_a_childcare_rule_question_is_not_a_search_for_centres(text, finds, domain):
    from actions.childcare import ActionFindChildcare

    _, reply = run(ActionFindChildcare(), make_tracker(intent="ask_childcare_find", text=text), domain)
    assert finds == ("托育机构" in reply.splitlines()[0] and "演示数据" in reply), reply


@pytest.mark.parametrize("text, intent, first", [
    # A rare word the entry holds: that entry, not the subsidy rows.
    ("呼市申请育儿补贴 还没拿到房产证 用网签合同行不行", "ask_subsidy_apply", "可用网签合同或医保缴费记录"),
    ("呼和浩特二孩补贴的年审每年啥时候提交", "ask_subsidy_apply", "在下一年度集中审核期间"),
    # An overview: the rows.
    ("呼市二孩补贴多少钱", "ask_subsidy_amount", "呼和浩特市另有生育补贴："),
])
def test_a_rare_word_picks_the_entry_over_the_subsidy_rows(text, intent, first, domain):
    from actions.money import ActionAnswerSubsidy

    _, reply = run(ActionAnswerSubsidy(), make_tracker(intent=intent, text=text,
                                                       slots={"region": "hohhot"}), domain)
    assert reply.startswith(first), reply


@pytest.mark.parametrize("last_question, text", [
    ("parental_leave|rights|||单位说育儿假要按事假扣钱 对吗", "单位不给怎么办"),
    ("employment_rights|rights|||产检请假要扣工资吗", "单位非要扣怎么办"),
])
def test_what_to_do_after_a_rights_answer_is_where_to_complain(last_question, text, domain):
    _, reply = run(ActionFollowUp(), make_tracker(intent="follow_up", text=text,
                                                  slots={"last_question": last_question}), domain)
    assert reply.startswith("可投诉、仲裁、起诉") and "12333" in reply, reply


def test_time_off_for_checkups_is_an_employment_question(domain):
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_leave", text="产检请假要扣工资吗"), domain)
    assert reply.startswith("算劳动时间"), reply


@pytest.mark.parametrize("text", ["产假可以推迟休吗", "怀孕期间能请病假吗", "产假结束后能请哺乳假吗"])
def test_a_leave_point_no_place_decides_is_answered_without_asking_where(text, domain):
    # Nothing in the material says it, and no place's rule would: say so and who decides.
    _, reply = run(ActionAnswerLeave(), make_tracker(intent="ask_leave", text=text), domain)
    assert ASK_REGION not in reply and "12333" in reply, reply


def test_how_long_the_allowance_review_takes_is_a_review_time_question():
    from actions import questions

    assert "review_time" == questions.read("生育津贴多长时间审核完").facet


def test_a_time_question_takes_only_a_sentence_that_says_a_time():
    from actions import answering

    # Without the rule, 社会保险法 第五十六条's list of who gets the allowance was the answer.
    found = answering.best_sentences("生育津贴多长时间审核完", chain=None, topic="maternity_allowance")
    assert found is not None and all(answering.SENTENCE_CUES["review_time"].search(s) for s in found[1]), found
    assert "第五十六条" not in found[0]


def test_an_entry_about_one_birth_year_is_not_given_for_another_year():
    import datetime as dt

    from actions import answering

    assert {"2026"} == answering.years_named("孩子今年出生", today=dt.date(2026, 12, 4))
    assert not answering.names_its_number("我在包头 孩子今年出生 育儿补贴怎么领", "nm-deadline-2024")
    assert answering.names_its_number("24年生的宝宝补贴怎么领", "nm-deadline-2024")
    assert answering.names_its_number("之前是多少", "tax-infant-2022-standard")   # no year named


def test_a_follow_up_on_a_local_scheme_keeps_to_the_place_and_the_scheme(domain):
    from actions.money import ActionAnswerSubsidy

    first_events, _ = run(ActionAnswerSubsidy(), make_tracker(
        intent="ask_subsidy_amount", text="中宁二孩育儿补贴金多少", entities=[entity("child_order", "2")]), domain)
    slots = {"last_question": slot(first_events, "last_question"), "region": "zhongning"}
    events, reply = run(ActionFollowUp(), make_tracker(intent="follow_up", text="怎么申请", slots=slots), domain)
    assert "村（居）初审" in reply.splitlines()[0], reply   # 宁夏's own procedure, not the national channels
    assert slot(events, "last_question").startswith("local_subsidy|apply|")


def test_a_leave_point_the_rows_state_still_asks_where(domain):
    # "夫妻双方每人每年…" is in the rows: the place decides the days, so it is asked for.
    _, reply = run(ActionAnswerLeave(), make_tracker(intent="ask_leave", text="夫妻双方都可以休育儿假吗"), domain)
    assert ASK_REGION in reply


def test_a_question_naming_only_the_point_gets_the_places_entry_for_that_point():
    from actions import answering, questions

    question = questions.read("我在包头 育儿补贴在哪办", intent="ask_subsidy_apply")
    match = answering.best_qa(question, chain=answering.place_chain("baotou"))
    assert ("apply", "neimenggu") == (match.facet, match.jurisdiction)


@pytest.mark.parametrize("text, first", [
    ("呼和浩特育儿补贴实施细则是哪天发布的", "《呼和浩特市发放育儿补贴实施细则》的日期：2025-03-13。"),
    ("中宁的重点任务清单什么时候发布的", "《中宁县加快完善生育支持政策体系推动建设生育友好型社会重点任务清单》的日期：未印发布日期"),
])
def test_when_a_document_was_issued_is_its_own_date(text, first, domain):
    _, reply = run(ActionFollowUp(), make_tracker(intent="ask_source", text=text), domain)
    assert reply.startswith(first), reply


def test_a_title_named_vaguely_names_no_document():
    from actions import answering

    assert answering.document_named("育儿补贴") is None        # too few words to tell
    assert answering.document_named("包头的任务清单")["id"].startswith("baotou")


@pytest.mark.parametrize("intent, text, office", [
    # A special case no entry or clause speaks of (剖腹产 for the allowance): not the 流产
    # entry, not a sentence about the allowance in general.
    ("ask_maternity_insurance", "剖腹产生育津贴多给吗", "12393"),
    # A case or a time nothing states: not the topic's rows.
    ("ask_maternity_insurance", "在外地生孩子生育保险能报吗", "医保"),
    ("ask_maternity_insurance", "产检费用报销有期限吗", "医保"),
    # How to declare the tax deduction: not its rows, not the splitting rule.
    ("ask_tax_deduction", "婴幼儿照护个税怎么申报", "12366"),
    ("ask_tax_deduction", "个税app在哪填婴幼儿照护", "12366"),
])
def test_a_point_nothing_states_is_said_to_be_silent_with_who_decides(intent, text, office, domain):
    from actions.money import ActionAnswerBenefit

    _, reply = run(ActionAnswerBenefit(), make_tracker(intent=intent, text=text), domain)
    assert reply.startswith("现有政策文件对这一点没有具体规定") and office in reply, reply


@pytest.mark.parametrize("text, region, says_silent", [
    ("生育津贴交了材料 审核需要几个工作日", "ordos", True),        # no clause gives the days
    ("生育保险要连续交满几个月才能报销生孩子的费用", "baotou", True),
    ("育儿补贴审核要多久", None, False),                            # 30个工作日
    ("育儿补贴多久到账", None, False),                              # 每季度
    ("福利院替孩子申请的育儿补贴 钱打到哪里", None, False),           # where, not when
])
def test_a_time_no_clause_states_is_said_to_be_unstated_first(text, region, says_silent, domain):
    from actions.money import ActionAnswerBenefit, ActionAnswerSubsidy

    ents = [entity("region", region)] if region else []
    action, intent = (ActionAnswerBenefit(), "ask_maternity_insurance") if "生育" in text else (
        ActionAnswerSubsidy(), "ask_subsidy_apply")
    _, reply = run(action, make_tracker(intent=intent, text=text, entities=ents), domain)
    first = reply.splitlines()[0]
    assert says_silent == first.startswith("现有政策文件没有明确规定这个时间"), reply
    assert "来源：" in reply


@pytest.mark.parametrize("text, expected_entry", [
    ("公司没给交生育险 生孩子住院的钱找谁报", "birth-medical-costs"),        # the medical costs
    ("单位没给交生育保险 产假工资谁发", "allowance-uninsured"),               # the pay during leave
])
def test_medical_costs_and_pay_during_leave_are_told_apart(text, expected_entry):
    from actions import answering
    from actions import questions as qs

    assert expected_entry == answering.best_qa(qs.read(text, intent="ask_maternity_insurance"), chain=None).entry_id


@pytest.mark.parametrize("text", ["那产假期间的钱呢", "休产假的钱谁给"])
def test_the_money_during_leave_is_the_allowance(text):
    from actions import questions as qs

    assert "maternity_allowance" == qs.topic_of(text)


@pytest.mark.parametrize("clause_text, bullet", [
    ("申领人。每个家庭由1名申领人申领。", "· 申领人：每个家庭由1名申领人申领。"),   # a run-in heading is a label
    ("育儿补贴按年计算，每年一次性发放。", "· 育儿补贴按年计算，每年一次性发放。"),   # a sentence stays one
])
def test_a_clause_bullet_reads_its_run_in_heading_as_a_label(clause_text, bullet):
    from actions import templates

    assert bullet == templates.clause_bullet(clause_text)


def test_a_deadline_question_about_an_early_birth_gets_the_deadline_first(domain):
    tracker = make_tracker(intent="ask_subsidy_apply", text="24年生的宝宝育儿补贴截止时间")
    _, reply = run(ActionAnswerSubsidy(), tracker, domain)
    assert "2025年12月31日" in reply.splitlines()[0], reply


def test_a_question_naming_no_topic_is_answered_by_an_entry_holding_its_words(domain):
    tracker = make_tracker(intent="nlu_fallback", text="呼市孩子落户了 一直没收到免申即享的短信 咋办",
                           entities=[entity("region", "hohhot")])
    _, reply = run(ActionSearchPolicy(), tracker, domain)
    assert "短信" in reply.splitlines()[0] and "没有找到" not in reply, reply


def test_after_the_review_when_the_money_comes_is_a_payment_question():
    from actions import questions as qs

    assert "payment_time" == qs.facet_of("审完多久能发钱")
    assert "review_time" == qs.facet_of("审核要多久")


def test_a_place_follow_up_asks_the_same_point_there(domain):
    tracker = make_tracker(intent="follow_up", text="那中宁呢", entities=[entity("region", "zhongning")],
                           slots={"last_question": "housing|general|||包头公租房多孩家庭有照顾吗", "region": "baotou"})
    _, reply = run(ActionFollowUp(), tracker, domain)
    assert "公租房" in reply.splitlines()[0] and "中宁" in reply.splitlines()[0], reply


@pytest.mark.parametrize("text, named", [("暖心行动是干啥的", "暖心行动"), ("生完孩子想再就业 春风行动是啥", "春风行动")])
def test_what_a_named_measure_is_is_answered_by_the_clause_naming_it(text, named, domain):
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text), domain)
    assert named in reply.splitlines()[0], reply


def test_a_child_born_in_2025_is_not_told_the_deadline_for_earlier_births(domain):
    tracker = make_tracker(intent="nlu_fallback", text="孩子2025年12月出生 什么时候申请")
    _, reply = run(ActionSearchPolicy(), tracker, domain)
    assert "出生当年或次年" in reply.splitlines()[0] and "2025年1月1日以前出生" not in reply, reply


def test_a_follow_up_after_a_question_without_topic_takes_the_intents_topic(domain):
    # "在哪申请" went to the clause search (no topic); "钱能打到我卡上吗" is the subsidy's account.
    tracker = make_tracker(intent="ask_subsidy_apply", text="钱能打到我卡上吗",
                           slots={"last_question": "|apply|||孩子户口还在他爸那边 在哪申请"})
    _, text = run(ActionAnswerSubsidy(), tracker, domain)
    assert "银行卡" in text.splitlines()[0] and "没有具体规定" not in text, text


def test_miscarriage_costs_name_what_the_insurance_pays_and_who_decides(domain):
    tracker = make_tracker(intent="ask_policy_general", text="怀孕两个多月自然流产了 医药费能走生育保险吗")
    _, text = run(ActionSearchPolicy(), tracker, domain)
    first = text.splitlines()[0]
    # 第八条 says it: the fund pays for those insured, the employer for those not.
    assert first.startswith("能报") and "流产的医疗费用" in first and "由生育保险基金支付" in first \
        and "医保经办机构" in first and "15天" in first, text


@pytest.mark.parametrize("place, text, expected", [
    ("tonghua", "通化的幼儿园开托班吗", "招收3岁以下幼儿"),          # a draft is all there is: flagged
    ("tonghua", "通化有托班吗", "征求意见稿"),
    ("tonghua", "在通化开托班的幼儿园 水电煤气按居民价吗", "与居民同价"),
])
def test_a_drafts_childcare_entry_answers_where_no_rows_exist(place, text, expected, domain):
    tracker = make_tracker(intent="ask_childcare_policy", text=text, entities=[entity("region", place)])
    _, reply = run(ActionSearchPolicy(), tracker, domain)
    assert expected in reply.splitlines()[0] and "征求意见稿" in reply, reply


@pytest.mark.parametrize("last, text, expected", [
    ("maternity_insurance|special_case|||生育津贴怎么算 没交生育保险呢", "找谁", "医保"),
    ("childcare_subsidy|apply|||育儿补贴怎么申请", "归哪个部门管", "乡镇人民政府（街道办事处）"),
    ("tax_deduction|general|||个税婴幼儿照护怎么扣", "该找谁", "12366"),
])
def test_a_bare_who_to_ask_names_the_office_of_the_last_answer(last, text, expected, domain):
    from actions.department import ActionAnswerDepartment

    tracker = make_tracker(intent="ask_department", text=text, slots={"last_question": last})
    _, reply = run(ActionAnswerDepartment(), tracker, domain)
    assert expected in reply.splitlines()[0] and "来源" not in reply, reply


def test_an_entry_about_a_case_does_not_answer_a_question_without_it(domain):
    # "产假工资谁发" is not asked by someone whose employer did not pay in: the insured rule first.
    tracker = make_tracker(intent="ask_maternity_insurance", text="产假工资谁发", entities=[entity("region", "baotou")])
    _, reply = run(ActionSearchPolicy(), tracker, domain)
    assert reply.startswith("参加生育保险的，由生育保险支付"), reply


@pytest.mark.parametrize("last, text, expected", [
    ("tax_deduction|split_transfer||father|个税婴幼儿照护怎么扣", "孩子几岁停止", "至年满3周岁的前一个月止"),
    ("childcare_subsidy|amount|||育儿补贴一年多少钱", "孩子几岁就不发了", "直至婴幼儿年满3周岁"),
])
def test_until_what_age_follows_the_topic(last, text, expected, domain):
    tracker = make_tracker(intent="follow_up", text=text, slots={"last_question": last})
    _, reply = run(ActionFollowUp(), tracker, domain)
    assert expected in reply.splitlines()[0], reply


@pytest.mark.parametrize("last, text, place, unwanted, expected", [
    # A follow-up naming something no entry holds is not answered by a neighbouring entry.
    ("parental_leave|eligibility|||包头育儿假几天 夫妻都能休吗", "没休完能折现吗", "baotou", "父母都有", "没有具体规定"),
    # Without a place, never another place's draft.
    ("tax_deduction|amount|||个税照护扣除多少", "二孩也能扣吗", None, "征求意见稿", "每个婴幼儿"),
])
def test_a_follow_up_gets_no_neighbours_entry(last, text, place, unwanted, expected, domain):
    slots = {"last_question": last, **({"region": place} if place else {})}
    _, reply = run(ActionFollowUp(), make_tracker(intent="follow_up", text=text, slots=slots), domain)
    assert unwanted not in reply and expected in reply.splitlines()[0], reply


def test_a_refusal_after_a_leave_answer_is_a_complaint_about_that_leave(domain):
    from actions.department import ActionAnswerDepartment

    tracker = make_tracker(intent="ask_department", text="单位不批怎么办",
                           slots={"last_question": "paternity_leave|counting|||包头护理假多少天", "region": "baotou"})
    _, reply = run(ActionAnswerDepartment(), tracker, domain)
    assert "生育休假" in reply.splitlines()[0] and "社会保险争议" not in reply, reply


def test_a_follow_up_on_a_places_own_scheme_gets_that_schemes_entry(domain):
    # "怎么申请" after 中宁's 二孩 subsidy is about 宁夏's 育儿补贴金, not the national channels.
    tracker = make_tracker(intent="ask_subsidy_apply", text="怎么申请",
                           slots={"last_question": "local_subsidy|amount|2||中宁生二孩有什么补贴", "region": "zhongning"})
    _, reply = run(ActionAnswerSubsidy(), tracker, domain)
    assert "村（居）初审" in reply.splitlines()[0], reply


def test_a_fallback_on_a_money_topic_gets_its_rows_not_another_schemes_clause(domain):
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="nlu_fallback", text="育儿补贴能领几年"), domain)
    assert reply.startswith("国家育儿补贴每孩每年3600元") and "宁夏" not in reply, reply


@pytest.mark.parametrize("last, text, place, expected", [
    ("local_subsidy|amount|1||呼市一孩补贴多少", "国家的呢", "hohhot", "国家育儿补贴每孩每年3600元"),
    ("local_subsidy|special_case|3||呼市生三孩补贴怎么发 要是孩子户口在老家呢", "那国家的呢", "hohhot", "户籍所在地"),
    ("childcare_service|general|||托班收几岁的 一岁半行吗", "包头有吗", "baotou", "托班"),
    ("childcare_subsidy|general|||包头生孩子能领哪些钱", "那假期呢", "baotou", "产假158天"),
])
def test_a_follow_up_changes_only_what_it_names(last, text, place, expected, domain):
    tracker = make_tracker(intent="follow_up", text=text, slots={"last_question": last, "region": place})
    _, reply = run(ActionFollowUp(), tracker, domain)
    assert expected in reply.splitlines()[0] and "没有具体规定" not in reply, reply


def test_another_person_in_one_message_is_a_part_of_its_own(domain):
    tracker = make_tracker(intent="ask_leave", text="包头生二胎产假多少天 老公有几天 育儿补贴怎么领",
                           entities=[entity("region", "baotou")])
    _, reply = run(ActionSearchPolicy(), tracker, domain)
    lines = reply.splitlines()
    assert "产假158天" in lines[1] and "护理假25天" in lines[2] and lines[3].startswith("三、育儿补贴怎么领"), reply


@pytest.mark.parametrize("text, place, first", [
    ("已经领了呼市的补贴 还能领国家的吗", "hohhot", "是两项不同的补贴"),       # both schemes, not a deadline
    ("去年领过了 今年还能领吗", None, "要按年申领"),                            # renewing, not a missed year
])
def test_whether_one_can_claim_again_is_not_read_as_a_missed_deadline(text, place, first, domain):
    ents = [entity("region", place)] if place else []
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text, entities=ents), domain)
    assert reply.startswith(first) and "不能补" not in reply, reply


@pytest.mark.parametrize("place, text, first", [
    ("baotou", "孩子满三岁了育儿假还能休吗", "孩子满3周岁后就不能再休育儿假了。包头市的规定是"),
    ("tonghua", "孩子四岁了还能请育儿假吗", "孩子满3周岁后就不能再休育儿假了。通化市的规定是"),
])
def test_parental_leave_past_the_age_is_a_no_with_the_places_rule(place, text, first, domain):
    _, reply = run(ActionAnswerLeave(), make_tracker(intent="ask_leave", text=text, entities=[entity("region", place)]),
                   domain)
    assert reply.startswith(first), reply


def test_a_rule_question_naming_the_due_date_is_not_a_date_calculation(domain):
    from actions.leave import ActionLeaveDates

    _, reply = run(ActionLeaveDates(), make_tracker(intent="ask_leave_dates", text="产假是从预产期开始算吗"), domain)
    assert "产前可以休假15天" in reply.splitlines()[0] and ASK_REGION not in reply, reply


@pytest.mark.parametrize("text, unwanted", [
    ("老公交了生育保险 我生孩子能报吗", "流产"),              # an entry about a miscarriage is not asked here
    ("男方生育保险能报老婆生孩子的费用吗", "流产的费用"),
])
def test_an_entry_about_a_case_of_any_point_needs_the_case_named(text, unwanted, domain):
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_maternity_insurance", text=text), domain)
    assert unwanted not in reply.splitlines()[0], reply


def test_this_years_deadline_is_not_led_by_the_past_first_claim_date(domain):
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="nlu_fallback", text="育儿补贴今年的截止日期是哪天"), domain)
    assert reply.startswith("今年的申请要在今年内提出") and "按年度申请" in reply.splitlines()[0], reply


def test_the_kind_of_employer_is_context_not_a_point(domain):
    # Every employer is covered: "我是公务员" does not make the question one the rows cannot answer.
    tracker = make_tracker(intent="ask_leave", text="我是公务员 能休育儿假吗", entities=[entity("region", "baotou")])
    _, reply = run(ActionAnswerLeave(), tracker, domain)
    assert "育儿假10天" in reply.splitlines()[0], reply


@pytest.mark.parametrize("intent, place, text, first", [
    ("ask_maternity_insurance", "baotou", "在包头做灵活就业 交的是居民医保 生孩子有生育津贴吗",
     "只交居民医保的，文件写的是享受生育医疗待遇（生育医疗费用），没有写生育津贴"),
    ("ask_maternity_insurance", "baotou", "包头参加生育保险的女职工 生三胎的费用能报吗", "纳入"),   # not the no-job entry
    ("ask_subsidy_apply", None, "福利院替孩子申请的育儿补贴 钱打到哪里", "发到儿童福利机构的对公账户"),
    # 辞职: the entry says the material is silent and who decides, then what the law covers
    ("ask_maternity_insurance", None, "产假期间辞职还有生育津贴吗", "这里的材料没有写明辞职、断缴后还能不能领生育津贴"),
    ("ask_subsidy_eligibility", None, "户口不在本地能领育儿补贴吗", "能领国家育儿补贴，补贴对象不看父母在哪工作"),
    # a deadline question with no birth named: the rule for every birth, not the past date of some
    ("ask_subsidy_apply", None, "育儿补贴什么时候截止申请", "2025年及以后出生的孩子，首次申请在出生当年或次年提出"),
    # a deadline asked in no time word ("过期了"): that none is stated comes first
    ("ask_subsidy_apply", "zhongning", "宁夏育儿补贴金过期了还能领吗", "现有政策文件没有明确规定这个时间"),
    # 扣 heard as the tax deduction: the words name the subsidy, and a complaint about it
    ("ask_tax_deduction", None, "村里发育儿补贴的时候扣了一部分钱 去哪儿反映", "可以向县级卫健部门或乡镇（街道）申诉、举报"),
    ("ask_tax_deduction", None, "去年忘了填婴幼儿照护扣除 今年还能补扣吗", "现有政策文件对这一点没有具体规定"),
    ("ask_subsidy_apply", "zhongning", "中宁生了二胎 宁夏育儿补贴金要在出生后多久申请", "现有政策文件没有明确规定这个时间"),
])
def test_the_point_asked_is_answered_first(intent, place, text, first, domain):
    from actions.base import HANDLERS
    from rasa_sdk.executor import CollectingDispatcher

    ents = [entity("region", place)] if place else []
    dispatcher = CollectingDispatcher()
    HANDLERS[intent]().respond(dispatcher, make_tracker(intent=intent, text=text, entities=ents), intent)
    reply = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    assert reply.startswith(first), reply


def test_a_follow_up_asking_a_point_keeps_the_case_it_leans_on(domain):
    # "要什么材料" after a divorce question: what a divorced family hands in, not the list for everyone.
    tracker = make_tracker(intent="ask_subsidy_apply", text="在呼市申请的话要什么材料", entities=[entity("region", "hohhot")],
                           slots={"last_question": "childcare_subsidy|special_case|||离婚后孩子判给我 育儿补贴谁领"})
    _, text = run(ActionAnswerSubsidy(), tracker, domain)
    assert text.startswith("离婚、丧偶、收养家庭在基本材料之外另需") and "抚养声明" in text, text
    # Without a case before it, the materials for everyone.
    tracker = make_tracker(intent="ask_subsidy_apply", text="在呼市申请的话要什么材料", entities=[entity("region", "hohhot")],
                           slots={"last_question": "childcare_subsidy|amount|||育儿补贴一年多少钱"})
    _, text = run(ActionAnswerSubsidy(), tracker, domain)
    assert text.startswith("主要材料"), text


@pytest.mark.parametrize("intent, text, first", [
    ("compare_regions", "托育和幼儿园有什么区别", "托育服务的形式有"),       # two things compared, not two places
    ("compare_regions", "生育津贴和产假工资一样吗", "产假期间发的是生育津贴"),
])
def test_a_comparison_of_two_things_is_answered_without_asking_where(intent, text, first, domain):
    from actions.base import HANDLERS
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    HANDLERS[intent]().respond(dispatcher, make_tracker(intent=intent, text=text), intent)
    reply = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    assert reply.startswith(first), reply


@pytest.mark.parametrize("place, text, last, first, then", [
    # another leave, the same point: "护理假包括周末吗" — not said; the days follow
    ("baotou", "那护理假呢", "maternity_leave|counting|||包头产假包括周末吗", "现有政策文件对这一点没有具体规定", "包头市男方可享受护理假25天"),
    # a point no 内蒙古 entry holds (分开休): not the entry on children counted
    ("chifeng", "能分开休吗", "parental_leave|general|||赤峰育儿假怎么休", "现有政策文件对这一点没有具体规定", "赤峰市在子女3周岁以前"),
    # only whose: the leave's own rows say 夫妻双方
    ("chifeng", "老公也有吗", "parental_leave|general|||赤峰育儿假怎么休", "赤峰市在子女3周岁以前，夫妻双方每人每年可享受育儿假10天", None),
])
def test_a_leave_follow_up_keeps_its_point(place, text, last, first, then, domain):
    tracker = make_tracker(intent="ask_leave", text=text, entities=[entity("region", place)], slots={"last_question": last})
    _, reply = run(ActionFollowUp(), tracker, domain)
    lines = reply.splitlines()
    assert lines[0].startswith(first), reply
    assert then is None or lines[1].startswith(then), reply


def test_a_deadline_follow_up_keeps_the_birth_it_leans_on(domain):
    # "截止到什么时候" after a 2023 birth: that birth's deadline (2025-12-31), not the rule for births from 2025.
    tracker = make_tracker(intent="follow_up", text="截止到什么时候",
                           slots={"last_question": "childcare_subsidy|deadline|||2023年出生的孩子育儿补贴能领几次"})
    _, reply = run(ActionFollowUp(), tracker, domain)
    assert reply.startswith("截止2025年12月31日"), reply


def test_a_benefit_row_without_an_amount_quotes_its_clause_not_a_fragment(domain):
    from actions.money import ActionAnswerBenefit

    tracker = make_tracker(intent="ask_housing", text="包头二孩家庭买房公积金能贷多少", entities=[entity("region", "baotou")])
    _, reply = run(ActionAnswerBenefit(), tracker, domain)
    first = reply.splitlines()[0]
    assert first.startswith("住房公积金：“对多子女家庭，有条件的盟市，可给予适当提高住房公积金提取额度、贷款额度"), reply
    assert "住房公积金：多子女家庭（有条件的盟市）" not in reply


@pytest.mark.parametrize("intent", ["ask_housing", "ask_leave"])
def test_a_rare_word_one_entry_holds_is_answered_whatever_intent_would_ask_where(intent, domain):
    # "巾帼创业贷" is 中宁's: heard as a housing or leave question it was asked "which region".
    from actions.base import HANDLERS
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    HANDLERS[intent]().respond(dispatcher, make_tracker(intent=intent, text="巾帼创业贷能贷吗"), intent)
    reply = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    assert "巾帼创业贷" in reply.splitlines()[0] and "仅适用于中宁县" in reply, reply
