"""REST channel (`/webhooks/rest/webhook`) that never answers with silence.

Rasa drops a turn's reply when a custom action fails (e.g. the action server is down):
the citizen would see nothing. This channel sends a short apology instead; the
conversation goes on normally once the action server is back.

Abuse limits (bot/channels/limits.py): a body over MAX_BODY_BYTES is answered 413, a
sender over its rate 429, a text over the length limit a polite 200; none of them is
processed. Each refusal carries a polite sentence in the usual reply shape.
"""
from __future__ import annotations

import logging
import math
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from actions import templates
from bot.channels.limits import MAX_BODY_BYTES, ChannelGuard
from bot.privacy import mask

logger = logging.getLogger(__name__)


class RestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self, guard: ChannelGuard | None = None) -> None:
        self.guard = guard or ChannelGuard.from_env()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("custom_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json([{"text": templates.message_too_long(self.guard.max_text_chars)}], status=413)
            try:
                body: Dict[str, Any] = request.json or {}
            except Exception:
                body = {}
            if not isinstance(body, dict):
                body = {}
            sender = str(body.get("sender") or "default")[:128]
            text = body.get("message")
            text = text if isinstance(text, str) else ("" if text is None else str(text))
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            refusal = self.guard.refusal(sender, text)
            if refusal is not None:
                logger.debug("rest: message from %s not processed: %s", sender, refusal.text)
                if refusal.rate_limited:
                    return response.json([{"recipient_id": sender, "text": refusal.text}], status=429,
                                         headers={"Retry-After": str(max(1, math.ceil(refusal.retry_after)))})
                return response.json([{"recipient_id": sender, "text": refusal.text}])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            except Exception:
                logger.exception("message from %s failed: %s", sender, mask(text[:200]))
            if not collector.messages:
                collector.messages.append({"recipient_id": sender, "text": templates.empty_turn(text)})
            return response.json(collector.messages)

        return webhook
