"""What a citizen's message asks: its parts, each part's topic and facet, and how a
short follow-up ("那我老公呢", "要多久") changes the question before it.

Pure functions over text (no store, no tracker), so they are cheap to test. The words
are the ones citizens type on public Q&A boards; the lists are kept as data below.
"""
from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Callable, Iterator, Optional, TypeVar

# ---------------------------------------------------------------- once per turn

# An answer reads the same few texts many times (the load's citizens, per turn: canonical
# 32 calls on 7 texts, topic_of 11 calls on 1 text). Within a turn (actions.base opens it)
# each of these readings is worked out once per text; outside one, every call works.
_TURN_READINGS: ContextVar[Optional[dict]] = ContextVar("turn_readings", default=None)
_Reading = TypeVar("_Reading", bound=Callable[[str], object])


@contextmanager
def readings_kept_for_the_turn() -> Iterator[None]:
    """Within it, each `once_per_turn` reading works once per text."""
    token = _TURN_READINGS.set({})
    try:
        yield
    finally:
        _TURN_READINGS.reset(token)


def once_per_turn(reading: _Reading) -> _Reading:
    """`reading(text)` remembered for the turn; only for pure readings of the text with an
    immutable result (str, None, a frozenset). The work goes through `__wrapped__`, which tests count."""
    @functools.wraps(reading)
    def remembered(text: str):
        kept = _TURN_READINGS.get()
        if kept is None:
            return remembered.__wrapped__(text)
        key = (remembered, text)
        if key not in kept:
            kept[key] = remembered.__wrapped__(text)
        return kept[key]
    return remembered  # type: ignore[return-value]


# ---------------------------------------------------------------- vocabulary

# topic -> words that name it, most specific topics first (the first hit wins a tie).
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "miscarriage_leave": ("流产", "小产", "胎停"),
    "only_child_leave": ("独生子女照护假", "照护假", "护理父母", "父母住院"),
    "paternity_leave": ("护理假", "陪产假", "陪护假", "看护假", "男方假", "男职工假"),
    "parental_leave": ("育儿假",),
    "marriage_leave": ("婚假",),
    "employment_rights": ("辞退", "开除", "解除合同", "解除劳动", "降薪", "降工资", "调岗", "劳动合同", "夜班", "加班",
                          "哺乳期", "哺乳时间", "三期", "孕期", "裁员", "禁忌", "重活", "骚扰", "劳动时间", "工作时间",
                          "上班时间", "劳动仲裁", "仲裁", "喂奶", "哺乳"),
    "maternity_allowance": ("生育津贴", "产假工资", "产假期间工资", "产假期间的工资", "生育金", "工资", "产假期间的钱",
                            "产假的钱", "产假期间的收入", "休产假的钱", "产假期间钱"),
    "local_subsidy": ("育儿补贴金", "生育补贴", "一万", "1万", "10000", "5万", "五万", "50000", "10万", "十万",
                      "100000"),
    "childcare_subsidy": ("育儿补贴", "育儿补助", "育儿津贴", "3600", "三千六", "育儿金", "补贴"),
    "tax_deduction": ("个税", "个人所得税", "专项附加扣除", "附加扣除", "抵扣", "退税", "交税", "缴税", "纳税", "扣税", "税收", "免税", "增值税", "婴幼儿照护扣除",
                      "照护扣除", "照护专项"),
    "maternity_insurance": ("生育保险", "生育险", "产检", "分娩", "住院费", "报销", "医保", "辅助生殖", "试管", "医疗费", "医药费",
                            "费用谁出", "手术费"),
    "housing": ("公积金", "公租房", "购房", "买房", "房贷", "租房", "住房"),
    "childcare_service": ("托育", "托班", "托儿所", "托位", "幼儿园", "入托", "日托", "送托", "没人带", "没人看孩子", "帮忙带孩子", "带不过来", "早教"),
    "education": ("入学", "上学", "学位", "学区", "小学", "初中", "学校", "分班", "派位",
                  "就读"),
    "health_service": ("筛查", "孕检", "孕前", "出生缺陷", "新生儿", "体检", "母婴", "妇幼"),
    "family_support": ("独生子女", "计划生育家庭", "计划生育特殊家庭", "计生特殊家庭", "计生家庭", "特殊家庭", "特别扶助",
                       "失独", "奖励扶助"),
    "marriage_custom": ("彩礼", "婚俗", "婚嫁"),
    "maternity_leave": ("产假", "生育假", "休产", "生孩子能休", "坐月子", "产前假"),
}
LEAVE_TOPICS = {"maternity_leave", "paternity_leave", "parental_leave", "marriage_leave", "only_child_leave",
                "miscarriage_leave"}
# The leave type in the fact tables for each leave topic.
LEAVE_TYPE_OF_TOPIC = {"maternity_leave": "产假", "paternity_leave": "护理假", "parental_leave": "育儿假",
                       "marriage_leave": "婚假", "only_child_leave": "独生子女照护假", "miscarriage_leave": "流产假"}
TOPIC_OF_LEAVE_TYPE = {v: k for k, v in LEAVE_TYPE_OF_TOPIC.items()}
# How a topic is named, to give a short follow-up ("要多久") the words of its topic.
TOPIC_LABEL = {**LEAVE_TYPE_OF_TOPIC, "childcare_subsidy": "育儿补贴", "local_subsidy": "生育补贴",
               "maternity_allowance": "生育津贴", "maternity_insurance": "生育保险", "tax_deduction": "个税扣除",
               "housing": "住房公积金", "childcare_service": "托育", "education": "入学",
               "health_service": "妇幼健康", "employment_rights": "女职工权益", "family_support": "独生子女家庭",
               "marriage_custom": "婚俗"}
# Rasa intents as a hint when the words say nothing.
TOPIC_OF_INTENT = {
    "ask_leave": "maternity_leave", "ask_leave_dates": "maternity_leave",
    "ask_subsidy_apply": "childcare_subsidy", "ask_subsidy_amount": "childcare_subsidy",
    "ask_subsidy_eligibility": "childcare_subsidy", "ask_tax_deduction": "tax_deduction",
    "ask_maternity_insurance": "maternity_insurance", "ask_housing": "housing",
    "ask_childcare_find": "childcare_service", "ask_childcare_policy": "childcare_service",
    "ask_education": "education",
}
FACET_OF_INTENT = {"ask_subsidy_apply": "apply", "ask_subsidy_amount": "amount",
                   "ask_subsidy_eligibility": "eligibility", "ask_leave": "amount"}

