"""The channel's settings: the credentials section of credentials.yml, then the WECHAT_*
environment variables, then defaults (see bot/channels/wechat/__init__.py)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from bot.channels.limits import setting_number

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com/cgi-bin/"
DEFAULT_REPLY_DEADLINE = 4.5
DEFAULT_MAX_CLOCK_SKEW = 300.0


def _seconds(value: str, default: float, name: str) -> float:
    variable = f"WECHAT_{name.upper()}"
    return setting_number({variable: value or ""}, variable, default)


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
