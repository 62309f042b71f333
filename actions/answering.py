"""Answer the point asked: source requests, follow-ups, several questions in one
message, and facets (review time, deadline, counting rule …) that no fact row holds.

`answer_turn` runs before an action's own logic. It returns a finished Answer when the
turn is one of those cases, or None to let the action answer as before. Where the
material is silent it names the office that decides, never a guess.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from dataclasses import replace
from functools import lru_cache
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import knowledge_access as ka
from actions import questions as qs
from actions import templates
from actions.base import HANDLERS, Answer
from bot.nlu.text import normalise
from knowledge import qa, regions, search, store

# Facets the fact tables answer well (the actions' own logic); every other facet is
# answered from the question-answer table or the clauses.
FACT_FACETS = {"amount", "general"}
FACT_TOPICS = {"maternity_leave", "paternity_leave", "parental_leave", "marriage_leave", "only_child_leave",
               "childcare_subsidy", "local_subsidy", "tax_deduction", "housing", "maternity_insurance",
               "childcare_service"}
# An entry is shown when one of its paraphrases holds this share of the question's
# terms (more when the entry is about another facet than the one asked).
MIN_COVERAGE = 0.45
SAME_FACET_COVERAGE = 0.2
FACET_MISMATCH_COVERAGE = 0.7
# A best entry whose match score is this many times the next one's needs only this coverage.
CLEAR_LEAD = 1.6
LEADER_COVERAGE = 0.4
# The ranker's first entry is kept among the fitting ones when it holds nearly as much of
# the question (this far below the best share) and scores this many times each of them.
LEADER_SHARE_GAP = 0.2
LEADER_SCORE_RATIO = 1.2
# Without a place, a national entry this far below the best share still goes first.
NATIONAL_SHARE_GAP = 0.2
# Between entries that fit as well, the one about the point asked counts as this much
# closer in wording ("去哪申请" is the channels', not the materials' entry).
SAME_FACET_SIMILARITY = 0.25
# An amount question goes to another point's entry only with this share.
STRICT_COVERAGE = 0.75
# Topics whose answers are points of a document, not rows per place: a place follow-up
# ("那中宁呢") asks the same point there.
POINT_TOPICS = {"housing", "childcare_service", "education", "health_service", "employment_rights", "family_support"}
# Topics whose fact tables hold no amounts (托育 has centres, not prices): an entry on the
# amount answers it.
NO_AMOUNT_ROWS = {"childcare_service"}
# A clause sentence must share this many of the question's terms to be shown.
MIN_SENTENCE_TERMS = 2
MAX_PARTS = 4
# Fact topics whose actions list every row: a specific question is better answered by
# the clause sentence that says it.
SENTENCE_TOPICS = {"maternity_insurance", "housing", "childcare_service"}
# Topics without fact rows: a draft's entry is all there is to say, flagged as a draft.
NO_ROWS_TOPICS = {"childcare_service"}
GENERAL_ENTRY_SIMILARITY = 0.4
# Where a rule without a place can stand for the citizen's (a province's, not a county's).
WIDE_JURISDICTIONS = {"china", "neimenggu", "jilin", "ningxia"}
# Points the fact rows never answer: when no entry or clause does, the material is silent.
SILENT_FACETS = {"special_case", "review_time", "payment_time", "deadline"}
# How to declare the tax deduction (个税App) is not in the material: its rows are not the answer.
SILENT_FACETS_OF_TOPIC = {"tax_deduction": {"apply"}}
# Questions whose actions do something the table cannot: name departments, find
# centres, count dates, compare places.
OWN_LOGIC_INTENTS = {"ask_department", "ask_childcare_find", "ask_leave_dates", "compare_regions"}

# Who decides when the material is silent, by topic.
DEPARTMENT_OF_TOPIC = {
    "maternity_leave": "department_leave", "paternity_leave": "department_leave",
    "parental_leave": "department_leave", "marriage_leave": "department_leave",
    "only_child_leave": "department_leave", "miscarriage_leave": "department_leave",
    "employment_rights": "department_leave",
    "maternity_allowance": "department_insurance", "maternity_insurance": "department_insurance",
    "childcare_subsidy": "department_subsidy", "local_subsidy": "department_subsidy",
    "tax_deduction": "department_tax", "housing": "department_housing",
    "childcare_service": "department_health", "health_service": "department_health",
    "family_support": "department_health", "education": "department_education",
    "marriage_custom": "department_civil",
}


# ---------------------------------------------------------------- turn state

def last_question(tracker: Tracker) -> Optional[qs.Question]:
    """The question the last answer was about (slot `last_question`:
    topic|facet|order|who|words, the words those of the question a follow-up leans on)."""
    value = tracker.get_slot("last_question")
    if not isinstance(value, str) or value.count("|") not in (3, 4):
        return None
    topic, facet, order, who, *words = value.split("|")
    return qs.Question(text=words[0] if words else "", topic=topic or None, facet=facet or "general",
                       child_order=int(order) if order.isdigit() else None, who=who or None)


# The anchor words kept for follow-ups: a question's opening is its point.
MAX_CONTEXT_CHARS = 40


def remember(question: qs.Question) -> SlotSet:
    # A follow-up adds its words to those it leaned on ("产前休几天", "要是难产呢", then
    # "剖宫产也算吗" leans on both); the latest words are kept when they grow long.
    words = question.text or ""
    if question.follow_up and question.context:
        # Only a follow-up that names something adds it ("要是难产呢"; not "三孩呢", "内蒙古呢").
        words = question.context + (" " + question.text if names_content(question.text) else "")
    words = words.replace("|", " ").replace("\n", " ").strip()[-MAX_CONTEXT_CHARS:]
    return SlotSet("last_question", "|".join([question.topic or "", question.facet,
                                              str(question.child_order or ""), question.who or "", words]))


def question_of_intent(tracker: Tracker, intent: str) -> qs.Question:
    """What an action's own answer was about, so that a follow-up can lean on it."""
    question = qs.read(tracker.latest_message.get("text") or "", intent=intent)
    leave_type = ka.latest_entity(tracker, "leave_type")
    if leave_type in qs.TOPIC_OF_LEAVE_TYPE:
        question = qs.with_topic(question, qs.TOPIC_OF_LEAVE_TYPE[leave_type])
    previous = last_question(tracker)
    if question.topic is None and previous is not None:   # "截止什么时候" stays on its topic
        question = qs.with_topic(question, previous.topic)
    return question


# The action that answers a topic when a turn has to be resumed (after "which 白云区?").
INTENT_OF_TOPIC = {
    "maternity_leave": "ask_leave", "paternity_leave": "ask_leave", "parental_leave": "ask_leave",
    "marriage_leave": "ask_leave", "only_child_leave": "ask_leave", "miscarriage_leave": "ask_leave",
    "childcare_subsidy": "ask_subsidy_amount", "local_subsidy": "ask_subsidy_amount",
    "tax_deduction": "ask_tax_deduction", "maternity_allowance": "ask_maternity_insurance",
    "maternity_insurance": "ask_maternity_insurance", "housing": "ask_housing",
    "childcare_service": "ask_childcare_policy", "education": "ask_education",
}


def intent_of_turn(tracker: Tracker) -> Optional[str]:
    """The answering intent for what this turn (or the one before) is about."""
    topic = qs.topic_of(tracker.latest_message.get("text") or "") or (last_question(tracker) or qs.read("")).topic
    return INTENT_OF_TOPIC.get(topic or "")


def place_chain(place: Optional[str]) -> Optional[list[str]]:
    """Region ids from the place up to the country, or None when no covered place is known."""
    if not place:
        return None
    region = ka.region_of(place)
    if region is None:   # a place outside the store: only national rules apply to it
        return ["china"]
    return [r.id for r in ka.gazetteer().chain(region.id)]


# ---------------------------------------------------------------- entry point

