"""The web chat page (bot/web/): its static server, and the page in a real browser.

The browser tests drive Debian's chromium (/usr/bin/chromium) headless with Playwright for
Python against a live stack (tests/conftest.py live_stack: free ports, a temporary tracker db)
and the page server on a free port. They need `npm ci` (node_modules/rasa-webchat) and the `chromium` package; without
them they are skipped, saying so. Screenshots and server logs go to test-artifacts/.
"""
from __future__ import annotations

import http.client
import json
import re
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from bot.web import serve

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# What the static server's configuration tests use (no server listens there).
RASA_PORT = 5205
RASA_URL = f"http://localhost:{RASA_PORT}"
WEB_CHANNEL = "bot.channels.socketio.SocketIOInput"
WEB_CHANNEL_SETTINGS = {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
                        "session_persistence": True, "metadata_key": "customData"}
# A demo facility in build/knowledge.db (昆都仑区普惠托育点A).
NEAR_FACILITY = {"latitude": 40.663, "longitude": 109.83}


# ---------------------------------------------------------------- the static server (no browser)

@pytest.fixture(scope="module")
def page_server():
    server = serve.serve_in_thread(host="127.0.0.1", port=0, rasa_url=RASA_URL, quiet=True)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def fetch(port: int, path: str, *, method: str = "GET", host: str | None = None):
    """(status, headers, body) for a raw request path (no normalisation of '..')."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_host=host is not None)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.headers, body


def test_page_and_its_files_have_the_right_content_types(page_server):
    status, headers, body = fetch(page_server, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>生育政策智能助手</title>" in body.decode("utf-8")
    for path, content_type in [("/app.js", "text/javascript"), ("/style.css", "text/css"),
                               ("/config.js", "text/javascript")]:
        status, headers, _ = fetch(page_server, path)
        assert status == 200 and headers["Content-Type"].startswith(content_type), path
    status, _, body = fetch(page_server, "/config.js")
    assert json.loads(body.decode().split("window.ASSISTANT_CONFIG = ", 1)[1].rstrip(";\n")) == {
        "rasaUrl": RASA_URL, "socketPath": "/socket.io/"}


def test_page_loads_the_widget_from_this_server_only(page_server):
    html = (serve.WEB_DIR / "index.html").read_text(encoding="utf-8")
    assert '<script src="/vendor/rasa-webchat.js"></script>' in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "the page loads nothing from another host"
    if not serve.WEBCHAT_BUNDLE.is_file():
        pytest.skip("node_modules/rasa-webchat is not installed: run `npm ci`")
    status, headers, body = fetch(page_server, serve.VENDOR_PATH)
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert body == serve.WEBCHAT_BUNDLE.read_bytes()
    assert json.loads((ROOT / "package.json").read_text())["dependencies"]["rasa-webchat"] == "1.0.1"


def test_every_response_carries_the_security_headers(page_server):
    for path in ["/", "/app.js", "/nothing-here"]:
        _, headers, _ = fetch(page_server, path)
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert csp["default-src"] == "'none'"
        assert csp["script-src"] == "'self'"
        assert csp["connect-src"] == f"'self' {RASA_URL} ws://localhost:{RASA_PORT}"
        assert csp["frame-ancestors"] == "'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "geolocation=(self)" in headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/serve.py", "/channel.py", "/__init__.py", "/../stack.py", "/%2e%2e/stack.py",
                                  "/..%2fstack.py", "/vendor/", "/__pycache__/", "/.gitignore", "/bot/web/app.js",
                                  "/node_modules/rasa-webchat/package.json", "/index.html/", "//etc/passwd"])
def test_nothing_outside_the_page_is_served(page_server, path):
    status, headers, body = fetch(page_server, path)
    assert status == 404, (path, body[:200])
    assert "Content-Security-Policy" in headers


def test_only_get_and_head(page_server):
    assert fetch(page_server, "/", method="HEAD")[0] == 200
    assert fetch(page_server, "/", method="POST")[0] == 405


def test_default_rasa_url_is_the_page_host_on_5005():
    server = serve.serve_in_thread(host="127.0.0.1", port=0, quiet=True)
    port = server.server_address[1]
    try:
        status, headers, body = fetch(port, "/config.js", host=f"assistant.example:{port}")
        assert status == 200 and '"rasaUrl": "http://assistant.example:5005"' in body.decode()
        assert "connect-src 'self' http://assistant.example:5005 ws://assistant.example:5005" in \
            headers["Content-Security-Policy"]
        assert fetch(port, "/config.js", host='x";alert(1);"')[0] == 400
    finally:
        server.shutdown()
        server.server_close()


def test_rasa_url_must_be_an_origin():
    assert serve.origin_of("http://localhost:5005/") == "http://localhost:5005"
    assert serve.websocket_origin("https://bot.example") == "wss://bot.example"
    for bad in ["javascript:alert(1)", "http://localhost:5005/x", "localhost:5005", "http://u:p@host"]:
        with pytest.raises(ValueError):
            serve.origin_of(bad)


def test_credentials_register_the_web_channel():
    """credentials.yml must use bot.channels.socketio.SocketIOInput (see that module) for the page to work."""
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    expected = "\n".join([f"{WEB_CHANNEL}:"] + [f"  {key}: {json.dumps(value)}".replace('"', "")
                                                  for key, value in WEB_CHANNEL_SETTINGS.items()])
    assert "socketio" not in credentials and credentials.get(WEB_CHANNEL) == WEB_CHANNEL_SETTINGS, (
        "credentials.yml: replace the `socketio:` block with\n" + expected)


# ---------------------------------------------------------------- the page in a browser

def credentials_for_the_page(tmp: Path) -> Path:
    """credentials.yml if it registers the web channel; else a copy that does (the check above fails)."""
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    if credentials.get(WEB_CHANNEL) == WEB_CHANNEL_SETTINGS and "socketio" not in credentials:
        return ROOT / "credentials.yml"
    credentials.pop("socketio", None)
    credentials[WEB_CHANNEL] = WEB_CHANNEL_SETTINGS
    path = tmp / "credentials.yml"
    path.write_text(yaml.safe_dump(credentials, allow_unicode=True), encoding="utf-8")
    return path


class Live:
    """Where the live stack's Rasa server and the page server listen (set by `live`)."""
    rasa_url = ""
    page_url = ""


