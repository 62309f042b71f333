"""Property-based fuzzing of the public channels over real HTTP (hypothesis).

One stack for the module (tests/conftest.py live_stack: free ports, a temporary tracker
store and log directory), the WeChat channel in 明文模式 with WECHAT_TOKEN set and its customer-service API
pointed at tests/fake_wechat_api.py. Then:

  * REST   /webhooks/rest/webhook   — fuzzed messages: always 200, a JSON list with a non-empty
                                      text; malformed bodies: never 5xx;
  * WeChat /webhooks/wechat/webhook — validly signed text messages with fuzzed content: 200 and a
                                      well-formed passive XML reply (or `success` past the
                                      deadline, the answer then reaching the customer-service
                                      API); malformed XML, entity bombs, XXE, huge bodies and
                                      wrong content types: 4xx or a polite reply, never 5xx,
                                      never /etc/passwd;
  * afterwards: a normal question is still answered quickly, and the servers' logs hold no
    traceback caused by the fuzzed input. Cases that once broke the product (now fixed) are kept as regressions.

Examples are derandomized: every run sends the same inputs. The counts per channel and input
category are printed at the end (pytest -s) and asserted to be >= 500 in total.
"""
from __future__ import annotations

import http.client
import json
import re
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wechatpy.utils import WeChatSigner

from bot.ops.stack import Stack
from tests import fuzz_inputs as fi
from tests.fake_wechat_api import FakeWeChatAPI

TOKEN = "fuzz-wechat-token"
APPID = "wxfuzz0123456789ab"
APPSECRET = "fuzz-wechat-secret"
RASA_PORT = 0                             # the running stack's (set by the `stack` fixture)
HOST = "127.0.0.1"
REST = "/webhooks/rest/webhook"
WECHAT = "/webhooks/wechat/webhook"
MAX_TEXT_BYTES = 2048                     # one WeChat text message
REPLY_DEADLINE = 4.5                      # the channel's default passive-reply deadline
LEAK_MARKERS = ("Traceback", "Exception", "Error:", 'File "/')
PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "/usr/sbin/nologin", "daemon:x:")
NORMAL_QUESTION = "包头生三孩产假多少天"

FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much, HealthCheck.large_base_example])

# What was sent and answered, for the final checks.
SENT: Counter = Counter()                        # (channel, category) -> inputs
REPLIES: List[str] = []                          # every response body
LATE: List[Tuple[str, str]] = []                 # (openid, content) answered `success`
KNOWN_BUG_LOG_RANGES: Dict[str, List[Tuple[int, int]]] = {}
PROPERTIES_RUN: set = set()                      # names of the property tests that ran


# ---------------------------------------------------------------- the stack

@pytest.fixture(scope="module")
def fake_api():
    with FakeWeChatAPI(APPID, APPSECRET) as api:
        yield api


@pytest.fixture(scope="module")
def stack(live_stack, fake_api):
    global RASA_PORT
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APPID, "WECHAT_APPSECRET": APPSECRET,
           "WECHAT_API_BASE_URL": fake_api.base_url, "WECHAT_AES_KEY": "",   # 明文模式
           "WECHAT_REPLY_DEADLINE": "", "WECHAT_MAX_CLOCK_SKEW": ""}          # the defaults
    servers = live_stack("fuzz", extra_env=env)
    RASA_PORT = servers.rasa_port
    return servers


def log_files(log_dir: Path) -> List[Path]:
    return [log_dir / f"{name}.log" for name in ("rasa", "actions") if (log_dir / f"{name}.log").exists()]


# ---------------------------------------------------------------- HTTP

def request(method: str, path: str, body: bytes = b"", *, content_type: Optional[str] = "application/json",
            query: Optional[dict] = None, timeout: float = 60) -> Tuple[int, str]:
    headers = {"Content-Type": content_type} if content_type else {}
    connection = http.client.HTTPConnection(HOST, RASA_PORT, timeout=timeout)
    try:
        connection.request(method, path + ("?" + urllib.parse.urlencode(query) if query else ""),
                           body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
    REPLIES.append(text)
    return answer.status, text


def signed(token: str = TOKEN) -> dict:
    timestamp, nonce = str(int(time.time())), str(uuid.uuid4().int % 10**9)
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce}


