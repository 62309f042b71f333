"""Is a request WeChat's? The URL signature (明文模式) or msg_signature + decryption
(安全模式), and a fresh timestamp; via wechatpy's check_signature and WeChatCrypto."""
from __future__ import annotations

import time
from typing import Mapping, Optional

from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from bot.channels.wechat.settings import WeChatSettings


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