# facet -> patterns, checked in this order (the first match wins).
FACET_PATTERNS: tuple[tuple[str, str], ...] = (
    ("source", r"(哪个|哪份|什么|哪部|哪一?条)(文件|法规|法律|条例|规定|政策)[里中上]?(规定|定|说|写|发)?的|哪个文件|哪份文件|什么文件|原文|出处|"
               r"(依据|根据)的?是?(哪个|哪部|什么)(法规|法律|条例|文件)|哪个法规|哪部法|哪个条例|"
               r"(哪天|哪年|什么时候|何时|啥时候)(发布|印发|出台|发的|下发)|(发布|印发)(时间|日期)|"
               r"依据是|依据什么|哪条规定|哪一条|在哪一?条|文件号|文号|政策依据|根据什么|条款|哪里发的|正式文件|"
               r"出自(哪|什么)|来自(哪|什么)|(哪里|哪儿|在哪)(规定|写)的"),
    # Not insured (the employer did not pay it in): who pays instead, before what is wrong.
    ("special_case", r"(没|不)给?(交|缴)(生育)?(保险|社保|生育险)|没参保|未参保|没有生育保险|没上保险"),
    ("rights", r"(?<!给)不给|不批|不让|不落实|没落实|不执行|拒绝|违法|违规|合法|辞退|开除|炒|走人|让我走|赶我走|劝退|辞了我|投诉|举报|维权|反映|申诉|讲理|截留|扣工资|扣钱|降薪|(?<!发)不发|不认|克扣|怎么办.*单位|单位.*怎么办"
               r"|(公司|老板|单位|领导).{0,8}(不|没)(给|让|批|发|交|缴|签|管|同意|准)"),
    ("special_case", r"没有生育保险|没交生育保险|没参保|未参保|没上保险|没交保险|国外|境外|外国|国籍|海外|双胞胎|多胞胎|龙凤胎|三胞胎|难产|剖腹产|剖宫产|早产|离婚|离了婚|离异|抚养权|跟我|收养|领养|继子|再婚|去世|死亡|夭折|孤儿|户口在|户籍在|"
                     r"外地|异地|流动人口|外省|派遣|试用期|刚入职|新入职|没转正|入职不久|刚进公司|换工作|换单位|跳槽|临时工|灵活就业|个体|未婚|非婚|没结婚|没领证|二婚|辞职|失业|没工作|无业"),
    ("counting", r"(扣|发|领|休)到(哪个月|什么时候|几岁|哪年)|(几岁|几周岁|多大)(就|以后|后)?(停|结束|为止|截止|不再|不能再|没有了)|提前(填|报|扣|申报)|从哪个月|哪个月(开始|起)|双休|周末|节假日|休息日|自然日|工作日|从哪天|哪天开始|怎么算|怎么计算|如何计算|算不算|包括|包含|含不含|连续|"
                 r"分开|拆开|分段|分次|分几次|一次性(请|休)|攒着|合并"),
    # "审完多久能发钱": after the review, when the money comes.
    ("payment_time", r"(审|批)(核|批)?(完|好|过|通过|下来)了?.{0,6}(发钱|发|到账|打钱|打款|给钱|到卡)"),
    ("review_time", r"审核.{0,4}(多久|几天|多长|时间|时限|要多)|审批.{0,4}(多久|几天)|(多久|多长时间|几天).{0,3}审|审多久|审核期|"
                    r"审(核|批)?(完|好|下来)|"
                    r"(几月|几号|什么时候|啥时候|哪个月).{0,2}审"),
    ("payment_time", r"到账|多久.{0,3}(发|到|下来|打)|(好久|这么久|很久|半年|几个月)(了)?才(发|到|下来|给)|迟迟|还没(发|到账|下来|给)|(多长时间|隔多久|多少天).{0,3}发|发放一次|发一次|什么时候(发|到|打|给)|(几|哪个)月份?.{0,3}(发|打|给)|发放时间|发几次|一次性|按月|按季|按年|"
                     r"多久发一次|分几次|每年.{0,2}发|发到哪|打到|钱.{0,3}(什么时候|多久)|啥时候(发|到)"),
    # "领了呼市的补贴 还能领国家的吗": both, not a deadline.
    ("eligibility", r"(领了|领过|拿了|拿过|享受了|申请了).{0,12}(还能|还可以|能不能|可不可以)(再|同时)?(领|拿|享受|申请)的?"
                    r"(国家|呼市|呼和浩特|地方|宁夏|别的|其他)|同时(领|享受|拿)|两个都(能|可以)"),
    ("deadline", r"截止|截至|最晚|过期|错过|逾期|期限|补领|补申|补扣|补填|补报|漏填|漏报|忘了?(填|报|申报)|还能(申请|领|办)|晚了|来得及|什么时候之前|几号之前|过了|"
                 r"每年.{0,3}(都|还)?(要|得|需要)?(办|申请|申领|续)|晚不晚|来不来得及|拖着没|年审|重新(申请|审核|申报|提交)|(什么|啥)时候(提交|交|申请|办|报)|"
                 r"再(申请|申领|提交|申报)|还(用|要|得|需要)(申请|申领)|"
                 # "出生后多久要申请", "多长时间内必须申请": the time allowed to apply
                 r"(多久|多长时间|几个月|几天)(以|之)?内.{0,4}(申请|申领|提交|办|报)|"
                 r"(出生|生完|落户)后?.{0,3}(多久|多长时间|几个月|几天).{0,4}(必须|要|得|需要)?(申请|申领|提交|办理?|报)"),
    # Where something is handed in is how to apply, though it names the materials.
    ("eligibility", r"(?<!找)谁(来|去|可以|能)?(申请|申领)"),   # who applies: the applicant, not the channel
    ("apply", r"(交|送|递|提交|上传)到?哪(?!些|几|样)|(到|去|在)哪儿?.{0,2}(办|交|扫|申请|领)|哪儿(办|申请|领)|扫码|二维码"),
    ("materials", r"材料|资料|带什么|证件|证明|准备什么|提交什么|需要什么(?!条件)|要什么(?!条件)|手续|结婚证|户口本|户口簿|身份证|出生证"),
    ("split_transfer", r"分摊|平分|各扣|分别扣|一人一半|转给|转让|合起来|合到一起|合在一起|让一个人|给一个人|一个人休|一个人全|全扣|全部扣|让给|匀给|给老公|给丈夫|让老公|让丈夫|(夫妻|两口子|小两口|俩口子|我们俩|我俩).{0,4}(分|各|一方)|(一起|同时|都|双方都|俩人都|两个人都)(能|可以)?扣|谁来扣|谁扣|一方扣|共享"),
    ("apply", r"怎么(申请|领|办|弄|报|申领)|如何(申请|领|办|申领)|在哪|去哪|哪里(办|申请|领)|流程|步骤|渠道|小程序|app|APP|"
              r"现场|线下|窗口|柜台|不会用手机|(经过|走|有)哪些(审核|环节|程序)|审核(流程|程序|环节)|谁(来)?审|"
              r"线上|网上|手机上|蒙速办|吉事办|我的宁夏|支付宝|微信上|找谁|申领|申请入口|怎么弄|申报|填报|怎么填|在哪填|哪里填"),
    ("eligibility", r"能不能|能否|可不可以|可以.{0,6}吗|能.{0,6}吗|条件|符合|资格|谁能|哪些人|享受吗|有没有|算不算|是不是.{0,8}都"),
    ("amount", r"多少|几多|几天|多久|多长|几个月|几年|标准|金额|几千|几万|多少钱|天数"),
)
FACETS = tuple(dict.fromkeys(f for f, _ in FACET_PATTERNS)) + ("general",)
_FACET_RE = tuple((facet, re.compile(pattern, re.I)) for facet, pattern in FACET_PATTERNS)