def answer_turn(tracker: Tracker, intent: str) -> Optional[Answer]:
    """A finished answer for this turn, or None when the action's own logic should answer."""
    # As the NLU saw it: 育兒補貼 is 育儿补贴, full-width digits are digits.
    text = normalise((tracker.latest_message.get("text") or "").strip())
    if not text or text.startswith("/"):
        return None
    place = ka.current_place(tracker)
    previous = last_question(tracker)
    question_parts = qs.read_message(text, intent=intent)
    first = question_parts[0]
    if first.facet == "source" and len(question_parts) == 1:
        content = qs.without_source_words(text)
        document = document_named(content) if qs.asks_when_issued(text) else None
        if document is not None:
            # "呼和浩特育儿补贴实施细则是哪天发布的": the document's own date, with its first clause.
            reply = Answer()
            first_clause = store.clauses_of(conn=ka.connection(), doc_id=document["id"])[0]["id"]
            reply.say(templates.issued_on(ka.cite(first_clause)))
            reply.cite(first_clause)
            return reply
        pointing_back = bool(_POINTING_BACK.search(text)) and tracker.get_slot("cited_clauses")
        if not pointing_back and (qs.topic_of(content) or qs.specific_terms(content)):
            # "98天产假是哪个法规规定的": answer the content, its source first.
            reply = source_of_content(qs.read(content, intent=intent), place=place, tracker=tracker)
            if reply is not None:
                finish(reply, qs.read(content, intent=intent), place)
                return reply
        if tracker.get_slot("cited_clauses"):
            return show_sources(tracker.get_slot("cited_clauses"))
    if intent == "ask_leave_dates" and previous is not None and previous.topic not in qs.LEAVE_TOPICS \
            and qs.is_follow_up(text) and not qs.topic_of(text):
        # "那3月10号生的呢" after the 呼市 subsidy: a birth date for that question, not leave dates.
        intent = "follow_up"
    if intent == "ask_leave_dates" and not has_date(tracker, text):
        # "怀孕以后最早什么时候可以请产假" asks the rule, not dates counted from a birth.
        intent = "ask_leave"
    if intent == "ask_childcare_find" and _CHILDCARE_RULE.search(text) and not _FINDING.search(text):
        # "单位有没有义务办托儿所" asks a rule, not where the centres are.
        intent = "ask_childcare_policy"
    if intent in OWN_LOGIC_INTENTS:
        return None
    if previous is not None and qs.is_follow_up(text) and len(question_parts) == 1 \
            and not qs.asks_anew(previous, text):
        question = qs.follow(previous, text)
        if question.topic is None and first.topic:
            # The last question had no topic (a clause search): the intent's topic for this one.
            question = qs.with_topic(question, first.topic)
        reply = Answer()
        say_outside(place, reply)
        # "那国家的呢" after a local scheme: the national rule, wherever the citizen is.
        answer_one(question, place=None if qs.asks_national_scheme(previous, text) else place, reply=reply,
                   tracker=tracker, brief=False)
        finish(reply, question, place)
        return reply
    if len(question_parts) > 1:
        from actions import totals   # (totals builds on answering)

        reply = Answer()
        reply.say(templates.several_questions(len(question_parts)))
        say_outside(place, reply)
        for number, question in enumerate(question_parts[:MAX_PARTS], start=1):
            part = Answer()
            answer_one(question, place=place, reply=part, tracker=tracker, brief=True)
            # "…两口子平分的话一人扣多少": that part's total, worked out, as when asked alone.
            totals.lead_with_deduction_total(question.text, reply=part, topic=question.topic)
            reply.say(templates.numbered_part(number, question.text, part.lines))
            reply.cite(*part.clause_ids)
            reply.events += [e for e in part.events if e.get("name") != "last_question"]
        finish(reply, question_parts[-1], place)
        return reply
    bare = qs.read(text)   # the words alone, without the intent's topic
    handler = HANDLERS.get(intent)
    if place is None and bare.topic is None and handler is not None and handler().place_needed(intent) \
            and qs.is_a_question(text) and is_distinctive(text):
        # "巾帼创业贷能贷吗" heard as a housing question would be asked where; a rare word
        # that one entry holds nearly whole answers it, whatever the intent's topic.
        match = best_qa(bare, chain=None, least=STRICT_COVERAGE)
        if match is not None and not is_draft(match) and holds_rare_term(text, match.entry_id) \
                and answer_names_what_is_asked(text, match):
            reply = Answer()
            say_entry(match, question=bare, place=place, reply=reply)
            finish(reply, qs.with_topic(bare, match.topic), place)
            return reply
    if place is None and first.topic in qs.LEAVE_TOPICS and first.facet in qs.GENERAL_FACETS \
            and (first.leave_type == "流产假" or qs.asks_national(text)):
        # The State Council's rule is the answer (流产假 is the same everywhere; "国家规定的
        # 产假" asks for it): give it and offer to narrow it, not ask where first.
        from actions import leave

        reply = Answer()
        leave.say_leave_without_place(reply, leave_type=first.leave_type, ask=False)
        if reply.clause_ids:
            finish(reply, first, place)
            return reply
    if first.topic == "local_subsidy":
        # "包头有没有一孩一万的补贴": whose scheme it is decides the answer.
        reply = Answer()
        answer_one(first, place=place, reply=reply, tracker=tracker, brief=False)
        finish(reply, first, place)
        return reply
    words_topic = qs.topic_of(text)
    intent_topic = qs.TOPIC_OF_INTENT.get(intent, words_topic)
    if words_topic in qs.LEAVE_TOPICS and intent_topic not in qs.LEAVE_TOPICS \
            or words_topic in WORDS_WIN_TOPICS and intent_topic and words_topic != intent_topic \
            and not qs.same_family(words_topic, intent_topic) and len(qs.topics_named(text)) == 1 \
            or words_topic == "childcare_subsidy" and "育儿补贴" in text and intent_topic == "tax_deduction" \
            and not qs.is_taxation(text) and len(qs.topics_named(text)) == 1:
        # ("发育儿补贴时扣了一部分钱" is about the subsidy, though 扣 sounds like the deduction.)
        # The words name a leave (or 生育保险, 个税 …), the intent another topic: the words win.
        reply = Answer()
        say_outside(place, reply)
        answer_one(first, place=place, reply=reply, tracker=tracker, brief=False)
        finish(reply, first, place)
        return reply
    if place is None and first.who == "father" and "产假" in text and first.facet == "eligibility" \
            and len(question_parts) == 1:
        # "男的可以休产假吗": 产假 is the woman's; what a man gets is said for everyone.
        match = best_qa(qs.with_topic(first, "paternity_leave"), chain=["china"])
        if match is not None:
            reply = Answer()
            say_entry(match, question=first, place=place, reply=reply)
            finish(reply, qs.with_topic(first, "paternity_leave"), place)
            return reply
    if first.topic in qs.LEAVE_TOPICS and first.facet in qs.GENERAL_FACETS and qs.is_general(text) \
            and qs.read(text).topic == first.topic and not _EVERY_LEAVE.search(text):
        # The leave the words name ("我是男的能休啥假" is 护理假), not every leave; without a
        # place, a leave the provinces set is the action's (it asks where).
        if place is None and first.leave_type in ("护理假", "育儿假", "婚假", "独生子女照护假"):
            return None
        reply = Answer()
        answer_one(first, place=place, reply=reply, tracker=tracker, brief=False)
        finish(reply, first, place)
        return reply
    if first.topic in NO_ROWS_TOPICS and qs.is_general(text):
        # "通化有托班吗": no rows to list; the place's entry (a draft's, flagged) that is
        # nearly the question's own wording. (Every entry "holds" a general question's few
        # words, so the wording as a whole decides.) Without a place, only a province's or
        # the country's entry ("托育和幼儿园有什么区别"), labelled where it applies.
        match = best_qa(first, chain=place_chain(place), least=STRICT_COVERAGE)
        if match is not None and (match.jurisdiction in place_chain(place) if place
                                  else match.jurisdiction in WIDE_JURISDICTIONS) \
                and similarity(text, match.entry_id) >= GENERAL_ENTRY_SIMILARITY:
            reply = Answer()
            say_entry(match, question=first, place=place, reply=reply)
            finish(reply, first, place)
            return reply
    if first.topic in FACT_TOPICS and qs.is_general(text) and first.facet != "source" \
            and not (first.topic in NO_AMOUNT_ROWS and first.facet == "amount") and not _BOTH_SCHEMES.search(text):
        # A general question: the action's fact tables answer it, when the action is the
        # topic's own (an NLU fallback's clause search or another topic's action is not).
        return facts_of_words(first, place=place, intent=intent)
    if first.topic in FACT_TOPICS:
        # The fact tables answer amounts and overviews of these topics; a question-answer
        # entry answers only a point of its own that fits plainly ("产前能休几天" is about
        # 产前15天, not the days by place); a clause sentence only where no place is known
        # and the action would list every row (SENTENCE_TOPICS).
        strict = first.facet in FACT_FACETS
        match = best_qa(first, chain=place_chain(place), least=STRICT_COVERAGE if strict else 0.0)
        if match is None and strict:
            # "呼市二孩补贴的年审啥时候交", "用网签合同行不行": a rare word of the question that
            # the entry holds says it is that entry's point, not the rows' overview.
            match = best_qa(first, chain=place_chain(place))
            if match is not None and not holds_rare_term(first.text, match.entry_id):
                match = None
        if match is not None and (match.facet in FACT_FACETS and not asks_its_theme(first.text, match.entry_id)
                                  and not _BOTH_SCHEMES.search(first.text)
                                  and first.topic not in NO_AMOUNT_ROWS
                                  or is_draft(match) and first.topic not in NO_ROWS_TOPICS):
            # The fact tables answer it (a draft's rows flagged beside the rule in force);
            # not an amount the rows do not tell apart ("2022年那会儿" the deduction was 1000).
            match = None
        if match is None and place is None and not (first.topic in qs.LEAVE_TOPICS and first.facet == "amount"
                                                    and not qs.specific_terms(first.text)):
            # No place, and the point is national (生育保险 个人交不交钱): answer it rather
            # than ask where the citizen lives.
            match = best_qa(first, chain=["china"])
            if match is not None and match.facet in FACT_FACETS:
                match = None
        if match is None and place is None and first.topic in qs.LEAVE_TOPICS and first.facet != "amount":
            # "临时工能休产假吗": the State Council's rule answers it for everyone.
            found = best_sentences(first.text, chain=["china"], topic=first.topic)
            if found is not None:
                reply = Answer()
                clause_id, sentences = found
                reply.say(templates.clause_sentences(ka.cite(clause_id)["title"], sentences))
                reply.cite(clause_id)
                reply.say(templates.may_differ_locally())
                finish(reply, first, place)
                return reply
        if match is None and first.topic in SENTENCE_TOPICS and qs.specific_terms(first.text):
            # "包头无痛分娩医保能报吗": the clause sentence that says it, not every benefit row.
            # With a place known, only for a distinctive point (无痛, 试管, not 费用, which the
            # place's rows answer better) and never a draft's sentence (its rows are flagged
            # beside the rule in force).
            reply = Answer()
            if (place is None or is_distinctive(first.text)) \
                    and answer_facet(first, place=place, reply=reply) \
                    and not (place and rests_on_draft(reply.clause_ids)):
                finish(reply, first, place)
                return reply
        if match is None and first.topic not in qs.LEAVE_TOPICS and (
                first.facet in SILENT_FACETS or first.facet in SILENT_FACETS_OF_TOPIC.get(first.topic, ())):
            # "在外地生孩子生育保险能报吗": nothing says that case or time; the topic's rows
            # would not answer it either. Say so and who decides.
            reply = Answer()
            say_outside(place, reply)
            say_silent(reply, first.topic)
            finish(reply, first, place)
            return reply
        if match is None and first.topic in qs.LEAVE_TOPICS and (
                first.facet not in qs.GENERAL_FACETS
                or place is None and first.facet != "amount" and qs.specific_terms(first.text)
                and not leave_rows_say(first.text, leave_type=first.leave_type)):
            # "育儿假能分开休吗", "产假可以推迟休吗": the documents give the days, not this point.
            # Say so, name who decides, and give the days as context (where a place is known;
            # the place does not decide this point, so it is not asked for).
            reply = Answer()
            say_silent(reply, first.topic)
            if place:
                from actions import leave

                leave.say_leave(reply, place=place, leave_type=first.leave_type, child_order=first.child_order,
                                brief=True)
            finish(reply, first, place)
            return reply
        if match is None and place and first.topic in qs.LEAVE_TOPICS and qs.topic_of_words(text) in qs.LEAVE_TOPICS \
                and qs.read(text).topic == first.topic and not _EVERY_LEAVE.search(text):
            # "锡林郭勒盟生第三个孩子 男方护理假会多给吗": the days of the leave named, not every leave.
            reply = Answer()
            say_facts(first, place=place, reply=reply, brief=False)
            finish(reply, first, place)
            return reply
        if match is None and first.topic in MONEY_TOPICS and first.facet in ("amount", "general") \
                and intent in ("nlu_fallback", "ask_policy_general") \
                and any(word in text for word in qs.TOPIC_WORDS[first.topic] if word != "补贴"):
            # "育儿补贴能领几年" heard as a fallback: the topic's rows, not the clause search,
            # answer it (a bare 补贴 may be any money: 买房补贴, 托育补贴).
            reply = Answer()
            say_outside(place, reply)
            if say_facts(first, place=place, reply=reply, brief=False):
                finish(reply, first, place)
                return reply
        if match is None:
            return None
        reply = Answer()
        say_outside(place, reply)
        say_entry(match, question=first, place=place, reply=reply)
        finish(reply, first, place)
        return reply
    if first.topic is None and first.facet == "general":
        # No topic named ("没收到免申即享的短信"): an entry that holds nearly all the words
        # answers it; else the clause search does.
        match = best_qa(first, chain=place_chain(place), least=STRICT_COVERAGE) \
            if qs.specific_terms(text) and qs.is_a_question(text) else None
        if match is None or is_draft(match) or not holds_rare_term(first.text, match.entry_id) \
                or not answer_names_what_is_asked(text, match):
            return None
        reply = Answer()
        say_outside(place, reply)
        say_entry(match, question=first, place=place, reply=reply)
        finish(reply, qs.with_topic(first, match.topic), place)
        return reply
    reply = Answer()
    say_outside(place, reply)
    if not answer_facet(first, place=place, reply=reply):
        if first.topic and qs.TOPIC_OF_INTENT.get(intent) not in (None, first.topic) \
                and not qs.same_family(first.topic, qs.TOPIC_OF_INTENT[intent]):
            # "怀孕期间能请病假吗" read as a leave question: the leave action would ask where,
            # though nothing local decides this. Say the material is silent and who decides.
            say_silent(reply, first.topic)
            finish(reply, first, place)
            return reply
        return None
    finish(reply, first, place)
    return reply


