"""Abuse limits of the public channels (issue 13.6): a per-sender token bucket and size
limits. The limiter on a fake clock; the REST, WeChat and socket.io channels in-process
with a stand-in for Rasa (no model): a sender over its rate or with a message too long
gets the polite sentence and nothing reaches the assistant, other senders are unaffected."""
from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from wechatpy import parse_message

from actions import templates
from bot.channels import limits
from bot.channels.limits import ChannelGuard, SenderRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guard(clock: Clock, *, per_minute: float = 20, burst: int = 10, max_text_chars: int = 2000) -> ChannelGuard:
    return ChannelGuard(limiter=SenderRateLimiter(per_minute=per_minute, burst=burst, clock=clock),
                        max_text_chars=max_text_chars)


# ---------------------------------------------------------------- the limiter

def test_a_sender_gets_its_burst_then_one_message_per_refill():
    clock = Clock()
    limiter = SenderRateLimiter(per_minute=20, burst=10, clock=clock)
    assert [True] * 10 + [False] == [limiter.allow("a") for _ in range(11)]
    assert limiter.allow("b")                                  # another sender is not affected
    assert 3.0 == pytest.approx(limiter.seconds_until_allowed("a"))
    clock.now += 2.9
    assert not limiter.allow("a")
    clock.now += 0.1                                           # 20 a minute: one every 3 s
    assert limiter.allow("a") and not limiter.allow("a")
    clock.now += 3600                                          # a long pause refills the burst, no more
    assert [True] * 10 + [False] == [limiter.allow("a") for _ in range(11)]


def test_refused_messages_do_not_postpone_the_next_allowed_one():
    clock = Clock()
    limiter = SenderRateLimiter(per_minute=60, burst=1, clock=clock)
    assert limiter.allow("a")
    for _ in range(5):
        clock.now += 0.1
        assert not limiter.allow("a")
    clock.now += 0.5
    assert limiter.allow("a")                                  # 1 s after the first, as promised


def test_rate_zero_turns_the_limit_off_and_memory_is_bounded():
    off = SenderRateLimiter(per_minute=0, burst=1, clock=Clock())
    assert all(off.allow("a") for _ in range(1000)) and not off.enabled
    clock = Clock()
    small = SenderRateLimiter(per_minute=20, burst=1, clock=clock, max_senders=3)
    for sender in "abcd":
        assert small.allow(sender)
    assert ["b", "c", "d"] == list(small._buckets)             # the least recently seen forgotten
    assert not small.allow("d")


def test_settings_come_from_the_environment():
    clock = Clock()
    configured = ChannelGuard.from_env({"CHANNEL_RATE_PER_MINUTE": "6", "CHANNEL_RATE_BURST": "2",
                                        "CHANNEL_MAX_TEXT_CHARS": "50"}, clock=clock)
    assert (configured.limiter.per_second, configured.limiter.burst, configured.max_text_chars) == (0.1, 2, 50)
    default = ChannelGuard.from_env({})
    assert (default.limiter.per_second * 60, default.limiter.burst, default.max_text_chars) == (20, 10, 2000)
    assert not ChannelGuard.from_env({"CHANNEL_RATE_PER_MINUTE": "0"}).limiter.enabled
    with pytest.raises(ValueError, match="CHANNEL_RATE_BURST"):
        ChannelGuard.from_env({"CHANNEL_RATE_BURST": "many"})
    with pytest.raises(ValueError, match="CHANNEL_RATE_PER_MINUTE"):
        ChannelGuard.from_env({"CHANNEL_RATE_PER_MINUTE": "-1"})


def test_the_guard_refuses_with_the_polite_sentences():
    clock = Clock()
    checks = guard(clock, burst=2, max_text_chars=10)
    assert checks.refusal("a", "产假多少天") is None
    too_long = checks.refusal("a", "产" * 11)
    assert (too_long.text, too_long.rate_limited) == ("您的消息太长了，请把问题缩短到10字以内再发送。", False)
    too_fast = checks.refusal("a", "产假")                     # the long one counted too
    assert (too_fast.text, too_fast.rate_limited) == ("您发送得太快了，请稍等片刻再问。", True)
    assert too_fast.retry_after == pytest.approx(3.0)
    assert templates.too_fast() == "您发送得太快了，请稍等片刻再问。"


# ---------------------------------------------------------------- REST

def route(blueprint, uri: str, method: str):
    return next(r.handler for r in blueprint._future_routes if r.uri == uri and method in r.methods)


def rest_request(body) -> SimpleNamespace:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleNamespace(body=raw, json=json.loads(raw) if not isinstance(body, bytes) else None)


