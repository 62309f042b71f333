"""Every sentence the actions show a citizen (fixed replies live in domain.yml).

Functions take the facts and return text; none of them computes or looks anything up.
"""
from __future__ import annotations

import json
import re
from typing import Iterable, Mapping

CHILD_ORDER_WORDS = {1: "第一个孩子", 2: "第二个孩子", 3: "第三个孩子"}
WHO_WORDS = {
    "mother": "女职工", "father": "男方", "each_parent": "夫妻双方每人",
    "only_child": "独生子女", "employee": "职工",
}
LEAVE_DISPLAY = {"难产假": "难产增加的产假", "多胞胎假": "多胞胎每多一个婴儿增加的产假", "流产假": "流产后的产假"}

COVERED_PLACES = ("内蒙古自治区（含呼和浩特、包头及各盟市、旗县区）、吉林省（全省规定；通化市某区另有征求意见稿）、"
                  "宁夏回族自治区中卫市中宁县")
HOTLINE = "12345政务服务便民热线"
DEMO_LABEL = "【演示数据】"
FEEDBACK_BUTTONS = [
    {"title": "有帮助", "payload": '/feedback{"helpful": "yes"}'},
    {"title": "没帮助", "payload": '/feedback{"helpful": "no"}'},
]
NEXT_RESULT_BUTTON = {"title": "看下一条", "payload": "/next_result"}


# ---------------------------------------------------------------- citations

def clause_position(cite: Mapping) -> str:
    """Where a clause sits in its document: 第七条, 第13项, 二（一）第2项, 发展目标."""
    number = cite["number"]
    position = f"第{number}条" if number.isdigit() and cite["doc_kind"] == "supplementary" else (
        f"第{number}项" if number.isdigit() else number)
    # Official texts and added documents number items within each group: the whole position.
    whole_position = cite["doc_kind"] == "official" or str(cite.get("doc_file") or "").startswith("added/")
    if whole_position and not number.startswith("第"):
        position = official_outline_position(cite)
    if cite["clause_kind"] == "contact":
        position = cite["path"].split("/", 1)[0]  # the phone table's title
    elif cite["clause_kind"] != "measure":
        position = cite["heading"]
    return position


def document_flags(cite: Mapping) -> list[str]:
    """What a citizen must know about the document a clause is from."""
    flags = []
    if cite["status"] == "draft":
        flags.append("征求意见稿，尚未正式施行")
    if cite.get("replaced_by_title"):
        flags.append(f"已于{cite['replaced_on']}被《{cite['replaced_by_title']}》取代，适用于此前的情形")
    elif cite["superseded_by"]:
        flags.append(f"部分内容已被《{cite['superseded_title']}》取代")
    if cite.get("replaces_title"):
        flags.append(f"自{cite['date']}起施行，取代《{cite['replaces_title']}》")
    if cite["confidence"] == "reported":
        flags.append("据公开报道整理，以当地部门解释为准")
    if cite["doc_kind"] in ("supplementary", "official") and cite["jurisdiction"] == "china":
        flags.append("国家规定")
    return flags


def document_source_line(cites: list[Mapping]) -> str:
    """来源：《title》（文号）第七条、第九条，日期【flags】 — the clauses of one document."""
    first = cites[0]
    positions = list(dict.fromkeys(clause_position(c) for c in cites))
    text = f"来源：《{first['title']}》" + (f"（{first['doc_number']}）" if first["doc_number"] else "")
    text += "、".join(positions)
    date = first["date"] or first["date_note"]
    text += f"，{date}" if date else ""
    flags = document_flags(first)
    return text + ("【" + "；".join(flags) + "】" if flags else "")


def source_line(cite: Mapping) -> str:
    """来源：《title》（文号）第X项，日期【flags】 — one cited clause."""
    return document_source_line([cite])


def official_outline_position(cite: Mapping) -> str:
    """二/（一）/2 -> 二（一）第2项; 四 -> 四、资金发放 (items restart under each group)."""
    labels = cite["path"].split("/")
    if len(labels) == 1:
        return f"{labels[0]}、{cite['heading']}"
    last = labels[-1]
    return "".join(labels[:-1]) + (f"第{last}项" if last.isdigit() else last)


# On a phone the answer must stay on screen: at most this many source lines (one per
# document); the rest behind "更多来源" (a button; a numbered reply on WeChat).
MAX_SOURCE_LINES = 3
MORE_SOURCES_BUTTON = {"title": "更多来源", "payload": "/ask_source"}


def source_documents(cites: Iterable[Mapping]) -> list[list[Mapping]]:
    """The cited clauses grouped by document, in the order they were first cited."""
    by_document: dict[str, list[Mapping]] = {}
    seen = set()
    for cite in cites:
        if cite["clause_id"] not in seen:
            seen.add(cite["clause_id"])
            by_document.setdefault(cite["doc_id"], []).append(cite)
    return list(by_document.values())


def sources_block(documents: list[list[Mapping]]) -> str:
    """One line per document (source_documents), its clause positions merged; at most
    MAX_SOURCE_LINES lines."""
    return "\n".join(document_source_line(group) for group in documents[:MAX_SOURCE_LINES])


def all_sources(cites: Iterable[Mapping]) -> str:
    """The answer to "更多来源": every cited clause on its own line."""
    return "全部来源：\n" + "\n".join(source_line(c) for group in source_documents(cites) for c in group)


# ---------------------------------------------------------------- places

def ask_region() -> str:
    return "请问您在哪个地区？（例如：包头市昆都仑区、呼和浩特、通化、中宁县）不同地区的规定可能不同。"


MAX_PLACE_CHOICES = 6


def ask_which_place(name: str, candidates: Iterable[str]) -> str:
    """A name several places share: which one? (the buttons come from place_buttons)."""
    candidates = list(candidates)
    listed = "；".join(candidates[:MAX_PLACE_CHOICES])
    if len(candidates) > MAX_PLACE_CHOICES:
        return (f"全国有{len(candidates)}个地方叫“{name}”，例如：{listed}。"
                f"请连同所在的市或县（区）一起告诉我，例如“固阳县{name}”。")
    return f"“{name}”有几个地方同名，请问您指的是哪一个？{listed}"


def place_buttons(candidates: Iterable[tuple[str, str]]) -> list[dict]:
    """One button per (label, value), at most MAX_PLACE_CHOICES; the value resolves to
    exactly that place."""
    return [{"title": label, "payload": "/inform" + json.dumps({"region": value}, ensure_ascii=False)}
            for label, value in list(candidates)[:MAX_PLACE_CHOICES]]


