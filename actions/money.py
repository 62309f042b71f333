"""Money: the childcare subsidy (育儿补贴) and other benefits (tax, insurance, housing)."""
from __future__ import annotations

import re
from typing import Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions import knowledge_access as ka
from actions import templates
from actions.base import Answer, AnswerAction, answers
from knowledge import regions

# Benefit kinds a question intent is about when the citizen names none.
KINDS_FOR_INTENT = {
    "ask_tax_deduction": ("个税扣除", "小微企业税收"),
    "ask_maternity_insurance": ("生育津贴", "产检分娩报销", "辅助生殖报销", "生育保险"),
    "ask_housing": ("公积金", "公租房", "购房补贴", "购房优惠"),
}
# Benefit entity values (synonyms.yml) -> kinds in the store.
KINDS_FOR_ENTITY = {
    "个税扣除": ("个税扣除",), "生育津贴": ("生育津贴",), "生育保险": ("生育保险", "生育津贴", "产检分娩报销"),
    "公积金": ("公积金",), "公租房": ("公租房",), "购房补贴": ("购房补贴", "购房优惠"),
    "托育补贴": ("托育机构补助",),
}
TOTAL_ASKED = re.compile(r"总共|一共|合计|总计|加起来|三年")
# Regional extras shown beside the national 育儿补贴.
REGIONAL_SUBSIDIES = ("育儿补贴金", "生育补贴")
# The clauses stating who qualifies for a regional scheme, shown with its amount; a
# supplementary summary states them in its first clause.
CONDITION_CLAUSES = {
    "hohhot-subsidy-rules": ("hohhot-subsidy-rules:一/（一）/2", "hohhot-subsidy-rules:一/（一）/3"),
}


def child_order_in(tracker: Tracker) -> Optional[int]:
    """The child order named now (or remembered), as 1, 2 or 3; None when the message names
    several ("一孩 二孩 三孩分别多少" asks for every order)."""
    named = {e.get("value") for e in tracker.latest_message.get("entities", []) or [] if e.get("entity") == "child_order"}
    if len(named) > 1:
        return None
    value = ka.latest_entity(tracker, "child_order") or tracker.get_slot("child_order")
    return int(value) if isinstance(value, str) and value in ("1", "2", "3") else None


def resolve(place: str, kind: str) -> regions.Resolution:
    return ka.resolve_rules(place=place, table="benefits", kind=kind)


def national_subsidy_rows(kind: str = "育儿补贴"):
    from knowledge import store

    return store.facts_in(conn=ka.connection(), table="benefits", jurisdictions=["china"], kind=kind)


# Which clauses of the national rules answer each subsidy question (shown verbatim:
# short summaries written for citizens, or short official articles, so every figure
# is its clause's own).
SUBSIDY_CLAUSES = {
    "ask_subsidy_amount": ("national-childcare-subsidy:1", "national-childcare-subsidy:2",
                           "national-childcare-subsidy:7"),
    "ask_subsidy_apply": ("national-childcare-subsidy:3", "national-childcare-subsidy:4",
                          "national-childcare-subsidy:5", "national-childcare-subsidy:6",
                          "subsidy-management-rules:第十二条", "national-childcare-subsidy-2026:1"),
    "ask_subsidy_eligibility": ("national-childcare-subsidy:1", "national-childcare-subsidy:2",
                                "national-childcare-subsidy:3", "national-childcare-subsidy:5"),
}


def say_subsidy_amount(reply: Answer, *, place: Optional[str], brief: bool = False,
                       child_order: Optional[int] = None) -> None:
    """The national 育儿补贴 amount, then the place's own subsidies (with their conditions)."""
    if place and ka.region_of(place) is not None:
        ActionAnswerSubsidy().regional(place, reply, child_order=child_order)
    main = next(r for r in national_subsidy_rows() if r["unit"] == "元/年")
    reply.say(templates.subsidy_direct("ask_subsidy_amount", main, also=bool(reply.lines)))
    reply.cite(main["clause_id"])
    if place and ka.region_of(place) is not None:
        pass
    elif place:
        reply.say(templates.not_covered(ka.display_name(place)))
    elif not brief:
        reply.say(templates.local_subsidy_may_apply())


