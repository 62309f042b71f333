"""Reading a message: its parts, each part's topic and facet, and follow-ups."""
from __future__ import annotations

import pytest

from actions import questions as qs


@pytest.mark.parametrize("text, topic, facet", [
    ("育儿补贴多久到账", "childcare_subsidy", "payment_time"),
    ("育儿补贴审核一般几天", "childcare_subsidy", "review_time"),
    ("产假包括周末吗", "maternity_leave", "counting"),
    ("单位不批陪产假怎么办", "paternity_leave", "rights"),
    ("育儿补贴截止到什么时候", "childcare_subsidy", "deadline"),
    ("领育儿补贴要带什么材料", "childcare_subsidy", "materials"),
    ("个税扣除夫妻能各扣一半吗", "tax_deduction", "split_transfer"),
    ("双胞胎的育儿补贴能领两份吗", "childcare_subsidy", "special_case"),
    ("怎么申请育儿补贴", "childcare_subsidy", "apply"),
    ("生育津贴怎么算", "maternity_allowance", "counting"),
    ("老公能休几天假", "paternity_leave", "amount"),
    ("呼市一孩能拿一万吗", "local_subsidy", "eligibility"),
    ("政策原文在哪看 哪个文件规定的", None, "source"),
    ("育儿假夫妻两个人的天数能合起来让一个人休吗", "parental_leave", "split_transfer"),
    ("男方能休产假吗", "paternity_leave", "eligibility"),     # a father's leave is 护理假
    ("老婆休产假 老公能休几天", "paternity_leave", "amount"),  # his leave, named beside her 产假
    ("宁夏育儿补贴金要在出生后多久申请", "local_subsidy", "deadline"),   # the time allowed to apply
    ("再婚以后生的孩子 算一孩还是二孩", "local_subsidy", "special_case"),   # only local schemes count orders
    ("婴幼儿照护扣除两口子怎么分", "tax_deduction", "split_transfer"),
    ("育儿补贴出生后多长时间内必须申请", "childcare_subsidy", "deadline"),
    ("去年忘了填婴幼儿照护扣除 今年还能补扣吗", "tax_deduction", "deadline"),
    ("他能等我产假快休完了再请吗", "paternity_leave", "general"),
    ("老婆产假期间 老公要交什么材料", "maternity_leave", "materials"),   # nothing he takes: her leave
    ("托育补贴一个月多少钱", "childcare_service", "amount"),  # money for childcare is not 育儿补贴
])
def test_topic_and_facet(text, topic, facet):
    question = qs.read(text)
    assert (topic, facet) == (question.topic, question.facet)


def test_several_questions_in_one_message_are_split_by_topic():
    parts = qs.read_message("产假多少天、生育津贴谁发、育儿补贴能不能领、个税能不能扣")
    assert ["maternity_leave", "maternity_allowance", "childcare_subsidy", "tax_deduction"] == [q.topic for q in parts]


def test_a_piece_asking_another_point_is_its_own_part_about_the_same_topic():
    parts = qs.read_message("育儿补贴审核要多久，多久发一次？")
    assert [("childcare_subsidy", "review_time"), ("childcare_subsidy", "payment_time")] == [
        (q.topic, q.facet) for q in parts]
    parts = qs.read_message("呼市一胎补贴多少 什么时候发")
    assert ["amount", "payment_time"] == [q.facet for q in parts]


@pytest.mark.parametrize("text", ["离婚了孩子跟我，补贴谁领", "孩子户口在外省，在包头上班，在哪申请", "包头 产假多少天"])
def test_context_before_a_question_stays_with_it(text):
    assert 1 == len(qs.read_message(text))


def test_at_most_four_parts():
    text = "产假多少天？护理假几天？育儿假几天？婚假几天？个税怎么扣？"
    assert 4 == len(qs.read_message(text))


@pytest.mark.parametrize("text, topic, facet, order", [
    ("那我老公呢", "paternity_leave", "amount", None),
    ("那二孩呢", "maternity_leave", "amount", 2),
    ("那在呼市呢", "maternity_leave", "amount", None),
])
def test_follow_up_after_maternity_leave_changes_only_what_it_says(text, topic, facet, order):
    previous = qs.read("包头产假多少天")
    assert qs.is_follow_up(text)
    question = qs.follow(previous, text)
    assert (topic, facet, order) == (question.topic, question.facet, question.child_order)


@pytest.mark.parametrize("text, facet", [("要多久", "review_time"), ("在哪办", "apply"), ("要带啥材料", "materials")])
def test_follow_up_after_a_subsidy_application_question(text, facet):
    previous = qs.read("育儿补贴怎么申请")
    question = qs.follow(previous, text)
    assert ("childcare_subsidy", facet) == (question.topic, question.facet)