# A question about a time ("审核要几个工作日", "交满几个月才能报", "最晚哪天") and a reply that
# states none: the material does not say it. That goes first; the rule found follows as context.
TIME_FACETS = {"review_time", "payment_time", "deadline"}
_ASKS_TIME = re.compile(r"什么时候|啥时候|何时|多久|多长时间|多长|几天|多少天|几个?工作日|几个月|多少个?月|几月|哪个月|几号|"
                        r"哪天|时限|期限|截止|截至|最晚|来得及")
_ASKS_SPAN = re.compile(r"多久|多长时间|几个?工作日|几个月|多少个?月")
_STATES_TIME = re.compile(r"(\d+|[一二三四五六七八九十两半]+)\s*(个)?(工作日|日|天|月|周|年|小时|号)|当(天|日|月|年)|"
                          r"次(日|月|年)|即时|实时|随时|立即|每年|每月|每季|按月|按季|按年|一次性|年底|月底|年满|周岁|"
                          r"截止|截至|之前|以前|以内|之内")
# A time by which to apply ("一次性发放" says how it is paid, not by when).
_STATES_DEADLINE = re.compile(r"(\d+|[一二三四五六七八九十两半]+)\s*(个)?(工作日|日|天|月|周|年)|当(天|日|月|年)|次(日|月|年)|"
                              r"年底|月底|截止|截至|之前|以前|以内|之内|期限|逾期")
_SAYS_SILENT = re.compile(r"没有(具体|明确)?(规定|写明|写|找到)|未(明确|规定|写明)|以当地.{0,8}为准")


def last_question_of(reply: Answer) -> Optional[qs.Question]:
    """The question a reply says it answered (its `last_question` event), or None."""
    value = next((e.get("value") for e in reply.events if e.get("name") == "last_question"), None)
    if not isinstance(value, str) or value.count("|") != 4:
        return None
    topic, facet, _, _, words = value.split("|")
    return qs.Question(text=words, topic=topic or None, facet=facet or "general")


def say_if_time_not_stated(text: str, *, reply: Answer) -> None:
    """Put first that the material states no time, when the question asks one and the
    reply's rule states none (a single question; replies that already say so are left)."""
    remembered = last_question_of(reply)
    if remembered is None or not (_ASKS_TIME.search(text) or remembered.facet == "deadline") \
            or len(qs.read_message(text)) > 1:
        return   # ("过期了还能领吗" asks a deadline in no time word)
    topic, facet = remembered.topic or "", remembered.facet
    if facet not in TIME_FACETS and (topic in qs.LEAVE_TOPICS or not _ASKS_SPAN.search(text)):
        return
    body = "\n".join(reply.lines)
    states = _STATES_DEADLINE if facet == "deadline" else _STATES_TIME
    if not reply.clause_ids or states.search(body) or _SAYS_SILENT.search(body):
        return
    reply.lines.insert(0, templates.time_not_stated(templates.department(DEPARTMENT_OF_TOPIC.get(topic, ""))))


# A child born before 2025 ("2022年出生", "23年生的"): its first claim had a deadline of its own.
_EARLY_BIRTH = re.compile(r"202[234]年|2025年(以前|之前|前)")
EARLY_BIRTH_CLAUSE = "subsidy-management-rules:第十二条"
_STILL_POSSIBLE = re.compile(r"还能|还可以|现在|来得及|补(申|领|报|办)|过期|晚了")


def add_stated_conditions(text: str, *, reply: Answer, place: Optional[str] = None) -> None:
    """What a birth date or another condition named in the question decides: outside a
    scheme's dates or conditions (said first), a first-claim deadline of its own, or a
    total the question asks for (双胞胎的产假一共多少天)."""
    from actions import birth_dates, conditions, totals

    if say_if_other_deduction(text, reply=reply):
        return
    remembered = last_question_of(reply)
    # A follow-up ("要是剖腹产呢") is read with the words it leans on.
    leaned_on = remembered.text if remembered and qs.is_follow_up(text) and remembered.text != text else ""
    from actions import leave

    if leave.lead_if_past_parental_age(text, place=place, reply=reply) \
            or leave.lead_if_worker_kind_asks_days(text, place=place, reply=reply):
        return
    if totals.lead_with_leave_total(text, place=place, reply=reply, context=leaned_on) \
            or totals.lead_with_leave_difference(text, place=place, reply=reply) \
            or totals.lead_with_deduction_total(text, reply=reply) \
            or totals.lead_with_deduction_period(text, reply=reply, context=leaned_on) \
            or totals.lead_with_multiple_birth_amounts(text, reply=reply, context=leaned_on):
        return
    if drop_early_birth_rule(text, reply=reply):
        return
    if birth_dates.lead_if_born_too_early(text, reply=reply, context=remembered.text if remembered else ""):
        return
    conditions.lead_if_condition_decides(text, reply=reply, topic=remembered.topic if remembered else None,
                                         context=remembered.text if remembered else "")
    remind_early_birth_deadline(text, reply)
    lead_with_this_years_claim(text, reply, context=remembered.text if remembered else "")


# Special additional deductions other than 婴幼儿照护, which the material does not set out.
_OTHER_DEDUCTION = re.compile(r"子女教育|赡养老人|住房贷款利息|房贷利息|住房租金|继续教育|大病医疗")
_INFANT_CARE = re.compile(r"婴幼儿|照护|(3|三)岁以下|(3|三)周岁以下")
_DEDUCTION = re.compile(r"扣除|扣多少|能扣|个税|个人所得税|专项附加")


def say_if_other_deduction(text: str, *, reply: Answer) -> bool:
    """"子女教育扣除一个月扣多少", "生育津贴要交个税吗": the material sets out only the 婴幼儿照护
    deduction and says nothing of taxing 生育津贴; say so first with who answers, what was
    found after. True when said."""
    other = _OTHER_DEDUCTION.search(text)
    if other is not None and not _INFANT_CARE.search(text) and _DEDUCTION.search(text):
        opening = templates.other_deduction_not_covered(other.group(0))
    elif _ALLOWANCE_TAXED.search(text):
        opening = templates.allowance_tax_not_covered()
    else:
        return False
    reply.lines = [line for line in reply.lines if not templates.is_material_silent(line)]
    reply.lines.insert(0, opening)
    return True


