"""The message XML, parsed by wechatpy: what it asks Rasa (an Inbound), a fixed reply, or
nothing; and whether its fields are plain enough to let in at all."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from wechatpy import parse_message

from actions import templates

# Sentences this channel says itself (everything else comes from the assistant).
UNSUPPORTED = templates.unsupported_message_type()
LOCATION_TEXT = "附近的托育机构"
WELCOME_TEXT = "/greet"


def read_message(xml: str) -> Optional[Any]:
    """wechatpy's message for the XML, or None when it cannot be read or is not well formed."""
    try:
        message = parse_message(xml)
    except Exception:
        return None
    if message is None or not well_formed(message):
        return None
    return message


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
