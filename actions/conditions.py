"""Conditions a question states that decide its yes/no: "我和老公户口都不在呼和浩特 孩子能领吗",
"老公是甘肃户口 能领宁夏的补贴金吗", "老大六岁了 还能领吗", "一岁半能上托班吗".

The verdict goes first, with the clause sentence that sets the condition; the general
rule the action found follows. Only conditions a clause states plainly are read, and a
verdict is said only when the words leave no doubt (both spouses' hukou elsewhere, an
age over the limit); anything less leaves the answer as it was.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from actions import questions as qs
from actions import templates
from actions.base import Answer
from actions.birth_dates import HOHHOT, NINGXIA, scheme_of


@dataclass(frozen=True)
class Condition:
    """A condition the question states, the scheme it decides and the clause words that set it
    (a test checks that the clause holds them)."""

    name: str
    applies: Callable[[str, Optional[str]], bool]   # (words, topic answered): about this scheme
    stated: Callable[[str], bool]                   # whether the words state the condition
    verdict: Callable[[str], str]                   # the opening, given the clause's words
    clause_id: str
    quote: str                                      # the clause's words that set it, quoted
    asked: re.Pattern = None                        # what the latest message must ask (default: whether)


# Asking whether one can ("能领吗", "可以拿吗", "有没有份", "符合条件吗").
ASKS_WHETHER = re.compile(r"能不能|能否|可不可以|可否|能.{0,10}吗|可以.{0,10}吗|行不行|行吗|有没有份|有份吗|"
                           r"符合|有资格|算不算|够不够|享受.{0,4}吗|给不给|拿得到|领得到|还能|还可以")
_HOHHOT = r"(呼市|呼和浩特|青城|本地|本市|这边|这里)"
# Both spouses' hukou elsewhere: "我和老公户口都不在呼和浩特", "两口子都是外地户口".
_BOTH = r"(都|均|双方|俩|两口子|两个人|我们|夫妻)"
_BOTH_ELSEWHERE = re.compile(
    r"(户口|户籍)(都|均)(不在|不是)" + _HOHHOT
    + r"|" + _BOTH + r".{0,8}(户口|户籍).{0,3}(都|均)?(不在|不是)" + _HOHHOT
    + r"|" + _BOTH + r".{0,6}(不是|不在)" + _HOHHOT + r".{0,3}(的)?(户口|户籍|人)"
    + r"|" + _BOTH + r".{0,6}是?(外地|外省|外市)(的)?(户口|户籍|人)")
# Living or working elsewhere though the hukou is local: "常年在北京上班".
_LIVES_ELSEWHERE = re.compile(r"(常年|长期|一直|平时|都)?在(外地|外省|北京|上海|天津|广州|深圳|[\u4e00-\u9fa5]{2,3}(市|省))"
                              r"(上班|工作|打工|生活|居住|住)")
_CHILD_HUKOU_ELSEWHERE = re.compile(r"(孩子|宝宝|小孩|新生儿)(的)?户口.{0,3}(落|上|报|在)(在|到)?(老家|外地|外省|别的地方|"
                                    r"[\u4e00-\u9fa5]{2,3}(市|省|县))")
# One spouse's hukou outside 宁夏: "我是甘肃户口", "老公不是宁夏户口", "一方是外地户口".
_SPOUSE = r"(我|他|她|老公|老婆|丈夫|妻子|媳妇|爱人|男方|女方|孩子爸|孩子妈|对象|一方|另一半)"
_ONE_OUTSIDE_NINGXIA = re.compile(_SPOUSE + r"(的户口|户口|户籍)?(是|在)?(不是宁夏|不在宁夏|外地|外省|"
                                  r"(?!宁夏|中宁|中卫|本地)[\u4e00-\u9fa5]{2,3})(的)?(户口|户籍|人)")
_AGE = re.compile(r"(?<![\d一二三四五六七八九十])(满|已经|都|已)?(\d{1,2}|[一二三四五六七八九十]|两)(周)?岁(?!以下|以内|前|之前|以前|半前)"
                  r"(半|多)?")
_MONTHS = re.compile(r"(\d{1,2}|[一二三四五六七八九十]+)个月(大)?")
_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def ages_of(text: str) -> list[float]:
    """The ages in years the question names ("老大六岁了老二刚满一岁" → [6, 1]; "一岁半" → 1.5)."""
    ages = []
    for found in _AGE.finditer(text):
        if re.search(r"(没|未|不)满$|不到$|没有$", text[:found.start()] + (found.group(1) or "")):
            continue   # "还没满三岁" is under the limit, not an age
        number = found.group(2)
        years = float(number) if number.isdigit() else float(_NUMERALS.get(number, 0))
        ages.append(years + (0.5 if found.group(4) == "半" else 0))
    ages += [(int(m.group(1)) if m.group(1).isdigit() else _NUMERALS.get(m.group(1), 0)) / 12
             for m in _MONTHS.finditer(text)]
    return ages


def _not_in_hohhot(found: Optional[re.Match]) -> bool:
    return bool(found) and not re.search(_HOHHOT, found.group(0))


def _about_hohhot(text: str, topic: Optional[str]) -> bool:
    return scheme_of(text) is HOHHOT


def _about_ningxia(text: str, topic: Optional[str]) -> bool:
    return scheme_of(text) is NINGXIA and qs.topic_of(text) in ("childcare_subsidy", "local_subsidy", None)


def _about_national(text: str, topic: Optional[str]) -> bool:
    return scheme_of(text) not in (HOHHOT, NINGXIA) and qs.topic_of(text) in ("childcare_subsidy", None) \
        and "补贴" in text


def _asks_tuoban(text: str, topic: Optional[str]) -> bool:
    return bool(re.search(r"托班|托育班|幼儿园.{0,6}托", text))


def about_care_deduction(text: str, topic: Optional[str] = None) -> bool:
    """The 婴幼儿照护 deduction, not another deduction (子女教育, 赡养老人 …)."""
    return ((topic or qs.topic_of(text)) == "tax_deduction" or bool(re.search(r"照护.{0,4}扣|个税|个人所得税", text))) \
        and not re.search(r"子女教育|赡养|房贷|房租|继续教育|大病", text)


def _about_allowance(text: str, topic: Optional[str]) -> bool:
    return "生育津贴" in text or topic == "maternity_allowance" and "津贴" in text


# The husband's insurance for the wife's costs: "男方生育保险能报老婆生孩子的费用吗".
_HUSBANDS_INSURANCE = re.compile(r"(男方|老公|丈夫|爱人|孩子爸)(的|单位的?)?(生育保险|生育险|医保)|用(老公|丈夫|男方)的")


def _about_medical_costs(text: str, topic: Optional[str]) -> bool:
    return bool(re.search(r"报|费用|医药费|住院|分娩|生孩子的钱", text)) and "津贴" not in text


_ASKS_WHETHER_OR_HOW_MUCH = re.compile(ASKS_WHETHER.pattern + r"|有没有|有.{0,8}吗|多少|几千|给不给")
# Pregnant for some months: "怀孕五个月", "孕5个月", "怀孕3个多月".
_MONTHS_PREGNANT = re.compile(r"(怀孕|孕|怀了)(\d{1,2}|[一二三四五六七八九十])个?多?月")


def months_pregnant(text: str) -> int:
    """The months of pregnancy the question names, or 0."""
    found = _MONTHS_PREGNANT.search(text)
    if not found:
        return 0
    number = found.group(2)
    return int(number) if number.isdigit() else _NUMERALS.get(number, 0)


def _asks_night_shift(text: str, topic: Optional[str]) -> bool:
    return bool(re.search(r"夜班|加班|延长劳动时间", text))


_ASKS_WHETHER_OR_REFUSE = re.compile(ASKS_WHETHER.pattern + r"|拒绝|不去|合法|违法|可以吗|行吗")
# Whether, or a follow-up that changes the case ("那一岁多的呢" after "两岁半能上托班吗").
_ASKS_WHETHER_OR_FOLLOWS = re.compile(ASKS_WHETHER.pattern + r"|呢[?？]?$")
# Several children under three: "两个孩子都还没满三岁", "两个孩子呢", "双胞胎".
_SEVERAL_CHILDREN = re.compile(r"(两|俩|二|三|仨|几)个?(孩子|娃|宝宝|小孩|宝)|双胞胎|龙凤胎|三胞胎|多胞胎|两孩|"
                               r"(二胎|二孩|老二|二宝|第二个孩子|第二个)(也|还)")
_ASKS_HOW_MUCH = re.compile(r"多少|几份|怎么(算|扣)|能扣|可以扣|都能|都可以|呢$|呢？?$")
# One parent claims alone: "单亲妈妈自己带孩子", "离婚了孩子跟我".
_ONE_PARENT = re.compile(r"单亲|离异|离婚|丧偶|自己(一个人)?带|一个人带|一个人(扣|全扣|扣满)|只有我(一个人)?(扣|交税)|扣满|全额")
_NOT_BORN_YET = re.compile(r"还没(出)?生|没出生|未出生|怀孕|孕期|预产期|提前(填|报|扣|申报)")
_THIRD_BIRTHDAY = re.compile(r"(三|3)(周)?岁生日|满(三|3)(周)?岁(的)?(那|当)(个)?月")
# The insured worker's spouse without a job: "老公有生育保险 我没工作".
_SPOUSE_WITHOUT_JOB = re.compile(r"(我|老婆|妻子|媳妇|爱人|配偶)(是|在家|现在)?(没(有)?(工作|上班|单位)|无业|不上班|全职(妈妈|太太|在家)|家庭主妇|"
                                 r"待业|失业)")
# The asker herself without a job: "我没有工作 能领生育津贴吗", "全职妈妈有生育津贴吗".
_SELF_WITHOUT_JOB = re.compile(r"(我|本人|自己|俺)(现在|一直|目前)?(是|在家)?(没(有)?(工作|上班|单位)|无业|不上班|全职(妈妈|太太|在家)|"
                               r"家庭主妇|待业)|^(没(有)?工作|无业|全职妈妈|全职太太|家庭主妇)")
_SPOUSE_INSURED = re.compile(r"(老公|丈夫|爱人|孩子爸|男方).{0,8}(有|交|缴|参加|上了?)(了)?.{0,4}(生育保险|生育险|社保|五险)")


CONDITIONS = (
    Condition("hohhot_hukou", _about_hohhot, lambda t: bool(_BOTH_ELSEWHERE.search(t)),
              templates.condition_hohhot_hukou, "hohhot-subsidy-rules:一/（一）/3",
              "夫妻双方户籍地均为呼和浩特市或一方户籍地为呼和浩特市"),
    Condition("hohhot_child_hukou", _about_hohhot, lambda t: _not_in_hohhot(_CHILD_HUKOU_ELSEWHERE.search(t)),
              templates.condition_hohhot_child_hukou, "hohhot-subsidy-rules:一/（一）/3",
              "新生儿首次落户在呼和浩特市"),
    Condition("hohhot_residence", _about_hohhot, lambda t: _not_in_hohhot(_LIVES_ELSEWHERE.search(t)),
              templates.condition_hohhot_residence, "hohhot-subsidy-rules:一/（一）/3",
              "在呼和浩特市居住、工作、生活，要求人、房、户一致"),
    Condition("ningxia_hukou", _about_ningxia, lambda t: bool(_ONE_OUTSIDE_NINGXIA.search(t)),
              templates.condition_ningxia_hukou, "ningxia-childcare-subsidy-fund:1",
              "夫妻双方均为宁夏户籍"),
    Condition("ningxia_first_child", _about_ningxia, lambda t: qs.child_order_of(t) == 1,
              templates.condition_ningxia_first_child, "ningxia-childcare-subsidy-fund:1",
              "2023年1月1日起生育二孩、三孩并在宁夏登记户口", asked=_ASKS_WHETHER_OR_HOW_MUCH),
    Condition("national_age", _about_national, lambda t: any(age >= 3 for age in ages_of(t)),
              lambda s: "", "national-childcare-subsidy:1",
              "按每孩每年3600元的标准发放，直至婴幼儿年满3周岁"),
    Condition("allowance_spouse_without_job", _about_allowance,
              lambda t: bool(_SPOUSE_WITHOUT_JOB.search(t) and _SPOUSE_INSURED.search(t)),
              templates.condition_allowance_spouse_without_job, "social-insurance-law-maternity:第五十四条",
              "职工未就业配偶按照国家规定享受生育医疗费用待遇"),
    Condition("insurance_via_husband", _about_medical_costs,
              lambda t: bool(_HUSBANDS_INSURANCE.search(t)) and not _SPOUSE_WITHOUT_JOB.search(t),
              templates.condition_insurance_via_husband, "social-insurance-law-maternity:第五十四条",
              "职工未就业配偶按照国家规定享受生育医疗费用待遇", asked=_ASKS_WHETHER_OR_HOW_MUCH),
    Condition("allowance_without_job", _about_allowance,
              lambda t: bool(_SELF_WITHOUT_JOB.search(t)) and not _SPOUSE_INSURED.search(t),
              templates.condition_allowance_without_job, "social-insurance-law-maternity:第五十六条",
              "职工有下列情形之一的，可以按照国家规定享受生育津贴", asked=_ASKS_WHETHER_OR_HOW_MUCH),
    Condition("tax_several_children", about_care_deduction, lambda t: bool(_SEVERAL_CHILDREN.search(t)),
              templates.condition_per_child, "national-infant-tax-deduction:1",
              "按照每个婴幼儿每月2000元的标准定额扣除", asked=_ASKS_HOW_MUCH),
    Condition("tax_one_parent", about_care_deduction, lambda t: bool(_ONE_PARENT.search(t)),
              templates.condition_tax_one_parent, "national-infant-tax-deduction:3",
              "父母可以选择由其中一方按扣除标准的100%扣除"),
    Condition("tax_before_birth", about_care_deduction, lambda t: bool(_NOT_BORN_YET.search(t)),
              templates.condition_tax_before_birth, "national-infant-tax-deduction:2",
              "从婴幼儿出生的当月起"),
    Condition("tax_third_birthday", about_care_deduction, lambda t: bool(_THIRD_BIRTHDAY.search(t)),
              templates.condition_tax_third_birthday, "national-infant-tax-deduction:2",
              "至年满3周岁的前一个月止"),
    Condition("pregnancy_under_seven_months", _asks_night_shift, lambda t: 0 < months_pregnant(t) < 7,
              templates.condition_pregnancy_under_seven_months, "female-labour-protection:第六条",
              "女职工在孕期不能适应原劳动的，用人单位应当根据医疗机构的证明，予以减轻劳动量或者安排其他能够适应的劳动。",
              asked=_ASKS_WHETHER_OR_REFUSE),
    Condition("tuoban_age", _asks_tuoban, lambda t: any(age < 2 for age in ages_of(t)),
              templates.condition_tuoban_age, "neimenggu-measures:三/（九）",
              "单独招收2-3岁幼儿，举办托育班", asked=_ASKS_WHETHER_OR_FOLLOWS),
)


def condition_stated(text: str, *, topic: Optional[str] = None, context: str = "") -> Optional[Condition]:
    """The first condition the question (with the words it leans on) states that decides
    what it asks, or None."""
    said = f"{context} {text}" if context else text
    return next((c for c in CONDITIONS if (c.asked or ASKS_WHETHER).search(text)
                 and c.applies(said, topic) and c.stated(said)), None)


def lead_if_condition_decides(text: str, *, reply: Answer, topic: Optional[str] = None, context: str = "") -> bool:
    """Put first, with its clause, what a condition the question (or the one it leans on)
    states decides. False (nothing said) when no condition is stated or the message asks
    several questions."""
    text = qs.canonical(text)
    condition = condition_stated(text, topic=topic, context=qs.canonical(context))
    if condition is None or len(qs.read_message(text)) > 1:
        return False
    sentence = condition.quote
    if condition.name == "national_age":
        ages = ages_of(text)
        opening = templates.condition_national_age(sentence, some_younger=any(age < 3 for age in ages))
    else:
        opening = condition.verdict(sentence)
    # The verdict answers the point: a "the material does not say" line would contradict it.
    reply.lines = [line for line in reply.lines if not templates.is_material_silent(line)]
    if reply.lines and condition.quote in reply.lines[0] and len(reply.lines[0]) < len(opening) + len(condition.quote):
        reply.lines[0] = opening   # the first line quoted the same words: the verdict says it
    else:
        reply.lines.insert(0, opening)
    if condition.clause_id in reply.clause_ids:
        reply.clause_ids.remove(condition.clause_id)
    reply.clause_ids.insert(0, condition.clause_id)
    reply.factual = True
    return True