# Whether 生育津贴 is taxed: no clause here says.
_ALLOWANCE_TAXED = re.compile(r"(生育津贴|产假工资).{0,10}(交|扣|缴|纳)(个税|税|个人所得税)|(个税|个人所得税).{0,6}(生育津贴)")


def drop_early_birth_rule(text: str, *, reply: Answer) -> bool:
    """A child born in 2025 or later is not under the rule for births before 2025 (its
    2025-12-31 first-claim deadline): that rule is dropped and the first-claim rule for every
    birth (出生当年或次年) said first. True when something was dropped."""
    from actions import birth_dates

    birth = birth_dates.birth_date_of(text)
    early = [line for line in reply.lines if "首次申请应当在2025年12月31日前提出" in line
             or "2025年12月31日这个期限已经过了" in line]
    if birth is None or birth[0] < 2025 or not early:
        return False
    reply.lines = [line for line in reply.lines if line not in early]
    sentence = next(s for s in ka.cite(EARLY_BIRTH_CLAUSE)["text"].splitlines() if "出生当年或次年" in s)
    reply.lines.insert(0, templates.first_claim_rule(sentence))
    reply.cite(EARLY_BIRTH_CLAUSE)
    return True


def remind_early_birth_deadline(text: str, reply: Answer) -> None:
    """A 育儿补贴 answer about a child born before 2025 says, with its clause, that the first
    claim was due by 2025-12-31 (and that this is past), unless it already does or the
    question is about renewing (续领), which that deadline does not govern."""
    if qs.topic_of(text) not in ("childcare_subsidy", None) or not _EARLY_BIRTH.search(qs.canonical(text)) \
            or "续领" in text \
            or not any(c.startswith(("national-childcare-subsidy", "subsidy-management-rules", "neimenggu-subsidy"))
                       for c in reply.clause_ids) \
            or any("2025年12月31日" in line for line in reply.lines):
        return
    sentence = next((s for s in ka.cite(EARLY_BIRTH_CLAUSE)["text"].splitlines() if "2025年12月31日" in s), None)
    if sentence is None:
        return
    reminder = [templates.early_birth_deadline(sentence)] + [
        templates.deadline_passed(d) for d in passed_deadlines(sentence, today=dt.date.today())]
    if _STILL_POSSIBLE.search(text) or qs.facet_of(text) == "deadline":
        # "现在还能申请吗", "最晚什么时候": the deadline is the answer
        reply.lines[:0] = reminder
    else:
        reply.lines += reminder
    reply.cite(EARLY_BIRTH_CLAUSE)


# "今年的截止日期是哪天": this year's claim, not the first-claim deadline of earlier births.
_THIS_YEAR = re.compile(r"今年|本年|明年|每年|这一年")
_ASKS_DEADLINE = re.compile(r"截止|截至|最晚|期限|来得及")


def lead_with_this_years_claim(text: str, reply: Answer, *, context: str = "") -> bool:
    """A 育儿补贴 deadline question about this year whose reply leads with 2025-12-31 (a date
    for births before 2025, now past): the yearly rule goes first; the exact day is local."""
    from actions import birth_dates

    text = qs.canonical(text)
    said = f"{qs.canonical(context)} {text}"   # a follow-up's birth is in the words it leans on
    if qs.topic_of(text) not in ("childcare_subsidy", None) or not _ASKS_DEADLINE.search(text) \
            or _EARLY_BIRTH.search(said) or birth_dates.birth_date_of(said) is not None \
            or not reply.lines or "2025年12月31日" not in reply.lines[0]:
        return False
    if _THIS_YEAR.search(text):
        sentence = next((s for s in ka.cite(EARLY_BIRTH_CLAUSE)["text"].splitlines() if "按年度申请" in s), None)
        opening = templates.this_years_claim(sentence) if sentence else None
    else:
        # "育儿补贴什么时候截止申请", no birth named: the rule for every birth first; the
        # 2025-12-31 date is only for births before 2025.
        sentence = next((s for s in ka.cite(EARLY_BIRTH_CLAUSE)["text"].splitlines() if "出生当年或次年" in s), None)
        opening = templates.first_claim_rule(sentence) if sentence else None
    if opening is None:
        return False
    reply.lead([opening], EARLY_BIRTH_CLAUSE)
    return True


# Words that ask where childcare centres are, not a rule about them.
_FINDING = re.compile(r"附近|哪里|哪儿|哪有|在哪|哪些|哪家|哪几家|名单|地址|推荐|找个?|离.{0,6}近|几家|"
                      r"有(没有)?(公办|普惠|公立|民办)?的?(托育|托儿所|托管|早教|幼儿园|托班)|有什么(托育|托儿所)")
# Words that ask a rule about childcare (a duty, a price, a subsidy), not where centres are.
_CHILDCARE_RULE = re.compile(r"义务|必须|应该|能不能|可不可以|可以|是否|要求|规定|政策|补贴|补助|收费|多少钱|标准|条件|"
                             r"怎么办|资质|备案|税|水电|什么意思|是什么|什么是|是啥|啥是|区别")
# Topics whose words outweigh another topic's intent ("生育保险一个月交多少钱" is not 育儿补贴).
# (补贴 is not among them: 托育补贴 and 买房补贴 name other topics.)
WORDS_WIN_TOPICS = {"maternity_insurance", "maternity_allowance", "tax_deduction", "housing"}
# "你说的天数是哪个文件规定的": the last answer's source, not a new question.
_POINTING_BACK = re.compile(r"你说的|你刚才|刚才|上面|前面说的|这个(规定|说法|数)|那个(规定|说法|数)|这是|这些")
MONEY_TOPICS = {"childcare_subsidy", "local_subsidy", "tax_deduction"}
# Whether two schemes are both paid ("领了呼市的 还能领国家的吗"): an entry's point, not the rows.
_BOTH_SCHEMES = re.compile(r"同时(领|享受|拿)|两个都|一起(领|拿)|还(能|可以)(领|拿|享受)的?(国家|地方|呼市|宁夏)|国家的(也|还)")
_LEAVE_WORDS = re.compile(r"假期|休假|放假|请假")   # "那假期呢" names leave, not a point
_EVERY_LEAVE = re.compile(r"(哪些|啥|什么|几种|哪几种|哪几)假")


def leave_rows_say(text: str, *, leave_type: Optional[str]) -> bool:
    """The leave's rows somewhere say what the question names ("夫妻双方都可以休育儿假吗":
    "夫妻双方每人每年…"): the place decides the answer, so it is asked for."""
    said = "".join(f"{r['quote']}{r['conditions'] or ''}" for r in store.all_facts(conn=ka.connection(), table="leave_rules")
                   if leave_type is None or r["leave_type"] == leave_type)
    return all(term in said for term in qs.specific_terms(text))


def facts_of_words(question: qs.Question, *, place: Optional[str], intent: str) -> Optional[Answer]:
    """The fact tables' answer for the topic the words name, where the intent's action would
    answer another (None: the action answers). A leave is the one the words name (the NLU's
    entity may miss it); without a place it is the action's, which asks where and resumes."""
    if intent == "out_of_scope" or _EVERY_LEAVE.search(question.text):
        return None   # "买汽车有没有补贴" is not 育儿补贴; "能休哪些假" is every leave: the action's
    if qs.topic_of_words(question.text) != question.topic:
        return None   # the topic came from the intent or the last question: the action's
    if question.topic in qs.LEAVE_TOPICS:
        if not place:
            return None
    elif question.topic not in MONEY_TOPICS or qs.TOPIC_OF_INTENT.get(intent) == question.topic:
        return None   # housing, insurance, childcare: the action's search does better than rows
    reply = Answer()
    say_outside(place, reply)
    if not say_facts(question, place=place, reply=reply, brief=False):
        return None
    finish(reply, question, place)
    return reply


_DATE_WORDS = re.compile(r"\d+\s*[月号日]|[一二三四五六七八九十]+月|预产期|出生日期|生日")


def has_date(tracker: Tracker, text: str) -> bool:
    """A date (or the words that bring one) in this message: dates counted from it are asked.
    "产假是从预产期开始算吗" names 预产期 but asks the rule, not dates from a day."""
    if any(e.get("entity") == "date" for e in tracker.latest_message.get("entities") or []):
        return True
    found = _DATE_WORDS.search(text)
    return bool(found) and (bool(re.search(r"\d|[一二三四五六七八九十]+月", text)) or bool(_ASKS_DAY.search(text)))


# Asking for a day ("预产期是3月 产假到哪天"), as against a rule ("是从预产期开始算吗").
_ASKS_DAY = re.compile(r"哪天|几号|什么时候|啥时候|到哪|多会儿|日期")


# "暖心行动是干啥的": what a named measure is.
_WHAT_IS = re.compile(r"是(干)?(啥|什么|干嘛)(的|意思)?[吗呢?？]*$|什么意思|是指什么")


def answer_names_what_is_asked(text: str, match: qa.QAMatch) -> bool:
    """"X是干啥的" is answered only by an entry whose answer names X (an entry on one of
    暖心行动's measures does not say what 暖心行动 is)."""
    asked = _WHAT_IS.search(text)
    if asked is None:
        return True
    subject = qs.specific_terms(qs.without_places(text[:asked.start()]))
    return not subject or any(term in match.answer for term in subject)


def say_silent(reply: Answer, topic: Optional[str]) -> None:
    """The material does not say it: say so and name the office that decides the topic."""
    reply.say(templates.material_silent(templates.department(DEPARTMENT_OF_TOPIC.get(topic or ""))))


def say_outside(place: Optional[str], reply: Answer) -> None:
    """A place outside the store is named and told so before the national rule."""
    if place and ka.region_of(place) is None:
        reply.say(templates.not_covered_national_follows(ka.display_name(place)))


