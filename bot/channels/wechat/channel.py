"""The Sanic blueprint and Rasa InputChannel of the WeChat official account: one request
through signature → message → turn → reply (see bot/channels/wechat/__init__.py)."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy.crypto import WeChatCrypto

from actions import templates
from bot.channels.limits import MAX_BODY_BYTES, ChannelGuard
from bot.channels.wechat.messages import inbound, read_message
from bot.channels.wechat.replies import ChoiceMemory, compose, reply_xml, select_choice, split_text
from bot.channels.wechat.service import ServiceClient, send_texts
from bot.channels.wechat.settings import WeChatSettings
from bot.channels.wechat.signature import RejectedRequest, signature_valid, timestamp_fresh, verified_xml
from bot.channels.wechat.turns import Turn, TurnRegistry, turn_key

logger = logging.getLogger(__name__)

TAIL_DELAY = 0.5               # let the passive reply arrive before the rest of a long answer
FAILED = templates.action_failed()
SUCCESS = "success"            # WeChat: "received, no passive reply"


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
        self._turns = TurnRegistry()
        self._choices = ChoiceMemory()
        self._background: set = set()
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
            message = read_message(xml)
            if message is None:
                return response.text("unreadable message", status=400)
            text = await self.respond(message, on_new_message, started=started)
            return self.passive_reply(message, text, args)

        return webhook

    def passive_reply(self, message: Any, text: Optional[str], args: Mapping[str, Optional[str]]) -> HTTPResponse:
        if not text:
            return response.text(SUCCESS)
        xml = reply_xml(message, text, self.crypto, args)
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
        self._turns.purge()
        key = turn_key(message)
        turn = self._turns.get(key)
        if turn is None:
            refusal = self.guard.refusal(openid, wanted.text)
            if refusal is not None:
                logger.debug("wechat: message from %s not processed: %s", openid, refusal.text)
                return refusal.text
            text = wanted.text
            if wanted.may_choose:
                text = select_choice(text, self._choices.recall(openid)) or text
            task = asyncio.ensure_future(self._run_turn(on_new_message, openid, text, wanted.metadata))
            turn = self._turns.start(key, task)
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
        self._choices.remember(openid, choices)
        return split_text(body) if body else [templates.empty_turn(text)]

    def _deliver_later(self, turn: Turn, openid: str) -> None:
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
        await send_texts(client, openid, parts)

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