def not_covered(place: str) -> str:
    return (f"抱歉，知识库暂未收录“{place}”的地方政策。目前覆盖：{COVERED_PLACES}。"
            f"当地具体规定请咨询当地卫生健康或人力资源社会保障部门，或拨打{HOTLINE}。")


def national_baseline(days: int) -> str:
    return (f"供参考：按国家《女职工劳动保护特别规定》，女职工生育享受{days}天产假（这是国家基准，"
            f"不是当地标准；各省份已普遍延长）。")


# ---------------------------------------------------------------- leave

def leave_label(leave_type: str) -> str:
    return LEAVE_DISPLAY.get(leave_type, leave_type)


def leave_direct(place: str, rule: Mapping, rule_place: str | None = None) -> str:
    """包头市女职工生育第三个孩子可享受产假188天（按内蒙古自治区规定，全区适用）。"""
    text = _leave_sentence(place, rule)
    if rule_place and rule_place != place:
        # A region-wide rule is the region's, even where a city's list repeats it.
        whole = "全省" if rule_place.endswith("省") else "全区" if rule_place.endswith("区") else "全市"
        text = text[:-1] + f"（按{rule_place}规定，{whole}适用）。"
    return text


def _leave_sentence(place: str, rule: Mapping) -> str:
    who = WHO_WORDS.get(rule["who"], "")
    order = CHILD_ORDER_WORDS.get(rule["child_order"])
    if rule["leave_type"] == "流产假":
        return f"{place}：女职工{rule['conditions']}。"
    if rule["leave_type"] in LEAVE_DISPLAY:
        return f"{place}：{rule['conditions'] or leave_label(rule['leave_type'])}，增加产假{rule['days']}天。"
    period = "每年" if rule["period"] == "per_year" else ""
    until = f"在子女{rule['until_child_age']}周岁以前，" if rule["until_child_age"] else ""
    if order and rule["leave_type"] == "产假":
        return f"{place}{who}生育{order}可享受产假{rule['days']}天。"
    if rule["leave_type"] == "婚假":
        return f"{place}依法登记结婚的职工可享受婚假{rule['days']}天。"
    return f"{place}{until}{who}{period}可享受{rule['leave_type']}{rule['days']}天。"


def leave_details(rules: Iterable[Mapping]) -> str:
    notes = []
    for rule in rules:
        if rule["pay_note"] and rule["pay_note"] not in notes:
            notes.append(rule["pay_note"])
    return ("待遇：" + "；".join(notes) + "。") if notes else ""


def leave_extras(extras: Iterable[Mapping]) -> str:
    items = [f"{r['conditions']}" for r in extras if r["conditions"]]
    return ("另按国家规定：" + "；".join(items) + "。") if items else ""


# Whose draft it is and where it would apply, per draft document (see scope_note in
# knowledge/sources/sources.yml): 003 is one unnamed district's draft, not 通化市's.
DRAFT_SCOPES = {"tonghua-draft": "通化市某区的征求意见稿（尚未施行，仅适用于发文的区）"}
GOAL_MARK = "（这是文件提出的工作目标，尚未明确为可直接享受的待遇，以当地主管部门落实情况为准）"


def draft_note(rule: Mapping) -> str:
    """A draft's rule, said beside the rules in force (a leave row or a benefit row)."""
    scope = DRAFT_SCOPES.get(rule["doc_id"], "征求意见稿（尚未施行）") if "doc_id" in rule.keys() else (
        "征求意见稿（尚未施行）")
    if "leave_type" in rule.keys():
        period = "每年" if rule["period"] == "per_year" else ""
        what = f"{leave_label(rule['leave_type'])}{period}{rule['days']}天"
    else:
        what = benefit_line(rule)
    return f"另：{scope}拟规定{what}。"


def benefit_answer(rule: Mapping) -> str:
    """One benefit row as said to a citizen: drafts and goals are marked as such."""
    if "doc_status" in rule.keys() and rule["doc_status"] == "draft":
        return draft_note(rule)
    goal = "is_goal" in rule.keys() and rule["is_goal"]
    return benefit_line(rule) + (GOAL_MARK if goal else "")


def no_leave_rule(place: str, leave_type: str) -> str:
    return f"知识库中没有找到{place}关于{leave_type}天数的规定。请咨询当地人力资源社会保障部门或拨打{HOTLINE}。"


def leave_dates(*, birth: str, birth_is_due: bool, maternity_days: int, maternity_end: str,
                parental_until: str | None, year_assumed: bool) -> str:
    start = "预产期" if birth_is_due else "分娩日"
    text = (f"按{start}{birth}计算：产假{maternity_days}天，休到{maternity_end}（含当天）。")
    if parental_until:
        text += f"育儿假可在孩子3周岁以前休，即{parental_until}之前（含当天）。"
    text += ("\n计算方法：按自然日连续计算，从" + start + "当天算第1天；产前可休的15天如已提前休，"
             "产后部分相应减少。实际以单位和当地人社部门核定为准。")
    if year_assumed:
        text += "\n您没有说明年份，已按今年计算。"
    return text


def ask_birth_date() -> str:
    return "请告诉我孩子的出生日期或预产期（例如：2025年3月5日），我来帮您算产假和育儿假的时间。"


def compare_line(place: str, leave_type: str, rules: Iterable[Mapping], drafts: Iterable[Mapping]) -> str:
    parts = []
    for r in rules:
        order = CHILD_ORDER_WORDS.get(r["child_order"], "")
        parts.append(f"{order}{r['days']}天" if order else f"{r['days']}天{'/年' if r['period'] == 'per_year' else ''}")
    for r in drafts:
        parts.append(f"{r['days']}天（征求意见稿）")
    return f"{place}{leave_type}：" + ("、".join(parts) if parts else "知识库中没有规定")


def compare_need_two() -> str:
    return "请告诉我要比较的两个地区，例如：“包头和通化的产假比一下”。"


# ---------------------------------------------------------------- money

def subsidy_direct(intent: str, rule: Mapping, also: bool = False) -> str:
    """The first sentence of a 育儿补贴 answer (`also`: after the place's own subsidy)."""
    if also:
        return f"此外，国家育儿补贴{rule['amount_text']}，发放至孩子满3周岁。"
    if intent == "ask_subsidy_apply":
        return (f"国家育儿补贴{rule['amount_text']}，可以线上或线下申领，由父母一方申请，"
                "首次申领后每年续领。")
    if intent == "ask_subsidy_eligibility":
        return "符合法律法规规定生育的3周岁以下婴幼儿都可以领取国家育儿补贴。"
    return f"国家育儿补贴{rule['amount_text']}，发放至孩子满3周岁。"


def clause_bullet(text: str) -> str:
    # A clause's run-in heading ("申领人。每个家庭…") reads as a label, not a sentence of its own.
    return "· " + _RUN_IN_HEADING.sub(r"\1：", text, count=1)


