"""WeChat official account (微信公众号) input channel for Rasa.

Register it in credentials.yml (the section may stay empty; settings come from the
environment):

    bot.channels.wechat.WeChatInput:

Webhook: ``https://<host>/webhooks/wechat/webhook`` (the Rasa port, 5005 by default).

Settings — environment variable, or the same key lower-case without ``WECHAT_`` in the
credentials section (the section wins):

    WECHAT_TOKEN            服务器配置 → 令牌(Token). Required: without it the webhook answers 503.
    WECHAT_APPID            开发者ID(AppID).
    WECHAT_AES_KEY          消息加解密密钥(EncodingAESKey). Set → 安全模式: every POST must be
                            encrypted (msg_signature) and replies are encrypted. Unset → 明文模式.
    WECHAT_APPSECRET        开发者密码(AppSecret), for the customer-service message API (answers
                            later than the deadline, and the rest of long answers).
    WECHAT_API_BASE_URL     default https://api.weixin.qq.com/cgi-bin/
    WECHAT_REPLY_DEADLINE   seconds to wait for a passive reply (default 4.5; WeChat gives up at 5).
    WECHAT_MAX_CLOCK_SKEW   refuse requests whose timestamp is further than this many seconds from
                            now (default 300; 0 turns the check off).

What a request goes through:
  1. signature: ``signature`` (明文) or ``msg_signature`` + decryption (安全模式), on every request;
     anything that fails is answered 403 before the message is even parsed;
  2. wechatpy.parse_message; text, voice (its Recognition text), location (sent as
     "附近的托育机构" with metadata {"location": {...}}), subscribe (→ "/greet"); other messages
     get a fixed reply, other events none;
  3. one Rasa turn per MsgId (events: FromUserName + CreateTime): WeChat's retries of the same
     message join the turn already running instead of starting another one;
  4. an answer ready within the deadline is the passive XML reply; a later one is sent through the
     customer-service API after answering ``success``; an answer over 2048 bytes is split at line
     breaks, the first part passive and the rest through the customer-service API;
  5. buttons become "回复 1 有帮助" lines; a reply of just that digit sends the button's payload.

Abuse limits (bot/channels/limits.py): bodies over MAX_BODY_BYTES are answered 413; a new
message from an OpenID over its rate (CHANNEL_RATE_PER_MINUTE / CHANNEL_RATE_BURST), or
longer than CHANNEL_MAX_TEXT_CHARS, gets a polite passive reply and starts no turn
(WeChat's retries of a message already running are not counted again).

The per-message and per-user memory is in-process: run one Rasa server per official account,
or route WeChat's requests so that retries of a message reach the same server.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Mapping, Optional, Text, Tuple, Union

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import parse_message
from wechatpy.client import WeChatClient
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import create_reply

from actions import templates
from bot.channels.limits import MAX_BODY_BYTES, ChannelGuard
from wechatpy.utils import check_signature

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com/cgi-bin/"
DEFAULT_REPLY_DEADLINE = 4.5
DEFAULT_MAX_CLOCK_SKEW = 300.0
MAX_TEXT_BYTES = 2048          # one WeChat text message, passive or customer-service
TURN_TTL = 120.0               # WeChat retries within ~15 s; keep finished turns a while longer
CHOICES_TTL = 24 * 3600.0      # how long "回复 1" keeps meaning the last answer's first button
MAX_REMEMBERED_USERS = 100_000
TAIL_DELAY = 0.5               # let the passive reply arrive before the rest of a long answer
SERVICE_TIMEOUT = 15.0

# Sentences this channel says itself (everything else comes from the assistant).
UNSUPPORTED = templates.unsupported_message_type()
LOCATION_TEXT = "附近的托育机构"
WELCOME_TEXT = "/greet"
FAILED = templates.action_failed()
# (FAILED is actions.templates.action_failed(); importing the actions package here would
#  load every action into the Rasa server, so tests/test_wechat.py keeps the two equal.)
SUCCESS = "success"            # WeChat: "received, no passive reply"


# ---------------------------------------------------------------- settings

def _seconds(value: str, default: float, name: str) -> float:
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"WECHAT_{name.upper()} must be a number of seconds, not {value!r}") from None
    if seconds < 0:
        raise ValueError(f"WECHAT_{name.upper()} must not be negative ({value!r})")
    return seconds


@dataclass(frozen=True)
class WeChatSettings:
    token: str = ""
    appid: str = ""
    aes_key: str = ""
    appsecret: str = ""
    api_base_url: str = DEFAULT_API_BASE_URL
    reply_deadline: float = DEFAULT_REPLY_DEADLINE
    max_clock_skew: float = DEFAULT_MAX_CLOCK_SKEW

    @classmethod
    def load(cls, credentials: Optional[Mapping[str, Any]] = None,
             environ: Optional[Mapping[str, str]] = None) -> "WeChatSettings":
        """Credentials section keys first, then WECHAT_* environment variables, then defaults."""
        creds = credentials or {}
        env = os.environ if environ is None else environ

        def pick(key: str) -> str:
            value = creds.get(key)
            if value is None or str(value).strip() == "":
                value = env.get("WECHAT_" + key.upper(), "")
            return str(value).strip()

        base = pick("api_base_url") or DEFAULT_API_BASE_URL
        return cls(
            token=pick("token"), appid=pick("appid"), aes_key=pick("aes_key"),
            appsecret=pick("appsecret"), api_base_url=base if base.endswith("/") else base + "/",
            reply_deadline=_seconds(pick("reply_deadline"), DEFAULT_REPLY_DEADLINE, "reply_deadline"),
            max_clock_skew=_seconds(pick("max_clock_skew"), DEFAULT_MAX_CLOCK_SKEW, "max_clock_skew"),
        )


# ---------------------------------------------------------------- authenticity

class RejectedRequest(Exception):
    """A request that does not come from WeChat (or cannot be shown to): answered 403."""


def signature_valid(token: str, signature: Optional[str], timestamp: Optional[str],
                    nonce: Optional[str]) -> bool:
    """WeChat's URL signature (sha1 of the sorted token, timestamp, nonce), via wechatpy."""
    if not (token and signature and timestamp and nonce):
        return False
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException:
        return False
    return True


