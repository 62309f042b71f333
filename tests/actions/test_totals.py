"""Totals worked out with their working shown (actions/totals.py), on the real store:
the total first, its parts the rules' own figures, nothing added when the words are unsure."""
from __future__ import annotations

import pytest

from actions.leave import ActionAnswerLeave
from actions.money import ActionAnswerBenefit
from actions.policy_search import ActionSearchPolicy
from actions.service import ActionResume
from knowledge import arithmetic
from tests.actions.test_answering import run, slot
from tests.conftest import entity, make_tracker


@pytest.mark.parametrize("place, text, first", [
    ("baotou", "包头生双胞胎 产假加起来一共多少天", "包头市生双胞胎，产假一共173天：158天＋15天＝173天"),
    ("hohhot", "三胞胎又难产 产假一共能休多久", "呼和浩特市生三胞胎又难产，产假一共203天：158天＋15天×2＋15天＝203天"),
    ("zhongning", "生了龙凤胎 产假一共能休多少天", "中宁县生双胞胎，产假一共173天：158天＋15天＝173天"),
    ("tonghua", "双胞胎产假总共多少天", "通化市生双胞胎，产假一共195天：180天＋15天＝195天"),
    ("baotou", "三胎生了双胞胎 产假一共多少天", "包头市生双胞胎，产假一共203天：188天＋15天＝203天"),
])
def test_a_leave_total_is_said_first_with_its_working(place, text, first, domain):
    tracker = make_tracker(intent="ask_leave", text=text, entities=[entity("region", place)])
    events, reply = run(ActionAnswerLeave(), tracker, domain)
    assert reply.startswith(first), reply
    assert "female-labour-protection:第七条" in slot(events, "cited_clauses")
    assert arithmetic.worked_results(reply.splitlines()[0])


def test_without_the_order_the_third_childs_total_follows(domain):
    tracker = make_tracker(intent="ask_leave", text="双胞胎产假一共几天", entities=[entity("region", "baotou")])
    _, reply = run(ActionAnswerLeave(), tracker, domain)
    assert "如果这是第三个孩子：188天＋15天＝203天。" == reply.splitlines()[1], reply


@pytest.mark.parametrize("place, text", [
    ("baotou", "剖腹产产假一共多少天"),          # 剖宫产 alone is not 难产
    ("baotou", "双胞胎护理假一共几天"),          # not 产假
    (None, "双胞胎产假一共多少天"),              # the place decides the days
    ("北京", "双胞胎产假一共多少天"),            # not covered: no local days to add to
    ("baotou", "不是难产 产假一共多少天"),
])
def test_no_total_when_the_words_or_the_place_leave_it_open(place, text, domain):
    ents = [entity("region", place)] if place else []
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text, entities=ents), domain)
    assert "产假一共" not in reply, reply


@pytest.mark.parametrize("text, first", [
    ("婴幼儿照护扣除夫妻各扣一半的话 每人每月扣多少", "夫妻各扣一半的话，每人每月扣1000元：2000元×50%＝1000元"),
    ("家里两个孩子都还没满三岁 照护扣除一个月能扣多少", "两个孩子每月一共可扣4000元：2000元×2＝4000元"),
    ("双胞胎个税照护扣除 我和老公平分 每人扣多少", "两个孩子夫妻各扣一半的话，每人每月扣2000元：2000元×2×50%＝2000元"),
])
def test_a_deduction_total_is_said_first_with_its_working(text, first, domain):
    events, reply = run(ActionAnswerBenefit(), make_tracker(intent="ask_tax_deduction", text=text), domain)
    assert reply.startswith(first), reply
    assert "national-infant-tax-deduction:1" in slot(events, "cited_clauses")


@pytest.mark.parametrize("text", ["老大五岁老二一岁 个税照护扣除能扣多少", "婴幼儿照护扣除每月多少", "双胞胎子女教育扣除能扣多少"])
def test_no_deduction_total_when_the_count_is_unsure(text, domain):
    _, reply = run(ActionAnswerBenefit(), make_tracker(intent="ask_tax_deduction", text=text), domain)
    assert "一共可扣" not in reply and "每人每月扣" not in reply, reply