def finish(reply: Answer, question: qs.Question, place: Optional[str]) -> None:
    if reply.entry_topic == "local_subsidy" and question.topic == "childcare_subsidy":
        # "呼市育儿补贴怎么申请" answered from 呼和浩特's own scheme: "要多久" is about that scheme.
        question = qs.with_topic(question, reply.entry_topic)
    reply.events.append(remember(question))
    if question.leave_type and question.leave_type in ("产假", "护理假", "育儿假", "婚假", "独生子女照护假"):
        reply.events.append(SlotSet("leave_type", question.leave_type))
    if question.child_order:
        reply.events.append(SlotSet("child_order", str(question.child_order)))
    if place:
        reply.events.append(SlotSet("region", place))


# ---------------------------------------------------------------- one question

def answer_one(question: qs.Question, *, place: Optional[str], reply: Answer, tracker: Tracker,
               brief: bool) -> None:
    """Answer one question into `reply`: facts for amounts, else the facet's answer."""
    general = qs.is_general(question.text) and not question.follow_up
    if question.follow_up and question.facet == "rights" and _WHAT_TO_DO.search(question.text):
        # "单位不给怎么办" after a rule: where to complain, whatever the rule was about.
        question = replace(question, topic="employment_rights", context="", text=question.text + " 去哪投诉")
    if question.follow_up and question.context and question.topic in POINT_TOPICS \
            and not names_content(qs.without_places(question.text)) and place:
        # "那中宁呢" after "包头公租房多孩家庭有照顾吗": the same point at the new place, not
        # every row of the topic there.
        asked_before = replace(question, text=qs.without_places(question.context), follow_up=False, context="")
        match = best_qa(asked_before, chain=place_chain(place), least=STRICT_COVERAGE) \
            or best_qa(asked_before, chain=place_chain(place), least=MIN_COVERAGE)
        if match is not None and not is_draft(match):
            say_entry(match, question=asked_before, place=place, reply=reply)
            return
    if question.follow_up and question.context:
        # "要什么材料" after a divorce question: the case's own entry for that point.
        match = case_entry_for_point(question, text=question.text, chain=place_chain(place))
        if match is not None:
            say_entry(match, question=question, place=place, reply=reply)
            return
    if question.follow_up and question.context and names_content(question.text):
        # "居民医保呢" after 中宁's 产检 rates: the entry that holds both, before the rows.
        match = follow_up_entry(question, chain=place_chain(place))
        if match is not None:
            say_entry(match, question=question, place=place, reply=reply)
            return
    # Whether a leave exists and how long it is, and who gets a local subsidy, are in the
    # fact tables (with their conditions); a more specific point ("能提前休吗") is asked
    # of the question-answer table first.
    by_facts = (question.topic in qs.LEAVE_TOPICS or question.topic == "local_subsidy") \
        and question.facet in qs.GENERAL_FACETS
    if question.facet == "amount" and not general and qs.specific_terms(question.text):
        # "产前能休几天" within several questions: the entry on 产前15天, as when asked alone.
        match = best_qa(question, chain=place_chain(place), least=STRICT_COVERAGE)
        if match is not None and not is_draft(match) \
                and (match.facet not in FACT_FACETS or asks_its_theme(question.text, match.entry_id)):
            say_entry(match, question=question, place=place, reply=reply)
            return
    if (question.facet in FACT_FACETS or general or by_facts) and (general or not qs.specific_terms(question.text)
                                                                  or question.facet == "amount"):
        if say_facts(question, place=place, reply=reply, brief=brief):
            return
    # Where the fact tables know the topic, a stray clause sentence is worse than the facts.
    if answer_facet(question, place=place, reply=reply, sentences=not by_facts):
        return
    # "三孩呢" after "什么时候发": nothing on that point for that child; what the tables hold
    # for it (amount, conditions) says more than "not found".
    if question.follow_up and by_facts and question.topic in qs.LEAVE_TOPICS \
            and names_content(_LEAVE_WORDS.sub(" ", question.text)):
        # "没休完能折现吗" after the days: nothing says it; say so and who decides, then the days.
        say_silent(reply, question.topic)
        say_facts(question, place=place, reply=reply, brief=True)
        return
    changes_only_whom = question.follow_up and not qs.specific_terms(question.text, keep_topic_words=True)
    if (by_facts or question.facet in FACT_FACETS or changes_only_whom) \
            and say_facts(question, place=place, reply=reply, brief=brief):
        return
    say_silent(reply, question.topic)
    if question.topic in qs.LEAVE_TOPICS and place and question.leave_type:
        # "护理假包括周末吗": nothing says it; the days at the place are the context.
        from actions import leave

        leave.say_leave(reply, place=place, leave_type=question.leave_type, child_order=question.child_order,
                        brief=True)


def say_facts(question: qs.Question, *, place: Optional[str], reply: Answer, brief: bool) -> bool:
    """The fact tables' answer for the question's topic; False when they have none."""
    from actions import leave, money   # the fact answers live with their actions

    if question.leave_type in leave.LEAVE_TYPES:
        if place:
            leave.say_leave(reply, place=place, leave_type=question.leave_type,
                            child_order=question.child_order, brief=brief)
        else:
            leave.say_leave_without_place(reply, leave_type=question.leave_type, ask=not brief)
        return True
    if question.topic == "childcare_subsidy":
        money.say_subsidy_amount(reply, place=place, brief=brief, child_order=question.child_order)
        return True
    if question.topic == "local_subsidy":
        money.say_local_subsidy(reply, place=place, child_order=question.child_order,
                                amounts_first=question.facet == "amount")
        return True
    if question.topic == "tax_deduction":
        money.say_tax_deduction(reply, place=place)
        return True
    if question.topic in ("housing", "maternity_insurance") and place:
        before = len(reply.lines)
        money.say_benefits(reply, place=place, topic=question.topic)
        return len(reply.lines) > before
    return False


def answer_facet(question: qs.Question, *, place: Optional[str], reply: Answer, sentences: bool = True) -> bool:
    """The question-answer table's entry for this facet, else the best clause sentences."""
    chain = place_chain(place)
    match = best_qa(question, chain=chain)
    if match is not None:
        say_entry(match, question=question, place=place, reply=reply)
        return True
    found = best_sentences(question.text, chain=chain, topic=question.topic) if sentences else None
    if found is not None:
        clause_id, sentences = found
        cited = ka.cite(clause_id)
        line = templates.clause_sentences(cited["title"], sentences)
        if cited["jurisdiction"] != "china" and (chain is None or cited["jurisdiction"] not in chain):
            line = templates.applies_only_to(ka.display_name(cited["jurisdiction"]), line)
        reply.say(line)
        reply.cite(clause_id)
        return True
    return False


def say_entry(match: qa.QAMatch, *, question: qs.Question, place: Optional[str], reply: Answer) -> None:
    """A question-answer entry, labelled when it is another place's rule."""
    chain = place_chain(place)
    local = match.jurisdiction != "china"
    reply.entry_topic = reply.entry_topic or match.topic
    for name, number in numbers_of_places_named(question.text, match.answer):
        reply.say(templates.phone_of_place(name, number))   # "赛罕区卫健委电话": that number first
    if local and (chain is None or match.jurisdiction not in chain):
        reply.say(templates.applies_only_to(ka.display_name(match.jurisdiction), match.answer))
    else:
        reply.say(match.answer)
    reply.cite(*match.clause_ids)
    for deadline in passed_deadlines(match.answer, today=dt.date.today()):
        reply.say(templates.deadline_passed(deadline))
    if place is None and (local or question.topic in qs.LEAVE_TOPICS):
        reply.say(templates.may_differ_locally())


def numbers_of_places_named(text: str, answer: str) -> list[tuple[str, str]]:
    """(name, number) for each place the question names that a list of numbers in the
    answer gives ("赛罕区“0471-3121324”")."""
    gazetteer = ka.gazetteer()
    found = []
    for region in gazetteer.find_in_text(text):
        names = [region.name] + [alias for alias, rid in gazetteer.aliases.items() if rid == region.id]
        for name in sorted(set(names), key=len, reverse=True):
            number = re.search(re.escape(name) + r"(?:卫健委)?“([0-9][0-9\- ]{6,})”", answer)
            if number:
                found.append((name, number.group(1).strip()))
                break
    return found


_DEADLINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:前|之前)(?!出生|生育|出世)(?:提出|申请|申领|完成|办理)|(?:截止|截至)(?:时间|日期)?为?(\d{4})年(\d{1,2})月(\d{1,2})日")


def passed_deadlines(text: str, *, today: dt.date) -> list[str]:
    """Deadlines ("2025年12月31日前") in an answer that are already past."""
    passed = []
    for m in _DEADLINE.finditer(text):
        y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
        label = f"{y}年{mo}月{d}日"
        try:
            if dt.date(y, mo, d) < today and label not in passed:
                passed.append(label)
        except ValueError:
            continue
    return passed