@pytest.mark.parametrize("text, anew", [
    ("赛罕区卫健委电话多少", True),        # another topic and a point of its own
    ("那婴幼儿照护的个税扣除呢", False),   # says it leans on the last answer
    ("那育儿假呢", False),
    ("双胞胎呢", False),
])
def test_a_short_question_on_another_topic_is_asked_anew(text, anew):
    assert anew == qs.asks_anew(qs.read("呼市一孩补贴多少"), text)


def test_a_follow_up_keeps_the_words_it_leans_on_unless_the_topic_changes():
    previous = qs.read("哺乳期每天有多少喂奶时间")
    assert "哺乳期每天有多少喂奶时间" == qs.follow(previous, "双胞胎呢").context
    assert "" == qs.follow(qs.read("包头产假多少天"), "那育儿假呢").context


def test_hukou_in_a_place_asks_the_same_point_there():
    question = qs.follow(qs.read("呼市二孩补贴多少钱"), "我家孩子户口在包头呢")
    assert "amount" == question.facet and "户口" not in question.text


def test_two_questions_on_the_same_point_that_name_different_things_are_two_parts():
    parts = qs.read_message("育儿补贴多少钱 什么时候发 打到哪张卡")
    assert ["amount", "payment_time", "payment_time"] == [q.facet for q in parts]
    # The same point asked twice is one part.
    assert 1 == len(qs.read_message("育儿补贴什么时候发，啥时候发"))


def test_a_full_question_is_not_a_follow_up():
    assert not qs.is_follow_up("包头市昆都仑区生三孩的产假是多少天，护理假又是多少天")


@pytest.mark.parametrize("text, topics", [
    ("赤峰产假 护理假 育儿假各多少天", ["maternity_leave", "paternity_leave", "parental_leave"]),
    ("通化婚假 产假 陪产假分别几天", ["marriage_leave", "maternity_leave", "paternity_leave"]),
    ("流产产假几天", ["miscarriage_leave"]),
    ("老公能休几天陪产假", ["paternity_leave"]),
    ("产假结束了能不能接着休育儿假", ["parental_leave"]),    # how two leaves go together: one question
    ("陪产假能等老婆产假快结束再休吗", ["paternity_leave"]),   # when one is taken within the other
])
def test_each_leave_named_is_its_own_question(text, topics):
    assert topics == [q.topic for q in qs.read_message(text)]


def test_a_specific_facet_is_never_a_general_question():
    assert qs.is_general("育儿补贴能不能领")
    assert not qs.is_general("要带什么")


@pytest.mark.parametrize("text, expected", [
    ("22年的个税", "2022年的个税"),          # a two-digit year is the 2000s'
    ("能领三次吗", "能领几次吗"),            # a count asks what "几次" asks
    ("第3次申请", "第3次申请"),              # an ordinal is not a count
    ("缴个人所得税吗", "交个税吗"),          # 缴 and 交 are one word
    ("孩子没了 后面的还发吗", "孩子去世 后面的还发吗"),
    ("钱没了", "钱没了"),                    # only a child's death
    ("生育津贴由谁支付", "生育津贴谁发"),    # who pays, however it is said
    ("生育津贴谁来发", "生育津贴谁发"),
    ("这些到孩子多大为止", "这些到孩子几岁"),  # the age a rule lasts until
    ("是一回事吗", "是一回事吗"),            # not a count (一回)
    ("和国家的是一个东西吗", "和国家的是一回事吗"),
    ("3600和5万能一起拿吗", "3600和5万能同时领吗"),
    ("剖腹产多几天", "剖宫产多几天"),          # one operation, two names
    ("育儿补贴谁去申请", "育儿补贴谁申请"),    # who applies, however it is said
])
def test_canonical_wording(text, expected):
    assert expected == qs.canonical(text)


@pytest.mark.parametrize("text, topic", [
    ("土默特左旗的孩子能领呼市的育儿补贴吗", "local_subsidy"),   # the city's own scheme
    ("除了这个还有别的补贴吗", "local_subsidy"),
    ("呼市的孩子能领国家的育儿补贴吗", "childcare_subsidy"),      # the national one, named
    ("育儿补贴能领吗", "childcare_subsidy"),
])
def test_a_citys_own_subsidy_is_the_local_scheme(text, topic):
    assert topic == qs.read(text, intent="ask_subsidy_eligibility").topic


def test_a_number_is_one_specific_word():
    assert ["2022"] == qs.specific_terms("2022年那会儿婴幼儿照护扣除标准是多少")


