"""The WeChat official-account channel (bot/channels/wechat/).

Unit tests of the pieces, then real HTTP against one Rasa server (tests/conftest.py
live_stack: free ports, a temporary tracker store) started once for this module with a
temporary credentials.yml:

    rest:
    bot.channels.wechat.WeChatInput:            # 明文模式   /webhooks/wechat/webhook
    tests.wechat_variants.SafeWeChatInput:      # 安全模式   /webhooks/wechat_safe/webhook
      aes_key: <EncodingAESKey>
    tests.wechat_variants.SlowWeChatInput:      # deadline 0.01 s   /webhooks/wechat_slow/webhook
      reply_deadline: 0.01

and WECHAT_TOKEN / WECHAT_APPID / WECHAT_APPSECRET / WECHAT_API_BASE_URL in the servers'
environment, the API base URL pointing at tests/fake_wechat_api.py.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from actions.templates import FEEDBACK_BUTTONS
from bot.channels import wechat
from bot.channels.wechat import WeChatInput, WeChatSettings
from bot.ops.stack import Stack
from tests.fake_wechat_api import FakeWeChatAPI

TOKEN = "wechat-test-token"
APPID = "wx0123456789abcdef"
APPSECRET = "wechat-test-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"     # 43 characters, like 公众号后台's
OFFICIAL_ACCOUNT = "gh_0123456789ab"
# The running stack's webhooks, e.g. http://localhost:<port>/webhooks (set by the `stack` fixture).
BASE = ""

CREDENTIALS = f"""\
rest:
bot.channels.wechat.WeChatInput:
tests.wechat_variants.SafeWeChatInput:
  aes_key: {AES_KEY}
tests.wechat_variants.SlowWeChatInput:
  reply_deadline: 0.01