def best_qa(question: qs.Question, *, chain: Optional[list[str]], least: float = 0.0) -> Optional[qa.QAMatch]:
    """The best entry for this question in the citizen's place (or any place when unknown),
    if it shares enough of the question's words with one of the entry's paraphrases."""
    if os.environ.get("ANSWER_TABLE") == "off":   # `make eval` measures the table's worth
        return None
    if question.follow_up:   # (one that names something was tried by answer_one: follow_up_entry)
        # A follow-up carries few words: match them with the topic's name, among the
        # entries of its topic and point; else the first entry of that topic and point.
        text = qs.TOPIC_LABEL.get(question.topic or "", "") + (question.text or "")
        if len(_BARE.sub("", question.text or "")) <= 2 and not qs.child_order_of(question.text or "") \
                and not qs.who_of(question.text or ""):
            # "材料呢": the point in its plain wording ("需要什么材料"), not the word alone
            # (which also names "材料交到哪").
            text = qs.TOPIC_LABEL.get(question.topic or "", "") + FACET_QUESTION.get(question.facet, "") + " " + text
            if question.facet == "special_case":   # the case is in the words leaned on ("户口在老家")
                text += " " + " ".join(qs.special_case_words(question.context))
        named = names_content(question.text)
        if question.topic in qs.LEAVE_TOPICS and question.facet in qs.GENERAL_FACETS \
                and qs.who_of(question.text) and not qs.specific_terms(question.text, keep_topic_words=True):
            return None   # "老公也有吗" after the 育儿假 days: the leave's rows say whose it is
        # "Counting" holds many points (周末, 分开休, 按孩子算): the one the follow-up says
        # ("能分开休吗"), else the one asked before ("那陪产假呢" after "产假包括周末吗").
        point = ""
        if question.facet == "counting":
            point = question.text if qs.specific_terms(question.text) else qs.without_places(question.context)
            if not qs.specific_terms(point):
                return None   # no point said or carried: not whichever counting entry comes first
            named = True
            text = f"{text} {point}"
        fitting = [m for m in ka.qa_match(text=text, topic=question.topic, facet=question.facet,
                                          jurisdictions=chain, limit=8)
                   if question.topic and m.facet == question.facet and admissible(m, question, chain=chain)
                   # What the follow-up names ("能折现吗") must be what the entry is about.
                   and (not named or coverage(point or question.text, m.entry_id, topic=question.topic,
                                              keep_topic_words=not point) >= MIN_COVERAGE)]
        # No place known: the rule for everyone first; else the place's own rule first.
        order = {region: i for i, region in enumerate(chain or ["china"])}
        fitting.sort(key=lambda m: order.get(m.jurisdiction, len(order)))
        if fitting:
            return fitting[0]
        # Only a bare point ("材料呢") takes the topic's first entry for it; a follow-up that
        # names something no entry holds ("没休完能折现吗") is not answered by a neighbour.
        return None if named else entry_for(question, chain=chain)
    matches = ka.qa_match(text=question.text or "", topic=question.topic, facet=question.facet,
                          jurisdictions=None if chain is None else chain, limit=8)
    candidates = [m for m in matches if admissible(m, question, chain=chain)]
    # Only the best-ranked few: a weak entry further down that happens to share one word
    # is more often wrong than right.
    fitting: list[tuple[float, qa.QAMatch]] = []
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    for rank, match in enumerate(candidates[:3]):
        if match.facet == question.facet and question.facet not in qs.GENERAL_FACETS and question.topic:
            needed = SAME_FACET_COVERAGE   # same topic and same specific point: little more is needed
        elif match.facet == question.facet or question.facet == "general":
            needed = MIN_COVERAGE
        else:
            needed = FACET_MISMATCH_COVERAGE
        if rank == 0 and question.topic and match.score >= CLEAR_LEAD * runner_up:
            # Far ahead of every other entry: the words point at it even where the point
            # read from them ("几天") is not the entry's ("产前能休几天" is about 产前15天).
            needed = min(needed, LEADER_COVERAGE)
        share = coverage(question.text, match.entry_id, topic=question.topic)
        if share >= max(needed, least):
            fitting.append((share, match))
    if not fitting:
        return None
    if question.facet not in qs.GENERAL_FACETS + ("counting",) and not qs.specific_terms(question.text):
        # "我在包头 育儿补贴在哪办" names nothing but the point: every entry of the topic
        # "holds" it, so the point decides ("怎么算" is amount or counting: not decisive).
        fitting = [(share, m) for share, m in fitting if m.facet == question.facet] or fitting
    # The entry that holds most of the question's words; between entries that hold about
    # as much, the place's own rule before a wider one (呼和浩特's payment months before
    # the national "at least quarterly").
    # Without a place, the national rule is the one that applies to everyone.
    # A draft never goes before a rule in force.
    order = {region: i for i, region in enumerate(chain or ["china"])}
    best_share = max(share for share, _ in fitting)
    close = [(share, m) for share, m in fitting if share >= best_share - 0.1
             # Without a place, a national entry that fits nearly as well answers for everyone.
             or chain is None and m.jurisdiction == "china" and share >= best_share - NATIONAL_SHARE_GAP]
    # Shares differ by a word straddling two ("期间被"): the ranker's clear leader, holding
    # nearly as much, goes before the entries of its own place that hold a little more.
    # So does a leader of the place's own that fits plainly, before a wider place's entry
    # that holds more words (包头's own "送托补贴" entry before 内蒙古's).
    leader = candidates[0]
    leader_share = next((share for share, m in fitting if m is leader), None)
    wider = {m.jurisdiction for _, m in close if m is not leader}
    more_local = bool(wider) and all(order.get(leader.jurisdiction, len(order)) < order.get(j, len(order)) for j in wider)
    if leader_share is not None and (leader_share >= best_share - LEADER_SHARE_GAP
                                     or more_local and leader_share >= MIN_COVERAGE) \
            and all(leader.score >= LEADER_SCORE_RATIO * m.score for _, m in close if m is not leader):
        close = [(leader_share, leader)] + [(share, m) for share, m in close
                                            if m is not leader and m.jurisdiction != leader.jurisdiction]
    # Without a place, an entry whose theme the question names ("24年出生的…") first.
    return min(close, key=lambda sm: (is_draft(sm[1]), chain is None and not asks_its_theme(question.text, sm[1].entry_id),
                                      order.get(sm[1].jurisdiction, len(order)), -sm[0],
                                      -similarity(question.text, sm[1].entry_id)
                                      - SAME_FACET_SIMILARITY * (sm[1].facet == question.facet)))[1]


def case_entry_for_point(question: qs.Question, *, text: str, chain: Optional[list[str]]) -> Optional[qa.QAMatch]:
    """"要什么材料" after "离婚后孩子判给我 补贴谁领": the entry on that case that says the
    point (离婚家庭需提交抚养声明…), before the point's entry for everyone."""
    case = qs.special_case_words(question.context)
    # Only the materials: a case's entry names its own papers; its times are the scheme's.
    cue = SENTENCE_CUES["materials"] if question.facet == "materials" else None
    if not case or cue is None or qs.special_case_words(question.text):
        return None
    conn = ka.connection()
    for match in ka.qa_match(text=f"{text} {case[0]}", topic=question.topic, jurisdictions=chain, limit=8):
        paraphrases = paraphrases_of(conn, match.entry_id)
        about_case = sum(any(w in p for w in case) for p in paraphrases) >= qs.CASE_SHARE * len(paraphrases)
        if about_case and cue.search(match.answer) and question.topic and answers_topic(match, question) \
                and within_scope(match, place=chain[0] if chain else None) and not is_draft(match):
            return match
    return None


# What a clause sentence must say to answer a point: a time for the time questions,
# documents for the materials question.
_TIME_WORDS = re.compile(r"\d+\s*(个)?(工作日|日|天|月|年|周岁|岁|小时)|期限|时限|及时|每年|每季度|当年|次年|之前|以前|截止|按月|按年|一次性")
SENTENCE_CUES = {"review_time": _TIME_WORDS, "payment_time": _TIME_WORDS, "deadline": _TIME_WORDS,
                 "materials": re.compile(r"材料|证明|证件|户口簿|身份证|结婚证|原件|复印件")}
# A worker asking what to do when the employer does not comply.
_WHAT_TO_DO = re.compile(r"怎么办|咋办|怎么维权|去哪(投诉|告|举报)|找谁|能告|投诉")
# A point asked in its plainest wording, and what a bare follow-up ("材料呢") adds to its word.
FACET_QUESTION = {"materials": "需要什么材料", "apply": "怎么申请", "eligibility": "需要什么条件",
                  "review_time": "审核要多久", "deadline": "什么时候截止", "payment_time": "什么时候发"}
_BARE = re.compile(r"^(那么?|还有)|[呢吗啊呀的要需什么啥哪些？?。，,\s]")


def admissible(match: qa.QAMatch, question: qs.Question, *, chain: Optional[list[str]]) -> bool:
    """An entry may answer the question: its topic, within the place's scope, named by its key
    word, about no other year, about the special case asked (a follow-up with the words it
    leans on)."""
    words = f"{question.context} {question.text}" if question.follow_up else question.text
    # "怎么申请" after 中宁's 二孩 subsidy: the place's own scheme of that topic is what the last
    # answer was about, though the words before did not name it (补贴金).
    own_scheme = question.follow_up and chain is not None and match.topic == question.topic \
        and match.jurisdiction in chain[:-1]
    return ((not question.topic or answers_topic(match, question))
            and within_scope(match, place=chain[0] if chain else None)
            and (own_scheme or names_key_of(words, match.entry_id)) and names_its_number(words, match.entry_id)
            and holds_the_case(question, match) and names_the_case_of(words, match)
            and not qs.contradicts_case(words, paraphrases_of(ka.connection(), match.entry_id))
            and holds_what_is_paid(question.text, match))


def names_content(text: str) -> bool:
    """A follow-up that names something ("双胞胎呢", "居民医保呢"), not only a point ("材料呢",
    "钱打到哪": those are the topic's own entries for that point)."""
    return bool(qs.specific_terms(qs.without_facet_words(text), keep_topic_words=True))