_RUN_IN_HEADING = re.compile(r"^([\u4e00-\u9fff（）()0-9]{2,12})。(?=.)")


def benefit_line(rule: Mapping) -> str:
    text = rule["amount_text"] or ""
    lead = {
        "个税扣除": "3岁以下婴幼儿照护个人所得税专项附加扣除：",
        "公积金": "住房公积金：", "公租房": "公租房：", "购房补贴": "购房补贴：",
    }.get(rule["kind"], f"{rule['kind']}：")
    quote = rule["quote"] if "quote" in rule.keys() else None
    if not text and quote:
        # No amount: the clause's own words, not a bare "多子女家庭（有条件的盟市）".
        note = rule["note"] or ""
        return f"{lead}“{quote}”" + (f"（{note}）" if note and not re.search(r"\d", note) else "")
    body = text if text else (rule["eligibility"] or rule["note"] or "有相关支持政策")
    extra = f"（{rule['eligibility']}）" if text and rule["eligibility"] else ""
    return f"{lead}{body}{extra}"


def no_benefit(place: str, kind: str) -> str:
    return f"知识库中没有找到{place}关于{kind}的具体规定。请咨询当地相关部门或拨打{HOTLINE}。"


# ---------------------------------------------------------------- childcare

def facility_line(name: str, *, distance_km: float | None, address: str | None, is_demo: bool,
                  facility_type: str | None, places: int | None) -> str:
    parts = [(DEMO_LABEL if is_demo else "") + name]
    if facility_type:
        parts.append(facility_type)
    if places:
        parts.append(f"托位{places}个")
    if distance_km is not None:
        parts.append(f"约{distance_km:.1f}公里")
    if address:
        parts.append(address)
    return "、".join(parts)


def facilities_intro(place: str, *, nearest: bool) -> str:
    return "离您最近的托育机构：" if nearest else f"{place}的托育机构："


def demo_warning() -> str:
    return "注意：标有【演示数据】的机构为演示数据，并非真实机构，请以当地卫生健康部门公布的托育机构备案名单为准。"


def no_facilities(place: str) -> str:
    return (f"知识库中还没有{place}的托育机构名单。请向当地卫生健康部门（卫健委/卫生健康局）查询"
            f"已备案的普惠托育机构，或拨打{HOTLINE}。")


def ask_childcare_place() -> str:
    return "请告诉我您所在的区县（例如：昆都仑区、青山区），或在微信里发送位置，我来查附近的托育机构。"


# ---------------------------------------------------------------- departments and search

def department_answer(place: str, topic: str, lead: list[str], other: list[str]) -> str:
    text = f"{place}文件中，“{topic}”的牵头单位：{'、'.join(lead)}。"
    if other:
        text += f"配合单位：{'、'.join(other)}。"
    return text


def office_for_topic(label: str, office: str) -> str:
    return f"{label}的问题，请咨询{office}。" if label else f"请咨询{office}。"


def no_department(topic: str, office: str | None = None) -> str:
    if office:
        return f"文件中没有写明“{topic}”由哪个部门负责。这类问题一般可咨询{office}。"
    return f"文件中没有写明“{topic}”由哪个部门负责。建议拨打{HOTLINE}咨询。"


def search_answer(heading: str, snippet: str) -> str:
    return f"相关规定：{heading}。\n摘录：{snippet}"


SEARCH_NOT_FOUND = "抱歉，在现有政策文件中没有找到能回答这个问题的条款，我不想给您一个不确定的答案。"


def search_not_found(likely_department: str | None) -> str:
    text = SEARCH_NOT_FOUND
    if likely_department:
        text += f"建议咨询{likely_department}，"
    return text + f"也可以拨打{HOTLINE}。"


def no_more_results() -> str:
    return "没有更多相关条款了。您可以换个说法再问，或拨打" + HOTLINE + "。"


# ---------------------------------------------------------------- service

def handoff(department: str | None) -> str:
    text = f"目前无法直接转接人工。您可以拨打{HOTLINE}（各地政务服务热线）咨询"
    if department:
        text += f"，或联系{department}"
    return text + "。妇女权益问题也可拨打12338妇女维权公益服务热线。"


def action_failed() -> str:
    return "抱歉，系统暂时出了点问题，没能查到答案。请稍后再试，或拨打" + HOTLINE + "。"


def with_staff_ids(text: str, clause_ids: Iterable[str]) -> str:
    ids = sorted(set(clause_ids))
    return text + ("\n[条款] " + ", ".join(ids) if ids else "")


def place_noted(place: str) -> str:
    return f"好的，已记下您在{place}。您想了解产假、育儿补贴、托育还是其他政策？"


def feedback_thanks(helpful: str) -> str:
    if helpful == "no":
        return "抱歉没能帮到您，我们会据此改进。您也可以拨打" + HOTLINE + "咨询。"
    return "谢谢您的反馈！"


def regional_subsidy(place: str, kind: str, order: str, amount_text: str) -> str:
    return f"{place}另有{kind}：{order}{amount_text}。"


def nothing_found() -> str:
    return "抱歉，知识库中没有找到相关规定。请咨询当地相关部门或拨打" + HOTLINE + "。"


def local_implementation(place: str, quote: str) -> str:
    return f"{place}文件规定：“{quote}”。"


def not_understood() -> str:
    return "抱歉，我没有理解您的意思。您可以换个说法，比如“包头生三孩产假多少天”或“育儿补贴怎么申请”。"


def unsupported_message_type() -> str:
    return "目前只支持文字和位置消息，请直接输入您的问题。"


def empty_turn(user_text: str) -> str:
    """What a channel says when a turn produced no reply: a bare command (/restart) has
    nothing to say; anything else means an action failed."""
    if (user_text or "").strip().startswith("/"):
        return "好的。请直接输入您的问题。"
    return action_failed()


# ---------------------------------------------------------------- facets, parts, follow-ups

# Who decides when the documents are silent (issue: name the office, not only 12345).
DEPARTMENTS = {
    "department_leave": "用人单位所在地的人力资源和社会保障部门（劳动保障监察机构），或拨打12333人社服务热线",
    "department_insurance": "参保地的医疗保障（医保）经办机构，或拨打12393医保服务热线",
    "department_subsidy": "孩子户籍所在地的乡镇人民政府（街道办事处）或县级卫生健康部门",
    "department_tax": "主管税务机关，或拨打12366纳税服务热线",
    "department_housing": "当地住房公积金管理中心或住房和城乡建设部门",
    "department_health": "当地卫生健康部门（卫健委/卫生健康局）",
    "department_education": "当地教育部门（教育局）",
    "department_civil": "当地民政部门",
}