# Who a follow-up turns the question to.
FATHER_WORDS = re.compile(r"老公|丈夫|男方|爸爸|孩子他爸|孩他爸|男的|男职工|先生|爱人|对象")
MOTHER_WORDS = re.compile(r"老婆|妻子|女方|妈妈|媳妇|孩子他妈|孩他妈|女职工|我自己")
CHILD_ORDER_WORDS = (
    (3, re.compile(r"第三胎|第3胎|三孩|三胎|老三|第三个|三宝|第3个|3孩|3胎|三个孩子|三娃")),
    (2, re.compile(r"第二胎|第2胎|二孩|二胎|老二|第二个|二宝|第2个|2孩|2胎|两个孩子|二娃")),
    (1, re.compile(r"第一胎|第1胎|一孩|一胎|头胎|老大|第一个|大宝|第1个|1孩|1胎|头一个|首胎|一个孩子")),
)
# A follow-up leans on the question before it: short, opens with 那/那么/还有 or ends
# with 呢, and names no topic of its own.
_FOLLOW_UP = re.compile(r"^(那|那么|那如果|如果是|要是|还有|另外|再问下?)|呢[?？。!！]*$|^(要|得|需要)?多久|^在哪|^去哪|^怎么(办|申请|领)")
_PIECES = re.compile(r"[?？;；\n，,、。!！]+|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])|还有|另外|以及|顺便问一?下?")


@dataclass(frozen=True)
class Question:
    """One question: its words, what it is about and which point of it is asked."""

    text: str
    topic: Optional[str]
    facet: str
    child_order: Optional[int] = None
    who: Optional[str] = None          # "father" | "mother" when the words say
    follow_up: bool = False
    # A follow-up's anchor: the words of the question it leans on ("哺乳期每天喂奶时间"
    # for "双胞胎呢"), so that what it names is looked for within that point.
    context: str = ""

    @property
    def leave_type(self) -> Optional[str]:
        return LEAVE_TYPE_OF_TOPIC.get(self.topic or "")


_CONTACT = re.compile(r"电话|热线|联系方式|号码|打给谁|打哪个")
# An employer doing something to a pregnant or nursing worker.
_EMPLOYER_WRONG = re.compile(
    r"(公司|单位|老板|领导|用人单位).{0,12}(怀孕|孕期|哺乳|三期|产检|产假期间)|(怀孕|孕期|哺乳|三期|产检).{0,12}(公司|单位|老板)")
_EMPLOYER_ACTS = re.compile(r"辞退|开除|裁|降|扣|调岗|走人|让我走|劝退|不让|不给|加班|夜班|合法|违法|赔偿|补偿|解除")


@once_per_turn
def topic_of(text: str) -> Optional[str]:
    """The topic the words name, or None."""
    best: Optional[tuple[int, int, str]] = None
    for rank, (topic, words) in enumerate(TOPIC_WORDS.items()):
        for word in words:
            at = text.find(word)
            if at != -1:
                # Longer words are more specific (育儿补贴 over 补贴); then the listed order.
                key = (-len(word), rank, topic)
                if best is None or key < best:
                    best = key
    if _CONTACT.search(text):
        return "contacts"   # "回民区卫健委问育儿补贴的电话": whom to call, whatever it is about
    if _EMPLOYER_WRONG.search(text) and _EMPLOYER_ACTS.search(text) or _CHECKUP_AT_WORK.search(text):
        # "公司因为我怀孕降我工资", "产检请假要扣工资吗": the employer's duty, whatever else is named
        return "employment_rights"
    if best is None:
        return None
    topic = best[2]
    if topic in ("childcare_subsidy", "local_subsidy") and _CHILDCARE_MONEY.search(text) and "育儿补贴" not in text:
        return "childcare_service"   # "托育补贴", "送托儿所政府给不给补钱": money for childcare, not 育儿补贴
    if topic == "tax_deduction" and is_taxation(text):
        # "育儿补贴要交个税吗" asks whether money received is taxed: the money's topic, named
        # here or, when not ("要不要交个税"), by the question before it.
        money = [t for t in ("local_subsidy", "childcare_subsidy", "maternity_allowance")
                 if any(w in text for w in TOPIC_WORDS[t])]
        return money[0] if money else None
    # "老公能休几天" / "男方有几天假": a father's leave is 护理假.
    if topic in (None, "maternity_leave") and FATHER_WORDS.search(text) and re.search(r"假|休", text) \
            and ("产假" not in text or _FATHER_ON_LEAVE.search(text) and not MOTHER_WORDS.search(text)):
        # "男方能休产假吗": a father's leave is 护理假 (not "老婆产假期间老公…").
        return "paternity_leave"
    return topic