def timestamp_fresh(timestamp: Optional[str], max_skew: float, now: Optional[float] = None) -> bool:
    """Limits replays of a captured signed URL (the plain signature does not cover the body)."""
    if max_skew <= 0:
        return True
    try:
        stamp = int(timestamp or "")
    except ValueError:
        return False
    return abs((time.time() if now is None else now) - stamp) <= max_skew


def verified_xml(settings: WeChatSettings, crypto: Optional[WeChatCrypto], args: Mapping[str, Optional[str]],
                 body: bytes) -> str:
    """The message XML of an authentic POST; RejectedRequest otherwise."""
    timestamp, nonce = args.get("timestamp"), args.get("nonce")
    if not timestamp or not nonce:
        raise RejectedRequest("timestamp or nonce missing")
    if not timestamp_fresh(timestamp, settings.max_clock_skew):
        raise RejectedRequest(f"timestamp {timestamp!r} outside ±{settings.max_clock_skew:.0f} s")
    encrypted = (args.get("encrypt_type") or "raw").lower() == "aes"
    if crypto is not None:
        # 安全模式: only encrypted messages. A plain request would be a downgrade: its
        # `signature` covers the URL only, so anyone holding one signed URL could post any body.
        if not encrypted or not args.get("msg_signature"):
            raise RejectedRequest("安全模式 (WECHAT_AES_KEY set) but the message is not encrypted")
        try:
            return crypto.decrypt_message(body, args["msg_signature"], timestamp, nonce)
        except InvalidSignatureException:
            raise RejectedRequest("msg_signature does not match") from None
        except InvalidAppIdException:
            raise RejectedRequest("encrypted for another AppID") from None
        except Exception as err:   # malformed XML, base64 or padding
            raise RejectedRequest(f"cannot decrypt the body ({type(err).__name__})") from None
    if encrypted:
        raise RejectedRequest("the message is encrypted (安全/兼容模式) but WECHAT_AES_KEY is not set")
    if not signature_valid(settings.token, args.get("signature"), timestamp, nonce):
        raise RejectedRequest("signature does not match")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise RejectedRequest("body is not UTF-8") from None


# ---------------------------------------------------------------- answers as WeChat text

