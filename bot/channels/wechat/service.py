"""客服消息 (customer-service messages): answers later than the passive-reply deadline and
the rest of long answers, through wechatpy's WeChatClient."""
from __future__ import annotations

import asyncio
import logging
from typing import List

from wechatpy.client import WeChatClient

logger = logging.getLogger(__name__)

SERVICE_TIMEOUT = 15.0


class ServiceClient(WeChatClient):
    """wechatpy's WeChatClient with the API base URL (and the /token URL) from the settings."""

    def __init__(self, appid: str, secret: str, api_base_url: str, timeout: float = 10.0) -> None:
        super().__init__(appid, secret, timeout=timeout)
        self.API_BASE_URL = api_base_url

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


async def send_texts(client: ServiceClient, openid: str, parts: List[str]) -> None:
    """Send text parts in order; stop at the first failure."""
    for part in parts:
        try:
            await asyncio.wait_for(asyncio.to_thread(client.message.send_text, openid, part),
                                   timeout=SERVICE_TIMEOUT)
        except Exception:
            logger.exception("wechat: customer-service message to %s failed", openid)
            return