def test_a_place_alone_before_any_question_is_noted(domain):
    tracker = make_tracker(intent="inform", text="我是包头的", entities=[entity("region", "baotou")])
    events, reply = run(ActionResume(), tracker, domain)
    assert "已记下您在包头市" in reply and "没有找到" not in reply, reply
    assert "baotou" == slot(events, "region")


def test_a_caesarean_gets_the_days_and_the_difficult_birth_total_as_a_possibility(domain):
    tracker = make_tracker(intent="ask_leave", text="剖腹产和顺产的产假天数一样吗", entities=[entity("region", "baotou")])
    _, reply = run(ActionAnswerLeave(), tracker, domain)
    first = reply.splitlines()[0]
    assert first.startswith("包头市产假158天，顺产、剖宫产都一样") and "没有写明" in first, reply
    assert first.endswith("认定为难产的：158天＋15天＝173天。"), reply


@pytest.mark.parametrize("place, text, lines", [
    ("baotou", "包头三孩产假多少天 比国家规定多几天", ["包头市生育第三个孩子产假188天，比国家规定的98天多90天：188天－98天＝90天。"]),
    ("hohhot", "呼市产假比国家的多出多少天", ["呼和浩特市生育第一个、第二个孩子产假158天，比国家规定的98天多60天：158天－98天＝60天。",
                                     "呼和浩特市生育第三个孩子产假188天，比国家规定的98天多90天：188天－98天＝90天。"]),
    ("tonghua", "通化产假比国家规定长多少天", ["通化市产假180天，比国家规定的98天多82天：180天－98天＝82天。"]),
])
def test_how_much_longer_than_the_national_leave_is_worked_out(place, text, lines, domain):
    tracker = make_tracker(intent="ask_leave", text=text, entities=[entity("region", place)])
    events, reply = run(ActionAnswerLeave(), tracker, domain)
    assert lines == reply.splitlines()[:len(lines)], reply
    assert "female-labour-protection:第七条" in slot(events, "cited_clauses")


@pytest.mark.parametrize("last, text, first", [
    ("maternity_leave|amount|2||包头二孩产假多少天", "要是剖腹产呢", "包头市产假158天，顺产、剖宫产都一样"),
    ("maternity_leave|amount|||包头产假多少天", "那双胞胎呢", "包头市生双胞胎，产假一共173天：158天＋15天＝173天"),
])
def test_a_follow_up_total_reads_the_words_it_leans_on(last, text, first, domain):
    from actions.follow_up import ActionFollowUp

    tracker = make_tracker(intent="follow_up", text=text, slots={"last_question": last, "region": "baotou"})
    _, reply = run(ActionFollowUp(), tracker, domain)
    assert reply.startswith(first), reply


def test_the_half_each_clause_says_half_each():
    from actions import knowledge_access as ka
    from actions.totals import HALF_EACH_CLAUSE

    assert "双方分别按扣除标准的50%扣除" in ka.cite(HALF_EACH_CLAUSE)["text"]


@pytest.mark.parametrize("text, first", [
    ("孩子2024年3月出生 婴幼儿照护扣除能扣到哪个月",
     "可以从2024年3月扣到2027年2月，共36个月：孩子2024年3月出生，2027年3月年满3周岁"),
    ("宝宝2025年1月生的 个税照护扣除扣到什么时候",   # January: the last month is the year before's December
     "可以从2025年1月扣到2027年12月，共36个月：孩子2025年1月出生，2028年1月年满3周岁"),
])
def test_the_deductions_last_month_is_worked_out_from_the_birth_month(text, first, domain):
    events, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text), domain)
    assert reply.startswith(first), reply
    assert "national-infant-tax-deduction:2" == slot(events, "cited_clauses")[0]


@pytest.mark.parametrize("text", [
    "孩子2024年出生 婴幼儿照护扣除能扣到哪个月",    # no month: the month decides it
    "孩子2024年3月出生 育儿补贴能领到哪个月",        # not the deduction
])
def test_no_last_month_without_a_birth_month_or_the_deduction(text, domain):
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text), domain)
    assert "共36个月" not in reply, reply


