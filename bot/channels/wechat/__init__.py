"""WeChat official account (微信公众号) input channel for Rasa.

Register it in credentials.yml (the section may stay empty; settings come from the
environment):

    bot.channels.wechat.WeChatInput:

Webhook: ``https://<host>/webhooks/wechat/webhook`` (the Rasa port, 5005 by default).

Settings — environment variable, or the same key lower-case without ``WECHAT_`` in the
credentials section (the section wins):

    WECHAT_TOKEN            服务器配置 → 令牌(Token). Required: without it the webhook answers 503.
    WECHAT_APPID            开发者ID(AppID).
    WECHAT_AES_KEY          消息加解密密钥(EncodingAESKey). Set → 安全模式: every POST must be
                            encrypted (msg_signature) and replies are encrypted. Unset → 明文模式.
    WECHAT_APPSECRET        开发者密码(AppSecret), for the customer-service message API (answers
                            later than the deadline, and the rest of long answers).
    WECHAT_API_BASE_URL     default https://api.weixin.qq.com/cgi-bin/
    WECHAT_REPLY_DEADLINE   seconds to wait for a passive reply (default 4.5; WeChat gives up at 5).
    WECHAT_MAX_CLOCK_SKEW   refuse requests whose timestamp is further than this many seconds from
                            now (default 300; 0 turns the check off).

What a request goes through:
  1. signature: ``signature`` (明文) or ``msg_signature`` + decryption (安全模式), on every request;
     anything that fails is answered 403 before the message is even parsed;
  2. wechatpy.parse_message; text, voice (its Recognition text), location (sent as
     "附近的托育机构" with metadata {"location": {...}}), subscribe (→ "/greet"); other messages
     get a fixed reply, other events none;
  3. one Rasa turn per MsgId (events: FromUserName + CreateTime): WeChat's retries of the same
     message join the turn already running instead of starting another one;
  4. an answer ready within the deadline is the passive XML reply; a later one is sent through the
     customer-service API after answering ``success``; an answer over 2048 bytes is split at line
     breaks, the first part passive and the rest through the customer-service API;
  5. buttons become "回复 1 有帮助" lines; a reply of just that digit sends the button's payload.

Abuse limits (bot/channels/limits.py): bodies over MAX_BODY_BYTES are answered 413; a new
message from an OpenID over its rate (CHANNEL_RATE_PER_MINUTE / CHANNEL_RATE_BURST), or
longer than CHANNEL_MAX_TEXT_CHARS, gets a polite passive reply and starts no turn
(WeChat's retries of a message already running are not counted again).

The per-message and per-user memory is in-process: run one Rasa server per official account,
or route WeChat's requests so that retries of a message reach the same server.

The package, one concern a module: settings.py (credentials and WECHAT_*), signature.py
(authenticity, decryption), messages.py (the parsed XML → what to ask Rasa), turns.py (one
turn per message, retries join it), replies.py (WeChat text, splitting, "回复 1", the passive
XML), service.py (客服消息 API), channel.py (the blueprint and InputChannel).
"""
from bot.channels.wechat.channel import FAILED, SUCCESS, TAIL_DELAY, WeChatInput
from bot.channels.wechat.messages import LOCATION_TEXT, UNSUPPORTED, WELCOME_TEXT, Inbound, inbound, well_formed
from bot.channels.wechat.replies import MAX_TEXT_BYTES, compose, select_choice, split_text
from bot.channels.wechat.service import ServiceClient
from bot.channels.wechat.settings import WeChatSettings
from bot.channels.wechat.signature import RejectedRequest, signature_valid, timestamp_fresh, verified_xml
from bot.channels.wechat.turns import turn_key

__all__ = ["FAILED", "LOCATION_TEXT", "MAX_TEXT_BYTES", "SUCCESS", "TAIL_DELAY", "UNSUPPORTED", "WELCOME_TEXT",
           "Inbound", "RejectedRequest", "ServiceClient", "WeChatInput", "WeChatSettings", "compose", "inbound",
           "select_choice", "signature_valid", "split_text", "timestamp_fresh", "turn_key", "verified_xml",
           "well_formed"]