def department(key: str | None) -> str:
    return DEPARTMENTS.get(key or "", f"当地相关部门，或拨打{HOTLINE}")


def material_silent(office: str) -> str:
    return f"{MATERIAL_SILENT}我不想给您不确定的答案。请咨询{office}。"


MATERIAL_SILENT = "现有政策文件对这一点没有具体规定，"


def is_material_silent(line: str) -> bool:
    """A line saying nothing was found: a verdict said first makes it wrong."""
    return line.startswith((MATERIAL_SILENT, SEARCH_NOT_FOUND))


def time_not_stated(office: str) -> str:
    return f"现有政策文件没有明确规定这个时间，请咨询{office}。相关规定如下："


def several_questions(count: int) -> str:
    # No digit: the figure check reads every number in an answer as a policy figure.
    return "您一次问了几个问题，逐一回答："


def numbered_part(number: int, question: str, lines: list[str]) -> str:
    # Chinese numerals: circled digits become digits under NFKC, and would read as figures.
    marks = "一二三四五六"
    label = (marks[number - 1] if number <= len(marks) else str(number)) + "、"
    body = "".join(lines) if lines else nothing_found()
    return f"{label}{question.strip('？?。 ')}：{body}"


def applies_only_to(place: str, text: str) -> str:
    """Another place's rule: the answer first, its scope attached to it."""
    return f"{text}（这是{place}的规定，仅适用于{place}）"


def phone_of_place(name: str, number: str) -> str:
    return f"{name}的咨询电话：{number}。"


def may_differ_locally() -> str:
    return "各地可能有补充规定，告诉我您所在的地区，我可以查当地的规定。"


def leave_depends_on_place(leave_type: str) -> str:
    return f"{leave_type}的天数由各省规定，各地不同。请告诉我您在哪个地区（例如：包头市昆都仑区、呼和浩特、通化、中宁县），我来查当地的天数。"


def leave_set_by_province(leave_type: str) -> str:
    """Inside a longer answer: whose rule it is, and the offer to narrow it (not a question)."""
    return f"{leave_type}的天数由各省规定，各地不同；告诉我您所在的地区，我可以查当地的天数。"


def clause_sentences(title: str, sentences: list[str]) -> str:
    return f"《{title}》规定：" + "".join(sentences)


def new_document_answer(title: str, sentences: list[str]) -> str:
    """A newly added document's own words, said first (its facts are not curated yet)."""
    return f"《{title}》（新收录文件）规定：" + "".join(sentences)


def clause_text(cite: Mapping) -> str:
    """A cited clause shown in full for "给我看原文"."""
    body = cite["text"] if len(cite["text"]) <= 400 else cite["text"][:400] + "…"
    where = source_line(cite)[len("来源："):].split("，")[0]
    return f"原文（{where}）：{body}"


def more_sources(count: int) -> str:
    return f"另有{count}条出处，见下方来源。"


def local_subsidy_may_apply() -> str:
    return "部分地方另有地方生育或育儿补贴（例如呼和浩特市），告诉我您所在的地区可以查询。"


def no_local_subsidy(place: str) -> str:
    return (f"知识库中没有找到{place}另外发放的地方育儿补贴或生育补贴；呼和浩特市等地的地方补贴只适用于当地户籍的家庭，"
            f"不适用于{place}。国家育儿补贴照常可以申领。")


def regional_subsidy_elsewhere(place: str, kind: str, order: str, amount_text: str) -> str:
    return f"{place}另有{kind}（仅限符合{place}条件的家庭）：{order}{amount_text}。"


def follow_up_without_context() -> str:
    return "请把问题说完整一些，比如“包头护理假几天”或“育儿补贴审核要多久”，我来帮您查。"


def source_without_answer() -> str:
    return "我还没有回答过具体的政策问题。请先问您关心的问题，每个回答下方都会注明出自哪份文件哪一条。"


def born_before_scheme(born: str, scheme: str, sentence: str) -> str:
    return f"{born}出生的孩子不在{scheme}范围内：“{sentence}”"


def other_deduction_not_covered(name: str) -> str:
    return (f"这里的材料只规定了3岁以下婴幼儿照护的扣除，没有规定{name}专项附加扣除的标准，我不想给您不确定的数字；"
            "请咨询主管税务机关或拨打12366纳税服务热线（个税App里也可查看）。")


def allowance_tax_not_covered() -> str:
    return "生育津贴要不要交个人所得税，这里的材料没有规定；请咨询主管税务机关或拨打12366纳税服务热线。"


def born_within_scheme(born: str, scheme: str, sentence: str) -> str:
    return f"{born}出生的孩子在{scheme}的时间范围内：“{sentence}”另须符合户籍、居住等条件。"


def scheme_amount(quote: str) -> str:
    return f"金额：“{quote}”。"


def condition_hohhot_hukou(quote: str) -> str:
    return f"不能：呼和浩特市的育儿补贴要求“{quote}”；夫妻双方户籍都不在呼和浩特的，不符合条件（国家育儿补贴照常可以申领）。"


def condition_hohhot_child_hukou(quote: str) -> str:
    return f"不能按呼和浩特市的标准领：要求“{quote}”；首次落户不在呼和浩特的，按自治区标准执行。"


def condition_hohhot_residence(quote: str) -> str:
    return (f"一般不能：除户籍外，呼和浩特市的育儿补贴还要求“{quote}”；长期在外地居住、工作的，"
            "具体以所在旗县区卫健委审核为准。")


def condition_pregnancy_under_seven_months(quote: str) -> str:
    return (f"不满7个月的，规定没有直接禁止夜班（禁止的是“对怀孕7个月以上的女职工”安排加班、夜班）；但孕期不能适应原劳动的，"
            f"可以凭医院证明要求调整：“{quote}”有争议可向人社部门（劳动监察）投诉或拨打12333。")


def condition_ningxia_first_child(quote: str) -> str:
    return (f"一孩没有：宁夏育儿补贴金只发给“{quote}”的家庭（据公开报道整理，以当地卫生健康部门解释为准）；"
            "一孩可以申领国家育儿补贴。")


def condition_ningxia_hukou(quote: str) -> str:
    return (f"不能：宁夏育儿补贴金的发放对象是“{quote}”的家庭，一方不是宁夏户籍的不符合条件"
            "（据公开报道整理，以当地卫生健康部门解释为准；国家育儿补贴照常可以申领）。")


def condition_national_age(quote: str, *, some_younger: bool) -> str:
    if some_younger:
        return f"只有未满3周岁的孩子能领，已满3周岁的不再发放：“{quote}”。"
    return f"已满3周岁的孩子不再发放国家育儿补贴：“{quote}”。"


