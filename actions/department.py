"""Which department is responsible for a topic: the units of the best matching clause."""
from __future__ import annotations

import re
from typing import Optional, Text

from rasa_sdk import Action, Tracker

from actions import knowledge_access as ka
from actions import templates
from actions.base import Answer, AnswerAction, answers
from knowledge import search, store

# Words that say "who is in charge", removed to leave the topic.
_ASKING = re.compile(r"(归|由|是)?(哪个|哪一个|哪些|什么)(部门|单位|机构)(管|负责|主管|办|牵头)?|找谁|谁管|谁负责|该找|去哪问|管不管|[?？吗呢啊呀]")
MIN_MATCHED_TERMS = 2


def topic_of(text: str) -> str:
    return _ASKING.sub("", text).strip(" ，,。") or text


def best_unit_clause(topic: str, place: Optional[str]) -> Optional[str]:
    """The best-matching clause that names responsible units (the place's documents first)."""
    conn = ka.connection()
    hits = [h for h in search.search(conn=conn, query=topic, limit=40) if h.matched_terms >= MIN_MATCHED_TERMS
            or (h.matched_terms >= 1 and len(search.query_terms(topic)) == 1)]
    with_units = [h for h in hits if store.units(conn=conn, clause_id=h.clause_id)["lead"]]
    if place and ka.region_of(place):
        chain = {r.id for r in ka.gazetteer().chain(ka.region_of(place).id)}
        local = [h for h in with_units if ka.cite(h.clause_id)["jurisdiction"] in chain]
        if local:
            return local[0].clause_id
    return with_units[0].clause_id if with_units else None


@answers("ask_department")
class ActionAnswerDepartment(AnswerAction, Action):
    def name(self) -> Text:
        return "action_answer_department"

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        text = tracker.latest_message.get("text") or ""
        if self.say_office_of_last_answer(text, tracker=tracker, reply=reply):
            return
        from actions import answering

        last = answering.last_question(tracker)
        if self.say_complaint_office(text, place=ka.current_place(tracker), reply=reply,
                                     last_topic=last.topic if last else None):
            return
        if self.say_department_entry(text, place=ka.current_place(tracker), reply=reply):
            return
        topic = topic_of(text)
        clause_id = best_unit_clause(topic, ka.current_place(tracker))
        if clause_id is None:
            # Who decides, by what the question (or the one before it) is about.
            from actions import answering, questions

            # "在单位被骚扰 单位要管吗" names no department but a rule answers it.
            if answering.answer_facet(questions.read(text), place=ka.current_place(tracker), reply=reply):
                return
            about = questions.topic_of(text) or (answering.last_question(tracker) or questions.read("")).topic
            office = answering.DEPARTMENT_OF_TOPIC.get(about or "")
            reply.say(templates.no_department(topic, templates.department(office) if office else None))
            return
        units = store.units(conn=ka.connection(), clause_id=clause_id)
        cited = ka.cite(clause_id)
        reply.say(templates.department_answer(ka.display_name(cited["jurisdiction"]), cited["heading"],
                                              units["lead"], units["other"]))
        reply.cite(clause_id)

    @staticmethod
    def say_office_of_last_answer(text: str, *, tracker: Tracker, reply: Answer) -> bool:
        """A bare "找谁" / "归哪个部门管" after an answer: the office for that answer's topic."""
        from actions import answering, questions

        last = answering.last_question(tracker)
        asked = _ASKING.sub("", text).strip(" ，,。那")
        if questions.topic_of(text) or questions.specific_terms(asked):
            return False
        if last is None or not last.topic:
            reply.say(templates.not_understood())   # "找谁" with nothing before it: about what?
            return True
        office = answering.DEPARTMENT_OF_TOPIC.get(last.topic)
        if office is None:
            return False
        reply.say(templates.office_for_topic(questions.TOPIC_LABEL.get(last.topic, ""), templates.department(office)))
        reply.events.append(answering.remember(last))
        return True

    @staticmethod
    def say_complaint_office(text: str, *, place: Optional[str], reply: Answer, last_topic: Optional[str] = None) -> bool:
        """"单位不落实产假 归哪个部门管": an employer breaking a rule is a complaint to the
        labour inspectorate, not the lead unit of a policy task. After a leave answer
        ("单位不批怎么办"), the complaint is about that leave."""
        from actions import answering, questions

        if questions.facet_of(text) != "rights":
            return False
        leave = last_topic if last_topic in questions.LEAVE_TOPICS and not questions.topic_of(text) else None
        words = text + (questions.TOPIC_LABEL[leave] if leave else "") + " 去哪投诉"
        question = questions.with_topic(questions.read(words), leave or "employment_rights")
        match = answering.best_qa(question, chain=answering.place_chain(place))
        if match is None:
            return False
        answering.say_entry(match, question=question, place=place, reply=reply)
        return True

    @staticmethod
    def say_department_entry(text: str, *, place: Optional[str], reply: Answer) -> bool:
        """"育儿补贴是哪个部门审核的": a question-answer entry about who handles that step
        (乡镇初审, 县级卫健部门审核) answers better than a task list's lead unit."""
        from actions import answering, questions

        question = questions.read(text)
        if question.topic is None or not _A_STEP.search(text):
            return False   # "归哪个部门管" asks whose task it is: the lead unit answers
        match = answering.best_qa(question, chain=answering.place_chain(place), least=answering.MIN_COVERAGE)
        if match is None or not any(_ABOUT_WHO.search(p) for p in answering.paraphrases_of(ka.connection(),
                                                                                          match.entry_id)):
            return False
        answering.say_entry(match, question=question, place=place, reply=reply)
        return True


# A step of a procedure, which a department handles for the citizen.
_A_STEP = re.compile(r"审核|审批|初审|复核|受理|发放|发钱|办理|盖章|认定")
# A paraphrase asking who handles something.
_ABOUT_WHO = re.compile(r"部门|找谁|谁(审|管|负责|发|办)|哪里审|单位")