def follow_up_entry(question: qs.Question, *, chain: Optional[list[str]]) -> Optional[qa.QAMatch]:
    """The entry for a follow-up's own words read with the question it leans on."""
    matches = ka.qa_match(text=question.context + " " + question.text, topic=question.topic,
                          facet=question.facet, jurisdictions=chain, limit=8)[:3]
    # The follow-up's own words may name an entry's theme that the older words drown
    # ("那2024年生的老二呢" after a 2022 question).
    own = ka.qa_match(text=qs.TOPIC_LABEL.get(question.topic or "", "") + question.text,
                      topic=question.topic, facet=question.facet, jurisdictions=chain, limit=8)[:3]
    seen = {m.entry_id for m in matches}
    matches += [m for m in own if m.entry_id not in seen and asks_its_theme(question.text, m.entry_id)]
    fitting = [m for m in matches if admissible(m, question, chain=chain)
               and coverage(question.text, m.entry_id, topic=question.topic, keep_topic_words=True) >= MIN_COVERAGE]
    # An entry whose theme the follow-up names ("那2024年生的呢") first; without a place, the
    # rule for everyone next.
    fitting.sort(key=lambda m: (not asks_its_theme(question.text, m.entry_id),
                                chain is None and m.jurisdiction != "china"))
    return fitting[0] if fitting else None


# A word in this share of an entry's paraphrases, and rare among the entries, is what
# the entry is about (福利 for the welfare institutions' subsidy).
KEY_TERM_SHARE = 0.8


def key_terms(entry_id: str) -> frozenset[str]:
    """The rare words nearly every paraphrase of an entry uses (place names aside)."""
    return frozenset(t for t in _rare_terms(ka.connection(), entry_id, KEY_TERM_SHARE)
                     if re.fullmatch(r"[\u3400-\u9fff]{2}", t))


# A rare word in this share of an entry's paraphrases is a theme of the entry.
THEME_TERM_SHARE = 0.5


def asks_its_theme(text: str, entry_id: str) -> bool:
    """The question names a rare word most of the entry's paraphrases use ("2022年那会儿的
    扣除标准" and the entry on the 2022 standard): a point the fact rows do not tell apart."""
    return bool(set(qs.specific_terms(text)) & _rare_terms(ka.connection(), entry_id, THEME_TERM_SHARE))


@lru_cache(maxsize=4096)
def _rare_terms(conn, entry_id: str, share: float) -> frozenset[str]:
    paraphrases = paraphrases_of(conn, entry_id)
    rarity = term_rarity(conn)
    used: dict[str, int] = {}
    for paraphrase in paraphrases:
        for term in set(search.tokens(qs.without_places(qs.canonical(paraphrase)))):
            used[term] = used.get(term, 0) + 1
    return frozenset(t for t, n in used.items() if n >= share * len(paraphrases)
                     and rarity.get(t, 0.0) >= DISTINCTIVE_RARITY)


def names_its_number(text: str, entry_id: str) -> bool:
    """An entry about a year ("2024年出生的…") is not for a question that names another year:
    "孩子今年出生 怎么领" is not asked about children born in 2024 ("之前是多少" may be)."""
    years = {t for t in _rare_terms(ka.connection(), entry_id, THEME_TERM_SHARE) if re.fullmatch(r"20\d\d", t)}
    asked = years_named(text, today=dt.date.today())
    return not years or not asked or bool(years & asked)


_RELATIVE_YEARS = {"今年": 0, "本年": 0, "去年": -1, "明年": 1, "前年": -2}


def years_named(text: str, *, today: dt.date) -> set[str]:
    """The years a question names ("2024年", "24年", "今年")."""
    named = set(re.findall(r"(20\d\d)年", qs.canonical(text)))
    named |= {str(today.year + shift) for word, shift in _RELATIVE_YEARS.items() if word in text}
    return named


def holds_the_case(question: qs.Question, match: qa.QAMatch) -> bool:
    """A special-case question ("剖腹产…", "辞职了…") is answered only by an entry about that case."""
    # A follow-up's own case ("那孤儿呢"), else the one it leans on ("户口在老家" before "国家的呢").
    words = (qs.special_case_words(question.text)
             or (qs.special_case_words(question.context) if question.follow_up else ())) \
        if question.facet == "special_case" else ()
    if not words:
        return True
    said = "\n".join(paraphrases_of(ka.connection(), match.entry_id)) + match.answer
    return any(w in said for w in words)


def names_the_case_of(words: str, match: qa.QAMatch) -> bool:
    """An entry about a special case ("没交生育保险…", "流产了…") answers only a question that
    names it: "产假工资谁发" is not asked by someone uninsured, "生孩子能报吗" not after a miscarriage."""
    cases = cases_of_entry(ka.connection(), match.entry_id)
    return not cases or any(w in words for case in cases for w in case)


@lru_cache(maxsize=2048)
def cases_of_entry(conn, entry_id: str) -> tuple[tuple[str, ...], ...]:
    """The special cases an entry is about (keyed by the store, as paraphrases_of)."""
    return tuple(qs.cases_of_paraphrases(paraphrases_of(conn, entry_id)))


# What a maternity-insurance question asks to be paid: the medical costs or the pay during leave.
_MEDICAL_COSTS = re.compile(r"医疗费|医药费|医疗费用|住院|手术费|分娩费|检查费|产检费|报销产检|产检.{0,2}报销|看病|药费|生孩子的钱|生娃的钱|(花|看病)的钱")
_PAY_DURING_LEAVE = re.compile(r"津贴|工资|产假期间的?钱|休假期间的?钱|没收入|薪水|薪资")


def holds_what_is_paid(text: str, match: qa.QAMatch) -> bool:
    """A question about the medical costs is not answered by an entry about the pay during
    leave (生育津贴), nor the other way round."""
    medical, pay = bool(_MEDICAL_COSTS.search(text)), bool(_PAY_DURING_LEAVE.search(text))
    if medical == pay or match.topic not in ("maternity_insurance", "maternity_allowance", "employment_rights") \
            or match.topic == "employment_rights" and not medical:
        return True   # (a worker's-rights entry on 产检 time does not answer who pays 产检费)
    said = "\n".join(paraphrases_of(ka.connection(), match.entry_id)) + match.answer
    if medical:
        return bool(re.search(r"医疗|医药|住院|报销|费用|手术", said))
    return bool(re.search(r"津贴|工资", said))


def names_key_of(text: str, entry_id: str) -> bool:
    """The question names what the entry is about ("去哪申请" is not the welfare institutions'
    question); an entry without such a word fits any question."""
    keys = key_terms(entry_id)
    return not keys or bool(keys & set(search.tokens(" ".join([text] + qa.match_terms(text)))))


def similarity(text: str, entry_id: str) -> float:
    """How close the question is to the entry's nearest paraphrase as a whole (bigram
    Jaccard): "生育津贴怎么算" is one entry's own wording, not a neighbour's."""
    asked = set(search.tokens(text))
    if not asked:
        return 0.0
    best = 0.0
    for paraphrase in paraphrases_of(ka.connection(), entry_id):
        said = set(search.tokens(paraphrase))
        best = max(best, len(asked & said) / len(asked | said))
    return best


def is_draft(match: qa.QAMatch) -> bool:
    """An entry that rests on a draft for comment (not yet in force)."""
    return rests_on_draft(match.clause_ids)


def rests_on_draft(clause_ids) -> bool:
    return any(ka.cite(c)["status"] == "draft" for c in clause_ids)


def within_scope(match: qa.QAMatch, *, place: Optional[str]) -> bool:
    """An entry quoting a district's draft is not given for the county next door."""
    if place is None:
        return True
    return all(regions.document_reaches(conn=ka.connection(), doc_id=ka.cite(c)["doc_id"], place=place)
               for c in match.clause_ids)


def entry_for(question: qs.Question, *, chain: Optional[list[str]]) -> Optional[qa.QAMatch]:
    conn = ka.connection()
    for topic in (question.topic, "leave_general" if question.topic in qs.LEAVE_TOPICS else None):
        if not topic:
            continue
        # Without a place, the rule for everyone; never a draft's entry.
        rows = [r for r in store.qa_entries_of(conn=conn, topic=topic, facet=question.facet,
                                               jurisdictions_json=json.dumps(chain or ["china"]))
                if not rests_on_draft(store.qa_clause_ids(conn=conn, entry_id=r["entry_id"]))]
        # The most specific place first (the chain runs from the place to the country).
        order = {region: i for i, region in enumerate(chain or [])}
        rows = sorted(rows, key=lambda r: (order.get(r["jurisdiction"], len(order)), r["entry_id"]))
        if rows:
            row = rows[0]
            return qa.QAMatch(entry_id=row["entry_id"], topic=row["topic"], facet=row["facet"],
                              jurisdiction=row["jurisdiction"], answer=row["answer"],
                              clause_ids=tuple(store.qa_clause_ids(conn=conn, entry_id=row["entry_id"])), score=1.0)
    return None


@lru_cache(maxsize=2048)
def paraphrases_of(conn, entry_id: str) -> tuple[str, ...]:
    """An entry's paraphrases, read once per store connection (every turn ranks several)."""
    return tuple(store.qa_questions(conn=conn, entry_id=entry_id))


def coverage(text: str, entry_id: str, *, topic: Optional[str] = None, keep_topic_words: bool = False) -> float:
    """How well an entry fits: the share of the question's specific words (what it asks
    beyond topic, place and asking) found in the entry's paraphrases, each word weighted by
    how rare it is among the entries ("低保" says more than "会不"). A question with no
    specific words fits any entry of its own topic."""
    terms = qs.specific_terms(text, keep_topic_words=keep_topic_words)
    if not terms:
        entry = store.qa_entry(conn=ka.connection(), entry_id=entry_id)
        return 1.0 if topic and entry is not None and same_topic(entry["topic"], topic) else 0.0
    conn = ka.connection()
    rarity = term_rarity(conn)
    # Bigrams that straddle two words ("孕妇产前" → 妇产) rarely recur in another wording,
    # so characters count half.
    # The paraphrases together are the entry's vocabulary.
    characters = set("".join(terms))
    paraphrases = qs.canonical("\n".join(paraphrases_of(conn, entry_id)))
    present = vocabulary_of(conn, entry_id)
    weights = [rarity.get(t, UNSEEN_WEIGHT) for t in terms]
    bigram_share = sum(w for t, w in zip(terms, weights) if t in present) / sum(weights)
    character_share = sum(c in paraphrases for c in characters) / len(characters)
    return (bigram_share + character_share) / 2


