"""The assistant's messages as WeChat text: buttons as "回复 1 …" lines (and the memory
that lets a reply of just "1" choose), parts of at most 600 characters (2048 bytes) cut at
sentence ends, the passive reply XML
(wechatpy's create_reply, encrypted by WeChatCrypto in 安全模式)."""
from __future__ import annotations

import re
import time
import unicodedata
from collections import OrderedDict
from typing import Any, Iterable, List, Mapping, Optional, Tuple

from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import create_reply

MAX_TEXT_BYTES = 2048          # one WeChat text message, passive or customer-service
MAX_TEXT_CHARS = 600           # readable on a phone without scrolling past the answer
CHOICES_TTL = 24 * 3600.0      # how long "回复 1" keeps meaning the last answer's first button
MAX_REMEMBERED_USERS = 100_000


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


def _cut(text: str, *, limit: int, max_chars: int) -> Iterable[str]:
    """Text too long for one message, cut between characters."""
    piece, size = [], 0
    for char in text:
        width = len(char.encode("utf-8"))
        if piece and (size + width > limit or len(piece) >= max_chars):
            yield "".join(piece)
            piece, size = [], 0
        piece.append(char)
        size += width
    if piece:
        yield "".join(piece)


_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def _pieces(line: str, *, limit: int, max_chars: int) -> Iterable[str]:
    """A line as pieces that each fit one message: whole, else its sentences, else cut."""
    if _fits(line, limit=limit, max_chars=max_chars):
        yield line
        return
    for sentence in _SENTENCE_END.split(line):
        if sentence:
            yield from ([sentence] if _fits(sentence, limit=limit, max_chars=max_chars)
                        else _cut(sentence, limit=limit, max_chars=max_chars))


def _fits(text: str, *, limit: int, max_chars: int) -> bool:
    return len(text) <= max_chars and len(text.encode("utf-8")) <= limit


def split_text(text: str, limit: int = MAX_TEXT_BYTES, max_chars: int = MAX_TEXT_CHARS) -> List[str]:
    """Parts of at most `max_chars` characters and `limit` UTF-8 bytes, cut at line breaks,
    else at sentence ends (。！？；), inside a sentence only if it must."""
    parts: List[str] = []
    current = ""
    for line in text.split("\n"):
        for index, piece in enumerate(_pieces(line, limit=limit, max_chars=max_chars)):
            joiner = "\n" if index == 0 else ""   # a line's later sentences continue it
            candidate = current + joiner + piece if current else piece
            if current and not _fits(candidate, limit=limit, max_chars=max_chars):
                parts.append(current)
                candidate = piece
            current = candidate
    if current:
        parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


_CHOICE = re.compile(r"([0-9]{1,2})[。.!！]?")


def select_choice(text: str, choices: List[str]) -> Optional[str]:
    """The payload a reply like "1" (or "１", or a recognised "1。") picks, if any."""
    match = _CHOICE.fullmatch(unicodedata.normalize("NFKC", text or "").strip())
    if match and 1 <= int(match.group(1)) <= len(choices):
        return choices[int(match.group(1)) - 1]
    return None


def reply_xml(message: Any, text: str, crypto: Optional[WeChatCrypto], args: Mapping[str, Optional[str]]) -> str:
    """The passive reply to `message`, encrypted when the channel is in 安全模式."""
    # "]]>" would end wechatpy's CDATA section early: split it across two sections.
    xml = create_reply(text.replace("]]>", "]]]]><![CDATA[>"), message=message).render()
    if crypto is not None:
        xml = crypto.encrypt_message(xml, args["nonce"], args["timestamp"])
    return xml


class ChoiceMemory:
    """Each user's numbered button payloads of the last answer, for CHOICES_TTL."""

    def __init__(self) -> None:
        self._choices: "OrderedDict[str, Tuple[float, List[str]]]" = OrderedDict()

    def remember(self, openid: str, choices: List[str]) -> None:
        self._choices.pop(openid, None)
        if choices:
            self._choices[openid] = (time.monotonic(), choices)
            while len(self._choices) > MAX_REMEMBERED_USERS:
                self._choices.popitem(last=False)

    def recall(self, openid: str) -> List[str]:
        entry = self._choices.get(openid)
        if entry is None:
            return []
        if time.monotonic() - entry[0] > CHOICES_TTL:
            self._choices.pop(openid, None)
            return []
        return entry[1]
