"""Inputs for tests/bot/channels/test_fuzz.py: hypothesis strategies for what citizens (and attackers) type,
and builders for the WeChat XML around it.

Every text strategy yields (category, text) so the test can report what it covered.
"""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import List, Tuple
from xml.sax.saxutils import escape

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL_ACCOUNT = "gh_0123456789ab"


# ---------------------------------------------------------------- realistic questions

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def realistic_questions() -> List[str]:
    """Citizens' questions: the held-out NLU set (annotations removed) and the search queries."""
    questions: List[str] = []
    heldout = yaml.safe_load((ROOT / "tests" / "nlu" / "heldout.yml").read_text(encoding="utf-8"))
    for block in heldout.get("nlu", []):
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                questions.append(_ANNOTATION.sub(r"\1", line[2:]).strip())
    for line in (ROOT / "tests" / "search_queries.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            questions.append(line.split("\t")[0])
    questions = sorted({q for q in questions if q})
    assert len(questions) > 50, "the realistic question sources shrank"
    return questions


REALISTIC = realistic_questions()

# ---------------------------------------------------------------- hostile payloads

HTML = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(document.cookie)>",
    "<a href='javascript:alert(1)'>产假</a>", "<iframe src=//evil.invalid></iframe>", "</xml>", "<![CDATA[",
    "]]>", "]]]]><![CDATA[>", "<xml><Content>x</Content></xml>", "&lt;b&gt;&amp;", "&xxe;", "<!--", "-->",
    "<?php echo 1; ?>", "<style>*{display:none}</style>包头产假", "{{constructor.constructor('alert(1)')()}}",
    "<b>育儿假</b>多少天", "\"><script>fetch('//x')</script>",
]
SQL = [
    "' OR '1'='1", "'; DROP TABLE events; --", "\" OR 1=1 --", "1; SELECT * FROM clauses",
    "产假' UNION SELECT sql FROM sqlite_master --", "%' AND 1=0 UNION SELECT 1,2,3 --",
    "\\'; DELETE FROM facilities; --", "' OR 1=1 LIMIT 1 OFFSET 0 --", "产假 OR NEAR(a b)", "\"产假\" AND \"",
    "NOT", "*", "^产假", "产假*", "content:产假", "产假 AND (", "\"", "''", "\\", "NULL", "产假; --",
    "1' AND SLEEP(5)#", "admin'--", "') OR ('a'='a",
]
FORMAT = [
    "%s", "%d", "%(sender)s", "%n%n%n", "%x%x%x%x", "%99999999s", "{}", "{0}", "{text}", "{0.__class__}",
    "{.__globals__}", "{!r}", "{:>99999999}", "${ACTION_ENDPOINT_URL}", "${TRACKER_DB}",
    "${jndi:ldap://127.0.0.1/a}", "{{7*7}}", "#{7*7}", "$(id)", "`id`", "\\x00", "\\u0000", "\\N{BULLET}",
    "{region}的产假", "%s产假%d天",
]
# Rasa reads "/intent{json}" as an intent with entities: a public way to reach the actions.
SLASH = [
    "/", "/greet", "/action_listen", "/nlu_fallback", "/nonexistent_intent",
    '/feedback{"helpful": "yes"}', '/feedback{"helpful": {"a": [1]}}', '/ask_leave{"region": "包头", "child_order": "3"}',
    '/ask_leave{"region": null}', '/ask_leave{"region": ["包头", "呼市"]}',
    '/ask_leave{"leave_type": {"x": 1}}', "/ask_leave{bad json", '/ask_leave{"region": "' + "包" * 300 + '"}',
    '/ask_childcare_find{"latitude": "nan", "longitude": 1e999}', "/ask_leave@0.9", "/ask_leave@abc",
    "/" + "a" * 300, "/EXTERNAL_reminder", '/ask_leave{"child_order": "-1"}', '/ask_leave{"child_order": 1e308}',
]
# ...with a non-string entity value (or a date that is no ISO date) the actions fail: known bug,
# tests/bot/channels/test_fuzz.py::test_known_entity_bugs. Move them into SLASH once actions/ is fixed.
KNOWN_BUG_SLASH = {
    "region-int": '/ask_leave{"region": 12345}',
    "region-float": '/ask_leave{"region": 1.5}',
    "district-int": '/ask_childcare_find{"district": 5}',
    "benefit-dict": '/ask_tax_deduction{"region": "包头", "benefit": {"a": 1}}',
    "date-not-iso": '/ask_leave_dates{"region": "包头", "leave_type": "产假", "date": "x"}',
    "date-dict": '/ask_leave_dates{"region": "包头", "leave_type": "产假", "date": {"x": 1}}',
    "payload-then-text": '/ask_leave{"region": 12345}包头产假多少天',
}
# Rasa's own commands: the bot says nothing (known bug, tests/bot/channels/test_fuzz.py::test_known_silent_commands).
KNOWN_SILENT_COMMANDS = ["/restart", "/session_start", "/back"]
EMOJI_SEQUENCES = ["👨‍👩‍👧‍👦", "🤰🏽", "🇨🇳", "👶🏻", "❤️", "🏳️‍🌈", "1️⃣", "🧑‍🍼", "\u200d", "\ufe0f"]
WEIRD_WHITESPACE = " \t\n\r\x0b\x0c\u00a0\u1680\u2000\u2003\u200a\u2028\u2029\u202f\u205f\u3000\u200b\ufeff"
ZH_WORDS = ["产假", "护理假", "育儿假", "包头", "呼和浩特", "生育津贴", "育儿补贴", "三孩", "多少天", "怎么领",
            "托育机构", "公积金", "个税", "通化", "中宁", "婚假", "陪产假", "吗", "？", "。", "，"]