"""


# ---------------------------------------------------------------- unit: signature and settings

def test_signature_check_accepts_wechatpys_published_vector():
    # wechatpy tests/test_utils.py: test_check_signature_should_ok / _should_fail
    assert wechat.signature_valid("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589", "test")
    assert not wechat.signature_valid("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", "1410685589", "test")
    assert not wechat.signature_valid("test", None, "1410685589", "test")
    assert not wechat.signature_valid("", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589", "test")


def test_safe_mode_decrypts_wechatpys_published_vector():
    # wechatpy tests/test_crypto.py: test_decrypt_message (token 123456, AppID wx49f0ab532d5d035a)
    body = (b"<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<Encrypt><![CDATA["
            b"RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXz"
            b"F6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gY"
            b"Nx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2S"
            b"jHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749"
            b"zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>")
    settings = WeChatSettings(token="123456", appid="wx49f0ab532d5d035a",
                              aes_key="kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", max_clock_skew=0)
    channel = WeChatInput(settings)
    args = {"timestamp": "1411525903", "nonce": "461056294", "encrypt_type": "aes",
            "msg_signature": "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"}
    message = parse_message(wechat.verified_xml(settings, channel.crypto, args, body))
    assert (message.type, message.content, message.source) == ("text", "test", "messense")
    with pytest.raises(wechat.RejectedRequest):
        wechat.verified_xml(settings, channel.crypto, {**args, "nonce": "461056295"}, body)
    with pytest.raises(wechat.RejectedRequest):       # a plain request is a downgrade in 安全模式
        wechat.verified_xml(settings, channel.crypto, {"timestamp": "1411525903", "nonce": "461056294",
                                                       "signature": "x"}, body)


def test_stale_timestamps_are_refused():
    assert wechat.timestamp_fresh(str(int(time.time()) - 10), 300)
    assert not wechat.timestamp_fresh(str(int(time.time()) - 1000), 300)
    assert not wechat.timestamp_fresh("soon", 300)
    assert wechat.timestamp_fresh("1410685589", 0)


def test_settings_come_from_the_environment_and_the_credentials_section():
    env = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1", "WECHAT_REPLY_DEADLINE": "0.01",
           "WECHAT_API_BASE_URL": "http://127.0.0.1:9/cgi-bin"}
    settings = WeChatSettings.load(None, environ=env)
    assert (settings.token, settings.appid, settings.reply_deadline) == ("t", "wx1", 0.01)
    assert settings.api_base_url == "http://127.0.0.1:9/cgi-bin/" and settings.aes_key == ""
    defaults = WeChatSettings.load({}, environ={})
    assert defaults.api_base_url == "https://api.weixin.qq.com/cgi-bin/" and defaults.reply_deadline == 4.5
    assert WeChatSettings.load({"reply_deadline": 2, "token": ""}, environ=env).reply_deadline == 2.0
    with pytest.raises(ValueError, match="WECHAT_REPLY_DEADLINE"):
        WeChatSettings.load(None, environ={"WECHAT_REPLY_DEADLINE": "soon"})
    with pytest.raises(ValueError, match="EncodingAESKey"):
        WeChatInput(WeChatSettings(token="t", appid="wx1", aes_key="too-short"))


# ---------------------------------------------------------------- unit: text shaping

def test_buttons_become_numbered_lines_and_digits_pick_them():
    text, choices = wechat.compose([{"text": "包头市女职工生育第三个孩子可享受产假188天。", "buttons": FEEDBACK_BUTTONS}])
    assert text.endswith("回复 1 有帮助\n回复 2 没帮助")
    assert choices == [b["payload"] for b in FEEDBACK_BUTTONS]
    assert wechat.select_choice("1", choices) == '/feedback{"helpful": "yes"}'
    assert wechat.select_choice(" ２ ", choices) == '/feedback{"helpful": "no"}'   # full-width
    assert wechat.select_choice("2。", choices) == '/feedback{"helpful": "no"}'    # voice recognition
    assert wechat.select_choice("3", choices) is None
    assert wechat.select_choice("1天", choices) is None
    assert wechat.select_choice("1", []) is None


def test_long_text_is_split_at_line_breaks_under_2048_bytes():
    lines = [f"第{i}行：" + "产假" * 60 for i in range(40)]
    text = "\n".join(lines)
    parts = wechat.split_text(text)
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= wechat.MAX_TEXT_BYTES for p in parts)
    assert "\n".join(parts) == text                       # nothing lost, cut only between lines
    one_long_line = "育" * 3000                           # no line break at all: cut between characters
    parts = wechat.split_text(one_long_line)
    assert "".join(parts) == one_long_line and all(len(p.encode()) <= 2048 for p in parts)
    assert wechat.split_text("短回答") == ["短回答"]


def test_a_long_answer_is_split_at_sentence_ends_in_parts_of_600_characters():
    sentences = [f"第{i}句：育儿补贴按年计算，每年一次性发放，申领人在下一年度集中审核期间提交年审申请。" for i in range(30)]
    paragraph = "".join(sentences)                        # one line, about 1400 characters
    text = "答：\n" + paragraph + "\n来源：《育儿补贴制度管理规范（试行）》第十四条"
    parts = wechat.split_text(text)
    assert len(parts) >= 3
    assert all(len(p) <= 600 for p in parts)
    assert all(p.endswith(("。", "第十四条")) for p in parts)   # never mid-sentence
    assert text.replace("\n", "") == "".join(parts).replace("\n", "")   # nothing lost


def test_a_long_answer_goes_first_part_passive_then_customer_service():
    """In-process: the channel with a stand-in for Rasa, the real wechatpy client, the fake API."""
    long_answer = "\n".join(f"第{i}条：" + "育儿补贴" * 40 for i in range(30))

    async def scenario(api: FakeWeChatAPI) -> tuple:
        channel = WeChatInput(WeChatSettings(token=TOKEN, appid=APPID, appsecret=APPSECRET,
                                             api_base_url=api.base_url))

        async def assistant(message) -> None:
            await message.output_channel.send_text_with_buttons(message.sender_id, long_answer, FEEDBACK_BUTTONS)

        message = parse_message(text_xml("o_long_answer_user_0000000000", "讲讲育儿补贴", 1))
        first = await channel.respond(message, assistant)
        again = await channel.respond(message, assistant)      # a retry: same first part, tail not resent
        await asyncio.sleep(wechat.TAIL_DELAY + 1.0)
        return first, again

    with FakeWeChatAPI(APPID, APPSECRET) as api:
        first, again = asyncio.run(scenario(api))
        rest = api.sent_to("o_long_answer_user_0000000000")
        assert len(api.calls_to("token")) == 1
    assert first == again and len(first.encode("utf-8")) <= 2048
    assert rest and all(len(p.encode("utf-8")) <= 2048 for p in rest)
    assert "\n".join([first] + rest) == long_answer + "\n\n回复 1 有帮助\n回复 2 没帮助"


def test_retries_join_the_turn_in_progress_and_the_answer_is_delivered_once():
    """In-process, with a stand-in for Rasa that takes 0.4 s and a 0.2 s deadline:
    the first request gives up (success), a retry at 0.3 s sees the answer but must not
    repeat it passively, concurrent retries never start a second turn, and the
    customer-service API gets the answer exactly once."""
    calls = []

    async def scenario(api: FakeWeChatAPI) -> list:
        channel = WeChatInput(WeChatSettings(token=TOKEN, appid=APPID, appsecret=APPSECRET,
                                             api_base_url=api.base_url, reply_deadline=0.2))

        async def assistant(message) -> None:
            calls.append(message.text)
            await asyncio.sleep(0.4)
            await message.output_channel.send_text_message(message.sender_id, "包头市产假188天。")

        message = parse_message(text_xml("o_retry_user_00000000000000000", "包头生三孩产假多少天", 7))

        async def retry(after: float):
            await asyncio.sleep(after)
            return await channel.respond(message, assistant)

        replies = await asyncio.gather(retry(0), retry(0.01), retry(0.02), retry(0.3))
        await asyncio.sleep(1.0)
        return replies

    with FakeWeChatAPI(APPID, APPSECRET) as api:
        replies = asyncio.run(scenario(api))
        sent = api.sent_to("o_retry_user_00000000000000000")
    assert calls == ["包头生三孩产假多少天"]
    assert replies == [None, None, None, None]      # every request answered `success`
    assert sent == ["包头市产假188天。"]


def test_a_button_choice_is_remembered_per_user_for_a_day_and_memory_is_bounded(monkeypatch):
    from bot.channels.wechat import replies

    now = [1000.0]
    monkeypatch.setattr(replies.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(replies, "MAX_REMEMBERED_USERS", 2)
    memory = replies.ChoiceMemory()
    memory.remember("a", ["/yes", "/no"])
    memory.remember("b", ["/next"])
    assert (["/yes", "/no"], ["/next"], []) == (memory.recall("a"), memory.recall("b"), memory.recall("c"))
    memory.remember("c", ["/c"])                     # a third user: the oldest one is forgotten
    assert ([], ["/c"]) == (memory.recall("a"), memory.recall("c"))
    memory.remember("b", [])                         # an answer without buttons: nothing to choose
    assert [] == memory.recall("b")
    now[0] += replies.CHOICES_TTL + 1
    assert [] == memory.recall("c")


def test_finished_turns_are_forgotten_after_their_ttl_and_running_ones_never(monkeypatch):
    from bot.channels.wechat import turns

    now = [1000.0]
    monkeypatch.setattr(turns.time, "monotonic", lambda: now[0])

    async def scenario() -> tuple:
        registry = turns.TurnRegistry()
        finished = asyncio.ensure_future(asyncio.sleep(0, result=["答"]))
        running = asyncio.ensure_future(asyncio.sleep(60))
        await asyncio.sleep(0.01)
        registry.start("msg:a:1", finished)
        registry.start("msg:a:2", running)
        now[0] += turns.TURN_TTL + 11
        registry.purge()
        kept = (registry.get("msg:a:1"), registry.get("msg:a:2") is not None)
        running.cancel()
        return kept

    assert (None, True) == asyncio.run(scenario())


def test_the_failure_sentence_matches_the_templates():
    from actions import templates

    assert wechat.FAILED == templates.action_failed()


# ---------------------------------------------------------------- the live server

@pytest.fixture(scope="module")
def fake_api():
    with FakeWeChatAPI(APPID, APPSECRET) as api:
        yield api


@pytest.fixture(scope="module")
def stack(live_stack, fake_api, tmp_path_factory):
    global BASE
    credentials = tmp_path_factory.mktemp("wechat-credentials") / "credentials.yml"
    credentials.write_text(CREDENTIALS, encoding="utf-8")
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APPID, "WECHAT_APPSECRET": APPSECRET,
           "WECHAT_API_BASE_URL": fake_api.base_url}
    servers = live_stack("wechat", extra_env=env, credentials=credentials)
    BASE = f"http://localhost:{servers.rasa_port}/webhooks"
    return servers


def new_openid() -> str:
    return "o" + uuid.uuid4().hex[:27]      # OpenIDs are 28 characters


def new_msg_id() -> int:
    return uuid.uuid4().int % 10**19


def signed(token: str = TOKEN, *, timestamp: str | None = None, nonce: str | None = None) -> dict:
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or str(uuid.uuid4().int % 10**9)
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce}


def _xml(openid: str, msg_type: str, fields: str, msg_id: int | None) -> str:
    msg_id_field = f"<MsgId>{msg_id}</MsgId>" if msg_id is not None else ""
    return (f"<xml><ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>{fields}{msg_id_field}</xml>")


def text_xml(openid: str, content: str, msg_id: int | None = None) -> str:
    return _xml(openid, "text", f"<Content><![CDATA[{content}]]></Content>", msg_id or new_msg_id())


def location_xml(openid: str, latitude: float, longitude: float) -> str:
    return _xml(openid, "location", f"<Location_X>{latitude}</Location_X><Location_Y>{longitude}</Location_Y>"
                                    f"<Scale>15</Scale><Label><![CDATA[包头市昆都仑区]]></Label>", new_msg_id())


def voice_xml(openid: str, recognition: str | None) -> str:
    fields = "<MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[amr]]></Format>"
    if recognition is not None:
        fields += f"<Recognition><![CDATA[{recognition}]]></Recognition>"
    return _xml(openid, "voice", fields, new_msg_id())


def image_xml(openid: str) -> str:
    return _xml(openid, "image", "<PicUrl><![CDATA[http://example.invalid/a.jpg]]></PicUrl>"
                                 "<MediaId><![CDATA[media_id]]></MediaId>", new_msg_id())


def subscribe_xml(openid: str) -> str:
    return _xml(openid, "event", "<Event><![CDATA[subscribe]]></Event>", None)


def http(method: str, url: str, *, query: dict, body: str | bytes | None = None) -> tuple[int, str]:
    data = body.encode("utf-8") if isinstance(body, str) else body
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode(query), data=data, method=method,
                                     headers={"Content-Type": "text/xml"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", errors="replace")


def post(xml: str, *, channel: str = "wechat", query: dict | None = None) -> tuple[int, str]:
    return http("POST", f"{BASE}/{channel}/webhook", query=signed() if query is None else query, body=xml)


def content(body: str, openid: str) -> str:
    reply = xmltodict.parse(body)["xml"]
    assert (reply["ToUserName"], reply["FromUserName"], reply["MsgType"]) == (openid, OFFICIAL_ACCOUNT, "text")
    return reply["Content"]


def ask(openid: str, text: str) -> str:
    status, body = post(text_xml(openid, text))
    assert status == 200, body
    return content(body, openid)


def events(stack: Stack, openid: str, type_name: str | None = None) -> list[dict]:
    if not stack.tracker_db.exists():
        return []
    with sqlite3.connect(stack.tracker_db) as conn:
        rows = conn.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id",
                            (openid,)).fetchall()
    return [json.loads(data) for kind, data in rows if type_name in (None, kind)]


# ---------------------------------------------------------------- live: authenticity

def test_url_verification_echoes_only_for_a_valid_signature(stack):
    url = f"{BASE}/wechat/webhook"
    assert http("GET", url, query={**signed(), "echostr": "5837397520925735491"}) == (200, "5837397520925735491")
    assert http("GET", url, query={**signed("forged-token"), "echostr": "1"})[0] == 403
    assert http("GET", url, query={"echostr": "1"})[0] == 403
    stale = signed(timestamp=str(int(time.time()) - 3600))
    assert http("GET", url, query={**stale, "echostr": "1"})[0] == 403
    # 安全模式 accounts verify the URL the same way (plain signature, plain echostr)
    assert http("GET", f"{BASE}/wechat_safe/webhook", query={**signed(), "echostr": "42"}) == (200, "42")


def test_forged_or_missing_signatures_are_refused_and_nothing_is_processed(stack):
    openid = new_openid()
    xml = text_xml(openid, "包头生三孩产假多少天")
    assert post(xml, query=signed("forged-token"))[0] == 403
    assert post(xml, query={})[0] == 403
    assert post(xml, query={k: v for k, v in signed().items() if k != "signature"})[0] == 403
    assert post(xml, query=signed(timestamp=str(int(time.time()) - 3600)))[0] == 403    # a replayed URL
    safe = WeChatCrypto(TOKEN, AES_KEY, APPID)
    forged = WeChatCrypto("forged-token", AES_KEY, APPID)
    query = signed()
    encrypted = forged.encrypt_message(xml, query["nonce"], query["timestamp"])
    msg_signature = xmltodict.parse(encrypted)["xml"]["MsgSignature"]
    assert post(encrypted, channel="wechat_safe",
                query={**query, "encrypt_type": "aes", "msg_signature": msg_signature})[0] == 403
    assert post(xml, channel="wechat_safe")[0] == 403               # plaintext to a 安全模式 account
    encrypted = safe.encrypt_message(xml, query["nonce"], query["timestamp"])
    assert post(encrypted, channel="wechat_safe", query={**query, "encrypt_type": "aes"})[0] == 403
    time.sleep(0.5)
    assert events(stack, openid) == []


# ---------------------------------------------------------------- live: answers

def test_a_plain_text_question_gets_the_passive_xml_answer(stack):
    openid = new_openid()
    answer = ask(openid, "包头生三孩产假多少天")
    assert "188" in answer
    assert answer.endswith("回复 1 有帮助\n回复 2 没帮助")
    assert [e["text"] for e in events(stack, openid, "user")] == ["包头生三孩产假多少天"]
    assert all(e.get("input_channel") == "wechat" for e in events(stack, openid, "user"))


def test_an_encrypted_question_gets_an_encrypted_answer(stack):
    openid = new_openid()
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    query = signed()
    encrypted = crypto.encrypt_message(text_xml(openid, "包头生三孩产假多少天"), query["nonce"], query["timestamp"])
    msg_signature = xmltodict.parse(encrypted)["xml"]["MsgSignature"]
    status, body = post(encrypted, channel="wechat_safe",
                        query={**query, "encrypt_type": "aes", "msg_signature": msg_signature})
    assert status == 200, body
    reply = xmltodict.parse(body)["xml"]
    assert "Content" not in reply and reply["Encrypt"]
    plain = crypto.decrypt_message(body, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
    assert "188" in content(plain, openid)


def test_concurrent_retries_of_one_message_run_one_turn(stack):
    openid = new_openid()
    xml = text_xml(openid, "包头生三孩产假多少天", new_msg_id())
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: post(xml), range(3)))
    assert [status for status, _ in answers] == [200, 200, 200]
    contents = {content(body, openid) for _, body in answers}
    assert len(contents) == 1 and "188" in contents.pop()
    assert len(events(stack, openid, "user")) == 1
    assert post(xml)[0] == 200                             # a late retry: still one turn
    assert len(events(stack, openid, "user")) == 1


def test_an_answer_later_than_the_deadline_goes_through_customer_service(stack, fake_api):
    openid = new_openid()
    xml = text_xml(openid, "包头生三孩产假多少天")
    with ThreadPoolExecutor(3) as pool:       # WeChat's retries too: all `success`, one answer
        answers = list(pool.map(lambda _: post(xml, channel="wechat_slow"), range(3)))
    assert answers == [(200, "success")] * 3
    sent = fake_api.wait_sent(openid)
    time.sleep(0.5)
    assert fake_api.sent_to(openid) == sent and len(sent) == 1
    assert "188" in sent[0] and "回复 1 有帮助" in sent[0]
    assert fake_api.calls_to("token"), "the customer-service client fetched an access token"
    assert len(events(stack, openid, "user")) == 1


def test_a_location_lists_nearby_childcare(stack):
    openid = new_openid()
    status, body = post(location_xml(openid, 40.6574, 109.8403))
    assert status == 200, body
    answer = content(body, openid)
    assert "离您最近的托育机构" in answer and "演示数据" in answer and "公里" in answer
    (user,) = events(stack, openid, "user")
    assert user["text"] == "附近的托育机构"
    assert user["metadata"]["location"] == {"latitude": 40.6574, "longitude": 109.8403}


def test_voice_uses_its_recognition_text(stack):
    openid = new_openid()
    status, body = post(voice_xml(openid, "包头生三孩产假多少天。"))
    assert status == 200 and "188" in content(body, openid)


def test_unsupported_messages_get_the_polite_reply_without_a_turn(stack):
    openid = new_openid()
    for xml in (image_xml(openid), voice_xml(openid, None)):
        status, body = post(xml)
        assert status == 200 and content(body, openid) == "目前只支持文字和位置消息，请直接输入您的问题。"
    assert events(stack, openid) == []


def test_subscribing_gets_the_welcome(stack):
    openid = new_openid()
    status, body = post(subscribe_xml(openid))
    assert status == 200
    assert "生育政策智能助手" in content(body, openid)


def test_a_digit_reply_picks_the_numbered_button(stack):
    openid = new_openid()
    assert "回复 1 有帮助" in ask(openid, "包头生三孩产假多少天")
    assert ask(openid, "1") == "谢谢您的反馈！"
    assert events(stack, openid, "user")[-1]["text"] == '/feedback{"helpful": "yes"}'
    # the thanks carries no buttons, so a digit now is just text again
    ask(openid, "1")
    assert events(stack, openid, "user")[-1]["text"] == "1"


class Transcript:
    """A WeChat conversation as the citizen reads it: each reply with the later parts of a
    long one (sent through customer service); written to test-artifacts/ for the record."""

    def __init__(self, fake_api, openid: str) -> None:
        self.fake_api, self.openid, self.lines = fake_api, openid, []

    def ask(self, text: str, *, long: bool = False) -> str:
        already = len(self.fake_api.sent_to(self.openid))
        reply = ask(self.openid, text)
        # A reply with buttons is complete when its last line is a "回复 N" line.
        complete = reply.rstrip().splitlines()[-1].startswith("回复 ")
        later = self.fake_api.wait_sent(self.openid, already + 1)[already:] if long and not complete else []
        self.lines += [f"> {text}", reply, *later, ""]
        return "\n".join([reply, *later])

    def save(self, name: str) -> None:
        artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        (artifacts / name).write_text("\n".join(self.lines), encoding="utf-8")


def test_the_family_plan_by_digits(stack, fake_api):
    """The plan form walked through by digits, its sections expanded by number, a change
    recomputed, and everything cleared (issue 14)."""
    openid = new_openid()
    chat = Transcript(fake_api, openid)
    ask = chat.ask
    due = (dt.date.today() + dt.timedelta(days=90)).replace(day=5)
    first = ask("帮我算算我家能享受哪些政策")
    assert "① 您家在哪个地区" in first and "回复 2 包头市" in first and "跳过" in first
    assert "② 这次是第几个孩子" in ask("2")
    assert "③ 预产期或孩子的出生日期" in ask("2")
    assert "④ 妈妈的工作情况" in ask(f"{due.year}年{due.month}月{due.day}日")
    assert "⑤ 爸爸的工作情况" in ask("1")
    assert "⑥ 孩子的户口" in ask("1")
    plan = ask("1")
    assert "我的生育政策清单" in plan and "包头市 · 二孩 · 预产期" + due.isoformat() in plan
    assert "1. 假期" in plan and "回复 2 看钱" in plan and "回复 4 看托育" in plan
    money = ask("2", long=True)     # a long section: the rest of it by customer service
    assert money.startswith("二、钱") and "3600元×3＝10800元" in money
    assert "每孩每月2000元" in money and money.rstrip().endswith("回复 4 看托育")
    leave = ask("1", long=True)
    assert leave.startswith("一、假期") and "内蒙古自治区规定158天" in leave and "护理假：内蒙古自治区规定25天" in leave
    changed = ask("其实是三胎")
    assert changed.startswith("已按新的情况（孩次）重新计算") and "三孩及以上" in changed
    assert "内蒙古自治区规定188天" in ask("1", long=True)
    assert "办事" in ask("3", long=True) and "演示数据" in ask("4", long=True)
    chat.save("wechat-plan-baotou.txt")
    assert "已清空" in ask("重新开始")
    slots = {e["name"]: e["value"] for e in events(stack, openid, "slot")}
    assert slots["child_order"] is None and slots["mother_work"] is None


def test_the_family_plan_of_a_flexible_mother_in_hohhot(stack, fake_api):
    chat = Transcript(fake_api, new_openid())
    assert "① 您家在哪个地区" in chat.ask("帮我算算我家能享受哪些政策")
    assert "回复 1 一孩" in chat.ask("1")
    chat.ask("1")
    assert "回复 2 灵活就业" in chat.ask("2026年6月1日")
    chat.ask("2")
    chat.ask("1")
    plan = chat.ask("1")
    assert "呼和浩特市 · 一孩 · 出生日期2026-06-01 · 妈妈：灵活就业 · 爸爸：职工（参加生育保险）" in plan
    leave = chat.ask("1", long=True)
    assert "妈妈不是单位职工" in leave and "妈妈的产假" not in leave and "爸爸的护理假：内蒙古自治区规定25天" in leave
    money = chat.ask("2", long=True)
    assert "呼和浩特市生育补贴（第一个孩子）：一次性10000元" in money and "灵活就业的妈妈能否领生育津贴" in money
    steps = chat.ask("3", long=True)
    assert "免申即享" in steps
    chat.ask("4", long=True)
    father = chat.ask("那我老公呢")
    assert father.startswith("按您的清单，爸爸的部分：") and "爸爸的护理假" in father
    chat.save("wechat-plan-hohhot.txt")


def test_the_plan_asks_only_what_the_conversation_has_not_said(stack, fake_api):
    chat = Transcript(fake_api, new_openid())
    assert "158" in chat.ask("包头生二胎产假多少天")
    assert "③ 预产期或孩子的出生日期" in chat.ask("帮我算算我家能享受哪些政策")   # place and order are known
    assert "⑥ 孩子的户口" in chat.ask("我老婆在国企上班，我是灵活就业 2027年1月8日")
    assert "包头市 · 二孩 · 预产期2027-01-08 · 妈妈：职工（参加生育保险） · 爸爸：灵活就业" in chat.ask("跳过")