# Time off for 产检 at work (counted as working time), not its medical costs.
_CHECKUP_AT_WORK = re.compile(r"产检.{0,8}(请假|上班|工资|劳动时间|工作时间|旷工|事假|扣钱|算不算)|(请假|上班时间).{0,6}产检")
_CHILDCARE_MONEY = re.compile(r"(托育|托儿所|托班|入托|日托|送托|幼儿园).{0,10}(补贴|补助|补钱|给钱|奖补)|(补贴|补助).{0,4}(托育|托儿所|托班)")
_FATHER_ON_LEAVE = re.compile(r"(老公|丈夫|男方|爸爸|男的|男职工|男同志)(能|可以|也)?(休|请|有)(产假|陪产假)")
_TAXATION = re.compile(r"(交|缴|纳|扣|收|征)(个人所得|个)?税|免税|免征|要税|税吗")
_DEDUCTION = re.compile(r"扣除|抵扣|专项|附加|退税|照护|子女教育|房贷利息")


def is_taxation(text: str) -> bool:
    """Whether money received is taxed ("要交个税吗"), not the 个税 deductions."""
    return bool(_TAXATION.search(text)) and not _DEDUCTION.search(text)


@once_per_turn
def facet_of(text: str) -> str:
    for facet, pattern in _FACET_RE:
        if pattern.search(text):
            return facet
    return "general"


def child_order_of(text: str) -> Optional[int]:
    """The child order named; None when none or several are ("一孩 二孩 三孩分别多少": all)."""
    named = [order for order, pattern in CHILD_ORDER_WORDS if pattern.search(text)]
    return named[0] if len(named) == 1 else None


def without_facet_words(text: str) -> str:
    """The words of a question with those that say which point it asks removed ("材料呢" → "呢")."""
    for facet, pattern in _FACET_RE:
        if facet not in ("special_case", "rights"):   # 双胞胎, 辞退: what is asked about
            text = pattern.sub(" ", text)
    return text


def who_of(text: str) -> Optional[str]:
    if FATHER_WORDS.search(text):
        return "father"
    if MOTHER_WORDS.search(text):
        return "mother"
    return None


_LEAVE_WORDS = re.compile(r"(休|放).{0,3}假|假期|(几|多少)天的?假|产前|孕期|怀孕.{0,6}休|多休")


def leave_of_words(text: str) -> Optional[str]:
    """A leave asked about without its name ("产前能休几天", "老公能休几天假")."""
    if _LEAVE_WORDS.search(text):
        return "paternity_leave" if FATHER_WORDS.search(text) else "maternity_leave"
    return None


def money_of_words(text: str) -> Optional[str]:
    """Money handed out without a name is, in practice, 育儿补贴 ("呼市生一胎给多少钱")."""
    return "childcare_subsidy" if _MONEY_WORDS.search(text) else None


_MONEY_WORDS = re.compile(r"领|发钱|给钱|给多少|补多少|奖励多少|补助|到账|审核")


@once_per_turn
def topic_of_words(text: str) -> Optional[str]:
    """The topic the words name, or the leave or money they ask about without naming it."""
    return topic_of(text) or leave_of_words(text) or money_of_words(text)


def read(text: str, *, intent: str = "") -> Question:
    """One part of a message as a Question (intent only breaks a silence of the words)."""
    topic = topic_of_words(text)
    if (topic is None or topic == "childcare_subsidy" and "国家" not in text) and _ASKS_CHILD_ORDER.search(text):
        topic = "local_subsidy"   # "再婚以后生的算一孩还是二孩": only the local schemes pay by order
    if topic is None:
        topic = TOPIC_OF_INTENT.get(intent)
    facet = facet_of(text)
    if topic == "maternity_leave" and FATHER_WORDS.search(text) and not MOTHER_WORDS.search(text) \
            and facet in ("amount", "general"):
        topic = "paternity_leave"   # "老公能休几天产假": the leave a husband gets
    if topic == "maternity_leave" and _HIS_BESIDE_HERS.search(text) and _TAKES_LEAVE.search(text.replace("休产假", "")):
        topic = "paternity_leave"   # "他能等我产假快休完了再请吗": his leave, timed by her 产假
    if topic == "childcare_subsidy" and _A_CITYS_OWN.search(text) and "国家" not in text \
            and facet in ("eligibility", "general", "amount"):
        # "土左旗的孩子能领呼市的育儿补贴吗", "除了这个还有别的补贴吗": a place's own scheme.
        topic = "local_subsidy"
    # The intent's point only for its own topic ("生育津贴谁发" in an ask_leave message is
    # not about an amount), and only when the words ask nothing more specific: an intent is
    # a catch-all ("领了育儿补贴会影响低保吗" lands in ask_subsidy_apply).
    if facet == "general" and intent in FACET_OF_INTENT and topic == TOPIC_OF_INTENT.get(intent) \
            and not specific_terms(text):
        facet = FACET_OF_INTENT[intent]
    return Question(text=text, topic=topic, facet=facet, child_order=child_order_of(text), who=who_of(text))


# Which child order a child counts as ("算一孩还是二孩", "算几胎", "孩次怎么算").
_ASKS_CHILD_ORDER = re.compile(r"算(一|二|三|1|2|3)(孩|胎)还是|算(第)?几(孩|胎|个)|孩次|算不算(一|二|三|头|第)")
# The husband named beside the wife's 产假: a question about his leave and hers together.
_HIS_BESIDE_HERS = re.compile(r"(他|老公|男方|丈夫|孩子他爸).{0,12}(我|老婆|媳妇|妻子|女方|她)(的|休)?产假|"
                              r"(我|老婆|媳妇|妻子|女方|她)(的|休|在休)?产假.{0,12}(他|老公|男方|丈夫|孩子他爸)")
_TAKES_LEAVE = re.compile(r"休|请|陪")   # (beyond her own 休产假)
_A_CITYS_OWN = re.compile(r"(呼市|呼和浩特市?|青城|市里)的(育儿)?补贴|(别的|其他|其它)(的)?补贴")


