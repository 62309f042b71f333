"""The WeChat channel under other names, so one Rasa server in tests/bot/channels/test_wechat.py serves
明文模式, 安全模式 and a tiny reply deadline side by side. Each reads the same WECHAT_*
environment variables; its credentials section adds what differs (aes_key, reply_deadline)."""
from __future__ import annotations

from bot.channels.wechat import WeChatInput


class SafeWeChatInput(WeChatInput):
    """/webhooks/wechat_safe/webhook"""

    @classmethod
    def name(cls) -> str:
        return "wechat_safe"


class SlowWeChatInput(WeChatInput):
    """/webhooks/wechat_slow/webhook"""

    @classmethod
    def name(cls) -> str:
        return "wechat_slow"