def condition_insurance_via_husband(quote: str) -> str:
    return (f"妻子没有就业的可以：“{quote}”，即享受生育医疗费用待遇，不含生育津贴。"
            "妻子自己就业参保的，按她本人的参保待遇办理；具体报销请咨询参保地医保经办机构或拨打12393。")


def condition_allowance_without_job(quote: str) -> str:
    return (f"没有工作、没有以职工身份参加生育保险的，本人领不了生育津贴：法律写的是“{quote}”，即发给参保的职工。"
            "丈夫参保的，可以问参保地医保经办机构能否享受生育医疗费用待遇。")


def condition_allowance_spouse_without_job(quote: str) -> str:
    return (f"不能领生育津贴：“{quote}”，即没有工作的配偶只享受生育医疗费用待遇，不包括生育津贴。"
            "具体报销请咨询参保地医保经办机构。")


_BIRTH_CASES = {2: "双胞胎", 3: "三胞胎", 4: "四胞胎"}
_COUNT_WORDS = {2: "两", 3: "三"}


def leave_total(place: str, *, babies: int, difficult: bool, total: float, working: str) -> str:
    """包头市生双胞胎，产假一共173天：158天＋15天＝173天（当地的产假，加上国家规定的每多生育一个婴儿增加的产假）。"""
    case = "又".join(([f"生{_BIRTH_CASES[babies]}"] if babies > 1 else []) + (["难产"] if difficult else []))
    why = "和".join((["每多生育一个婴儿增加的产假"] if babies > 1 else []) + (["难产增加的产假"] if difficult else []))
    return f"{place}{case}，产假一共{total:g}天：{working}（当地的产假，加上国家规定的{why}）。"


def leave_caesarean(place: str, *, days: int, working: str) -> str:
    """包头市产假158天；剖宫产是否算难产规定没有写明 … 认定为难产的：158天＋15天＝173天。"""
    return (f"{place}产假{days}天，顺产、剖宫产都一样；剖宫产是否算难产、能否增加产假，规定没有写明，"
            f"以医院诊断证明和单位认定为准，认定为难产的：{working}。")


def child_orders(orders: Iterable[int | None]) -> str | None:
    """[1, 2] → 第一个、第二个孩子."""
    words = [CHILD_ORDER_WORDS[o].replace("孩子", "") for o in orders if o in CHILD_ORDER_WORDS]
    return "、".join(words) + "孩子" if words else None


def leave_more_than_national(place: str, *, whose: str | None, days: int, national_days: int, working: str) -> str:
    """包头市生育第三个孩子产假188天，比国家规定的98天多90天：188天－98天＝90天。"""
    case = f"生育{whose}" if whose else ""
    return f"{place}{case}产假{days}天，比国家规定的{national_days}天多{working.split('＝')[-1]}：{working}。"


def this_years_claim(sentence: str) -> str:
    return (f"今年的申请要在今年内提出，哪一天截止规范没有写，以孩子户籍地乡镇（街道）或县级卫生健康部门的通知为准。"
            f"规范规定：“{sentence}”下面的2025年12月31日只适用于2025年以前出生、还没首次申请的孩子。")


def parental_leave_past_age(place: str, quote: str) -> str:
    return f"孩子满3周岁后就不能再休育儿假了。{place}的规定是：“{quote}”。"


def leave_total_other_order(child_order: int, working: str, *, days: int, caesarean: bool = False) -> str:
    whose = CHILD_ORDER_WORDS.get(child_order, "这一孩")
    if caesarean:
        return f"生育{whose}的产假{days}天，认定为难产的：{working}。"
    return f"如果这是{whose}：{working}。"


def deduction_total(*, children: int, half: bool, working: str) -> str:
    """两个孩子每月一共可扣4000元：2000元×2＝4000元。"""
    whose = f"{_COUNT_WORDS.get(children, children)}个孩子" if children > 1 else ""
    if half:
        return f"{whose}夫妻各扣一半的话，每人每月扣{working.split('＝')[-1]}：{working}（双方各按扣除标准的一半扣除）。"
    return f"{whose}每月一共可扣{working.split('＝')[-1]}：{working}（按每个婴幼儿分别扣除）。"


def multiple_birth_orders(*, birth_order: int, babies: int, orders: list[int]) -> str:
    """头胎生双胞胎，两个孩子按孩次分别享受一孩、二孩的补贴："""
    births = {1: "头胎", 2: "第二胎", 3: "第三胎"}.get(birth_order, f"第{birth_order}胎")
    kids = {2: "双胞胎", 3: "三胞胎", 4: "四胞胎"}.get(babies, "多胞胎")
    count = _COUNT_WORDS.get(babies, babies)
    if len(set(orders)) == 1:
        return f"{births}生{kids}，{count}个孩子均按{_ORDER_SHORT[orders[0]]}标准分别享受补贴："
    named = "、".join(_ORDER_SHORT[o] for o in orders)
    return f"{births}生{kids}，{count}个孩子按孩次分别享受{named}的补贴："


_ORDER_SHORT = {1: "一孩", 2: "二孩", 3: "三孩"}


def prorated_subsidy(born: str, sentence: str) -> str:
    """2023年8月出生的孩子不是领满3年：2025年1月1日以前出生的，按应补贴月数折算：“…”"""
    return (f"{born}出生的孩子不是领满3年10800元：2025年1月1日以前出生的，按应补贴月数折算：“{sentence}”"
            "具体月数和金额以孩子户籍地乡镇（街道）或县级卫健部门核定为准。")


def deduction_period(*, birth: tuple[int, int], third_birthday: tuple[int, int], last: tuple[int, int]) -> str:
    """扣到2027年2月：2024年3月出生，2027年3月年满3周岁，扣除到它的前一个月。"""
    return (f"可以从{birth[0]}年{birth[1]}月扣到{last[0]}年{last[1]}月，共36个月：孩子{birth[0]}年{birth[1]}月出生，"
            f"{third_birthday[0]}年{third_birthday[1]}月年满3周岁，扣除到满3周岁的前一个月为止。")


def condition_per_child(quote: str) -> str:
    return f"按每个孩子分别扣除，几个孩子就扣几份：“{quote}”。"


def condition_tax_one_parent(quote: str) -> str:
    return f"可以由一个人扣满：“{quote}”；具体扣除方式在一个纳税年度内不能变更。"


def condition_tax_before_birth(quote: str) -> str:
    return f"不能提前扣：扣除“{quote}”，孩子出生后才能填报。"


def condition_tax_third_birthday(quote: str) -> str:
    return f"不能再扣：婴幼儿照护扣除“{quote}”，满3周岁当月起不再按婴幼儿照护扣除，具体请咨询税务部门或拨打12366。"


