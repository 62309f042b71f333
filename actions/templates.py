"""Every sentence the actions show a citizen (fixed replies live in domain.yml).

Functions take the facts and return text; none of them computes or looks anything up.
"""
from __future__ import annotations

import json
from typing import Iterable, Mapping

CHILD_ORDER_WORDS = {1: "第一个孩子", 2: "第二个孩子", 3: "第三个孩子"}
WHO_WORDS = {
    "mother": "女职工", "father": "男方", "each_parent": "夫妻双方每人",
    "only_child": "独生子女", "employee": "职工",
}
LEAVE_DISPLAY = {"难产假": "难产增加的产假", "多胞胎假": "多胞胎每多一个婴儿增加的产假"}

COVERED_PLACES = "内蒙古自治区（含呼和浩特、包头及各盟市）、吉林省通化市（区级征求意见稿）、宁夏回族自治区中卫市中宁县"
HOTLINE = "12345政务服务便民热线"
DEMO_LABEL = "【演示数据】"
FEEDBACK_BUTTONS = [
    {"title": "有帮助", "payload": '/feedback{"helpful": "yes"}'},
    {"title": "没帮助", "payload": '/feedback{"helpful": "no"}'},
]
NEXT_RESULT_BUTTON = {"title": "看下一条", "payload": "/next_result"}


# ---------------------------------------------------------------- citations

def source_line(cite: Mapping) -> str:
    """来源：《title》（文号）第X项，日期［flags］ — one line per cited clause."""
    number = cite["number"]
    position = f"第{number}条" if number.isdigit() and cite["doc_kind"] == "supplementary" else (
        f"第{number}项" if number.isdigit() else number)
    if cite["clause_kind"] != "measure":
        position = cite["heading"]
    parts = [f"《{cite['title']}》"]
    if cite["doc_number"]:
        parts.append(f"（{cite['doc_number']}）")
    parts.append(f"{position}")
    date = cite["date"] or cite["date_note"]
    text = "来源：" + "".join(parts) + (f"，{date}" if date else "")
    flags = []
    if cite["status"] == "draft":
        flags.append("征求意见稿，尚未正式施行")
    if cite["superseded_by"]:
        flags.append(f"部分内容已被《{cite['superseded_title']}》取代")
    if cite["confidence"] == "reported":
        flags.append("据公开报道整理，以当地部门解释为准")
    if cite["doc_kind"] == "supplementary" and cite["jurisdiction"] == "china":
        flags.append("国家规定")
    if flags:
        text += "【" + "；".join(flags) + "】"
    return text


def sources_block(cites: Iterable[Mapping]) -> str:
    seen, lines = set(), []
    for cite in cites:
        if cite["clause_id"] not in seen:
            seen.add(cite["clause_id"])
            lines.append(source_line(cite))
    return "\n".join(lines)


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


def leave_direct(place: str, rule: Mapping) -> str:
    """包头市女职工生育第三个孩子可享受产假188天。"""
    who = WHO_WORDS.get(rule["who"], "")
    order = CHILD_ORDER_WORDS.get(rule["child_order"])
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


def draft_note(rule: Mapping) -> str:
    return f"征求意见稿（通化市某区，尚未正式施行）规定：{rule['leave_type']}{rule['days']}天。"


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

def subsidy_direct(intent: str, rule: Mapping) -> str:
    """The first sentence of a 育儿补贴 answer."""
    if intent == "ask_subsidy_apply":
        return "育儿补贴可以线上或线下申领，由父母一方申请，首次申领后每年续领。"
    if intent == "ask_subsidy_eligibility":
        return "符合法律法规规定生育的3周岁以下婴幼儿都可以领取国家育儿补贴。"
    return f"国家育儿补贴{rule['amount_text']}，发放至孩子满3周岁。"


def clause_bullet(text: str) -> str:
    return "· " + text


def benefit_line(rule: Mapping) -> str:
    text = rule["amount_text"] or ""
    lead = {
        "个税扣除": "3岁以下婴幼儿照护个人所得税专项附加扣除：",
        "公积金": "住房公积金：", "公租房": "公租房：", "购房补贴": "购房补贴：",
    }.get(rule["kind"], f"{rule['kind']}：")
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


def no_department(topic: str) -> str:
    return f"文件中没有写明“{topic}”由哪个部门负责。建议拨打{HOTLINE}咨询。"


def search_answer(heading: str, snippet: str) -> str:
    return f"相关规定：{heading}。\n摘录：{snippet}"


def search_not_found(likely_department: str | None) -> str:
    text = "抱歉，在现有政策文件中没有找到能回答这个问题的条款，我不想给您一个不确定的答案。"
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