def say_local_subsidy(reply: Answer, *, place: Optional[str], child_order: Optional[int],
                      amounts_first: bool = True) -> None:
    """A local birth/childcare subsidy: the place's own rows; without a place, every
    covered place's scheme, each with where it applies and its conditions."""
    if place and ka.region_of(place) is not None:
        before = len(reply.lines)
        ActionAnswerSubsidy().regional(place, reply, child_order=child_order, amounts_first=amounts_first)
        if len(reply.lines) == before:
            reply.say(templates.no_local_subsidy(ka.display_name(place)))
    elif place:
        reply.say(templates.not_covered(ka.display_name(place)))
    else:
        from knowledge import store

        rows = [r for r in store.all_facts(conn=ka.connection(), table="benefits")
                if r["kind"] in REGIONAL_SUBSIDIES and r["jurisdiction"] != "china"]
        say_regional_rows(reply, rows=rows, child_order=child_order, elsewhere=True, amounts_first=amounts_first)
    main = next(r for r in national_subsidy_rows() if r["unit"] == "元/年")
    reply.say(templates.subsidy_direct("ask_subsidy_amount", main, also=bool(reply.lines)))
    reply.cite(main["clause_id"])


def say_regional_rows(reply: Answer, *, rows, child_order: Optional[int], elsewhere: bool = False,
                      amounts_first: bool = True) -> None:
    """Local subsidy rows and the clauses of their conditions (who, from when, hukou): an
    amount is never shown without what excludes a family from it. For an amount question
    the amounts go first ("一孩 二孩 三孩各多少" is answered in the opening lines); for a
    question of eligibility each amount is followed by its conditions."""
    shown = [row for row in rows if not child_order or row["child_order"] in (None, child_order)]
    render = templates.regional_subsidy_elsewhere if elsewhere else templates.regional_subsidy

    def say_conditions(row) -> None:
        doc_id = row["clause_id"].split(":", 1)[0]
        for condition in CONDITION_CLAUSES.get(doc_id, (f"{doc_id}:1",)):
            if condition not in reply.clause_ids:
                reply.say(templates.clause_bullet(ka.cite(condition)["text"]))
                reply.cite(condition)

    for row in shown:
        order = templates.CHILD_ORDER_WORDS.get(row["child_order"], "")
        reply.say(render(ka.display_name(row["jurisdiction"]), row["kind"], order, row["amount_text"]))
        reply.cite(row["clause_id"])
        if not amounts_first:
            say_conditions(row)
    for row in shown if amounts_first else ():
        say_conditions(row)


def say_tax_deduction(reply: Answer, *, place: Optional[str]) -> None:
    """The national 3岁以下婴幼儿照护 deduction, then what the place's documents add."""
    for row in national_subsidy_rows("个税扣除"):
        reply.say(templates.benefit_line(row))
        reply.cite(row["clause_id"])
    if place and ka.region_of(place) is not None:
        for row in resolve(place, "个税扣除").rules:
            if row["jurisdiction"] != "china":
                reply.say(templates.benefit_line(row))
                reply.cite(row["clause_id"])


def say_benefit_rows(reply: Answer, *, place: str, kinds: tuple[str, ...]) -> bool:
    """The place's benefit rows of these kinds (drafts and goals marked as such)."""
    found = False
    for kind in kinds:
        resolution = resolve(place, kind)
        for row in resolution.rules + resolution.drafts:
            found = True
            reply.say(templates.benefit_answer(row))
            reply.cite(row["clause_id"])
    return found


def say_benefits(reply: Answer, *, place: str, topic: str) -> None:
    """The place's benefit rows of a topic (tax, housing, insurance)."""
    intent = {"tax_deduction": "ask_tax_deduction", "housing": "ask_housing",
              "maternity_insurance": "ask_maternity_insurance"}[topic]
    if ka.region_of(place) is not None:
        say_benefit_rows(reply, place=place, kinds=KINDS_FOR_INTENT[intent])