def condition_tuoban_age(quote: str) -> str:
    return f"幼儿园托班一般收2-3岁的幼儿：“{quote}”；不满2岁的可以看当地托育机构，具体请咨询幼儿园或卫健部门。"


def first_claim_rule(sentence: str) -> str:
    return f"2025年及以后出生的孩子，首次申请在出生当年或次年提出：“{sentence}”"


def early_birth_deadline(sentence: str) -> str:
    return f"2025年以前出生的孩子要注意期限：“{sentence}”"


def deadline_passed(date_text: str) -> str:
    return f"注意：{date_text}这个期限已经过了；错过的年度一般视为自动放弃，具体请咨询孩子户籍所在地的乡镇（街道）或县级卫生健康部门。"


def too_fast() -> str:
    """A channel's reply to a sender over the rate limit (bot/channels/limits.py)."""
    return "您发送得太快了，请稍等片刻再问。"


def message_too_long(limit: int) -> str:
    """A channel's reply to a message longer than it accepts (bot/channels/limits.py)."""
    return f"您的消息太长了，请把问题缩短到{limit}字以内再发送。"


def not_covered_national_follows(place: str) -> str:
    return (f"知识库暂未收录“{place}”的地方政策，以下是国家层面的规定（当地可能另有规定，"
            f"请以当地人社、医保或卫生健康部门的解释为准）：")


def rests_on_statute(statute: str, phrase: str, cite: Mapping) -> str:
    """The law or regulation a cited clause says it carries out, named first."""
    line = source_line(cite)[len("来源："):]
    where = line.split("，")[0] if "，" in line else line
    return f"依据是《{statute}》：{where}写明“{phrase}”。"


def issued_on(cite: Mapping) -> str:
    date = cite["date"] or cite["date_note"] or "文件上没有写"
    return f"《{cite['title']}》的日期：{date}。"


def comes_from(cites: list[Mapping]) -> str:
    """出自《title》（文号）position — the first sentence of a source request's answer."""
    parts = []
    for cite in cites:
        line = source_line(cite)[len("来源："):]
        where = line.split("，")[0] if "，" in line else line
        if cite["status"] == "draft":
            where += "（征求意见稿，尚未正式施行）"
        parts.append(where)
    return "出自" + "和".join(parts) + "。"


def out_of_scope() -> str:
    return "抱歉，这个问题不在我能回答的范围内。我只回答生育支持政策相关的问题；其他政务问题可拨打12345政务服务便民热线。"


def subsidy_total(rule: Mapping) -> str:
    return f"国家育儿补贴：2025年1月1日及以后出生的孩子可领取3年，{rule['amount_text']}。"


# ---------------------------------------------------------------- the family plan (actions/family_plan)

WORK_WORDS = {"employee": "职工（参加生育保险）", "flexible": "灵活就业", "resident": "城乡居民医保", "none": "未就业"}
WORK_ANSWERS = {"employee": "单位职工", "flexible": "灵活就业", "resident": "城乡居民", "none": "未就业"}
PLAN_ORDER_WORDS = {1: "一孩", 2: "二孩", 3: "三孩及以上"}
PLAN_SECTION_TITLES = {"leave": "假期", "money": "钱", "steps": "办事", "childcare": "托育"}
PLAN_SKIP_BUTTON = {"title": "跳过", "payload": "跳过"}
PLAN_SECTION_BUTTONS = [{"title": f"看{title}", "payload": f'/plan_section{{"plan_section": "{key}"}}'}
                        for key, title in PLAN_SECTION_TITLES.items()]
PLAN_ASK = {
    "region": "先确认几件事，就能算出您家的完整清单（每一项都可以点“跳过”）。\n① 您家在哪个地区？（例如：包头市昆都仑区、呼和浩特市赛罕区、通化市、中宁县）",
    "child_order": "② 这次是第几个孩子？",
    "date": "③ 预产期或孩子的出生日期是哪天？（例如：2026年3月5日）",
    "mother_work": "④ 妈妈的工作情况是？",
    "father_work": "⑤ 爸爸的工作情况是？",
    "hukou_place": "⑥ 孩子的户口准备落在哪里？（与所在地相同可直接点按钮，不同请输入地名）",
}
PLAN_ASK_BUTTONS = {
    "region": [{"title": "呼和浩特市", "payload": "呼和浩特市"}, {"title": "包头市", "payload": "包头市"},
               {"title": "通化市", "payload": "通化市"}, {"title": "中宁县", "payload": "中宁县"}],
    "child_order": [{"title": "一孩", "payload": "一孩"}, {"title": "二孩", "payload": "二孩"},
                    {"title": "三孩及以上", "payload": "三孩"}],
    "date": [],
    # Payloads in words the NLU reads as nothing else ("生育保险" would set the benefit slot).
    "mother_work": [{"title": WORK_WORDS[k], "payload": WORK_ANSWERS[k]} for k in WORK_WORDS],
    "father_work": [{"title": WORK_WORDS[k], "payload": WORK_ANSWERS[k]} for k in WORK_WORDS],
    "hukou_place": [{"title": "与所在地相同", "payload": "与所在地相同"}],
}


def plan_ask(slot: str) -> str:
    return PLAN_ASK[slot]


def plan_ask_buttons(slot: str) -> list[dict]:
    return PLAN_ASK_BUTTONS[slot] + [PLAN_SKIP_BUTTON]


def plan_not_understood(slot: str) -> str:
    hints = {"region": "没有认出这个地名，请写出市或区县名称，例如“包头市昆都仑区”。",
             "child_order": "请告诉我是第几个孩子，例如“二孩”。",
             "date": "没有认出日期，请按“2026年3月5日”这样的格式输入；日期需在2019年以后、两年以内。",
             "mother_work": "请点选一项工作情况，或输入“跳过”。",
             "father_work": "请点选一项工作情况，或输入“跳过”。",
             "hukou_place": "没有认出这个地名，请写出市或区县名称，或点“与所在地相同”。"}
    return hints[slot] + "（说“重新开始”可以清空重填。）"