def post_rest(payload) -> Tuple[int, str]:
    # ensure_ascii: lone surrogates travel as \\udXXX escapes, as a browser's JSON.stringify sends them
    return request("POST", REST, json.dumps(payload, ensure_ascii=True).encode("ascii"))


def post_wechat(body: bytes, content_type: Optional[str] = "text/xml") -> Tuple[int, str]:
    return request("POST", WECHAT, body, content_type=content_type, query=signed())


def ask_wechat(openid: str, content: str, *, as_cdata: bool = True) -> Tuple[int, str, float]:
    started = time.perf_counter()
    status, body = post_wechat(fi.text_message(openid, content, as_cdata=as_cdata).encode("utf-8"))
    return status, body, time.perf_counter() - started


# ---------------------------------------------------------------- what a good answer is

def assert_no_leak(text: str, sent: str = "") -> None:
    for marker in LEAK_MARKERS:
        assert marker not in text or marker in sent, f"{marker!r} in a reply: {text[:500]!r}"
    for marker in PASSWD_MARKERS:
        assert marker not in text, f"/etc/passwd content in a reply: {text[:500]!r}"


def assert_rest_answer(status: int, body: str, sender: str, sent: str = "") -> List[dict]:
    assert status == 200, f"HTTP {status}: {body[:300]!r}"
    messages = json.loads(body)
    assert isinstance(messages, list) and messages, body[:300]
    assert all(isinstance(m, dict) for m in messages), body[:300]
    texts = [m.get("text") for m in messages]
    assert any(isinstance(t, str) and t.strip() for t in texts), f"no text in {body[:300]!r}"
    assert all(t is None or (isinstance(t, str) and t.strip()) for t in texts), f"an empty text: {body[:300]!r}"
    assert {m.get("recipient_id") for m in messages} == {sender}, body[:300]
    assert_no_leak(body, sent)
    return messages


def parse_reply(body: str) -> Dict[str, str]:
    root = ET.fromstring(body)
    assert root.tag == "xml", body[:300]
    return {child.tag: child.text or "" for child in root}


def assert_wechat_answer(status: int, body: str, openid: str, sent: str = "", *, seconds: float) -> Optional[str]:
    """The passive reply's Content, or None for `success` past the deadline (the answer then goes
    through the customer-service API; test_late_answers_reach_the_customer_service_api)."""
    assert status == 200, f"HTTP {status}: {body[:300]!r}"
    if body == "success":
        assert seconds >= REPLY_DEADLINE - 0.2, f"`success` after {seconds:.2f} s: the citizen gets no answer"
        LATE.append((openid, sent))
        return None
    try:
        reply = parse_reply(body)
    except ET.ParseError as err:
        raise AssertionError(f"reply is not well-formed XML ({err}): {body[:500]!r}") from None
    assert (reply.get("ToUserName"), reply.get("FromUserName"), reply.get("MsgType")) == \
        (openid, fi.OFFICIAL_ACCOUNT, "text"), body[:300]
    assert reply.get("CreateTime", "").isdigit(), body[:300]
    content = reply.get("Content", "")
    assert content.strip(), f"empty Content: {body[:300]!r}"
    assert len(content.encode("utf-8")) <= MAX_TEXT_BYTES, "a passive reply longer than WeChat allows"
    assert_no_leak(content, sent)
    return content


def assert_polite_or_refused(status: int, body: str) -> None:
    """A malformed request: refused with a 4xx, or answered (`success` or a well-formed reply)."""
    assert status < 500, f"HTTP {status} for a malformed request: {body[:300]!r}"
    assert 200 <= status < 500, status
    assert_no_leak(body)
    if status == 200 and body != "success":
        try:
            reply = parse_reply(body)
        except ET.ParseError as err:
            raise AssertionError(f"200 with a malformed XML reply ({err}): {body[:500]!r}") from None
        assert reply.get("MsgType") == "text" and reply.get("Content", "").strip(), body[:300]