@pytest.fixture(scope="module")
def live(live_stack, tmp_path_factory):
    """The stack and the page server, on free ports (tests/conftest.py live_stack)."""
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (requirements.lock)")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is missing: apt-get install -y chromium")
    if not serve.WEBCHAT_BUNDLE.is_file():
        pytest.skip("node_modules/rasa-webchat is not installed: run `npm ci`")
    tmp = tmp_path_factory.mktemp("web")
    stack = live_stack("web", log_dir=ARTIFACTS / "logs", credentials=credentials_for_the_page(tmp))
    Live.rasa_url = f"http://localhost:{stack.rasa_port}"
    server = serve.serve_in_thread(host="127.0.0.1", port=0, rasa_url=Live.rasa_url, quiet=True)
    Live.page_url = f"http://localhost:{server.server_address[1]}/"
    try:
        yield stack
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(live):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    """A fresh browser profile (empty localStorage) allowed to read a fixed location."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900},
                                  permissions=["geolocation"], geolocation=NEAR_FACILITY,
                                  service_workers="block")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.errors = []
    page.dialogs = []
    page.sent = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: page.sent.append(frame)))
    # socket.io starts on HTTP long-polling: packets in POST bodies, separated by \x1e.
    page.on("request", lambda request: page.sent.extend((request.post_data or "").split("\x1e"))
            if "/socket.io/" in request.url and request.method == "POST" else None)
    yield page
    context.close()


def open_chat(page) -> str:
    """Open the page, wait for the greeting; the widget's session id."""
    page.goto(Live.page_url)
    assert page.title() == "生育政策智能助手"
    page.locator(".rw-response", has_text="生育政策智能助手").first.wait_for()
    return session_id(page)