@pytest.mark.parametrize("text, facet", [
    ("孩子2025年1月生的 一直拖着没办育儿补贴 现在办晚不晚", "deadline"),
    ("宝宝还没生 婴幼儿照护扣除能提前填吗", "counting"),
])
def test_more_ways_of_asking_a_point(text, facet):
    assert facet == qs.read(text).facet


def test_until_when_is_a_counting_question():
    assert "counting" == qs.read("婴幼儿照护专项扣除一直扣到哪个月").facet


@pytest.mark.parametrize("text, word", [("剖腹产生育津贴多给吗", "剖宫产"), ("龙凤胎能领两份吗", "双胞胎"), ("产检费用能报吗", None)])
def test_special_case_words_name_the_case_in_all_its_words(text, word):
    assert (word in qs.special_case_words(text)) if word else () == qs.special_case_words(text)


@pytest.mark.parametrize("text, facet", [
    ("公司没给交生育保险 生孩子的医疗费谁出", "special_case"),   # not insured: who pays instead
    ("单位不给批产假", "rights"),
])
def test_not_insured_is_a_special_case_before_a_wrong(text, facet):
    assert facet == qs.read(text).facet


@pytest.mark.parametrize("text", ["失业了还能领生育津贴吗", "孩子在国外出生能领吗", "双胞胎产假怎么算"])
def test_a_special_case_named_is_the_point_asked(text):
    # The case decides the answer more than "还能领" or "怎么算" does.
    assert "special_case" == qs.read(text).facet


def test_only_child_parents_nursing_leave_is_one_leave():
    assert ["only_child_leave"] == [q.topic for q in qs.read_message("独生子女父母住院有护理假吗")]


def test_siblings_in_one_school_is_the_point_not_the_topic():
    assert qs.specific_terms("二孩能跟老大上同一所学校吗")


@pytest.mark.parametrize("previous_topic, text, topic, facet", [
    ("maternity_allowance", "多久到账", "maternity_allowance", "payment_time"),   # the money asked before
    ("maternity_leave", "能领多少钱", "maternity_allowance", "amount"),          # the pay during 产假
    ("childcare_subsidy", "谁来申请", "childcare_subsidy", "eligibility"),       # the applicant
    ("maternity_allowance", "那育儿补贴呢", "childcare_subsidy", "general"),      # a topic named replaces
])
def test_a_follow_up_keeps_the_money_it_does_not_name(previous_topic, text, topic, facet):
    previous = qs.Question(text="上一个问题", topic=previous_topic, facet="general")
    followed = qs.follow(previous, text)
    assert (topic, facet) == (followed.topic, followed.facet)


@pytest.mark.parametrize("text", ["育儿补贴审核30个工作日出自哪里", "产假158天在哪规定的", "这条来自哪个文件"])
def test_where_a_rule_comes_from_is_a_source_request(text):
    assert "source" == qs.facet_of(text)


@pytest.mark.parametrize("text, facet", [
    ("流产了生育保险给不给发津贴", "general"),                     # asks whether, not an employer refusing
    ("单位不给发生育津贴怎么办", "rights"),
    ("宁夏的补贴金找谁申请", "apply"),                              # where to go, not who may apply
    ("育儿补贴谁来申请", "eligibility"),
    ("怀孕了换工作 生育津贴还能领吗", "special_case"),
    ("要交哪些材料", "materials"),                                 # 交哪些 is what, not where
    ("材料交到哪", "apply"),
])
def test_facet_of_asking_forms(text, facet):
    assert facet == qs.facet_of(text)


@pytest.mark.parametrize("text, parts", [
    ("包头护理假几天 育儿假几天 休假扣不扣工资 能不能算事假", 4),   # 扣不扣 asks
    ("自然流产休的那几天 生育保险给不给发津贴", 1),                 # 那几天 is context, not a question
    ("呼市二孩补贴总共多少 每年几月发 第二年还用再申请吗", 3),       # 再申请 asks about renewing
])
def test_what_asks_and_what_is_context(text, parts):
    assert parts == len(qs.read_message(text, intent="ask_leave"))


@pytest.mark.parametrize("text, paraphrases, contradicts", [
    ("参加生育保险的女职工 生三胎的费用能报吗", ("没工作的妈妈生孩子能报销吗", "无业女性生娃费用能报吗"), True),
    ("参加生育保险的女职工 生三胎的费用能报吗", ("男职工的生育保险能享受什么", "男方参加生育保险有什么待遇"), True),
    ("我没工作 生孩子能报销吗", ("没工作的妈妈生孩子能报销吗", "无业女性生娃费用能报吗"), False),
    ("生孩子能报销吗", ("没工作的妈妈生孩子能报销吗", "无业女性生娃费用能报吗"), False),   # nothing said against
])
def test_an_entry_about_a_case_the_asker_says_she_is_not_in(text, paraphrases, contradicts):
    assert contradicts == qs.contradicts_case(text, paraphrases)