# A piece that asks something (the rest is context: "单位扣了我的生育津贴 怎么办").
_ASKS = re.compile(r"[吗呢?？]|多少|(?<![那这])几|怎么|怎样|什么|啥|咋|谁|哪|能不能|可不可以|是否|是不是|要不要|会不会|算不算|有没有|"
                   r"多久|多长|可以|能否|合法|违法|如何|行不行|对不对|有用|管不管|([\u4e00-\u9fff])不\1")   # 扣不扣, 给不给


_EACH_ASKED = re.compile(r"(分别|各自|各)(是|有|能)?(多少钱|多少天|多少|几天|什么|怎么样)")


def split_parts(text: str) -> list[str]:
    """A message cut into its question parts (at most 4).

    Pieces are cut at question marks, semicolons, commas and the spaces people type
    between questions. A piece that asks nothing is context for the question after it.
    A question naming a topic starts a part; one without a topic starts a part when it
    asks another point of the part before ("育儿补贴多少钱 审核多久"), else it belongs to it."""
    pieces = [p.strip(" ，,、。") for p in _PIECES.split(text or "") if p and p.strip(" ，,、。")]
    shared = _EACH_ASKED.search(pieces[-1]) if len(pieces) > 1 else None
    if shared:
        # "产假 护理假 育儿补贴 个税扣除 分别是多少": each topic listed is asked the same.
        pieces = [p + shared.group(3) if topic_of(p) and not _ASKS.search(p) else p for p in pieces]
        if pieces[-1] == shared.group(0) or not topic_of(pieces[-1]) and _EACH_ASKED.fullmatch(pieces[-1]):
            pieces = pieces[:-1]
    parts: list[str] = []
    facets: list[str] = []
    context = ""
    for index, piece in enumerate(pieces):
        if not _ASKS.search(piece):
            context += piece + "，"
            continue
        topic, facet = topic_of_words(piece), facet_of(piece)
        if topic is not None or not parts and facet != "general" and len(pieces) > 1 and not is_follow_up(text) \
                and any(facet_of(later) not in ("general", facet) for later in pieces[index + 1:]):
            # A topic named starts a part; so does a first point asked when other points
            # follow ("呼市生二胎能拿多少 什么时候发 去哪申请": three points, no topic word).
            parts.append(context + piece)
            facets.append(facet)
        elif parts and not context and (facet not in ("general", facets[-1]) or is_taxation(piece)
                                        or (facet == facets[-1] != "general" and specific_terms(piece)
                                            # "…给补贴吗 水电气按什么价格": another thing asked in full
                                            or facet == facets[-1] == "general" and len(specific_terms(piece)) >= 3)
                                        and set(specific_terms(piece)).isdisjoint(specific_terms(parts[-1]))
                                        or child_order_of(piece) not in (None, child_order_of(parts[-1]))
                                        or who_of(piece) not in (None, who_of(parts[-1]))):
            # Another point (the tax on it too; "什么时候发" then "打到哪张卡"), another child
            # ("二孩多少 三孩多少") or another person ("产假多少天 老公有几天"), of the same topic.
            parts.append(piece)
            facets.append(facet)
        elif parts:
            parts[-1] = parts[-1] + "，" + context + piece
        else:
            context += piece + "，"
            continue
        context = ""
    if not parts:
        return [text]
    if context:
        parts[-1] = parts[-1] + "，" + context.rstrip("，")
    return parts[:4]


def read_message(text: str, *, intent: str = "") -> list[Question]:
    """The questions of one message: one per part that asks something distinct; a part
    that names no topic is about the topic of the part before it."""
    parts = split_parts(text)
    if len(parts) <= 1:
        return each_leave(read(text, intent=intent))
    questions: list[Question] = []
    for part in parts:
        question = read(part, intent=intent)
        if topic_of(part) is None and questions:
            topic = questions[-1].topic
            if question.who == "father" and topic == "maternity_leave":
                topic = "paternity_leave"   # "产假多少天 老公有几天": his leave is 护理假
            question = replace(question, topic=topic,
                               child_order=question.child_order or questions[-1].child_order)
        questions.extend(each_leave(question))
    distinct: list[Question] = []
    for q in questions:
        # Two parts on the same point are one question; "general" says nothing of the point.
        key = (q.topic, q.facet, q.child_order, frozenset(specific_terms(q.text)))
        if not any(key == (d.topic, d.facet, d.child_order, frozenset(specific_terms(d.text))) for d in distinct):
            distinct.append(q)
    if len(distinct) == 1:
        return each_leave(read(text, intent=intent))
    return distinct


_LEAVES_RELATED = re.compile(r"接着|连着|连休|一起休|合并|叠加|结束(了|后|以后)?|休完(了|后|以后)?|之后|衔接|同时休|二选一|只能(选|休)|再(休|请)|"
                             r"过了|超过|期间|期限内|以内|之内|以外|之外")


def each_leave(question: Question) -> list[Question]:
    """"赤峰产假 护理假 育儿假各多少天": one question per leave named, in the order named."""
    named = [t for t in topics_named(question.text) if t in LEAVE_TOPICS]
    if len(named) < 2 or _LEAVES_RELATED.search(question.text):
        return [question]   # "产假结束了能接着休育儿假吗" asks how the two go together
    named.sort(key=lambda t: min(question.text.find(w) for w in TOPIC_WORDS[t] if w in question.text))
    return [replace(question, topic=t, text=LEAVE_TYPE_OF_TOPIC[t] + ("多少天" if question.facet == "amount" else ""))
            for t in named]


def is_follow_up(text: str) -> bool:
    """A short message leaning on the previous question: it opens with 那/还有 or ends with
    呢, or it is a fragment that names no topic ("什么时候发", "我在包头", "分几年给")."""
    flat = (text or "").strip()
    if not 0 < len(flat) <= 20:
        return False
    if _NOT_A_QUESTION.search(flat):
        return False
    return bool(_FOLLOW_UP.search(flat)) or (len(flat) <= 12 and not topics_named(flat))


def is_a_question(text: str) -> bool:
    """Words that ask something ("…咋办", "…吗"), not a bare keyword search ("生育友好医院")."""
    return bool(_ASKS.search(text))