def compose(messages: Iterable[Mapping[str, Any]]) -> Tuple[str, List[str]]:
    """One text from the bot's messages, buttons as numbered lines; and the numbered payloads."""
    blocks: List[str] = []
    options: List[str] = []
    choices: List[str] = []
    for message in messages:
        for key in ("text", "image", "attachment"):
            value = message.get(key)
            if value:
                blocks.append(str(value).strip())
        for button in message.get("buttons") or []:
            title = str(button.get("title") or "").strip()
            if button.get("url"):
                options.append(f"{title}：{button['url']}")
                continue
            payload = button.get("payload") or title
            if not payload:
                continue
            choices.append(str(payload))
            options.append(f"回复 {len(choices)} {title or payload}")
    if options:
        blocks.append("\n".join(options))
    return "\n\n".join(b for b in blocks if b), choices


def _wrap_line(line: str, limit: int) -> Iterable[str]:
    """A line longer than `limit` bytes, cut between characters."""
    if len(line.encode("utf-8")) <= limit:
        yield line
        return
    piece, size = [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            yield "".join(piece)
            piece, size = [], 0
        piece.append(char)
        size += width
    if piece:
        yield "".join(piece)


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> List[str]:
    """Parts of at most `limit` UTF-8 bytes, cut at line breaks (inside a line only if it must)."""
    parts: List[str] = []
    current: Optional[str] = None
    for line in text.split("\n"):
        for piece in _wrap_line(line, limit):
            candidate = piece if current is None else current + "\n" + piece
            if len(candidate.encode("utf-8")) <= limit:
                current = candidate
            else:
                parts.append(current or "")
                current = piece
    if current is not None:
        parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


_CHOICE = re.compile(r"([0-9]{1,2})[。.!！]?")


def select_choice(text: str, choices: List[str]) -> Optional[str]:
    """The payload a reply like "1" (or "１", or a recognised "1。") picks, if any."""
    match = _CHOICE.fullmatch(unicodedata.normalize("NFKC", text or "").strip())
    if match and 1 <= int(match.group(1)) <= len(choices):
        return choices[int(match.group(1)) - 1]
    return None


# ---------------------------------------------------------------- incoming messages

@dataclass
class Inbound:
    """What to send to Rasa for one WeChat message."""
    text: str
    metadata: Optional[Dict[str, Any]] = None
    may_choose: bool = False      # "1" may select a remembered button


def inbound(message: Any) -> Union[Inbound, str, None]:
    """An Inbound for Rasa, a fixed reply (str), or None (answer nothing)."""
    kind = getattr(message, "type", "unknown")
    if kind == "text":
        text = (message.content or "").strip()
        return Inbound(text, may_choose=True) if text else UNSUPPORTED
    if kind == "voice":
        recognition = (message.recognition or "").strip()
        return Inbound(recognition, may_choose=True) if recognition else UNSUPPORTED
    if kind == "location":
        try:
            latitude, longitude = float(message.location_x), float(message.location_y)
        except (TypeError, ValueError):
            return UNSUPPORTED
        return Inbound(LOCATION_TEXT, {"location": {"latitude": latitude, "longitude": longitude}})
    if kind == "event":
        if message.event in ("subscribe", "subscribe_scan"):
            return Inbound(WELCOME_TEXT)
        return None   # unsubscribe, LOCATION reports, menu views, …: nothing to say
    return UNSUPPORTED


_ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def well_formed(message: Any) -> bool:
    """Only flat string fields, numeric ids and plain account names: anything else (an
    element inside <Content>, a huge or non-numeric MsgId, "]]>" in a name that the
    reply would put into CDATA) is refused before it reaches the conversation."""
    data = getattr(message, "_data", {}) or {}
    if not all(value is None or isinstance(value, str) for value in data.values()):
        return False
    if not (_ACCOUNT_NAME.match(data.get("FromUserName") or "") and _ACCOUNT_NAME.match(data.get("ToUserName") or "")):
        return False
    for field in ("MsgId", "CreateTime"):
        value = (data.get(field) or "0").strip()
        if not value.isdigit() or len(value) > 20:
            return False
    return True


def turn_key(message: Any) -> str:
    """WeChat's retries carry the same MsgId; events have none: FromUserName + CreateTime."""
    if getattr(message, "id", 0):
        return f"msg:{message.source}:{message.id}"
    return f"event:{message.source}:{message.time}:{getattr(message, 'event', '')}"


# ---------------------------------------------------------------- customer-service API

class ServiceClient(WeChatClient):
    """wechatpy's WeChatClient with the API base URL (and the /token URL) from the settings."""

    def __init__(self, appid: str, secret: str, api_base_url: str, timeout: float = 10.0) -> None:
        super().__init__(appid, secret, timeout=timeout)
        self.API_BASE_URL = api_base_url

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


# ---------------------------------------------------------------- the channel

@dataclass
class _Turn:
    task: "asyncio.Task[List[str]]"
    created: float
    via_service: bool = False     # a request gave up waiting: the whole answer goes via the API
    tail_sent: bool = False       # parts after the first were handed to the API


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class WeChatInput(InputChannel):
    """微信公众号 server-side messages → Rasa → passive reply or customer-service message."""

    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeChatInput":
        return cls(WeChatSettings.load(credentials))

    def __init__(self, settings: Optional[WeChatSettings] = None, guard: Optional[ChannelGuard] = None) -> None:
        self.settings = settings or WeChatSettings.load()
        self.guard = guard or ChannelGuard.from_env()
        self.crypto: Optional[WeChatCrypto] = None
        if self.settings.aes_key:
            if not self.settings.appid:
                raise ValueError("WECHAT_AES_KEY (安全模式) needs WECHAT_APPID as well")
            try:
                self.crypto = WeChatCrypto(self.settings.token, self.settings.aes_key, self.settings.appid)
            except Exception:
                raise ValueError("WECHAT_AES_KEY must be the 43-character EncodingAESKey from "
                                 "公众号后台 → 基本配置") from None
        self._client: Optional[ServiceClient] = None
        self._turns: Dict[str, _Turn] = {}
        self._choices: "OrderedDict[str, Tuple[float, List[str]]]" = OrderedDict()
        self._background: set = set()
        self._last_purge = 0.0
        if not self.settings.token:
            logger.warning("WeChat channel %s: WECHAT_TOKEN is not set; its webhook answers 503.", self.name())
        elif not (self.settings.appid and self.settings.appsecret):
            logger.warning("WeChat channel %s: WECHAT_APPID/WECHAT_APPSECRET not set; answers later than "
                           "%.1f s and long answers cannot be delivered.", self.name(),
                           self.settings.reply_deadline)

    @property
    def enabled(self) -> bool:
        return bool(self.settings.token)

    # -------------------------------------------------------- HTTP

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"wechat_webhook_{self.name()}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "disabled",
                                  "mode": "safe" if self.crypto else "plain"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            """服务器配置's check: echo `echostr` when the signature is WeChat's."""
            if not self.enabled:
                return response.text("WeChat channel not configured", status=503)
            args = request.args
            echostr = args.get("echostr")
            if echostr and timestamp_fresh(args.get("timestamp"), self.settings.max_clock_skew) and \
                    signature_valid(self.settings.token, args.get("signature"), args.get("timestamp"),
                                    args.get("nonce")):
                return response.text(echostr)
            logger.warning("wechat: refused URL verification from %s", request.ip)
            return response.text("forbidden", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            started = time.monotonic()
            if not self.enabled:
                return response.text("WeChat channel not configured", status=503)
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.text("payload too large", status=413)
            args = {key: request.args.get(key)
                    for key in ("signature", "timestamp", "nonce", "encrypt_type", "msg_signature")}
            try:
                xml = verified_xml(self.settings, self.crypto, args, body)
            except RejectedRequest as err:
                logger.warning("wechat: refused a message from %s: %s", request.ip, err)
                return response.text("forbidden", status=403)
            try:
                message = parse_message(xml)
            except Exception:
                message = None
            if message is None or not well_formed(message):
                return response.text("unreadable message", status=400)
            text = await self.respond(message, on_new_message, started=started)
            return self.passive_reply(message, text, args)

        return webhook

    def passive_reply(self, message: Any, text: Optional[str], args: Mapping[str, Optional[str]]) -> HTTPResponse:
        if not text:
            return response.text(SUCCESS)
        # "]]>" would end wechatpy's CDATA section early: split it across two sections.
        xml = create_reply(text.replace("]]>", "]]]]><![CDATA[>"), message=message).render()
        if self.crypto is not None:
            xml = self.crypto.encrypt_message(xml, args["nonce"], args["timestamp"])
        return response.text(xml, content_type="application/xml; charset=utf-8")

    # -------------------------------------------------------- one message

    async def respond(self, message: Any, on_new_message: OnNewMessage, *,
                      started: Optional[float] = None) -> Optional[str]:
        """The passive reply for `message` (None: answer `success`), within the deadline."""
        started = time.monotonic() if started is None else started
        wanted = inbound(message)
        if wanted is None or isinstance(wanted, str):
            return wanted
        openid = message.source
        self._purge()
        key = turn_key(message)
        turn = self._turns.get(key)
        if turn is None:
            refusal = self.guard.refusal(openid, wanted.text)
            if refusal is not None:
                logger.debug("wechat: message from %s not processed: %s", openid, refusal.text)
                return refusal.text
            text = wanted.text
            if wanted.may_choose:
                text = select_choice(text, self._remembered(openid)) or text
            task = asyncio.ensure_future(self._run_turn(on_new_message, openid, text, wanted.metadata))
            turn = self._turns[key] = _Turn(task, time.monotonic())
        else:
            logger.info("wechat: retry of %s joins its turn (%s)", key,
                        "answered" if turn.task.done() else "in progress")
        remaining = self.settings.reply_deadline - (time.monotonic() - started)
        try:
            parts = await asyncio.wait_for(asyncio.shield(turn.task), timeout=max(remaining, 0.0))
        except asyncio.TimeoutError:
            self._deliver_later(turn, openid)
            return None
        except asyncio.CancelledError:   # WeChat hung up: the answer must still reach the user
            self._deliver_later(turn, openid)
            raise
        if turn.via_service or not parts:
            return None
        if len(parts) > 1 and not turn.tail_sent:
            turn.tail_sent = True
            self._spawn(self.send_service(openid, parts[1:], delay=TAIL_DELAY))
        return parts[0]

    async def _run_turn(self, on_new_message: OnNewMessage, openid: str, text: str,
                        metadata: Optional[Dict[str, Any]]) -> List[str]:
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(text, collector, openid, input_channel=self.name(),
                                             metadata=metadata))
        except Exception:
            logger.exception("wechat: the assistant failed on a message from %s", openid)
            return [FAILED]
        body, choices = compose(collector.messages)
        self._remember(openid, choices)
        return split_text(body) if body else [templates.empty_turn(text)]

    def _deliver_later(self, turn: _Turn, openid: str) -> None:
        if turn.via_service:
            return
        turn.via_service = True

        def finished(task: "asyncio.Task[List[str]]") -> None:
            if task.cancelled() or task.exception() is not None:
                return
            if task.result():
                self._spawn(self.send_service(openid, task.result()))

        turn.task.add_done_callback(finished)

    # -------------------------------------------------------- customer-service messages

    def service_client(self) -> Optional[ServiceClient]:
        if self._client is None and self.settings.appid and self.settings.appsecret:
            self._client = ServiceClient(self.settings.appid, self.settings.appsecret,
                                         self.settings.api_base_url)
        return self._client

    async def send_service(self, openid: str, parts: List[str], *, delay: float = 0.0) -> None:
        """Send text parts in order through 客服消息; stop at the first failure."""
        if delay:
            await asyncio.sleep(delay)
        client = self.service_client()
        if client is None:
            logger.error("wechat: %d message(s) for %s dropped: WECHAT_APPID/WECHAT_APPSECRET not set",
                         len(parts), openid)
            return
        for part in parts:
            try:
                await asyncio.wait_for(asyncio.to_thread(client.message.send_text, openid, part),
                                       timeout=SERVICE_TIMEOUT)
            except Exception:
                logger.exception("wechat: customer-service message to %s failed", openid)
                return

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -------------------------------------------------------- memory

    def _remember(self, openid: str, choices: List[str]) -> None:
        self._choices.pop(openid, None)
        if choices:
            self._choices[openid] = (time.monotonic(), choices)
            while len(self._choices) > MAX_REMEMBERED_USERS:
                self._choices.popitem(last=False)

    def _remembered(self, openid: str) -> List[str]:
        entry = self._choices.get(openid)
        if entry is None:
            return []
        if time.monotonic() - entry[0] > CHOICES_TTL:
            self._choices.pop(openid, None)
            return []
        return entry[1]

    def _purge(self) -> None:
        now = time.monotonic()
        if now - self._last_purge < 10:
            return
        self._last_purge = now
        for key, turn in list(self._turns.items()):
            if turn.task.done() and now - turn.created > TURN_TTL:
                del self._turns[key]