@lru_cache(maxsize=2048)
def vocabulary_of(conn, entry_id: str) -> frozenset[str]:
    """The words of an entry's paraphrases (canonical), read once per store connection."""
    return frozenset(search.tokens(qs.canonical("\n".join(paraphrases_of(conn, entry_id)))))


def holds_rare_term(text: str, entry_id: str) -> bool:
    """One of the question's distinctive words is in the entry's paraphrases."""
    conn = ka.connection()
    rarity = term_rarity(conn)
    present = vocabulary_of(conn, entry_id)
    return any(rarity.get(t, 0.0) >= DISTINCTIVE_RARITY and t in present for t in qs.specific_terms(text))


def is_distinctive(text: str) -> bool:
    """The question names something few entries use (its rarest specific word)."""
    rarity = term_rarity(ka.connection())
    return any(rarity.get(term, 0.0) >= DISTINCTIVE_RARITY for term in qs.specific_terms(text))


# log(entries / entries using it): a word used by fewer than about 2 % of the entries.
DISTINCTIVE_RARITY = 4.0
# A word no entry uses may be a typo or a word straddling two words: it weighs like a
# word most entries use, not like a rare one.
UNSEEN_WEIGHT = 1.0


@lru_cache(maxsize=4)
def term_rarity(conn) -> dict[str, float]:
    """Each paraphrase word's inverse entry frequency, log(entries / entries using it)."""
    entry_ids = store.qa_entry_ids(conn=conn)
    used_by: dict[str, int] = {}
    for entry_id in entry_ids:
        for term in vocabulary_of(conn, entry_id):
            used_by[term] = used_by.get(term, 0) + 1
    return {term: math.log(len(entry_ids) / n) + 0.1 for term, n in used_by.items()}


def answers_topic(match: qa.QAMatch, question: qs.Question) -> bool:
    """An entry answers the question's topic; a worker's rights (where to complain, what an
    employer may not do) answer a rights question about any leave or benefit."""
    return same_topic(match.topic, question.topic or "") or (
        question.facet == "rights" and match.topic == "employment_rights")


def same_topic(entry_topic: str, asked_topic: str) -> bool:
    """An entry answers the topic asked (general leave entries answer every leave)."""
    if entry_topic == asked_topic:
        return True
    if entry_topic == "leave_general" and asked_topic in qs.LEAVE_TOPICS | {"maternity_allowance"}:
        return True   # 产假期间工资照发 is a leave rule too
    return {entry_topic, asked_topic} in ({"miscarriage_leave", "maternity_leave"},
                                          {"local_subsidy", "childcare_subsidy"},
                                          {"maternity_insurance", "maternity_allowance"},
                                          # 独生子女照护假 is one of the family-support measures
                                          {"only_child_leave", "family_support"})


_SENTENCE_END = re.compile(r"(?<=[。；;！!？?])")


def matching_sentences(text: str, query: str, *, most: int = 2, least: int = 1) -> list[str]:
    """The sentences of a clause holding the most query terms (at least `least`)."""
    terms = search.query_terms(query)
    scored = []
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        matched = sum(1 for t in terms if t in search.normalise(sentence))
        if matched >= max(1, least):
            scored.append((matched, sentence))
    if not scored:
        return []
    best = max(m for m, _ in scored)
    return [s for m, s in scored if m >= max(1, best - 1)][:most]


# Citizens' words -> the documents' words, added to a clause search.
DOCUMENT_WORDS = {
    "个税": "个人所得税", "陪产假": "护理假", "陪护假": "护理假", "产假工资": "生育津贴", "二胎": "二孩",
    "三胎": "三孩", "头胎": "一孩", "老二": "二孩", "老三": "三孩", "娃": "婴幼儿", "孩子": "婴幼儿",
    "宝宝": "婴幼儿", "两岁": "2岁", "二岁": "2岁", "三岁": "3岁", "一岁": "1岁", "上学": "就读",
    "同一个学校": "同一所学校", "哥哥": "兄", "姐姐": "姐", "户口": "户籍", "托儿所": "托育",
    "医保": "医疗保险", "失业": "失业保险", "离婚": "离婚", "收养": "收养", "领养": "收养",
    "无痛": "分娩镇痛", "试管": "辅助生殖", "喂奶": "哺乳", "夜班": "夜班劳动", "产检": "产前检查",
}


def search_text(text: str) -> str:
    """The question with place names removed (they pick documents, not sentences) and the
    documents' words added."""
    flat = text
    gazetteer = ka.gazetteer()
    aliases = getattr(gazetteer, "aliases", {})
    for region in gazetteer.find_in_text(text):
        for name in sorted([region.name] + [a for a, rid in aliases.items() if rid == region.id], key=len, reverse=True):
            flat = flat.replace(name, " ")
    extra = [doc for said, doc in DOCUMENT_WORDS.items() if said in text and doc not in text]
    return flat + " " + " ".join(extra)


def best_sentences(text: str, *, chain: Optional[list[str]], topic: Optional[str] = None
                   ) -> Optional[tuple[str, list[str]]]:
    """(clause id, its sentences that match the question best) for the long tail, or None.
    Sentences of the top clauses compete; the place's own documents win a tie."""
    query = search_text(text)
    terms = search.query_terms(query)
    if not terms:
        return None
    least = max(MIN_SENTENCE_TERMS, min(3, (len(terms) + 1) // 2))
    case_words = qs.special_case_words(text) if qs.facet_of(text) == "special_case" else ()
    point_cue = SENTENCE_CUES.get(qs.facet_of(text))
    hits = search.search(conn=ka.connection(), query=query, limit=12)
    best: Optional[tuple[tuple, str, list[str]]] = None
    for rank, hit in enumerate(hits):
        jurisdiction = ka.cite(hit.clause_id)["jurisdiction"]
        if chain is not None and jurisdiction not in chain and jurisdiction != "china":
            continue   # another place's rule never answers for this place
        clause_text = ka.cite(hit.clause_id)["text"]
        if topic in qs.TOPIC_WORDS and not any(w in clause_text for w in qs.TOPIC_WORDS[topic] + (qs.TOPIC_LABEL.get(topic, "-"),)):
            continue   # a clause that never names the topic asked does not answer it
        sentences = matching_sentences(clause_text, query, least=least)
        if case_words:   # "剖腹产…": only a sentence about that case answers it
            sentences = [s for s in sentences if any(w in s for w in case_words)]
        if point_cue is not None:   # "多长时间审核完": only a sentence that says a time
            sentences = [s for s in sentences if point_cue.search(s)]
        if not sentences:
            continue
        matched = max(sum(1 for t in terms if t in search.normalise(s)) for s in sentences)
        key = (matched, chain is not None and jurisdiction in chain, -rank)
        if best is None or key > best[0]:
            best = (key, hit.clause_id, sentences)
    return (best[1], best[2]) if best else None


# A title named this fully (its bigrams) is the document asked about.
TITLE_SHARE = 0.6


def document_named(text: str) -> Optional[dict]:
    """The document whose title the words name ("呼和浩特育儿补贴实施细则" is 《呼和浩特市发放育儿补贴
    实施细则》), or None when none, or more than one, fits."""
    asked = set(search.tokens(text))
    if len(asked) < 3:
        return None
    scored = []
    for document in store.documents(conn=ka.connection()):
        title = set(search.tokens(document["title"]))
        scored.append((len(asked & title) / len(asked), dict(document)))
    scored.sort(key=lambda sd: -sd[0])
    if not scored or scored[0][0] < TITLE_SHARE or len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.05:
        return None
    return scored[0][1]


# A clause that says which law or regulation it carries out.
_CARRIES_OUT = re.compile(r"(严格落实|依据|根据|按照|贯彻落实|贯彻实施)《([^》]{2,40}(条例|法|规定|办法))》")


def source_of_content(question: qs.Question, *, place: Optional[str], tracker: Tracker) -> Optional[Answer]:
    """Where a rule the citizen names comes from: the documents first, then the rule."""
    inner = Answer()
    # A rule with its figure ("包头产假158天") is a fact row; the fact tables cite its source
    # when they hold that figure ("30个工作日" is not the 3600 row's).
    figures = re.findall(r"\d+", question.text)
    if not (figures and say_facts(question, place=place, reply=inner, brief=True)
            and all(f in "".join(inner.lines) for f in figures)):
        inner = Answer()
        answer_one(question, place=place, reply=inner, tracker=tracker, brief=True)
    if not inner.clause_ids:
        return None
    reply = Answer()
    cited = ka.cites(inner.clause_ids)
    statute = _CARRIES_OUT.search(cited[0]["text"])
    if statute:   # "158天依据的是哪个法规": the regulation the clause says it carries out
        reply.say(templates.rests_on_statute(statute.group(2), statute.group(0), cited[0]))
    reply.say(templates.comes_from(cited[:2]))
    reply.lines += inner.lines
    reply.say(templates.clause_text(cited[0]))
    reply.cite(*inner.clause_ids)
    return reply


def show_sources(clause_ids: list[str]) -> Answer:
    """The cited clauses of the last answer, with their text."""
    reply = Answer()
    for clause_id in clause_ids[:3]:
        cited = ka.cite(clause_id)
        reply.say(templates.clause_text(cited))
        reply.cite(clause_id)
    if len(clause_ids) > 3:
        reply.say(templates.more_sources(len(clause_ids) - 3))
    return reply