def asks_anew(previous: Question, text: str) -> bool:
    """A short message that names another topic and a point of its own ("赛罕区卫健委电话多少"
    after a subsidy) is a new question, not a variation of the last one ("那育儿假呢")."""
    if _LEANING.search(text.strip()):
        return False   # "那婴幼儿照护的个税扣除呢" says it leans on the last answer
    said = read(text)
    return named_topic(text) is not None and said.topic != previous.topic and bool(specific_terms(text))


def named_topic(text: str) -> Optional[str]:
    """The topic the words name (a leave by its name or its days), not money read as 育儿补贴."""
    return topic_of(text) or leave_of_words(text)


_LEANING = re.compile(r"^(那|那么|还有|另外)|呢[?？。!！]*$")


# Greetings, thanks, feedback and asking for a person lean on nothing.
_NOT_A_QUESTION = re.compile(r"^(你好|您好|在吗|谢谢|多谢|感谢|再见|拜拜|好的|好吧|嗯|哦|ok|OK)|有帮助|没帮助|没用|人工|客服|真人")


_NATIONAL_SCHEME = re.compile(r"国家(的|那个|发的|规定的)|国家育儿补贴|国补")


def asks_national_scheme(previous: Question, text: str) -> bool:
    """"那国家的呢" after a local scheme (呼和浩特's 生育补贴): the national subsidy instead."""
    return previous.topic == "local_subsidy" and bool(_NATIONAL_SCHEME.search(text))


def follow(previous: Question, text: str) -> Question:
    """The previous question changed only where the follow-up changes it.

    "那我老公呢" after 产假 → 护理假; "那二孩呢" → child order 2; "要多久" → review time
    (money) or days (leave); "在哪办" → how to apply; a named topic replaces the old one.
    """
    said = read(text)
    if another_leave_same_point(said, previous, text):
        # "那护理假呢" after "产假包括周末吗": that question, asked of the other leave.
        asked = previous.text
        for word in sorted(TOPIC_WORDS[previous.topic], key=len, reverse=True):
            asked = asked.replace(word, LEAVE_TYPE_OF_TOPIC[said.topic])
        if asked != previous.text:
            return replace(read(asked), child_order=said.child_order or previous.child_order)
    if said.topic and not named_topic(text) and previous.topic:
        # Money the words do not name: after 生育津贴 ("多久到账") the money asked about
        # before; after 产假 ("能领多少钱") the pay during it.
        if previous.topic == "maternity_leave":
            said = replace(said, topic="maternity_allowance")
        elif previous.topic not in LEAVE_TOPICS:
            said = replace(said, topic=None)
    topic = said.topic or previous.topic
    facet = said.facet if said.facet != "general" else previous.facet
    who = said.who or previous.who
    if said.topic is None and said.who == "father" and previous.topic in ("maternity_leave", "miscarriage_leave"):
        topic = "paternity_leave"
    if said.topic is None and said.who == "mother" and previous.topic == "paternity_leave":
        topic = "maternity_leave"
    if said.topic is None and said.who == "father" and previous.topic == "tax_deduction":
        facet = "split_transfer"
    if said.topic in (None, "childcare_subsidy") and asks_national_scheme(previous, text):
        topic = "childcare_subsidy"   # "那国家的呢" after 呼和浩特's scheme: the national subsidy, same case
        text = _NATIONAL_SCHEME.sub(" ", text)
    if re.search(r"多久|多长时间|几天", text) and said.topic is None and said.facet in ("amount", "general"):
        facet = "amount" if topic in LEAVE_TOPICS else (
            "review_time" if previous.facet in ("apply", "materials", "review_time", "eligibility") else "payment_time")
    if said.topic is None and said.facet == "general" and said.child_order is None and said.who is None:
        facet = previous.facet
    if said.facet == "special_case" and _HUKOU_HERE.search(text) and _PLACE_WORD.search(text):
        # "我家孩子户口在包头呢": the same point, asked for that place.
        facet = previous.facet
        text = _HUKOU_HERE.sub(" ", text)
    return Question(text=text, topic=topic, facet=facet,
                    child_order=said.child_order or previous.child_order, who=who, follow_up=True,
                    # A new topic leaves the old words behind ("那育儿假呢" is not about 产检).
                    context="" if said.topic and not related_topics(said.topic, previous.topic or "")
                    else previous.text)


def another_leave_same_point(said: Question, previous: Question, text: str) -> bool:
    """"那护理假呢" after "产假包括周末吗": another leave, the same point (周末) asked of it."""
    return said.topic in LEAVE_TOPICS and previous.topic in LEAVE_TOPICS and previous.facet == "counting" \
        and not specific_terms(text)


def related_topics(topic: str, other: str) -> bool:
    """The same topic, or two sides of one (生育保险 and its 生育津贴)."""
    return topic == other or {topic, other} == {"maternity_insurance", "maternity_allowance"}


_HUKOU_HERE = re.compile(r"(户口|户籍)(也|是|都)?(在|落在|落到)")


def with_topic(question: Question, topic: str) -> Question:
    return replace(question, topic=topic)


# How people ask, not what they ask about.
_ASKING = re.compile(
    r"能不能|可不可以|是不是|有没有|需不需要|要不要|管不管|给不给|报不报|发不发|能否|可以|多少钱|多少天|多少|几天|多久|多长时间|怎么样|怎么|如何|什么|啥|咋|"
    r"请问|我想|想问|一下|知道|政府|给钱|发钱|了解|享受|能领|能扣|能休|能拿|有几天|几个|现在|去哪儿?|在哪儿?|到哪儿?|哪里|一年|每年|每个?月|一个月|规定|政策|标准|待遇|一共|总共|加起来|这个|那个|这些|那些|别的|其他|其它|除了|另外|"
    r"[吗呢吧啊呀么的了是有能要可我你他她们在和跟与或及还都也就吧]")
# Who and which child a question is about: context, not the point asked.
_WHO_CONTEXT = re.compile(r"那会儿|那时候?|当时|自己|本人|生娃|孩子|娃娃|娃|宝宝|宝贝|小孩|我们|我家|我是|男的|女的|俺们|咱们|俺|咱|"
                          r"在\s*[\u3400-\u9fff]{0,8}?\s*(上班|工作)|(?<![没不])(上班的|工作的|上班)|"
                          # The kind of employer: the rules cover every one (女职工劳动保护特别规定 第二条).
                          r"公务员|事业单位|事业编|国企|央企|私企|民企|外企|机关单位|公司职员")
