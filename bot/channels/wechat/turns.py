"""One Rasa turn per WeChat message: WeChat retries a message it got no answer to within
5 s, and each retry joins the turn already running instead of starting another one."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

TURN_TTL = 120.0               # WeChat retries within ~15 s; keep finished turns a while longer


def turn_key(message: Any) -> str:
    """WeChat's retries carry the same MsgId; events have none: FromUserName + CreateTime."""
    if getattr(message, "id", 0):
        return f"msg:{message.source}:{message.id}"
    return f"event:{message.source}:{message.time}:{getattr(message, 'event', '')}"


@dataclass
class Turn:
    task: "asyncio.Task[List[str]]"
    created: float
    via_service: bool = False     # a request gave up waiting: the whole answer goes via the API
    tail_sent: bool = False       # parts after the first were handed to the API


class TurnRegistry:
    """The turns of recent messages by turn_key; finished ones are forgotten after TURN_TTL."""

    def __init__(self) -> None:
        self._turns: Dict[str, Turn] = {}
        self._last_purge = 0.0

    def get(self, key: str) -> Optional[Turn]:
        return self._turns.get(key)

    def start(self, key: str, task: "asyncio.Task[List[str]]") -> Turn:
        turn = self._turns[key] = Turn(task, time.monotonic())
        return turn

    def purge(self) -> None:
        now = time.monotonic()
        if now - self._last_purge < 10:
            return
        self._last_purge = now
        for key, turn in list(self._turns.items()):
            if turn.task.done() and now - turn.created > TURN_TTL:
                del self._turns[key]