def session_id(page) -> str:
    stored = page.evaluate("() => window.localStorage.getItem('chat_session')")
    return json.loads(stored)["session_id"]


def ask(page, text: str) -> None:
    page.locator(".rw-new-message").fill(text)
    page.keyboard.press("Enter")


def user_messages(payloads) -> list[dict]:
    """The user_uttered payloads among the socket.io frames the page sent."""
    messages = []
    for frame in payloads:
        if isinstance(frame, str) and frame.startswith('42["user_uttered"'):
            messages.append(json.loads(frame[2:])[1])
    return messages


def tracker_texts(sender: str) -> list[str]:
    with urllib.request.urlopen(f"{Live.rasa_url}/conversations/{sender}/tracker", timeout=10) as response:
        return [event.get("text") for event in json.load(response)["events"] if event["event"] == "user"]


def test_answer_survives_reload_and_buttons_work(page):
    started = time.perf_counter()
    sid = open_chat(page)
    ask(page, "包头生三孩产假多少天")
    answer = page.locator(".rw-response", has_text="188").first
    answer.wait_for()
    assert "包头" in answer.inner_text()
    page.locator(".rw-reply", has_text="有帮助").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-188.png"), full_page=True)

    page.reload()
    page.locator(".rw-response", has_text="188").first.wait_for()   # shown again, from localStorage
    assert page.locator(".rw-client", has_text="包头生三孩产假多少天").count() == 1
    assert session_id(page) == sid                                     # same conversation at Rasa
    assert "包头生三孩产假多少天" in tracker_texts(sid)

    # After the reload the browser has a new socket: the reply reaches it only if it rejoined the session.
    page.locator(".rw-reply", has_text="有帮助").first.click()
    page.locator(".rw-response", has_text="谢谢您的反馈").first.wait_for()
    assert '/feedback{"helpful": "yes"}' in tracker_texts(sid)
    assert not page.errors and not page.dialogs
    print(f"stack + page flow in {time.perf_counter() - started:.1f} s")


def test_markup_from_the_bot_is_shown_as_text(page):
    sid = open_chat(page)
    crafted = ('注意 <img src=x onerror="alert(1)"> 和 <script>alert(2)</script> '
               '<b onmouseover="alert(3)">粗体</b> [点我](javascript:alert(4))')
    # Rasa's own API sends the text through the socket.io channel to this browser.
    request = urllib.request.Request(
        f"{Live.rasa_url}/conversations/{sid}/tracker/events?output_channel=socketio&execute_side_effects=true",
        data=json.dumps({"event": "bot", "text": crafted}).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()

    message = page.locator(".rw-response", has_text="onerror").first
    message.wait_for()
    text = message.inner_text()
    assert '<img src=x onerror="alert(1)">' in text and "<script>alert(2)</script>" in text
    assert message.locator("img, script, b, [onerror], [onmouseover]").count() == 0
    link = message.locator("a", has_text="点我")     # rasa-webchat keeps javascript: hrefs (transformLinkUri: null)
    assert link.get_attribute("href") == "javascript:alert(4)"
    link.click()                    # the page's link guard stops it (and the CSP would: script-src 'self')
    message.hover()
    page.wait_for_timeout(300)
    assert page.dialogs == [] and not page.errors
    assert len(page.context.pages) == 1


def test_my_location_goes_with_one_message(page):
    open_chat(page)
    button = page.get_by_role("button", name="用我的位置找托育")
    page.wait_for_function("() => !document.getElementById('locate').disabled")
    button.click()
    page.locator(".rw-response", has_text="离您最近").first.wait_for()
    page.locator(".rw-response", has_text="昆都仑区普惠托育点A").first.wait_for()
    assert page.locator(".rw-client", has_text="附近的托育机构").count() == 1
    ask(page, "谢谢")
    page.locator(".rw-client", has_text="谢谢").first.wait_for()
    page.wait_for_timeout(200)
    sent = {message["message"]: message["customData"] for message in user_messages(page.sent)}
    assert sent["附近的托育机构"] == {"location": NEAR_FACILITY}
    assert sent["谢谢"] == {} and sent["/greet"] == {}
    assert not page.errors
