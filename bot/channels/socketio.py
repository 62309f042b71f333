"""Rasa's socket.io input channel, fixed for the web page (rasa-webchat 1.0.1).

Register it in credentials.yml in place of `socketio:`:

    bot.channels.socketio.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      metadata_key: customData

Three differences from rasa.core.channels.socketio.SocketIOInput (Rasa 3.6.21):

1. Session persistence works with python-socketio >= 5.10. There AsyncServer.enter_room is a
   coroutine, and Rasa calls it without `await` ("coroutine 'AsyncServer.enter_room' was never
   awaited", RasaHQ/rasa#13027): the browser never joins its session's room, and every bot reply,
   which Rasa emits to room=session_id, reaches nobody. The session_request handler is replaced
   by one that awaits it.
2. rasa-webchat sends `{"message", "customData", "session_id"}`; Rasa copies data[metadata_key]
   into the message metadata, and metadata_key defaults to "metadata" there. Here it defaults to
   "customData", so the page's {"location": {...}} reaches actions/childcare.py.
3. Abuse limits (bot/channels/limits.py): a socket.io packet over MAX_BODY_BYTES closes the
   connection (engine.io's max_http_buffer_size); a session over its rate, or a message
   longer than the length limit, gets a polite bot message and is not processed.

Difference 1 replaces Rasa's own session_request handler, so it is applied only on the
Rasa version it was written for (bot/server/rasa_version.py); elsewhere Rasa's handler runs.

The session id a browser may ask to resume must look like the ids Rasa hands out (uuid4 hex):
a client cannot pick another channel's sender id (a WeChat openid, a REST sender) and write
into that conversation.
"""
from __future__ import annotations

import inspect
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from bot.server import rasa_version
from bot.channels.limits import MAX_BODY_BYTES, ChannelGuard

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


class SocketIOInput(rasa_socketio.SocketIOInput):
    """socket.io channel for bot/web/ (rasa-webchat); still named "socketio" for output_channel=socketio."""

    guard: Optional[ChannelGuard] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        credentials.setdefault("metadata_key", "customData")
        return super().from_credentials(credentials)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guard = self.guard = self.guard or ChannelGuard.from_env()

        async def guarded(message: UserMessage) -> Any:
            refusal = guard.refusal(message.sender_id, message.text)
            if refusal is None:
                return await on_new_message(message)
            logger.debug("socketio: message from %s not processed: %s", message.sender_id, refusal.text)
            await message.output_channel.send_text_message(message.sender_id, refusal.text)

        blueprint = super().blueprint(guarded)
        sio = self.sio
        assert sio is not None
        sio.eio.max_http_buffer_size = MAX_BODY_BYTES
        if not rasa_version.patches_apply(patch="bot.channels.socketio.SocketIOInput.session_request"):
            return blueprint

        # Registering the event again replaces Rasa's handler.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(requested, str) and SESSION_ID.match(requested) else uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug(f"User {sid} joined session {session_id}.")

        return blueprint
