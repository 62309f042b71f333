"""我的生育政策清单: one conversation gives a family its whole plan (leave dates, money,
deadlines, steps, childcare), each line cited, with a calendar file."""
from actions.family_plan.build import Plan, PlanEvent, PlanLine, PlanSection, build_plan
from actions.family_plan.situation import SKIPPED, WORK_KINDS, Situation

__all__ = ["Plan", "PlanEvent", "PlanLine", "PlanSection", "SKIPPED", "Situation", "WORK_KINDS", "build_plan"]