def _day_words(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def plan_which_year(born, due) -> str:
    return f"您说的日期没有年份：是{_day_words(born)}已经出生，还是预产期{_day_words(due)}？"


def plan_which_year_buttons(born, due) -> list[dict]:
    return [{"title": f"{_day_words(born)}出生", "payload": f"{_day_words(born)}出生"},
            {"title": f"预产期{_day_words(due)}", "payload": f"预产期{_day_words(due)}"}]


def plan_which_place(mention: str, chains: list[str]) -> str:
    return f"“{mention}”有几处同名：" + "、".join(chains) + "。请写出所在的市，例如“包头市青山区”。"


def plan_title() -> str:
    return "我的生育政策清单"


def plan_situation(*, place: str | None, order: int | None, date: str | None, due: bool,
                   mother: str | None, father: str | None, hukou: str | None) -> str:
    parts = [place or "地区未填",
             PLAN_ORDER_WORDS.get(order, "孩次未填"),
             (("预产期" if due else "出生日期") + date) if date else "日期未填",
             "妈妈：" + WORK_WORDS.get(mother, "未填"), "爸爸：" + WORK_WORDS.get(father, "未填"),
             "户口：" + (hukou or "未填")]
    return "您的情况：" + " · ".join(parts)


def plan_section_heading(number: int, title: str) -> str:
    return f"{'一二三四'[number - 1]}、{title}"


def plan_line_source(positions: list[str]) -> str:
    return "（" + "；".join(positions) + "）" if positions else ""


def plan_links(ics_url: str, print_url: str) -> str:
    return f"[下载日历（.ics）]({ics_url}) · [打印版]({print_url})"


def plan_change_hint() -> str:
    return "情况有变，直接说，例如“预产期改成4月1日”“其实是三胎”；说“重新开始”清空重填。以上按文件原文计算，具体以经办部门核定为准。"


def plan_wechat_summary(section_summaries: list[str]) -> str:
    return "\n".join(f"{i}. {text}" for i, text in enumerate(section_summaries, start=1)) + \
        "\n回复数字查看该部分详情（如回复2看钱）。"


def plan_wechat_section_summary(title: str, count: int) -> str:
    return f"{title}（{count}项）"


def plan_parent_lines(parent: str, *, found: bool) -> str:
    return f"按您的清单，{parent}的部分：" if found else f"您的清单里没有专门针对{parent}的项目；说“看钱”“看办事”可查看其他部分。"


def plan_reset() -> str:
    return "好的，已清空清单里的情况。想重新算，请说“帮我算算我家能享受哪些政策”。"


def plan_nothing_yet() -> str:
    return "还没有为您生成清单。说“帮我算算我家能享受哪些政策”，我会问几个问题后给出完整清单。"


def plan_changed(what: str) -> str:
    return f"已按新的情况（{what}）重新计算："


def plan_no_place() -> str:
    return "您没有提供所在地区，以下是国家层面的规定（各地通常另有延长，请告诉我地区后重新计算）："


def plan_leave_for_employees(who: list[str]) -> str:
    return (f"产假、护理假、育儿假是用人单位给本单位职工的假期（《女职工劳动保护特别规定》适用于用人单位及其女职工）；"
            f"{'和'.join(who)}不是单位职工，文件没有规定相应的假期。")


def plan_maternity(place: str, *, days: int, start, end, due: bool, order: int | None, early_start, early_end) -> str:
    whose = f"（{PLAN_ORDER_WORDS[order]}）" if order else ""
    text = f"妈妈的产假{whose}：{place}规定{days}天。"
    if start is not None:
        label = "预产期" if due else "分娩日"
        text += (f"从{label}{start.isoformat()}算第1天，按自然日连续计算，休到{end.isoformat()}（含当天）；"
                 f"如产前提前15天开始休（{early_start.isoformat()}起），则休到{early_end.isoformat()}，总天数不变。")
        if due:
            text += "实际以分娩日为准。"
    return text


def plan_maternity_by_order(place: str, orders: list, days: int) -> str:
    return f"妈妈的产假：{place}{child_orders(orders)}{days}天（告诉我是第几个孩子，可算出具体日期）。"


def plan_maternity_extras(*, difficult: int | None, per_baby: int | None) -> str:
    parts = ([f"难产的增加{difficult}天"] if difficult else []) + \
        ([f"生育多胞胎的每多生育1个婴儿增加{per_baby}天"] if per_baby else [])
    return "另外，" + "；".join(parts) + "（国家规定，在当地产假基础上增加）。"


def plan_paternity(place: str, *, days: int, start, end, unknown_worker: bool) -> str:
    text = ("如爸爸是单位职工：" if unknown_worker else "爸爸的") + f"护理假：{place}规定{days}天。"
    text += "文件没有写明须在哪段时间内休完，请与单位确认"
    if start is not None:
        text += f"；如从{start.isoformat()}起连续休，到{end.isoformat()}（含当天）"
    return text + "。"


def plan_parental(place: str, *, days: int, until_age: int, start, last_day, years: list[int], who: list[str]) -> str:
    text = f"{'和'.join(who)}的育儿假：{place}规定子女{until_age}周岁以前，每人每年{days}天。"
    if start is not None:
        text += (f"可休期间为{start.isoformat()}至{last_day.isoformat()}，涉及{years[0]}—{years[-1]}年；"
                 "“每年”按自然年还是按孩子周岁年计算，文件没有写明，请与单位确认。")
    return text


def plan_draft_rule(place: str, leave_type: str, days: int, *, per_year: bool) -> str:
    return f"【征求意见稿，尚未生效】{place}的征求意见稿另拟{leave_type}{'每年' if per_year else ''}{days}天，正式文件发布前不作为依据。"


def plan_subsidy(*, per_year: float, total: float, working: str, years: list) -> str:
    text = f"国家育儿补贴：每孩每年{per_year:g}元，发放至满3周岁，共3年：{working}（文件写明合计{total:g}元）。"
    if years:
        text += "三个补贴年度：" + "；".join(f"第{n}年{a.isoformat()}至{b.isoformat()}" for n, a, b in years) + "。"
    return text


def plan_subsidy_deadlines(*, birth_year: int | None) -> str:
    if birth_year is None:
        return ("申领期限：按年度申请，在孩子出生当年或次年首次申请，之后连续两个年度分别续领；"
                "逾期未申请的，视为放弃当年申请资格。")
    return (f"申领期限：首次申请在{birth_year}年或{birth_year + 1}年提出（最晚{birth_year + 1}年12月31日），"
            f"之后连续两个年度分别续领（如{birth_year}年首次申请，则{birth_year + 1}年、{birth_year + 2}年续领）；"
            "逾期未申请的，视为放弃当年申请资格。")


def plan_subsidy_prorated(birth, *, past_deadline: bool) -> str:
    text = (f"国家育儿补贴：孩子{birth.isoformat()}出生（2025年1月1日以前），按应享受补贴的月数折算发放；"
            "首次申请应在2025年12月31日前提出。")
    if past_deadline:
        text += "这一期限已过，是否还能申领后续年度，请向户籍所在地乡镇（街道）或卫生健康部门确认。"
    return text


def plan_subsidy_too_old(birth) -> str:
    return f"国家育儿补贴发给2025年1月1日起3周岁以下的婴幼儿；孩子{birth.isoformat()}出生，不在发放范围内。"


def plan_local_subsidy(place: str, kind: str, order_words: str, amount: str, *, eligibility: str | None,
                       hukou_ok: bool | None, hukou_name: str | None) -> str:
    text = f"{place}{kind}（{order_words or '各孩次'}）：{amount}。"
    if eligibility:
        text += f"条件：{eligibility.rstrip('。')}。"
    if hukou_ok is False:
        text += f"您选择户口落在{hukou_name}，不符合这一户籍条件。"
    elif hukou_ok is None:
        text += "这项补贴有户籍条件，请确认孩子户口落在哪里。"
    return text


def plan_local_subsidy_too_early(place: str, kind: str, order_words: str, from_date) -> str:
    return f"{place}{kind}（{order_words or '各孩次'}）：只适用于{from_date.isoformat()}及以后合法生育的家庭，您的日期早于这一天，不符合。"


def plan_local_timing(place: str, text: str) -> str:
    return f"{place}：{text}。"


def plan_allowance_employee(*, unknown_worker: bool) -> str:
    return (("如妈妈是参加生育保险的职工：" if unknown_worker else "") +
            "生育津贴在产假期间发放，由生育保险基金按用人单位上年度职工月平均工资计发；"
            "单位没有参加生育保险的，由单位按产假前工资标准支付。")


def plan_allowance_local(place: str, text: str) -> str:
    return f"{place}生育津贴：{text.strip('“”')}。"


def plan_allowance_flexible_covered(place: str) -> str:
    return f"{place}已将参加职工基本医疗保险的灵活就业人员纳入生育保险：妈妈如以灵活就业身份参加了职工医保，可按规定享受生育津贴，具体向当地医保部门申领。"


def plan_allowance_flexible_maybe() -> str:
    return ("内蒙古的文件写的是“有条件的盟市可探索参加职工基本医疗保险的灵活就业人员同步参加生育保险”：灵活就业的妈妈能否领生育津贴，"
            "请向当地医保部门确认。")


def plan_allowance_flexible_unknown(place: str) -> str:
    return f"知识库中没有{place}灵活就业人员参加生育保险、领取生育津贴的规定，请向当地医保部门确认。"


def plan_allowance_resident_neimenggu() -> str:
    return "妈妈没有单位职工生育保险：未就业妇女通过参加城乡居民基本医疗保险享受生育医疗待遇（报销生育医疗费用），文件没有规定生育津贴。"


def plan_allowance_resident() -> str:
    return "生育津贴发给参加生育保险的职工；妈妈不是职工参保人，请向当地医保部门了解城乡居民医保的生育医疗费用报销。"


def plan_spouse_medical() -> str:
    return "爸爸是参加生育保险的职工：职工未就业的配偶按国家规定享受生育医疗费用待遇，由生育保险基金支付。"


def plan_deduction(*, monthly: float, first, last, half_working: str) -> str:
    text = f"个税3岁以下婴幼儿照护扣除：每孩每月{monthly:g}元"
    if first:
        text += f"，从{first[0]}年{first[1]}月扣到{last[0]}年{last[1]}月（出生当月起，至满3周岁的前一个月止）"
    return text + (f"。可由父母一方按100%扣除（每月{monthly:g}元），或双方各按50%扣除（{half_working}），"
                   "一个纳税年度内不能变更。")


def plan_step_birth_documents(*, bundle: bool, hukou_name: str | None) -> str:
    where = f"（户口落在{hukou_name}）" if hukou_name else ""
    text = f"第1步 出生医学证明 → 第2步 户口登记{where} → 第3步 新生儿医保参保、社保卡申领"
    if bundle:
        text += "：当地推行“出生一件事”联办，可一次办理"
    return text + "。文件没有写这几步的办理时限，请按医院、公安和医保部门的要求及时办理。"


def plan_step_subsidy(*, deadline, neimenggu: bool) -> str:
    text = "第4步 申领育儿补贴（需出生医学证明、户口簿，所以在落户后办）："
    text += ("支付宝、微信搜索“育儿补贴”小程序，或“蒙速办”APP育儿补贴专区" if neimenggu
             else "国家育儿补贴信息管理系统、省级政务服务平台育儿补贴专区，或支付宝、微信搜索“育儿补贴”；也可到孩子户籍所在地乡镇（街道）")
    if deadline:
        text += f"；首次申请最晚{deadline.isoformat()}"
    text += "；乡镇（街道）初审、县级卫健部门审核确认，原则上30个工作日内完成"
    if neimenggu:
        text += "；自治区卫健委建议出生后三个月内完成登记"
    return text + "。"


def plan_step_hohhot() -> str:
    return "第5步 呼和浩特生育补贴：孩子首次落户呼和浩特市后自动进行“免申即享”资格确认，审核通过后短信告知发放方式；也可扫码主动申请。"


def plan_step_allowance() -> str:
    return "生育津贴：产假期间由生育保险基金支付，向单位和当地医保部门了解申领方式。"


def plan_step_deduction() -> str:
    return "个税扣除：父母商定由一方全额扣除还是双方各扣一半，留存孩子的出生医学证明等资料备查。"


def plan_childcare_no_place() -> str:
    return "告诉我所在的市或区县（或发送位置），我可以列出附近的普惠托育机构。"


def plan_event_maternity(days: int) -> str:
    return f"妈妈产假（{days}天）"


def plan_event_maternity_note(*, due: bool) -> str:
    return "按预产期计算，实际以分娩日为准。" if due else "按分娩日计算。"


def plan_event_paternity(days: int) -> str:
    return f"爸爸护理假（{days}天，如自分娩日起连续休）"


def plan_event_paternity_note() -> str:
    return "文件没有写明护理假须在何时休，请与单位确认。"


def plan_event_parental(days: int) -> str:
    return f"育儿假可休期间（每人每年{days}天）"


def plan_event_subsidy_window() -> str:
    return "育儿补贴首次申请期"


def plan_event_subsidy_window_note(birth_year: int) -> str:
    return f"首次申请在{birth_year}年或{birth_year + 1}年提出，逾期视为放弃当年申请资格。"


def plan_event_subsidy_deadline() -> str:
    return "育儿补贴首次申请截止"


def plan_event_subsidy_renewal(year: int, *, first_year: int) -> str:
    return f"育儿补贴{year}年度续领截止（如{first_year}年首次申请）"


def plan_print_title() -> str:
    return "我的生育政策清单（打印版）"


def plan_bad_link() -> str:
    return "这个清单链接不完整或已失效。请回到对话中重新生成清单。"


PLAN_CHANGE_WORDS = {"region": "地区", "child_order": "孩次", "date": "日期", "mother_work": "妈妈的工作",
                     "father_work": "爸爸的工作", "hukou_place": "户口所在地"}