class Assistant:
    """Stands in for Rasa: answers every message it is given, and counts them."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def __call__(self, message) -> None:
        self.texts.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "答：" + message.text)


def test_rest_sender_over_the_rate_gets_429_and_the_polite_reply():
    from bot.channels.rest import RestInput

    clock, assistant = Clock(), Assistant()
    receive = route(RestInput(guard(clock, burst=3)).blueprint(assistant), "/webhook", "POST")

    def post(sender: str, text: str):
        answer = asyncio.run(receive(rest_request({"sender": sender, "message": text})))
        return answer.status, json.loads(answer.body), answer.headers

    for i in range(3):
        assert (200, [{"recipient_id": "a", "text": f"答：问{i}"}]) == post("a", f"问{i}")[:2]
    status, replies, headers = post("a", "问3")
    assert (429, [{"recipient_id": "a", "text": "您发送得太快了，请稍等片刻再问。"}]) == (status, replies)
    assert "3" == headers["Retry-After"]
    assert (200, [{"recipient_id": "b", "text": "答：别人"}]) == post("b", "别人")[:2]
    clock.now += 3
    assert 200 == post("a", "问4")[0]
    assert ["问0", "问1", "问2", "别人", "问4"] == assistant.texts      # 问3 was not processed


def test_rest_refuses_large_bodies_and_long_texts():
    from bot.channels.rest import RestInput

    assistant = Assistant()
    receive = route(RestInput(guard(Clock(), max_text_chars=100)).blueprint(assistant), "/webhook", "POST")
    huge = json.dumps({"sender": "a", "message": "产" * 10}).encode() + b" " * limits.MAX_BODY_BYTES
    answer = asyncio.run(receive(rest_request(huge)))
    assert 413 == answer.status and "太长" in json.loads(answer.body)[0]["text"]
    answer = asyncio.run(receive(rest_request({"sender": "a", "message": "产" * 101})))
    assert (200, [{"recipient_id": "a", "text": "您的消息太长了，请把问题缩短到100字以内再发送。"}]) == \
        (answer.status, json.loads(answer.body))
    assert [] == assistant.texts


# ---------------------------------------------------------------- WeChat

def wechat_text(openid: str, content: str, msg_id: int):
    return parse_message(f"<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>"
                         f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>1700000000</CreateTime>"
                         f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
                         f"<MsgId>{msg_id}</MsgId></xml>")


def test_wechat_openid_over_the_rate_gets_the_polite_reply_and_retries_are_not_counted():
    from bot.channels.wechat import WeChatInput, WeChatSettings

    clock, assistant = Clock(), Assistant()
    channel = WeChatInput(WeChatSettings(token="t", appid="wx1"), guard=guard(clock, burst=2, max_text_chars=20))

    async def ask(openid: str, text: str, msg_id: int):
        return await channel.respond(wechat_text(openid, text, msg_id), assistant)

    async def scenario() -> None:
        assert "答：问1" == await ask("o_user_a", "问1", 1)
        assert "答：问1" == await ask("o_user_a", "问1", 1)     # WeChat's retry joins its turn, not counted
        assert "答：问2" == await ask("o_user_a", "问2", 2)
        assert "您发送得太快了，请稍等片刻再问。" == await ask("o_user_a", "问3", 3)
        assert "答：别人" == await ask("o_user_b", "别人", 4)
        assert "您的消息太长了，请把问题缩短到20字以内再发送。" == await ask("o_user_b", "产" * 21, 5)
        clock.now += 3
        assert "答：问4" == await ask("o_user_a", "问4", 6)

    asyncio.run(scenario())
    assert ["问1", "问2", "别人", "问4"] == assistant.texts


def test_wechat_refuses_bodies_over_the_limit_before_anything_else():
    from bot.channels.wechat import WeChatInput, WeChatSettings

    assistant = Assistant()
    receive = route(WeChatInput(WeChatSettings(token="t")).blueprint(assistant), "/webhook", "POST")
    request = SimpleNamespace(body=b"<xml>" + b"x" * limits.MAX_BODY_BYTES + b"</xml>", args={}, ip="127.0.0.1")
    assert 413 == asyncio.run(receive(request)).status
    assert [] == assistant.texts


# ---------------------------------------------------------------- the web page (socket.io)

def test_web_session_over_the_rate_gets_the_polite_bot_message():
    from bot.channels.socketio import SocketIOInput

    clock, assistant = Clock(), Assistant()
    channel = SocketIOInput.from_credentials({"session_persistence": True})
    channel.guard = guard(clock, burst=2, max_text_chars=20)
    channel.blueprint(assistant)
    assert limits.MAX_BODY_BYTES == channel.sio.eio.max_http_buffer_size   # bigger packets: disconnected
    emitted = []

    async def emit(event, data, room=None, **kwargs):
        emitted.append((room, data.get("text")))

    channel.sio.emit = emit
    handle = channel.sio.handlers["/"]["user_uttered"]
    session_a, session_b = "a" * 32, "b" * 32

    def say(session: str, text: str) -> str:
        emitted.clear()
        asyncio.run(handle("sid", {"message": text, "session_id": session, "customData": {}}))
        assert [room for room, _ in emitted] == [session]
        return emitted[0][1]

    assert ["答：问1", "答：问2"] == [say(session_a, "问1"), say(session_a, "问2")]
    assert "您发送得太快了，请稍等片刻再问。" == say(session_a, "问3")
    assert "答：别人" == say(session_b, "别人")
    assert "您的消息太长了，请把问题缩短到20字以内再发送。" == say(session_b, "产" * 21)
    assert ["问1", "问2", "别人"] == assistant.texts
    # Whatever JSON a client sends as session id or message, the guard copes.
    assert None is channel.guard.refusal(["not", "a", "string"], {"message": 1})
