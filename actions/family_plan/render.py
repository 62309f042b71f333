"""The plan as each channel shows it: the web's card (Markdown, with the calendar and
print links), WeChat's short numbered sections, the staff shell's text with clause ids,
and the print view's HTML. Sentences come from actions.templates."""
from __future__ import annotations

import html
from typing import Optional

from actions import knowledge_access as ka
from actions import templates
from actions.family_plan.build import Plan, PlanLine

ICS_PATH = "/plan.ics"
PRINT_PATH = "/plan/print"


def situation_line(plan: Plan) -> str:
    s = plan.situation
    return templates.plan_situation(
        place=plan.place_name, order=s.child_order, date=s.date.isoformat() if s.date else None,
        due=s.is_due(today=plan.today), mother=s.mother_work, father=s.father_work,
        hukou=ka.display_name(s.hukou) if s.hukou else None)


def line_sources(line: PlanLine) -> str:
    """（《title》position；…） — the clauses a line comes from, by document."""
    positions = []
    for group in templates.source_documents(ka.cites(line.clause_ids)):
        positions.append(f"《{group[0]['title']}》" + "、".join(dict.fromkeys(templates.clause_position(c) for c in group)))
    return templates.plan_line_source(positions)


def line_text(line: PlanLine, *, staff: bool = False) -> str:
    text = line.text + line_sources(line)
    if staff and line.clause_ids:
        text += " [" + ", ".join(line.clause_ids) + "]"
    return text


def links(plan: Plan) -> tuple[str, str]:
    query = plan.situation.query()
    return f"{ICS_PATH}?{query}", f"{PRINT_PATH}?{query}"


def full_text(plan: Plan, *, markdown: bool, staff: bool = False) -> str:
    """The whole plan: the web card (markdown) or the staff shell and REST text."""
    out = [f"## {templates.plan_title()}" if markdown else templates.plan_title(), situation_line(plan)]
    for number, section in enumerate(plan.sections, start=1):
        heading = templates.plan_section_heading(number, section.title)
        out.append(f"### {heading}" if markdown else heading)   # a heading line ends the list before it
        out += [("- " if markdown else "· ") + line_text(line, staff=staff) for line in section.lines]
    if markdown:
        out.append(templates.plan_links(*links(plan)))
    out.append(templates.plan_change_hint())
    return "\n".join(out)


def wechat_summary(plan: Plan) -> str:
    """The first WeChat message: the situation and the sections by number."""
    summaries = [templates.plan_wechat_section_summary(s.title, len(s.lines)) for s in plan.sections]
    return "\n".join([templates.plan_title(), situation_line(plan), templates.plan_wechat_summary(summaries)])


def section_text(plan: Plan, key: str, *, staff: bool = False) -> Optional[str]:
    for number, section in enumerate(plan.sections, start=1):
        if section.key == key:
            lines = [f"{i}）{line_text(line, staff=staff)}" for i, line in enumerate(section.lines, start=1)]
            return "\n".join([templates.plan_section_heading(number, section.title)] + lines)
    return None


def print_html(plan: Plan) -> str:
    """A page to print: the plan, its sources in full, no scripts."""
    esc = html.escape
    parts = [f"<h1>{esc(templates.plan_print_title())}</h1>", f"<p class=\"situation\">{esc(situation_line(plan))}</p>"]
    for number, section in enumerate(plan.sections, start=1):
        parts.append(f"<h2>{esc(templates.plan_section_heading(number, section.title))}</h2><ol>")
        parts += [f"<li>{esc(line.text)}<span class=\"source\">{esc(line_sources(line))}</span></li>"
                  for line in section.lines]
        parts.append("</ol>")
    parts.append(f"<p class=\"note\">{esc(templates.plan_change_hint())}</p>")
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(templates.plan_print_title())}</title><link rel=\"stylesheet\" href=\"/print.css\"></head>"
            "<body><main>" + "".join(parts) + "</main></body></html>")