# ---------------------------------------------------------------- REST

@settings(FUZZ, max_examples=300)
@given(item=fi.TEXT)
def test_rest_answers_any_text(stack, item):
    PROPERTIES_RUN.add("test_rest_answers_any_text")
    category, text = item
    SENT["rest", category] += 1
    sender = "fuzz-" + uuid.uuid4().hex[:12]
    status, body = post_rest({"sender": sender, "message": text})
    assert_rest_answer(status, body, sender, text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
locations = st.fixed_dictionaries({}, optional={"latitude": json_values | st.sampled_from(["40.65", "nan", "1e999"]),
                                                "longitude": json_values | st.sampled_from(["109.84", "-inf"])})
rest_bodies = st.one_of(
    st.builds(lambda **kw: {k: v for k, v in kw.items() if v is not ...},
              sender=st.just(...) | json_values | st.text(max_size=300),
              message=st.just(...) | json_values | fi.TEXT.map(lambda item: item[1]) | st.just("附近的托育机构"),
              metadata=st.just(...) | json_values | st.fixed_dictionaries({"location": locations | json_values})
              | locations,
              extra=st.just(...) | json_values),
    json_values,
)
raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"", b"not json", b"{", b"[1,2]", b'"str"', b"null", b"{}", b"\xff\xfe", b"NaN",
                     b'{"message": "\\ud800"}', b'{"message": "x", "message": 1}', b"[" * 5000 + b"]" * 5000,
                     b'{"message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", b'{"message": 1e999}',
                     b'{"sender": "a", "message": "' + "产假".encode() * 5_000 + b'"}']),
)


@settings(FUZZ, max_examples=120)
@given(body=st.one_of(rest_bodies.map(lambda v: ("json", json.dumps(v, ensure_ascii=True).encode("ascii"))),
                      raw_bodies.map(lambda b: ("raw", b))),
       content_type=st.sampled_from(["application/json", "application/json", "text/plain", None,
                                     "application/x-www-form-urlencoded", "multipart/form-data",
                                     "application/json; charset=gbk"]))
def test_rest_never_fails_on_malformed_bodies(stack, body, content_type):
    PROPERTIES_RUN.add("test_rest_never_fails_on_malformed_bodies")
    kind, data = body
    SENT["rest", "malformed-" + kind] += 1
    status, text = request("POST", REST, data, content_type=content_type)
    assert status < 500, f"HTTP {status} for {data[:200]!r}: {text[:300]!r}"
    assert_no_leak(text, data.decode("utf-8", errors="replace"))
    if status == 200:   # whatever the body, the channel answers like for a message
        messages = json.loads(text)
        assert isinstance(messages, list) and messages and any((m.get("text") or "").strip() for m in messages)


# ---------------------------------------------------------------- WeChat

@settings(FUZZ, max_examples=250)
@given(item=fi.TEXT, as_cdata=st.booleans())
def test_wechat_answers_any_signed_text(stack, item, as_cdata):
    PROPERTIES_RUN.add("test_wechat_answers_any_signed_text")
    category, text = item
    SENT["wechat", category] += 1
    content = fi.xml_legal(text)      # WeChat's XML cannot carry the rest (see the malformed tests)
    openid = fi.new_openid()
    status, body, seconds = ask_wechat(openid, content, as_cdata=as_cdata)
    assert_wechat_answer(status, body, openid, content, seconds=seconds)


@settings(FUZZ, max_examples=120)
@given(message=fi.malformed_message(),
       content_type=st.sampled_from(["text/xml", "text/xml", "application/xml", "text/plain", None]))
def test_wechat_survives_malformed_signed_xml(stack, message, content_type):
    PROPERTIES_RUN.add("test_wechat_survives_malformed_signed_xml")
    description, xml = message
    SENT["wechat", "malformed-xml"] += 1
    status, body = post_wechat(xml.encode("utf-8"), content_type)
    assert status < 500, f"HTTP {status} for {description}\n{xml[:500]!r}: {body[:300]!r}"
    assert_polite_or_refused(status, body)


