"""A local stand-in for https://api.weixin.qq.com/cgi-bin/: issues access tokens and accepts
customer-service messages, recording every call.

    with FakeWeChatAPI(appid, secret) as api:
        api.base_url            # http://127.0.0.1:<port>/cgi-bin/
        api.calls               # [{"method", "path", "query", "json"}, ...]
        api.sent_to(openid)     # texts of /message/custom/send calls for that user
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List
from urllib.parse import parse_qs, urlsplit


class FakeWeChatAPI:
    def __init__(self, appid: str, secret: str) -> None:
        self.appid, self.secret = appid, secret
        self.token = "FAKE_ACCESS_TOKEN"
        self.calls: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/cgi-bin/"

    def start(self) -> "FakeWeChatAPI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeWeChatAPI":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def record(self, call: Dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(call)

    def calls_to(self, path: str) -> List[Dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls if c["path"] == "/cgi-bin/" + path]

    def sent_to(self, openid: str) -> List[str]:
        return [c["json"]["text"]["content"] for c in self.calls_to("message/custom/send")
                if c["json"] and c["json"].get("touser") == openid and c["status"] == 0]

    def wait_sent(self, openid: str, count: int = 1, timeout: float = 20.0) -> List[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.sent_to(openid)
            if len(sent) >= count:
                return sent
            time.sleep(0.05)
        return self.sent_to(openid)

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:   # keep pytest output clean
                pass

            def _answer(self, payload: Dict[str, Any]) -> None:
                body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _call(self, method: str) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    data = json.loads(raw.decode("utf-8")) if raw else None
                except ValueError:
                    data = None
                if url.path == "/cgi-bin/token" and method == "GET":
                    ok = query.get("appid") == api.appid and query.get("secret") == api.secret \
                        and query.get("grant_type") == "client_credential"
                    payload = {"access_token": api.token, "expires_in": 7200} if ok else \
                        {"errcode": 40125, "errmsg": "invalid appsecret"}
                elif url.path == "/cgi-bin/message/custom/send" and method == "POST":
                    payload = {"errcode": 0, "errmsg": "ok"} if query.get("access_token") == api.token else \
                        {"errcode": 40001, "errmsg": "invalid credential"}
                else:
                    payload = {"errcode": 404, "errmsg": "not faked"}
                api.record({"method": method, "path": url.path, "query": query, "json": data,
                            "status": payload.get("errcode", 0)})
                self._answer(payload)

            def do_GET(self) -> None:
                self._call("GET")

            def do_POST(self) -> None:
                self._call("POST")

        return Handler