@answers("ask_subsidy_apply", "ask_subsidy_amount", "ask_subsidy_eligibility")
class ActionAnswerSubsidy(AnswerAction, Action):
    """育儿补贴 is national: it is answered for any place; local extras when covered."""

    def name(self) -> Text:
        return "action_answer_subsidy"

    def place_matters(self, intent: str) -> bool:
        return True   # no place needed, but a named one decides the local extras

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        place = ka.current_place(tracker)
        benefit = ka.latest_entity(tracker, "benefit")
        if benefit in REGIONAL_SUBSIDIES and place and ka.region_of(place):
            self.regional(place, reply, only=benefit, child_order=child_order_in(tracker))
            reply.events.append(SlotSet("region", place))
            if reply.lines:
                return
            reply.say(templates.no_benefit(ka.display_name(place), benefit))
        covered = bool(place and ka.region_of(place))
        # "How much" where the place pays its own subsidy: the place's answer comes first.
        local_first = covered and intent == "ask_subsidy_amount"
        child_order = child_order_in(tracker)
        if local_first:
            self.regional(place, reply, child_order=child_order)
            if reply.lines:   # the place's own subsidy leads: "材料呢", "什么时候发" are about it
                from actions import answering, questions

                reply.events.append(answering.remember(questions.with_topic(
                    answering.question_of_intent(tracker, intent), "local_subsidy")))
        main = next(r for r in national_subsidy_rows() if r["unit"] == "元/年")
        if intent == "ask_subsidy_amount" and TOTAL_ASKED.search(tracker.latest_message.get("text") or ""):
            total = next((r for r in national_subsidy_rows() if r["unit"] == "元"), None)
            if total is not None:   # "一共能拿多少": the total first
                reply.say(templates.subsidy_total(total))
                reply.cite(total["clause_id"])
        reply.say(templates.subsidy_direct(intent, main, also=bool(reply.lines)))
        reply.cite(main["clause_id"])
        if place and not covered:   # named right after the national rule it is given
            reply.say(templates.not_covered(ka.display_name(place)))
        for clause_id in SUBSIDY_CLAUSES.get(intent, SUBSIDY_CLAUSES["ask_subsidy_amount"]):
            reply.say(templates.clause_bullet(ka.cite(clause_id)["text"]))
            reply.cite(clause_id)
        if covered and not local_first:
            self.regional(place, reply, child_order=child_order,
                          amounts_first=intent != "ask_subsidy_eligibility")
        if covered:
            reply.events.append(SlotSet("region", place))

    def regional(self, place: str, reply: Answer, only: Optional[str] = None,
                 child_order: Optional[int] = None, amounts_first: bool = True) -> None:
        for kind in ([only] if only else REGIONAL_SUBSIDIES):
            say_regional_rows(reply, rows=[r for r in resolve(place, kind).rules if r["jurisdiction"] != "china"],
                              child_order=child_order, amounts_first=amounts_first)
        local = [r for r in resolve(place, "育儿补贴").rules if r["jurisdiction"] != "china"]
        for row in local:
            reply.say(templates.local_implementation(ka.display_name(row["jurisdiction"]), row["quote"]))
            reply.cite(row["clause_id"])


@answers("ask_tax_deduction", "ask_maternity_insurance", "ask_housing")
class ActionAnswerBenefit(AnswerAction, Action):
    needs_place = True

    def name(self) -> Text:
        return "action_answer_benefit"

    def place_needed(self, intent: str) -> bool:
        # The tax deduction and the maternity insurance are national: answer them without
        # asking where (housing support is local).
        return intent == "ask_housing"

    def answer(self, tracker: Tracker, intent: str, reply: Answer) -> None:
        place = ka.current_place(tracker)
        if not place:
            if intent == "ask_maternity_insurance":
                for kind in ("生育保险", "生育津贴"):
                    self.national(reply, kind)
                reply.say(templates.may_differ_locally())
            else:
                self.national(reply, "个税扣除")
            return
        reply.events.append(SlotSet("region", place))
        benefit = ka.latest_entity(tracker, "benefit")
        kinds = KINDS_FOR_ENTITY.get(benefit) or KINDS_FOR_INTENT.get(intent, ())
        region = ka.region_of(place)
        if region is None or region.id == "china":
            reply.say(templates.not_covered(ka.display_name(place)))
            if intent == "ask_tax_deduction":
                self.national(reply, "个税扣除")
            return
        if not say_benefit_rows(reply, place=place, kinds=kinds):
            reply.say(templates.no_benefit(region.name, "、".join(kinds) or "这项待遇"))

    def national(self, reply: Answer, kind: str) -> None:
        for row in national_subsidy_rows(kind):
            reply.say(templates.benefit_answer(row))
            reply.cite(row["clause_id"])