def test_wechat_survives_hostile_bodies(stack, fake_api):
    openid = fi.new_openid()
    failures = []
    for name, body, content_type in fi.attack_bodies(openid, fake_api.base_url):
        SENT["wechat", "attack"] += 1
        started = time.perf_counter()
        status, text = post_wechat(body, content_type)
        try:
            assert_polite_or_refused(status, text)
            assert "&xxe;" not in text and "&lol" not in text
            if len(body) > 256 * 1024:
                assert status == 413, f"{len(body)} bytes accepted"
        except AssertionError as err:
            failures.append(f"{name}: {err}")
        assert time.perf_counter() - started < 30, f"{name} took {time.perf_counter() - started:.1f} s"
    assert not failures, "\n".join(failures)
    # no entity was resolved: the fake API (the only URL offered) saw no DTD or entity fetch
    assert not [c for c in fake_api.calls if "evil" in c["path"]]
    assert not any(m in json.dumps(c, ensure_ascii=False) for c in fake_api.calls for m in PASSWD_MARKERS)


def test_the_server_stays_responsive(stack, fake_api):
    openid = fi.new_openid()
    status, body, wechat_seconds = ask_wechat(openid, NORMAL_QUESTION)
    content = assert_wechat_answer(status, body, openid, seconds=wechat_seconds)
    if content is None:               # past the deadline (a loaded machine): the answer comes later
        content = "\n".join(fake_api.wait_sent(openid, timeout=30))
        wechat_seconds = -1.0
    assert "188" in content, f"a normal WeChat question is no longer answered: {content[:200]!r}"
    started = time.perf_counter()
    sender = "fuzz-after-" + uuid.uuid4().hex[:8]
    messages = assert_rest_answer(*post_rest({"sender": sender, "message": NORMAL_QUESTION}), sender)
    rest_seconds = time.perf_counter() - started
    assert "188" in " ".join(m.get("text") or "" for m in messages)
    assert rest_seconds < 5, f"REST answer took {rest_seconds:.1f} s"
    print(f"\nafter the fuzzing: WeChat answered in {wechat_seconds:.2f} s (-1: via the customer-service API), "
          f"REST in {rest_seconds:.2f} s")


def test_late_answers_reach_the_customer_service_api(stack, fake_api):
    for openid, sent in LATE:
        parts = fake_api.wait_sent(openid, timeout=30)
        assert parts and all(p.strip() for p in parts), f"no customer-service message for {sent[:80]!r}"
        for part in parts:
            assert_no_leak(part, sent)


@settings(FUZZ, max_examples=80)
@given(question=fi.REALISTIC_AS_TYPED)
def test_realistic_questions_get_real_answers_on_both_channels(stack, question):
    """Stronger than "some text": a citizen's real question never gets the system-failure apology."""
    from actions import templates

    PROPERTIES_RUN.add("test_realistic_questions_get_real_answers_on_both_channels")
    SENT["rest", "realistic-as-typed"] += 1
    SENT["wechat", "realistic-as-typed"] += 1
    sender = "fuzz-q-" + uuid.uuid4().hex[:8]
    messages = assert_rest_answer(*post_rest({"sender": sender, "message": question}), sender, question)
    assert templates.action_failed() not in [m.get("text") for m in messages], question
    openid = fi.new_openid()
    status, body, seconds = ask_wechat(openid, question)
    content = assert_wechat_answer(status, body, openid, question, seconds=seconds)
    assert content is None or templates.action_failed() not in content, question


# ---------------------------------------------------------------- bugs the fuzzing found (fixed; kept as regressions)

def _known(name: str, xml: str, reason: str):
    return pytest.param(xml, id=name)


FIELDS = ("<ToUserName>gh_0123456789ab</ToUserName><FromUserName>ofuzz{n}</FromUserName>"
          "<CreateTime>1700000000</CreateTime>")