@pytest.mark.parametrize("place, text, first", [
    ("baotou", "我是劳务派遣工 在包头生孩子产假也是158天吗", "包头市女职工生育第一个孩子可享受产假158天"),
    ("chifeng", "临时工生二胎产假多少天", "赤峰市女职工生育第二个孩子可享受产假158天"),
    (None, "劳务派遣的女职工产假有多少天", "供参考：按国家《女职工劳动保护特别规定》，女职工生育享受98天产假"),
])
def test_a_kind_of_worker_asking_the_days_gets_the_days_first(place, text, first, domain):
    ents = [entity("region", place)] if place else []
    events, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text, entities=ents), domain)
    assert reply.startswith(first), reply
    assert "female-labour-protection:第二条" in slot(events, "cited_clauses")   # who the rule covers follows


@pytest.mark.parametrize("place, text, first", [
    ("baotou", "老婆休产假 老公能休几天", "包头市男方可享受护理假25天"),
    ("baotou", "我产假期间老公能请假陪护吗", "包头市男方可享受护理假25天"),
    (None, "陪产假必须孩子出生马上休吗", "在女方产假期限内都可以休"),
    (None, "男方护理假要不要生完立刻休", "在女方产假期限内都可以休"),
])
def test_the_husbands_leave_beside_the_wifes_is_his_护理假(place, text, first, domain):
    ents = [entity("region", place)] if place else []
    _, reply = run(ActionSearchPolicy(), make_tracker(intent="ask_policy_general", text=text, entities=ents), domain)
    assert reply.startswith(first), reply


@pytest.mark.parametrize("text, slots, first, orders", [
    ("呼市头胎生了双胞胎 能拿多少补贴", {}, "头胎生双胞胎，两个孩子按孩次分别享受一孩、二孩的补贴：", [1, 2]),
    ("那要是第二胎生的双胞胎呢", {"last_question": "local_subsidy|special_case|||呼市头胎生了双胞胎 能拿多少补贴"},
     "第二胎生双胞胎，两个孩子按孩次分别享受二孩、三孩的补贴：", [2, 3]),
    ("在呼和浩特已有两个孩子 又生了一对双胞胎 补贴怎么给", {},   # the third birth, not "两个孩子"
     "第三胎生双胞胎，两个孩子均按三孩标准分别享受补贴：", [3]),
])
def test_multiple_births_take_the_orders_in_turn_with_their_amounts(text, slots, first, orders, domain):
    from actions.money import ActionAnswerSubsidy

    tracker = make_tracker(intent="ask_subsidy_amount", text=text, entities=[entity("region", "hohhot")], slots=slots)
    events, reply = run(ActionAnswerSubsidy(), tracker, domain)
    lines = reply.splitlines()
    assert first == lines[0], reply
    amounts = {1: "第一个孩子一次性10000元", 2: "第二个孩子共50000元", 3: "第三个孩子共100000元"}
    assert [amounts[o] in line for o, line in zip(orders, lines[1:])] == [True] * len(orders), reply
    assert "新生儿首次落户在呼和浩特市" in reply   # the scheme's conditions go with its amounts
    assert "hohhot-subsidy-rules:一/（二）/1" in slot(events, "cited_clauses")


def test_no_order_of_birth_no_amounts_for_twins(domain):
    from actions.money import ActionAnswerSubsidy

    tracker = make_tracker(intent="ask_subsidy_amount", text="呼市生了双胞胎补贴怎么算", entities=[entity("region", "hohhot")])
    _, reply = run(ActionAnswerSubsidy(), tracker, domain)
    assert "按孩次分别享受一孩" not in reply.splitlines()[0], reply


@pytest.mark.parametrize("text, order", [
    ("头胎生了双胞胎", 1), ("已有两个孩子 又生了双胞胎", 3), ("家里有一个孩子了 又生了龙凤胎", 2),
    ("生了双胞胎 两个孩子各多少", None),   # the twins themselves
    ("老大和老二", None),
])
def test_the_order_of_a_birth_is_read_only_when_plain(text, order):
    from actions.totals import birth_order_of

    assert order == birth_order_of(text)


def test_a_part_of_several_questions_gets_its_total_too(domain):
    text = "婴幼儿照护每月扣多少 两口子平分的话一人扣多少"
    _, reply = run(ActionAnswerBenefit(), make_tracker(intent="ask_tax_deduction", text=text), domain)
    second = next(line for line in reply.splitlines() if line.startswith("二、"))
    assert second.startswith("二、两口子平分的话一人扣多少：夫妻各扣一半的话，每人每月扣1000元：2000元×50%＝1000元"), reply
