"""Abuse limits shared by the public channels (REST, WeChat, the web page's socket.io).

A per-sender token bucket: each sender (REST `sender`, WeChat OpenID, web session id)
may send BURST messages at once and then RATE_PER_MINUTE a minute. A message over the
limit, or longer than MAX_TEXT_CHARS, gets a polite reply and is not processed; other
senders are not affected. Request bodies larger than MAX_BODY_BYTES are refused (413).

    CHANNEL_RATE_PER_MINUTE   messages a minute per sender (default 20; 0 turns the limit off)
    CHANNEL_RATE_BURST        messages a sender may send at once (default 10)
    CHANNEL_MAX_TEXT_CHARS    longest message text processed (default 2000)

The buckets live in the server process: with several Rasa servers behind a balancer each
one counts its own share.
"""
from __future__ import annotations

import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Tuple

from actions import templates

DEFAULT_RATE_PER_MINUTE = 20.0
DEFAULT_BURST = 10
DEFAULT_MAX_TEXT_CHARS = 2000
#: Largest request body a channel reads (a question is a few hundred bytes).
MAX_BODY_BYTES = 256 * 1024
#: Largest request the Rasa server reads at all (its HTTP API included); bot.server sets
#: it as Sanic's REQUEST_MAX_SIZE (100 MB by default) unless SANIC_REQUEST_MAX_SIZE is set.
#: Sanic answers a larger upload 413 and closes the connection while the client may still
#: be sending, so it stays above the bodies a channel answers 413 itself (the fuzz tests
#: send 8 MB).
MAX_REQUEST_BYTES = 16 * 1024 * 1024
#: Senders remembered at most; the least recently seen one is forgotten first.
MAX_SENDERS = 100_000


def setting_number(environ: Mapping[str, str], name: str, default: float) -> float:
    """A non-negative number setting from the environment (or a credentials mapping)."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative ({value!r})")
    return number


class SenderRateLimiter:
    """A token bucket per sender: `burst` tokens, refilled at `per_minute` a minute."""

    def __init__(self, *, per_minute: float = DEFAULT_RATE_PER_MINUTE, burst: int = DEFAULT_BURST,
                 clock: Callable[[], float] = time.monotonic, max_senders: int = MAX_SENDERS) -> None:
        self.per_second = per_minute / 60.0
        self.burst = max(int(burst), 1)
        self.clock = clock
        self.max_senders = max_senders
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()   # sender -> (tokens, when)

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def allow(self, sender: str) -> bool:
        """Take a token for `sender`'s message; False when its bucket is empty."""
        if not self.enabled:
            return True
        now = self.clock()
        tokens, when = self._buckets.pop(sender, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + max(now - when, 0.0) * self.per_second)
        allowed = tokens >= 1.0 - 1e-9            # float sums of refills: 0.1 + 2.9 s is 3 s
        self._buckets[sender] = (tokens - 1.0 if allowed else tokens, now)
        while len(self._buckets) > self.max_senders:
            self._buckets.popitem(last=False)
        return allowed

    def seconds_until_allowed(self, sender: str) -> float:
        """How long `sender` has to wait for its next message to be allowed."""
        if not self.enabled or sender not in self._buckets:
            return 0.0
        tokens, when = self._buckets[sender]
        tokens += max(self.clock() - when, 0.0) * self.per_second
        return max(0.0, (1.0 - tokens) / self.per_second)


@dataclass(frozen=True)
class Refusal:
    """Why a message is not processed, and what the sender is told."""
    text: str
    rate_limited: bool = False
    retry_after: float = 0.0      # seconds, when rate limited


class ChannelGuard:
    """The rate limit and the text length limit of one channel."""

    def __init__(self, *, limiter: Optional[SenderRateLimiter] = None,
                 max_text_chars: int = DEFAULT_MAX_TEXT_CHARS) -> None:
        self.limiter = limiter or SenderRateLimiter()
        self.max_text_chars = max_text_chars

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, *,
                 clock: Callable[[], float] = time.monotonic) -> "ChannelGuard":
        env = os.environ if environ is None else environ
        limiter = SenderRateLimiter(per_minute=setting_number(env, "CHANNEL_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE),
                                    burst=int(setting_number(env, "CHANNEL_RATE_BURST", DEFAULT_BURST)), clock=clock)
        max_text = int(setting_number(env, "CHANNEL_MAX_TEXT_CHARS", DEFAULT_MAX_TEXT_CHARS))
        return cls(limiter=limiter, max_text_chars=max_text or DEFAULT_MAX_TEXT_CHARS)

    def refusal(self, sender: Any, text: Any) -> Optional[Refusal]:
        """Why `sender`'s message must not be processed; None to process it. A message
        that is too long still counts against the sender's rate."""
        sender = str(sender)        # a socket.io client may send any JSON as its session id
        if not self.limiter.allow(sender):
            return Refusal(templates.too_fast(), rate_limited=True,
                           retry_after=self.limiter.seconds_until_allowed(sender))
        if isinstance(text, str) and len(text) > self.max_text_chars:
            return Refusal(templates.message_too_long(self.max_text_chars))
        return None