STRUCTURE = ("wechat.py respond()/inbound()/turn_key() assume plain-string fields: xmltodict turns child "
             "elements, attributes or repeated elements into dict/list and the handler raises -> HTTP 500")
CONVERSION = ("turn_key() reads message.id / message.time, which wechatpy converts with int() on "
              "access: a non-numeric MsgId/CreateTime (or one over 4300 digits) raises -> HTTP 500")
INJECTION = ("wechatpy's create_reply() puts FromUserName/ToUserName in CDATA unescaped: a name containing "
             "']]>' makes the passive reply malformed XML")


@pytest.mark.parametrize("xml", [
    _known("content-with-child-element", "<xml>" + FIELDS + "<MsgType>text</MsgType><Content><a>包头</a>产假"
           "</Content><MsgId>1</MsgId></xml>", STRUCTURE),
    _known("content-repeated", "<xml>" + FIELDS + "<MsgType>text</MsgType><Content>产假</Content>"
           "<Content>多少天</Content><MsgId>2</MsgId></xml>", STRUCTURE),
    _known("content-with-attribute", "<xml>" + FIELDS + '<MsgType>text</MsgType><Content lang="zh">产假'
           "</Content><MsgId>3</MsgId></xml>", STRUCTURE),
    _known("voice-recognition-with-child", "<xml>" + FIELDS + "<MsgType>voice</MsgType><Recognition><a>产假"
           "</a></Recognition><MsgId>4</MsgId></xml>", STRUCTURE),
    _known("fromusername-with-child", "<xml><ToUserName>gh</ToUserName><FromUserName><a>o1</a></FromUserName>"
           "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>产假</Content><MsgId>5</MsgId></xml>",
           STRUCTURE),
    _known("fromusername-repeated", "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName>"
           "<FromUserName>o2</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>"
           "<Content>产假</Content><MsgId>6</MsgId></xml>", STRUCTURE),
    _known("msgid-not-a-number", "<xml>" + FIELDS + "<MsgType>text</MsgType><Content>产假</Content>"
           "<MsgId>abc</MsgId></xml>", CONVERSION),
    _known("msgid-5000-digits", "<xml>" + FIELDS + "<MsgType>text</MsgType><Content>产假</Content>"
           "<MsgId>" + "9" * 5000 + "</MsgId></xml>", CONVERSION),
    _known("event-createtime-not-a-number", "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName>"
           "<CreateTime>soon</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>", CONVERSION),
    _known("text-without-msgid-createtime-not-a-number", "<xml><ToUserName>gh</ToUserName><FromUserName>o1"
           "</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType><Content>产假</Content></xml>",
           CONVERSION),
    _known("xinclude-in-content", "<xml>" + FIELDS + '<MsgType>text</MsgType><Content><xi:include '
           'xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/></Content>'
           "<MsgId>8</MsgId></xml>", STRUCTURE),
    _known("fromusername-closing-cdata", "<xml><ToUserName>gh</ToUserName><FromUserName>o]]&gt;&lt;x&gt;"
           "</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>产假</Content>"
           "<MsgId>7</MsgId></xml>", INJECTION),
])
def test_known_wechat_bugs(stack, xml):
    SENT["wechat", "known-bug"] += 1
    with known_bug_logs(stack):
        status, body = post_wechat(xml.replace("{n}", uuid.uuid4().hex[:8]).encode("utf-8"))
    assert_polite_or_refused(status, body)


ENTITY_BUG = ("actions trust entity values to be strings: Rasa's '/intent{json}' shortcut, open to anyone "
              "on the REST/WeChat channels, sets them to numbers, objects or non-ISO dates; the action "
              "raises (logged traceback) and the citizen gets the apology instead of an answer")