_PLACE_WORD = re.compile(r"[\u3400-\u9fff]{1,6}?(?:省|市|区|县|旗|盟|自治区)|内蒙古?|呼市|包头|昆区|通化|中宁|吉林|宁夏|中卫|"
                         r"呼和浩特|鄂尔多斯|赤峰|通辽|乌海|巴彦淖尔|乌兰察布|锡林郭勒|兴安|阿拉善|呼伦贝尔|青城|鹿城|"
                         r"长春|梅河口|集安|银川|国家的?|全国的?")


# Long forms citizens also say short: both count as the short one when words are compared.
_SHORT_FORMS = {"个人所得税": "个税", "基本医疗保险": "医保", "医疗保险": "医保", "出生医学证明": "出生证明",
               "医药费": "医疗费", "缴": "交", "剖腹": "剖宫",
               "男的": "男方", "男同志": "男方"}


@once_per_turn
def canonical(text: str) -> str:
    for long_form, short_form in _SHORT_FORMS.items():
        text = text.replace(long_form, short_form)
    # "能领三次吗" asks what "领几次" asks; "24年" is 2024; "孩子没了" is the child's death.
    text = _CHILD_DIED.sub(r"\1去世", text)
    text = _WHO_PAYS.sub("谁发", text)
    text = _WHO_APPLIES.sub("谁申请", text)
    text = _UNTIL_AGE.sub("到孩子几岁", text)
    text = _TOGETHER.sub("同时领", text)
    text = _SAME_THING.sub("一回事", text)
    text = _RIGHT_AWAY.sub("马上", text)
    return _SHORT_YEAR.sub(r"20\1年", _TIMES.sub(r"几\1", text))


# "谁来发", "由谁支付", "谁给钱" all ask who pays.
_WHO_PAYS = re.compile(r"(由)?谁(来|负责)?(发放|支付|发|付|出)(的)?")
# "到孩子多大为止", "到宝宝几周岁结束" ask the age a rule lasts until.
_UNTIL_AGE = re.compile(r"(到|至)(孩子|宝宝|娃|小孩)?(多大|几岁|几周岁)(为止|结束|截止)?")
# "能一起拿吗", "可以同时享受吗" ask whether two benefits stack.
_TOGETHER = re.compile(r"(一起|同时|一块儿?)(拿|领|享受|申请|要)")
# "立刻休", "立即申请", "立马发" all ask whether it must be at once.
_RIGHT_AWAY = re.compile(r"立刻|立即|立马|马上就")
_SAME_THING = re.compile(r"一个东西|一码事|同一个(东西|补贴|钱)")
_WHO_APPLIES = re.compile(r"谁(来|去|可以|能)?(申请|申领)")
_CHILD_DIED = re.compile(r"(孩子|娃|宝宝|小孩)(没了|走了|不在了)")


_SHORT_YEAR = re.compile(r"(?<![\d.])(1\d|2\d)年(?!代)")


_TIMES = re.compile(r"(?<![第\d])[一二三四五六七八九十两\d](次|回)(?!事)")   # not "一回事"


# Special cases that are one case in several words: an entry about the case uses one of them.
SPECIAL_CASES = (
    ("双胞胎", "多胞胎", "龙凤胎", "三胞胎", "双胎"), ("难产",), ("剖腹产", "剖宫产", "剖腹", "剖宫"), ("早产",),
    ("离婚", "离了婚", "离异", "抚养权", "判给"), ("收养", "领养", "养子", "养女"), ("继子", "继女", "再婚", "二婚"),
    ("去世", "死亡", "夭折"), ("孤儿", "无人抚养"),
    ("户口在", "户籍在", "外地", "异地", "外省", "流动人口", "户口不在", "户籍不在", "迁出", "迁入"),
    ("派遣",), ("试用期", "刚入职", "新入职", "没转正", "入职不久", "刚进公司"),
    ("换工作", "换单位", "跳槽", "新单位", "新公司"), ("国外", "境外", "外国", "国籍", "海外"), ("临时工", "零工", "兼职"), ("灵活就业", "个体", "自由职业", "打零工", "农民工", "新就业形态", "新业态", "骑手", "跑外卖", "网约车", "开滴滴"),
    ("未婚", "非婚", "没结婚", "没领证", "未领证", "没领结婚证", "未领结婚证", "没扯证", "没登记结婚", "未登记结婚"),
    ("没有生育保险", "没交生育保险", "没参保", "未参保", "没上保险", "没交保险", "未参加生育保险", "没有参加生育保险",
     "没给交", "不给交", "没给缴", "不给缴", "没交社保", "未参加", "没参加生育保险", "没给我交", "漏缴", "没交五险",
     "没给上社保", "没上社保", "公司没交", "单位没交", "老板没交", "没有交"), ("辞职", "离职", "失业", "下岗", "被裁"),
    # Without a job (not leaving one): "老婆没工作" is the insured worker's spouse.
    ("没工作", "无业", "没上班", "全职在家", "全职太太", "家庭主妇"),
    ("流产", "小产", "胎停", "人流", "清宫", "宫外孕", "没保住", "孩子没了", "胎没了", "停胎", "引产", "终止妊娠"),
)


def special_case_words(text: str) -> tuple[str, ...]:
    """The words of the special case a question names (剖腹产 → 剖腹产, 剖宫产 …), or ()."""
    for words in SPECIAL_CASES:
        if any(w in text for w in words):
            return words
    return ()