EN_WORDS = ["maternity", "leave", "how many days", "Baotou", "subsidy", "OK", "hello", "please", "?", "!",
            "third child", "2025", "HR", "app", "WeChat"]

# ---------------------------------------------------------------- text strategies


def _tagged(category: str, strategy: st.SearchStrategy) -> st.SearchStrategy:
    return strategy.map(lambda text: (category, text))


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def _insert(base: str, payload: str, position: int) -> str:
    position %= len(base) + 1
    return base[:position] + payload + base[position:]


_control = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.just("\x7f") | \
    st.characters(min_codepoint=0x80, max_codepoint=0x9F)
_surrogate = st.integers(0xD800, 0xDFFF).map(chr)
_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_emoji = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF) | st.sampled_from(EMOJI_SEQUENCES)
_realistic = st.sampled_from(REALISTIC)
_payload = st.sampled_from(HTML + SQL + FORMAT + SLASH)

long_text = st.builds(
    _repeat,
    st.one_of(st.sampled_from(["产假多少天", "a", "😀", "包头 maternity leave ", "<b>x</b>", "\x00", "。", "\n"]),
              st.text(min_size=1, max_size=12), _realistic),
    st.sampled_from([2048, 4096, 9999, 10000]) | st.integers(500, 10000),
)

CATEGORIES = {
    "empty": st.sampled_from(["", " ", "\n", "\t", "\r\n", "\u3000", "\u200b", "\ufeff"]),
    "whitespace": st.text(alphabet=st.sampled_from(WEIRD_WHITESPACE), min_size=1, max_size=40),
    "any-unicode": st.text(max_size=300),
    "very-long": long_text,
    "emoji": st.lists(_emoji | _cjk | st.sampled_from(" ？"), min_size=1, max_size=60).map("".join),
    "control": st.text(alphabet=_control | _cjk | st.sampled_from("ab "), min_size=1, max_size=60),
    "lone-surrogate": st.builds(_insert, _realistic, st.text(alphabet=_surrogate, min_size=1, max_size=4),
                                st.integers(0, 100)),
    "mixed-zh-en": st.lists(st.sampled_from(ZH_WORDS + EN_WORDS) | st.text(alphabet=_cjk, max_size=3),
                            min_size=1, max_size=15).map(" ".join),
    "html": st.sampled_from(HTML) | st.lists(st.sampled_from(HTML), min_size=2, max_size=3).map("".join),
    "sql": st.sampled_from(SQL) | st.lists(st.sampled_from(SQL), min_size=2, max_size=3).map("".join),
    "format": st.sampled_from(FORMAT) | st.lists(st.sampled_from(FORMAT), min_size=2, max_size=3).map("".join),
    "rasa-slash": st.sampled_from(SLASH),
    "realistic": _realistic,
    "realistic+payload": st.builds(_insert, _realistic, _payload | st.text(max_size=8), st.integers(0, 100)),
}


