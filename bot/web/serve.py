"""Serve the web chat page (bot/web/) and the locally installed rasa-webchat bundle.

    python -m bot.web.serve --port 8080                                  # Rasa at <page host>:5005
    python -m bot.web.serve --port 8080 --rasa-url http://localhost:5005

Only files inside bot/web/ with a known extension are served (no directory listing,
no .py files); /vendor/rasa-webchat.js is node_modules/rasa-webchat/lib/index.js
(`npm ci` installs it). /config.js is written per request and tells the page where
the Rasa socket.io channel is. /plan.ics and /plan/print give a family plan's calendar
file and print view, computed from the situation in the link (actions/family_plan), so
no plan is stored on the server. Every response carries a Content-Security-Policy that
allows scripts, styles and images from this server only, and network connections to
this server and the Rasa URL only.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

WEB_DIR = Path(__file__).resolve().parent
ROOT = WEB_DIR.parent.parent
WEBCHAT_BUNDLE = ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
VENDOR_PATH = "/vendor/rasa-webchat.js"
DEFAULT_RASA_PORT = 5005
SOCKET_PATH = "/socket.io/"
PLAN_ICS_PATH = "/plan.ics"
PLAN_PRINT_PATH = "/plan/print"
MAX_QUERY_CHARS = 1000

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}
# A Host header we are willing to put into config.js and the CSP: a DNS name or an IP.
_HOST = re.compile(r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def origin_of(url: str) -> str:
    """'http://localhost:5005/' -> 'http://localhost:5005'; refuse anything that is not http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise ValueError(f"give the Rasa server's origin only (scheme://host:port): {url!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def websocket_origin(origin: str) -> str:
    return "wss" + origin[len("https"):] if origin.startswith("https:") else "ws" + origin[len("http"):]


def content_security_policy(rasa_origin: str) -> str:
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        # rasa-webchat injects its stylesheet as <style> elements at run time.
        "style-src 'self' 'unsafe-inline'",
        # The widget's icons are data: URIs; no image from anywhere else.
        "img-src 'self' data:",
        "font-src 'self' data:",
        f"connect-src 'self' {rasa_origin} {websocket_origin(rasa_origin)}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ])


class PageHandler(BaseHTTPRequestHandler):
    server_version = "assistant-web"
    sys_version = ""
    rasa_url: str | None = None          # fixed Rasa origin, or None: the page's host on rasa_port
    rasa_port: int = DEFAULT_RASA_PORT
    quiet: bool = False

    # ------------------------------------------------------------ routing

    def do_GET(self) -> None:
        self.respond(head=False)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def respond(self, *, head: bool) -> None:
        rasa = self.rasa_origin()
        if rasa is None:
            return self.send_text(HTTPStatus.BAD_REQUEST, "bad Host header\n", head=head)
        path = unquote(urlsplit(self.path).path)
        if path == "/config.js":
            body = ("// Written by bot/web/serve.py for this request.\n"
                    f"window.ASSISTANT_CONFIG = {json.dumps({'rasaUrl': rasa, 'socketPath': SOCKET_PATH})};\n")
            return self.send_body(HTTPStatus.OK, body.encode(), CONTENT_TYPES[".js"], rasa, head=head)
        if path in (PLAN_ICS_PATH, PLAN_PRINT_PATH):
            return self.send_plan(path, urlsplit(self.path).query, rasa, head=head)
        if path == VENDOR_PATH:
            if not WEBCHAT_BUNDLE.is_file():
                return self.send_text(HTTPStatus.SERVICE_UNAVAILABLE,
                                      "rasa-webchat is not installed: run `npm ci` in the repository root.\n",
                                      head=head, rasa=rasa)
            return self.send_body(HTTPStatus.OK, WEBCHAT_BUNDLE.read_bytes(), CONTENT_TYPES[".js"], rasa,
                                  head=head, cache="public, max-age=3600")
        file = self.static_file("/index.html" if path == "/" else path)
        if file is None:
            return self.send_text(HTTPStatus.NOT_FOUND, "not found\n", head=head, rasa=rasa)
        return self.send_body(HTTPStatus.OK, file.read_bytes(), CONTENT_TYPES[file.suffix], rasa, head=head)

    def do_POST(self) -> None:
        self.send_text(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed\n", head=False, allow="GET, HEAD")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def send_plan(self, path: str, query: str, rasa: str, *, head: bool) -> None:
        """The calendar file or the print view of the plan the link describes."""
        from actions import templates
        from actions.family_plan.build import build_plan, situation_of_link
        from actions.family_plan.calendar import plan_ics
        from actions.family_plan.render import print_html

        try:
            if len(query) > MAX_QUERY_CHARS:
                raise ValueError("query too long")
            plan = build_plan(situation_of_link(query))
        except ValueError:
            return self.send_text(HTTPStatus.BAD_REQUEST, templates.plan_bad_link() + "\n", head=head, rasa=rasa)
        except Exception:   # the store missing or broken: a polite answer, the trace in the log
            sys.stderr.write("[web] plan failed\n" + traceback.format_exc())
            return self.send_text(HTTPStatus.SERVICE_UNAVAILABLE, templates.action_failed() + "\n", head=head,
                                  rasa=rasa)
        if path == PLAN_ICS_PATH:
            return self.send_body(HTTPStatus.OK, plan_ics(plan), "text/calendar; charset=utf-8", rasa, head=head,
                                  disposition='attachment; filename="family-plan.ics"')
        return self.send_body(HTTPStatus.OK, print_html(plan).encode(), CONTENT_TYPES[".html"], rasa, head=head)

    @staticmethod
    def static_file(path: str) -> Path | None:
        """A regular file inside bot/web/ with a served extension, or None."""
        if "\x00" in path or "\\" in path or path.endswith("/"):
            return None
        names = [part for part in path.split("/") if part]
        if not names or any(name.startswith(".") or name == "__pycache__" for name in names):
            return None
        candidate = (WEB_DIR.joinpath(*names)).resolve()
        if not candidate.is_relative_to(WEB_DIR) or not candidate.is_file():
            return None
        if candidate.suffix not in CONTENT_TYPES:
            return None
        return candidate

    def rasa_origin(self) -> str | None:
        if self.rasa_url:
            return self.rasa_url
        host = self.headers.get("Host", "localhost")
        match = _HOST.match(host)
        if not match:
            return None
        return f"http://{match.group('name')}:{self.rasa_port}"

    # ------------------------------------------------------------ responses

    def security_headers(self, rasa: str | None) -> None:
        if rasa:
            self.send_header("Content-Security-Policy", content_security_policy(rasa))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")

    def send_body(self, status: HTTPStatus, body: bytes, content_type: str, rasa: str | None, *,
                  head: bool, cache: str = "no-cache", allow: str | None = None,
                  disposition: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if disposition:
            self.send_header("Content-Disposition", disposition)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        if allow:
            self.send_header("Allow", allow)
        self.security_headers(rasa)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def send_text(self, status: HTTPStatus, text: str, *, head: bool, rasa: str | None = None,
                  allow: str | None = None) -> None:
        self.send_body(status, text.encode(), CONTENT_TYPES[".txt"], rasa, head=head, allow=allow)

    def log_message(self, format: str, *args) -> None:   # noqa: A002 - http.server's signature
        if not self.quiet:
            sys.stderr.write(f"[web] {self.address_string()} {format % args}\n")


def make_server(*, host: str = "127.0.0.1", port: int = 8080, rasa_url: str | None = None,
                rasa_port: int = DEFAULT_RASA_PORT, quiet: bool = False) -> ThreadingHTTPServer:
    handler = type("ConfiguredPageHandler", (PageHandler,), {
        "rasa_url": origin_of(rasa_url) if rasa_url else None, "rasa_port": rasa_port, "quiet": quiet})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(**kwargs) -> ThreadingHTTPServer:
    """Start a server in a daemon thread (tests, bot.ops.stack); stop it with .shutdown()."""
    server = make_server(**kwargs)
    threading.Thread(target=server.serve_forever, name="web-page", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.web.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default=None,
                        help="origin of the Rasa server with the socketio channel, e.g. http://localhost:5005 "
                             "(default: the page's own host on --rasa-port)")
    parser.add_argument("--rasa-port", type=int, default=DEFAULT_RASA_PORT)
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    try:
        server = make_server(host=args.host, port=args.port, rasa_url=args.rasa_url, rasa_port=args.rasa_port,
                             quiet=args.quiet)
    except ValueError as err:
        parser.error(str(err))
    if not WEBCHAT_BUNDLE.is_file():
        print(f"warning: {WEBCHAT_BUNDLE.relative_to(ROOT)} is missing: run `npm ci` first.", file=sys.stderr)
    rasa = args.rasa_url or f"http://<page host>:{args.rasa_port}"
    print(f"Web chat: http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:{args.port}/ "
          f"(Rasa socket.io at {rasa})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