def cases_of_paraphrases(paraphrases: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The special cases many of an entry's paraphrases name (what the entry is about)."""
    return [words for words in SPECIAL_CASES if words[0] not in LOOSELY_SAID_CASES
            and paraphrases and sum(any(w in p for w in words) for p in paraphrases) >= CASE_SHARE * len(paraphrases)]


# Cases a citizen often states in words of her own ("我是包头户口 老公是呼市的", "孩子跟我",
# "一胎生了俩", "顺转剖"): an entry about them may fit a question that uses none of the words.
LOOSELY_SAID_CASES = {"户口在", "离婚", "双胞胎", "难产", "剖腹产", "早产", "没工作"}


CASE_SHARE = 0.4

# Words that say the asker is not in a case ("参加生育保险的女职工" has a job, is insured and
# is a woman): an entry about that case does not answer her, however loosely the case is said.
_NOT_IN_CASE = (
    (("没工作", "无业", "没上班", "全职在家", "全职太太", "家庭主妇", "不上班"),
     re.compile(r"女职工|在职|参保的?女|参加(了)?生育保险的(女|我)|我(有|在)(工作|上班)")),
    (("没有生育保险", "没交生育保险", "没参保", "未参保", "没上保险", "没交保险"),
     re.compile(r"参加(了)?生育保险的|已参保|已经参保|交了生育保险|有生育保险的")),
    (("男的", "男职工", "男方", "男人", "男同志", "丈夫单位"), re.compile(r"女职工|女员工|女方(本人)?参保")),
)


def contradicts_case(text: str, paraphrases: tuple[str, ...]) -> bool:
    """The question says the asker is not in the case the entry's paraphrases are about."""
    for words, contrary in _NOT_IN_CASE:
        if not paraphrases or any(w in text for w in words) or not contrary.search(text):
            continue
        if sum(any(w in p for w in words) for p in paraphrases) >= CASE_SHARE * len(paraphrases):
            return True
    return False


def without_places(text: str) -> str:
    return _PLACE_WORD.sub(" ", text)


def specific_terms(text: str, *, keep_topic_words: bool = False) -> list[str]:
    """The bigrams of a question that say more than its topic, place, child order and the
    asking: none means a general question ("育儿补贴能不能领") the fact tables answer.
    `keep_topic_words`: a follow-up's topic words are its point ("那试管呢" after 无痛)."""
    flat = canonical(text)
    # The words of the topic asked about say nothing more; another topic's words do
    # ("育儿补贴要交个人所得税吗" asks about tax).
    named = topic_of(text)
    taxation = is_taxation(text)   # "要不要交个税": the tax is the point, whatever money it is on
    for topic, words in TOPIC_WORDS.items():
        if keep_topic_words:
            break
        if named is not None and topic != named and not same_family(topic, named) \
                or taxation and topic == "tax_deduction":
            continue
        for word in sorted(words, key=len, reverse=True):
            flat = flat.replace(word, " ")
    if named == "tax_deduction" and not keep_topic_words:
        flat = flat.replace("婴幼儿照护", " ")   # the deduction's own name
    for _, pattern in CHILD_ORDER_WORDS:
        flat = pattern.sub(" ", flat)
    flat = _PLACE_WORD.sub(" ", flat)
    flat = FATHER_WORDS.sub(" ", flat)
    flat = MOTHER_WORDS.sub(" ", flat)
    flat = _WHO_CONTEXT.sub(" ", flat)
    flat = _ASKING.sub(" ", flat)
    terms = []
    for run in re.findall(r"[\u3400-\u9fff]{2,}|[0-9]+", flat):
        if run.isdigit():
            terms.append(run)   # a number is one word, as the index has it ("2022", not "20" "02" "22")
        else:
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
    return terms


_FAMILIES = (frozenset(LEAVE_TOPICS), frozenset({"childcare_subsidy", "local_subsidy"}))


def same_family(topic: str, other: str) -> bool:
    """Topics whose words overlap (产假 in 陪产假; 补贴 in 育儿补贴 and 生育补贴)."""
    return any(topic in family and other in family for family in _FAMILIES)


@once_per_turn
def topics_named(text: str) -> frozenset[str]:
    """Every topic whose words appear, an occurrence inside a longer found word not
    counted (补贴 in 育儿补贴; 产假 in 陪产假, but not in "产假 陪产假")."""
    spans = []
    for topic, words in TOPIC_WORDS.items():
        for word in words:
            start = text.find(word)
            while start != -1:
                spans.append((start, start + len(word), topic))
                start = text.find(word, start + 1)
    named = {topic for start, end, topic in spans
             if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)}
    if "miscarriage_leave" in named:   # 流产产假 is one leave
        named.discard("maternity_leave")
    if "only_child_leave" in named and "父母" in text:   # 独生子女父母护理假 is the 照护假
        named.discard("paternity_leave")
    return frozenset(named)


GENERAL_FACETS = ("amount", "general", "eligibility")


def is_general(text: str) -> bool:
    """A question about one topic that asks nothing more specific than its amount or
    whether it applies ("育儿补贴能不能领", "包头生三孩产假多少天")."""
    return (not specific_terms(text) and len(topics_named(text)) <= 1
            and facet_of(text) in GENERAL_FACETS)


_SOURCE_WORDS = re.compile(r"是?(哪天|哪年|什么时候|何时|啥时候)(发布|印发|出台|发|下发)的?|(发布|印发)(时间|日期)|"
                           r"(是|在|出自|来自|(依据|根据|按照)的?是?)?(哪个|哪份|哪一|什么|哪部|哪条)(文件|法规|规定|政策|法律|条例|条款|条|部门)"
                           r"[里中上]?(规定|定|说|写|发)?的?|给我看(一下|下)?|的?原文|出处|依据是?什么?|文件号|文号|"
                           r"出自(哪里|哪儿|哪|什么)|来自(哪里|哪儿|哪)|(哪里|哪儿|在哪)(规定|写)的|[吗呢?？。]")


_NATIONAL = re.compile(r"国家(层面|统一|规定|标准|法规|法律|基准|的)|全国(统一|性|都|的)|国务院|全国范围")


_WHEN_ISSUED = re.compile(r"(哪天|哪年|什么时候|何时|啥时候)(发布|印发|出台|发的|下发)|(发布|印发)(时间|日期)")


def asks_when_issued(text: str) -> bool:
    """"细则是哪天发布的": the document's date is the answer."""
    return bool(_WHEN_ISSUED.search(text))


def asks_national(text: str) -> bool:
    """The question asks for the national rule itself ("国家规定的产假是几天", "国家统一的产假是不是
    98天"): it names the country and nothing more specific than a figure."""
    return bool(_NATIONAL.search(text)) and all(t.isdigit() for t in specific_terms(_NATIONAL.sub("", text)))


def without_source_words(text: str) -> str:
    """A source request with the asking removed: "98天产假是哪个法规规定的" → "98天产假"."""
    content = _SOURCE_WORDS.sub("", text).strip(" ，,")
    return "" if content in ("依据", "根据", "按照", "出自", "来自", "这", "这个", "那", "那个") else content