# A citizen's question as typed: spaces, full-width or missing punctuation, an emoji, a greeting.
def _as_typed(question: str, prefix: str, suffix: str, full_width: bool, spaced: bool) -> str:
    text = question.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789?!,"}) if full_width else question
    return prefix + (" ".join(text) if spaced else text) + suffix


REALISTIC_AS_TYPED = st.builds(
    _as_typed, _realistic,
    st.sampled_from(["", "", "", "你好，", "请问", "  ", "@助手 ", "hi "]),
    st.sampled_from(["", "", "", "？", "?", "。。。", "😊", "!!", "\n", " 谢谢"]),
    st.booleans(), st.sampled_from([False, False, False, True]))

# The category first, uniformly (st.one_of's choice is not), then a text of that category.
TEXT = st.sampled_from(sorted(CATEGORIES)).flatmap(lambda name: _tagged(name, CATEGORIES[name]))

# ---------------------------------------------------------------- WeChat XML

_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_legal(text: str) -> str:
    """What can travel in an XML 1.0 document (WeChat's pushes are XML): drop the rest."""
    return _XML_CHAR.sub("", text)


def cdata(text: str) -> str:
    """CDATA that survives a "]]>" inside the text (WeChat's own way of quoting user text)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def new_openid() -> str:
    return "o" + uuid.uuid4().hex[:27]


def new_msg_id() -> int:
    return uuid.uuid4().int % 10**19


def text_message(openid: str, content: str, *, as_cdata: bool = True, msg_id: int | None = None) -> str:
    body = cdata(content) if as_cdata else escape(content)
    return (f"<xml><ToUserName>{cdata(OFFICIAL_ACCOUNT)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content>{body}</Content><MsgId>{msg_id or new_msg_id()}</MsgId></xml>")


# Malformed messages, one field at a time. SAFE shapes are the ones the channel is expected to
# survive today; KNOWN_BUG shapes (tests/bot/channels/test_fuzz.py::test_known_wechat_bugs) are kept out of the
# property test until bot/channels/wechat/ handles them — then move them back here.
_junk_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40).map(xml_legal)
_name_text = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789_-包头 <>&'\""), max_size=40)


def _value(shape: str, text: str) -> str:
    return {"empty": "", "whitespace": "  \n ", "text": escape(text), "cdata": cdata(text)}[shape]


_TEXT_SHAPES = ["missing", "empty", "whitespace", "text", "cdata"]
_STRUCTURE_SHAPES = ["nested", "repeated", "attribute"]
MSG_TYPES = ["text", "voice", "location", "image", "video", "shortvideo", "link", "file", "event", "unknown", "",
             "TEXT", "Text", "device_text", "device_event", "miniprogrampage", "事件", "text ", "<b>"]
EVENTS = ["subscribe", "unsubscribe", "SCAN", "LOCATION", "CLICK", "VIEW", "subscribe_scan", "", "??", "TEMPLATESENDJOBFINISH"]


@st.composite
def malformed_message(draw) -> Tuple[str, str]:
    """(description, XML body) of a message WeChat would never send, within the safe shapes."""
    parts: List[str] = []
    described: List[str] = []

    def element(name: str, shapes: List[str], text: st.SearchStrategy = _junk_text) -> None:
        shape = draw(st.sampled_from(shapes))
        described.append(f"{name}={shape}")
        if shape == "missing":
            return
        if shape == "nested":
            parts.append(f"<{name}><a>{escape(draw(text))}</a><b/></{name}>")
        elif shape == "repeated":
            parts.append(f"<{name}>{escape(draw(text))}</{name}>" * 2)
        elif shape == "attribute":
            parts.append(f"<{name} lang=\"zh\">{escape(draw(text))}</{name}>")
        elif shape == "int":
            parts.append(f"<{name}>{draw(st.integers(-(10**30), 10**30))}</{name}>")
        else:
            parts.append(f"<{name}>{_value(shape, draw(text))}</{name}>")

    msg_type = draw(st.sampled_from(MSG_TYPES))
    element("ToUserName", _TEXT_SHAPES + _STRUCTURE_SHAPES, _name_text)
    element("FromUserName", ["missing", "empty", "whitespace", "text", "cdata"], _name_text.filter(lambda s: "]]>" not in s))
    # CreateTime: WeChat's are seconds since 1970; only in-range integers are safe today.
    shape = draw(st.sampled_from(["missing", "empty", "int"]))
    described.append(f"CreateTime={shape}")
    if shape == "empty":
        parts.append("<CreateTime></CreateTime>")
    elif shape == "int":
        parts.append(f"<CreateTime>{draw(st.integers(0, 10**10))}</CreateTime>")
    shape = draw(st.sampled_from(["cdata", "text", "cdata", "text", "nested", "repeated", "missing"]))
    described.append(f"MsgType={shape}:{msg_type!r}")
    parts.append({"cdata": f"<MsgType>{cdata(msg_type)}</MsgType>",
                  "text": f"<MsgType>{escape(msg_type)}</MsgType>",
                  "nested": f"<MsgType><a>{escape(msg_type)}</a></MsgType>",
                  "repeated": f"<MsgType>{escape(msg_type)}</MsgType>" * 2,
                  "missing": ""}[shape])
    element("Content", _TEXT_SHAPES)
    element("Recognition", _TEXT_SHAPES)
    element("Event", _TEXT_SHAPES + _STRUCTURE_SHAPES, st.sampled_from(EVENTS))
    element("EventKey", _TEXT_SHAPES + _STRUCTURE_SHAPES, st.sampled_from(["", "qrscene_1", "scanbarcode|1", "x"]))
    element("Location_X", _TEXT_SHAPES + _STRUCTURE_SHAPES,
            st.sampled_from(["40.65", "nan", "inf", "-1e999", "abc", "", "1,2"]))
    element("Location_Y", _TEXT_SHAPES + _STRUCTURE_SHAPES, st.sampled_from(["109.84", "nan", "1e400", "x"]))
    element("Unexpected", ["missing", "text", "nested", "repeated", "attribute"])
    # MsgId: only integers Python can convert (at most 4300 digits) are safe today.
    shape = draw(st.sampled_from(["missing", "empty", "int", "int"]))
    described.append(f"MsgId={shape}")
    if shape == "empty":
        parts.append("<MsgId></MsgId>")
    elif shape == "int":
        parts.append(f"<MsgId>{draw(st.integers(-(10**30), 10**30))}</MsgId>")
    parts = draw(st.permutations(parts))
    root = draw(st.sampled_from(["xml", "xml", "xml", "XML", "root"]))
    prolog = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>', "\ufeff", "<!-- comment -->",
                                   "<?php x?>", "<!DOCTYPE xml>", "  \n"]))
    body = f"{prolog}<{root}>{''.join(parts)}</{root}>"
    cut = draw(st.sampled_from([None, None, None, "truncate", "trailing-junk"]))
    if cut == "truncate":
        body = body[: draw(st.integers(0, max(len(body) - 1, 0)))]
        described.append("truncated")
    elif cut == "trailing-junk":
        body += draw(st.sampled_from(["<", "</xml>", "junk", "<xml></xml>", "&"]))
        described.append("trailing junk")
    return f"root={root} prolog={prolog!r} " + " ".join(described), body


# Hostile bodies with a valid signature: (name, body bytes, content type).
def attack_bodies(openid: str, fake_api_base: str) -> List[Tuple[str, bytes, str | None]]:
    def envelope(fields: str, prolog: str = "") -> str:
        return (f"{prolog}<xml><ToUserName>{cdata(OFFICIAL_ACCOUNT)}</ToUserName><FromUserName>{cdata(openid)}"
                f"</FromUserName><CreateTime>{int(time.time())}</CreateTime>{fields}<MsgId>{new_msg_id()}</MsgId></xml>")

    text = "<MsgType><![CDATA[text]]></MsgType>"
    laughs = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
              + "]>")
    quadratic = '<!DOCTYPE xml [<!ENTITY a "' + "包" * 20_000 + '">]>'
    xml_ok = text_message(openid, "包头生三孩产假多少天")
    bodies = [
        ("billion laughs", envelope(text + "<Content>&lol9;</Content>", laughs)),
        ("quadratic blowup", envelope(text + "<Content>" + "&a;" * 10_000 + "</Content>", quadratic)),
        ("xxe file", envelope(text + "<Content>&xxe;</Content>",
                              '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')),
        ("xxe in FromUserName", '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                "<xml><ToUserName>gh</ToUserName><FromUserName>&xxe;</FromUserName>"
                                f"<CreateTime>1</CreateTime>{text}<Content>hi</Content><MsgId>1</MsgId></xml>"),
        ("xxe parameter entity", envelope(text + "<Content>x</Content>",
                                          '<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>')),
        ("external dtd", envelope(text + "<Content>&ext;</Content>",
                                  f'<!DOCTYPE xml SYSTEM "{fake_api_base}evil.dtd">')),
        ("xxe to the fake api", envelope(text + "<Content>&ssrf;</Content>",
                                         f'<!DOCTYPE xml [<!ENTITY ssrf SYSTEM "{fake_api_base}evil-ssrf">]>')),
        ("undefined entity", envelope(text + "<Content>&nbsp;产假</Content>")),
        ("char refs", envelope(text + "<Content>&#x5305;&#x5934;&#20135;&#20551;</Content>")),
        ("illegal char ref", envelope(text + "<Content>&#0;&#x1;</Content>")),
        ("raw NUL in content", envelope(text + "<Content>产假\x00多少天</Content>")),
        ("deep nesting", "<xml>" + "<a>" * 30_000 + "</a>" * 30_000 + "</xml>"),
        ("many attributes", "<xml " + " ".join(f'a{i}="{i}"' for i in range(5_000)) + ">" + xml_ok[5:]),
        ("many elements", envelope(text + "<Content>x</Content>" + "<E>1</E>" * 20_000)),
        ("content at the body limit", envelope(text + f"<Content>{cdata(_repeat('包头产假多少天', 85_000))}</Content>")),
        ("body over the limit", envelope(text + f"<Content>{cdata('a' * 300_000)}</Content>")),
        ("8 MB body", "<xml>" + "x" * 8_000_000 + "</xml>"),
        ("empty body", ""),
        ("whitespace body", " \n\t "),
        ("just success", "success"),
        ("not xml", "包头生三孩产假多少天"),
        ("empty root", "<xml></xml>"),
        ("other root", "<root><a>1</a></root>"),
        ("html", "<html><body><script>alert(1)</script></body></html>"),
        ("json", '{"ToUserName": "gh", "FromUserName": "o", "MsgType": "text", "Content": "产假"}'),
        ("unclosed", xml_ok[:-6]),
        ("two roots", xml_ok + xml_ok),
        ("bom then xml", "\ufeff" + xml_ok),
        ("declared gbk", '<?xml version="1.0" encoding="GBK"?>' + xml_ok),
        ("declared utf-16", '<?xml version="1.0" encoding="UTF-16"?>' + xml_ok),
        ("cdata never closed", envelope(text + "<Content><![CDATA[产假</Content>")),
        ("processing instruction", envelope(text + "<Content>产假<?evil x?></Content>")),
        ("namespaced", envelope(text + '<x:Content xmlns:x="urn:x">产假</x:Content>')),
        ("encrypted envelope in plain mode", "<xml><ToUserName>gh</ToUserName><Encrypt>AAAA</Encrypt></xml>"),
    ]
    out: List[Tuple[str, bytes, str | None]] = [(name, body.encode("utf-8"), "text/xml") for name, body in bodies]
    out += [
        ("gbk bytes", xml_ok.encode("gbk"), "text/xml"),
        ("utf-16 bytes", xml_ok.encode("utf-16"), "text/xml"),
        ("random bytes", bytes(range(256)) * 4, "application/octet-stream"),
        ("json content type", xml_ok.encode(), "application/json"),
        ("form content type", xml_ok.encode(), "application/x-www-form-urlencoded"),
        ("form body", b"Content=%E4%BA%A7%E5%81%87&FromUserName=o1&MsgType=text", "application/x-www-form-urlencoded"),
        ("multipart", b"--b\r\nContent-Disposition: form-data; name=\"xml\"\r\n\r\n" + xml_ok.encode()
         + b"\r\n--b--\r\n", "multipart/form-data; boundary=b"),
        ("multipart without boundary", xml_ok.encode(), "multipart/form-data"),
        ("text/plain", xml_ok.encode(), "text/plain"),
        ("no content type", xml_ok.encode(), None),
        ("bogus content type", xml_ok.encode(), "\x7f/\x7f; charset=\"x"),
        ("charset mismatch", xml_ok.encode(), "text/xml; charset=ISO-8859-1"),
    ]
    return out