@pytest.mark.parametrize("first, then", [
    *[pytest.param(message, None, id=name) for name, message in fi.KNOWN_BUG_SLASH.items()],
    # The int used to stay in the `region` slot and break every later question.
    pytest.param('/inform{"region": 12345}', "产假多少天", id="region-slot-poisoned-for-later-turns"),
])
def test_known_entity_bugs(stack, first, then):
    from actions import templates

    SENT["rest", "known-bug"] += 1
    sender = "fuzz-entity-" + uuid.uuid4().hex[:8]
    with known_bug_logs(stack) as new_log_text:
        messages = assert_rest_answer(*post_rest({"sender": sender, "message": first}), sender, first)
        if then is not None:
            messages = assert_rest_answer(*post_rest({"sender": sender, "message": then}), sender, then)
    assert templates.action_failed() not in [m.get("text") for m in messages]
    assert "Traceback" not in new_log_text()


SILENT = ("Rasa's own commands typed by a citizen run action_restart/action_session_start/action_back, "
          "which say nothing: WeChat answers a bare `success` at once (the citizen sees no reply) and REST "
          "substitutes the 'system problem' apology although nothing failed")


@pytest.mark.parametrize("command", fi.KNOWN_SILENT_COMMANDS)
def test_known_silent_commands(stack, command):
    from actions import templates

    SENT["wechat", "known-bug"] += 1
    SENT["rest", "known-bug"] += 1
    sender = "fuzz-silent-" + uuid.uuid4().hex[:8]
    messages = assert_rest_answer(*post_rest({"sender": sender, "message": command}), sender, command)
    openid = fi.new_openid()
    status, body, seconds = ask_wechat(openid, command)
    assert_wechat_answer(status, body, openid, command, seconds=seconds)
    assert templates.action_failed() not in [m.get("text") for m in messages]


@contextmanager
def known_bug_logs(stack: Stack):
    """Tracebacks the server logs meanwhile belong to a known bug (the final log check skips them).
    Yields a function returning what the logs gained meanwhile."""
    before = {path.name: path.stat().st_size for path in log_files(stack.log_dir)}
    ranges: Dict[str, Tuple[int, int]] = {}

    def new_log_text() -> str:
        return "".join(path.read_bytes()[start:end].decode("utf-8", errors="replace")
                       for path in log_files(stack.log_dir) for start, end in [ranges.get(path.name, (0, 0))])

    try:
        yield new_log_text
    finally:
        time.sleep(0.3)
        for path in log_files(stack.log_dir):
            ranges[path.name] = (before.get(path.name, 0), path.stat().st_size)
            KNOWN_BUG_LOG_RANGES.setdefault(path.name, []).append(ranges[path.name])


# ---------------------------------------------------------------- final checks

TRACEBACK = re.compile(rb"Traceback \(most recent call last\):")


def test_logs_hold_no_traceback_and_no_reply_leaked_one(stack):
    time.sleep(1.0)                          # background turns and customer-service sends finish
    found = []
    for path in log_files(stack.log_dir):
        text = path.read_bytes()
        skipped = KNOWN_BUG_LOG_RANGES.get(path.name, [])
        for match in TRACEBACK.finditer(text):
            if not any(start <= match.start() < end for start, end in skipped):
                found.append(f"--- {path.name}\n" + text[match.start():match.start() + 2500].decode(errors="replace"))
    assert not found, "tracebacks in the servers' logs:\n" + "\n".join(found)
    assert not [r for r in REPLIES if "Traceback (most recent call last)" in r]


def test_enough_inputs_were_sent():
    channels = Counter()
    for (channel, _), count in SENT.items():
        channels[channel] += count
    if len(PROPERTIES_RUN) < 5:
        pytest.skip("only part of the module ran")
    lines = [f"{channel:7s} {category:22s} {count:4d}" for (channel, category), count in sorted(SENT.items())]
    generated = sum(n for (_, category), n in SENT.items() if category not in ("attack", "known-bug"))
    print("\ninputs sent:\n" + "\n".join(lines) + f"\ntotal: REST {channels['rest']}, WeChat {channels['wechat']} "
          f"({generated} generated by hypothesis); answered late via the customer-service API: {len(LATE)}")
    assert generated >= 500
