"""The place suite: ≥ 300 real mentions (tests/places/mentions.yml) and how they resolve,
against a store built from the installed package of official divisions."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge import places, regions

SUITE = yaml.safe_load((Path(__file__).resolve().parents[1] / "places" / "mentions.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def index(conn) -> places.PlaceIndex:
    return regions.gazetteer(conn=conn).places


def _label(case: dict) -> str:
    return case.get("mention") or case["text"]


def test_the_suite_is_big_enough():
    kinds = [case["kind"] for case in SUITE]
    assert len(SUITE) >= 300
    assert kinds.count("ambiguous") >= 50
    assert kinds.count("outside") >= 100


@pytest.mark.parametrize("case", SUITE, ids=_label)
def test_mention_resolves_as_expected(index, case):
    resolved = index.resolve(case["mention"]) if "mention" in case else index.resolve_text(case["text"])
    expected = {k: case.get(k) for k in ("kind", "place", "region", "candidates")}
    actual = {
        "kind": resolved.kind,
        "place": resolved.chain or None,
        "region": resolved.region_id,
        "candidates": sorted(c.chain for c in resolved.candidates) or None,
    }
    assert expected == actual


def test_every_district_and_county_of_the_covered_cities_is_in_the_suite(index):
    mentioned = {case.get("place") for case in SUITE}
    for city in ("150100", "150200", "220500", "640500"):   # 呼和浩特, 包头, 通化, 中卫
        counties = [p for p in index.places.values() if p.parent == city]
        assert counties and all(index.chain_name(p.code) in mentioned or
                                any(index.chain_name(p.code) in (c.get("candidates") or []) for c in SUITE)
                                for p in counties)


def test_every_county_of_hohhot_inherits_neimenggu(conn):
    gaz = regions.gazetteer(conn=conn)
    hohhot = [r for r in gaz.regions.values() if r.parent == "hohhot"]
    assert 9 == len(hohhot)
    assert all(["hohhot", "neimenggu", "china"] == [r.id for r in gaz.chain(h.id)[1:]] for h in hohhot)


def test_a_town_resolves_to_its_county_region(index):
    resolved = index.resolve("石空镇")
    assert ("covered", "zhongning", "宁夏回族自治区中卫市中宁县石空镇") == (
        resolved.kind, resolved.region_id, resolved.chain)


def test_typos_inside_sentences(index):
    assert "hohhot" == index.resolve_text("住在呼和浩待").region_id
    assert "kundulun" == index.resolve_text("在昆都伦区上班").region_id
    assert "四川省成都市武侯区" == index.resolve_text("成都市武候区").chain   # 武候区: nine 武X区, 成都 picks
    assert "unknown" == index.resolve_text("赛汉区产假").kind             # 赛罕区 or 江汉区: no guess


def test_context_in_the_same_text_picks_one_namesake(index):
    assert "qingshan" == index.resolve_text("包头青山区生二胎").region_id
    assert "湖北省武汉市青山区" == index.resolve_text("武汉青山区生二胎").chain
    assert "ambiguous" == index.resolve_text("青山区生二胎").kind


def test_button_payloads_resolve_back_to_the_same_place(index):
    for candidate in index.resolve("白云区").candidates:
        again = index.resolve(candidate.payload)
        assert (candidate.kind, candidate.chain) == (again.kind, again.chain)


def test_xilinhot_is_a_city_inside_xilingol_and_jilin_city_is_not_the_province(conn):
    gaz = regions.gazetteer(conn=conn)
    assert ["xilingol", "neimenggu"] == [r.id for r in gaz.chain(gaz.lookup("锡林浩特").id)[1:3]]
    assert "jilin" == gaz.lookup("吉林").id
    assert "吉林市" == gaz.lookup("吉林市").name
    assert "jilin" == gaz.lookup("吉林市").parent


def test_everyday_words_are_not_places(index):
    for text in ("合作医疗能报销吗", "祝您安康", "我在主城区上班", "生育友好医院是啥", "产假和工资只能二选一吗",
                 "大同小异吧", "公安局开证明", "新建幼儿园了没", "经开区的政策", "老城区有托育园吗", "高新区有托育吗",
                 "我在开发区上班", "你说的188天是哪个文件规定的 给我看原文", "蒙速办怎么申请", "吉事办上能办吗"):
        assert [] == index.find_places(text), text


@pytest.mark.parametrize("name, level, short", [
    ("内蒙古自治区", 1, ["内蒙古"]), ("新疆维吾尔自治区", 1, ["新疆"]), ("宁夏回族自治区", 1, ["宁夏"]),
    ("长白朝鲜族自治县", 3, ["长白"]), ("鄂温克族自治旗", 3, ["鄂温克"]), ("鄂伦春自治旗", 3, ["鄂伦春"]),
    ("白云鄂博矿区", 3, ["白云鄂博"]), ("达尔罕茂明安联合旗", 3, ["达尔罕茂明安"]), ("城区", 3, []),
    ("锡林郭勒盟", 2, ["锡林郭勒"]), ("石空镇", 4, ["石空"]),
])
def test_short_names(name, level, short):
    assert short == places.short_names(name=name, level=level)


# ---------------------------------------------------------------- the place of a turn (actions)

def _run(action, tracker, dispatcher, domain):
    import asyncio

    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return events, "\n".join(m.get("text") or "" for m in dispatcher.messages)


def _slot(events, name):
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else "<unset>"


def test_a_shared_name_is_asked_back_with_buttons_and_answered_after_the_choice(dispatcher, domain):
    from actions.leave import ActionAnswerLeave
    from actions.service import ActionResume
    from tests.conftest import entity, make_tracker

    # The NLU's synonym says qingshan (包头); the raw text says only 青山区: ask.
    tracker = make_tracker(intent="ask_leave", text="青山区产假多少天",
                           entities=[entity("district", "qingshan"), entity("leave_type", "产假")])
    events, text = _run(ActionAnswerLeave(), tracker, dispatcher, domain)
    assert "ask_leave" == _slot(events, "pending_intent")
    assert "“青山区”有几个地方同名" in text
    buttons = dispatcher.messages[0]["buttons"]
    assert ["内蒙古自治区包头市青山区", "湖北省武汉市青山区"] == [b["title"] for b in buttons]
    assert '/inform{"region": "qingshan"}' == buttons[0]["payload"]

    # The citizen presses 武汉's button: the waiting question is answered for 武汉 (not covered).
    choice = make_tracker(intent="inform", text=buttons[1]["payload"],
                          entities=[entity("region", "湖北省武汉市青山区")],
                          slots={"pending_intent": "ask_leave", "leave_type": "产假"})
    events, text = _run(ActionResume(), choice, type(dispatcher)(), domain)
    assert "暂未收录“湖北省武汉市青山区”" in text and "98天" in text
    assert "湖北省武汉市青山区" == _slot(events, "region")


def test_a_remembered_place_picks_the_namesake(dispatcher, domain):
    from actions.knowledge_access import place_of_turn
    from tests.conftest import make_tracker

    tracker = make_tracker(intent="ask_leave", text="青山区产假多少天", slots={"region": "baotou"})
    assert "qingshan" == place_of_turn(tracker).region_id


@pytest.mark.parametrize("text, intent, entities, expected", [
    ("广州白云区产假", "ask_leave", [("district", "baiyunebo"), ("leave_type", "产假")], "暂未收录“广东省广州市白云区”"),
    ("赛罕区三孩产假", "ask_leave", [("leave_type", "产假"), ("child_order", "3")], "188天"),
    ("石空镇产假", "ask_leave", [("leave_type", "产假")], "中宁县"),
    ("成都武侯区育儿补贴", "ask_subsidy_amount", [("benefit", "育儿补贴")], "暂未收录“四川省成都市武侯区”"),
])
def test_places_from_the_raw_text(dispatcher, domain, text, intent, entities, expected):
    import actions.leave
    import actions.money  # noqa: F401  (they register their intents)
    from actions.base import HANDLERS
    from tests.conftest import entity, make_tracker

    tracker = make_tracker(intent=intent, text=text, entities=[entity(n, v) for n, v in entities])
    _, reply = _run(HANDLERS[intent](), tracker, dispatcher, domain)
    assert expected in reply


def test_a_shared_name_is_asked_back_before_local_subsidies(dispatcher, domain):
    import actions.money  # noqa: F401
    from actions.base import HANDLERS
    from tests.conftest import entity, make_tracker

    tracker = make_tracker(intent="ask_subsidy_amount", text="白云区育儿补贴多少",
                           entities=[entity("district", "baiyunebo"), entity("benefit", "育儿补贴")])
    events, text = _run(HANDLERS["ask_subsidy_amount"](), tracker, dispatcher, domain)
    assert "ask_subsidy_amount" == _slot(events, "pending_intent")
    assert 3 == len(dispatcher.messages[0]["buttons"])


def test_tax_deduction_ignores_a_shared_place_name(dispatcher, domain):
    import actions.money  # noqa: F401
    from actions.base import HANDLERS
    from tests.conftest import entity, make_tracker

    tracker = make_tracker(intent="ask_tax_deduction", text="青山区个税怎么扣", entities=[entity("district", "qingshan")])
    _, text = _run(HANDLERS["ask_tax_deduction"](), tracker, dispatcher, domain)
    assert "同名" not in text


def test_childcare_search_asks_which_qingshan_and_finds_baotou_s(dispatcher, domain):
    from actions.childcare import ActionFindChildcare
    from tests.conftest import entity, make_tracker

    asked = make_tracker(intent="ask_childcare_find", text="青山区的托育中心在哪", entities=[entity("district", "qingshan")])
    events, text = _run(ActionFindChildcare(), asked, dispatcher, domain)
    assert "ask_childcare_find" == _slot(events, "pending_intent") and "同名" in text
    found = make_tracker(intent="ask_childcare_find", text="包头青山区的托育中心在哪",
                         entities=[entity("district", "qingshan")])
    events, text = _run(ActionFindChildcare(), found, type(dispatcher)(), domain)
    assert "qingshan" == _slot(events, "region") and "同名" not in text


# ---------------------------------------------------------------- the build's tables

DIVISIONS = [
    {"code": "150000", "name": "内蒙古自治区", "level": 1, "parent": None},
    {"code": "150200", "name": "包头市", "level": 2, "parent": "150000"},
    {"code": "150204", "name": "青山区", "level": 3, "parent": "150200"},
    {"code": "150204001", "name": "幸福路街道", "level": 4, "parent": "150204"},
    {"code": "420000", "name": "湖北省", "level": 1, "parent": None},
    {"code": "420100", "name": "武汉市", "level": 2, "parent": "420000"},
    {"code": "420107", "name": "青山区", "level": 3, "parent": "420100"},
]
ROOT_ENTRY = {"id": "china", "name": "中华人民共和国", "level": "country", "parent": None, "aliases": ["全国"]}


def test_gazetteer_tables_bind_ids_to_codes_and_cover_only_the_covered_subtrees(monkeypatch):
    monkeypatch.setattr(places, "COVERED_SUBTREES", ("150000",))
    regions_, aliases, rows = places.gazetteer_tables(
        entries=[ROOT_ENTRY, {"id": "baotou", "code": "150200", "aliases": ["鹿城"]}], divisions=DIVISIONS)
    assert [("china", None), ("cn-150000", "china"), ("baotou", "cn-150000"), ("cn-150204", "baotou")] == [
        (r["id"], r["parent"]) for r in regions_]
    assert {"鹿城": "baotou", "包头": "baotou", "青山区": "cn-150204"}.items() <= {
        a["alias"]: a["region_id"] for a in aliases}.items()
    assert {"150204001": "cn-150204", "420107": None} == {
        r["code"]: r["region_id"] for r in rows if r["code"] in ("150204001", "420107")}


@pytest.mark.parametrize("entries, message", [
    ([ROOT_ENTRY, {"id": "wuhan", "code": "420100", "__line__": 7}], "line 7: code '420100' is not a covered division"),
    ([ROOT_ENTRY, {"id": "baotou", "code": "150200", "aliases": ["全国"], "__line__": 3}], "line 3: alias '全国' already names 'china'"),
])
def test_gazetteer_tables_refuse_bad_entries(monkeypatch, entries, message):
    monkeypatch.setattr(places, "COVERED_SUBTREES", ("150000",))
    with pytest.raises(ValueError, match=message):
        places.gazetteer_tables(entries=entries, divisions=DIVISIONS)