def test_two_general_questions_on_different_things_are_two_parts():
    assert 2 == len(qs.split_parts("包头普惠托育机构政府给补贴吗 水电气按什么价格"))
    assert 1 == len(qs.split_parts("育儿补贴能领吗 我在包头"))   # context, not a question


def test_which_order_a_child_counts_as_is_the_local_schemes_point_whatever_the_intent():
    assert "local_subsidy" == qs.read("再婚以后在呼市生的孩子 算一孩还是二孩", intent="ask_tax_deduction").topic
    assert "maternity_leave" == qs.read("再婚后生的算几胎 产假多少天", intent="ask_leave").topic   # a leave's own words


def test_points_asked_one_after_another_are_parts_though_no_topic_is_named():
    assert ["amount", "payment_time", "apply"] == [q.facet for q in qs.read_message("呼市生二胎能拿多少 什么时候发 去哪申请",
                                                                                  intent="ask_subsidy_amount")]
    # A short follow-up asking two points stays one question that leans on the last.
    assert 1 == len(qs.split_parts("要什么材料 在哪办"))


def test_both_parents_deducting_is_the_splitting_point():
    assert "split_transfer" == qs.read("个税照护扣除夫妻能一起扣吗").facet


# ---------------------------------------------------------------- once per turn

READINGS = ("canonical", "topic_of", "facet_of", "topic_of_words", "topics_named")
TEXTS = ["个人所得税能扣多少", "包头二孩产假多少天", "那我老公呢", "育儿补贴怎么申请", "孩子没了还能领吗", "24年生的"]


@pytest.fixture()
def worked(monkeypatch):
    """name -> the texts each reading worked out (not looked up)."""
    from actions import questions

    done = {name: [] for name in READINGS}
    for name in READINGS:
        remembered = getattr(questions, name)
        work = remembered.__wrapped__
        monkeypatch.setattr(remembered, "__wrapped__",
                            lambda text, work=work, name=name: done[name].append(text) or work(text))
    return done


def test_within_a_turn_each_text_is_read_once(worked):
    from actions import questions

    outside = {name: [getattr(questions, name)(text) for text in TEXTS] for name in READINGS}
    # Outside a turn every call works (topic_of_words calls topic_of once more per text).
    assert {**{name: TEXTS for name in READINGS}, "topic_of": TEXTS * 2} == worked
    for name in READINGS:
        worked[name].clear()
    with questions.readings_kept_for_the_turn():
        inside = {name: [getattr(questions, name)(text) for text in TEXTS * 3] for name in READINGS}
    assert {name: values * 3 for name, values in outside.items()} == inside
    # topic_of_words reads topic_of; each reading works once per text all the same
    assert {name: TEXTS for name in READINGS} == {name: sorted(set(texts), key=TEXTS.index)
                                                   for name, texts in worked.items()}
    assert all(len(texts) == len(set(texts)) for texts in worked.values())


def test_the_next_turn_and_a_concurrent_turn_read_afresh(worked):
    import asyncio

    from actions import questions

    with questions.readings_kept_for_the_turn():
        questions.canonical(TEXTS[0])
    with questions.readings_kept_for_the_turn():
        questions.canonical(TEXTS[0])
    assert [TEXTS[0]] * 2 == worked["canonical"]

    async def turn(text):
        with questions.readings_kept_for_the_turn():
            first = questions.canonical(text)
            await asyncio.sleep(0)             # the other turn runs here
            return first, questions.canonical(text)

    async def both():
        return await asyncio.gather(turn(TEXTS[1]), turn(TEXTS[1]))

    worked["canonical"].clear()
    assert [(questions.canonical(TEXTS[1]),) * 2] * 2 == asyncio.run(both())
    assert [TEXTS[1]] * 3 == worked["canonical"]    # once in each turn, once outside


def test_an_action_turn_reads_each_text_once(worked, dispatcher, domain):
    import asyncio

    from actions.leave import ActionAnswerLeave
    from tests.conftest import entity, make_tracker

    tracker = make_tracker(intent="ask_leave", text="包头二孩产假多少天？那我老公呢", entities=[entity("region", "baotou")])
    asyncio.run(ActionAnswerLeave().run(dispatcher, tracker, domain))
    assert worked["canonical"] and "包头" in dispatcher.messages[0]["text"]
    assert all(len(texts) == len(set(texts)) for texts in worked.values()), worked
