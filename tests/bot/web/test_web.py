"""The web chat page (bot/web/): its static server, and the page in a real browser.

The browser tests drive Debian's chromium (/usr/bin/chromium) headless with Playwright for
Python against a live stack (tests/conftest.py live_stack: free ports, a temporary tracker db)
and the page server on a free port. They need `npm ci` (node_modules/rasa-webchat, and axe-core
for the accessibility check) and the `chromium` package; without them they are skipped, saying
so. Screenshots and server logs go to test-artifacts/; the phone screenshots (390 × 844, 标准 and
大字) and axe-core's findings also to reports/web/.

The phone tests hold the page to China's 适老化 rules for websites and GB/T 37668 where a
browser can measure them: the conversation fills the screen, a 大字 mode (text ≥ 18 px, line
spacing ≥ 1.3, buttons ≥ 60 × 60; 44 × 44 in standard mode), contrast ≥ 4.5 : 1, every control
named in Chinese, everything reachable by keyboard, answers read aloud by the browser.
"""
from __future__ import annotations

import http.client
import json
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from bot.web import serve
from tests.conftest import CHROMIUM, save_screenshot

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
REPORTS = ROOT / "reports" / "web"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
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


def page_script_code(name: str) -> str:
    """A script of the page without its comments and string contents."""
    source = (serve.WEB_DIR / name).read_text(encoding="utf-8")
    token = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*', re.S)
    return token.sub(lambda m: '""' if m.group(0)[0] in "\"'" else " ", source)


@pytest.mark.parametrize("name", ["app.js", "text-size.js"])
def test_page_scripts_run_in_old_in_app_browsers(name):
    """WeChat's and other apps' built-in browsers can be old: the page's own scripts are ES5 and
    call no API that such a browser may lack without checking for it first."""
    code = page_script_code(name)
    for pattern, what in [(r"=>", "arrow function"), (r"`", "template literal"), (r"\blet\s", "let"),
                          (r"\bconst\s", "const"), (r"\bclass\s", "class"), (r"\basync\b|\bawait\b", "async"),
                          (r"\?\.|\?\?", "?. or ??"), (r"\.\.\.", "spread"), (r"\bof\s", "for … of"),
                          (r"\.toggle\([^)]*,", "classList.toggle(name, force)"),
                          (r"\.(includes|startsWith|endsWith|find|findIndex)\(", "ES2015 method"),
                          (r"Array\.from|Object\.assign|\bPromise\b|\bfetch\(", "ES2015 API")]:
        assert not re.search(pattern, code), f"{name}: {what}"
    if name == "app.js":
        # Optional features are looked for before use.
        for feature in ["window.speechSynthesis", "window.MutationObserver", "window.localStorage",
                        "navigator.geolocation"]:
            assert re.search(re.escape(feature) + r"\s*(&&|\)|\?)", code), f"{feature} is not checked for"


def test_axe_core_is_pinned_for_the_tests_and_never_served(page_server):
    package = json.loads((ROOT / "package.json").read_text())
    assert package["devDependencies"]["axe-core"] == "4.14.1"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"]
    assert lock["packages"]["node_modules/axe-core"]["version"] == "4.14.1"
    html = (serve.WEB_DIR / "index.html").read_text(encoding="utf-8")
    assert "axe" not in html
    for path in ["/vendor/axe.min.js", "/axe.min.js", "/node_modules/axe-core/axe.min.js"]:
        assert fetch(page_server, path)[0] == 404, path


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
def browser(live, chromium_browser):
    return chromium_browser


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


# ---------------------------------------------------------------- a phone: layout, 大字, accessibility

PHONE = {"width": 390, "height": 844}
LEAVE_QUESTION = "包头产假多少天"
SUBSIDY_QUESTION = "育儿补贴审核要多久，多久发一次？"
CJK = re.compile(r"[\u3400-\u9fff]")
# Instead of the browser's voice: what 朗读 asked it to say (speak), and whether it was stopped.
SPEECH_RECORDER = """
(() => {
  window.__spoken = [];
  window.__speechCancelled = 0;
  if (window.speechSynthesis) {
    window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, lang: u.lang});
    window.speechSynthesis.cancel = () => { window.__speechCancelled += 1; };
  }
})();
"""
NO_SPEECH = "Object.defineProperty(window, 'speechSynthesis', {value: undefined, configurable: true});"
# Everything a person can press or type into, with its box and what a screen reader calls it.
CONTROLS = """() => [...document.querySelectorAll(
    'button, [role=button], [role=switch], a[href], input, textarea, select')]
  .filter((e) => { const b = e.getBoundingClientRect(); const s = getComputedStyle(e);
                   return b.width > 0 && b.height > 0 && s.visibility !== 'hidden'; })
  .map((e) => { const b = e.getBoundingClientRect();
                return {tag: e.tagName.toLowerCase(), cls: e.className, text: e.textContent.trim().slice(0, 20),
                        label: e.getAttribute('aria-label'), width: b.width, height: b.height,
                        inline: e.tagName === 'A' && !e.classList.contains('rw-reply')}; })"""


@pytest.fixture()
def phone(browser):
    """open_phone(large=False, speech=True, bypass_csp=False) -> a page at 390 × 844 with the chat open."""
    contexts = []

    def open_phone(*, large: bool = False, speech: bool = True, bypass_csp: bool = False):
        context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                      has_touch=True, service_workers="block", bypass_csp=bypass_csp)
        contexts.append(context)
        context.set_default_timeout(20_000)
        # Nothing from other hosts (the widget's stylesheet @imports a web font; the CSP blocks it anyway).
        context.route(re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])"), lambda route: route.abort())
        context.add_init_script(SPEECH_RECORDER if speech else NO_SPEECH)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        open_chat(page)
        if large:
            page.get_by_role("switch", name="大字").click()
            assert page.evaluate("() => document.documentElement.classList.contains('large-text')")
        return page

    yield open_phone
    for context in contexts:
        context.close()


def answer_to(page, question: str):
    """Ask through the widget; the bot's bubble once the answer is complete (feedback buttons shown)."""
    before = page.locator(".rw-from-response .rw-response").count()
    ask(page, question)
    page.locator(".rw-client", has_text=question).first.wait_for()
    try:   # (the widget shows a message's buttons only while it is the last one)
        page.wait_for_function(
            "n => document.querySelectorAll('.rw-from-response .rw-response').length > n"
            " && [...document.querySelectorAll('.rw-reply')].some(e => e.textContent === '有帮助')"
            " && !document.querySelector('.rw-typing-indication')", arg=before)
    except Exception as error:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web-no-answer.png"))
        raise AssertionError(f"no complete answer to {question!r}; the chat shows:\n"
                             + page.locator("#webchat").inner_text()) from error
    page.wait_for_timeout(300)   # the observer's 朗读 button and scrolling
    return page.locator(".rw-from-response .rw-response").last




def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def answer_in_view(page, answer) -> None:
    """The answer's first lines are on screen (not scrolled away under its sources)."""
    shown = box(page, ".rw-messages-container")
    top = answer.bounding_box()["y"]
    assert shown["y"] - 1 <= top <= shown["y"] + shown["height"] - 60, (top, shown)


def assert_touch_targets(page, minimum: int) -> None:
    small = [control for control in page.evaluate(CONTROLS) if not control["inline"]
             and (control["width"] < minimum - 0.5 or control["height"] < minimum - 0.5)]
    assert not small, f"controls smaller than {minimum} × {minimum} px: {small}"


@pytest.mark.parametrize("mode", ["standard", "large"])
def test_phone_screen_is_the_conversation(phone, mode):
    large = mode == "large"
    page = phone(large=large)
    viewport = PHONE["height"]
    header, chat = box(page, ".page-header"), box(page, "#webchat")
    if not large:
        assert header["height"] <= 56, f"header {header['height']} px high"
    assert chat["height"] >= 0.75 * viewport, f"conversation {chat['height']} px of {viewport}"
    assert page.locator("#info").is_hidden()            # the notes wait behind 说明

    for question, name, expected in [(LEAVE_QUESTION, "leave", "158"), (SUBSIDY_QUESTION, "subsidy", "30个工作日")]:
        answer = answer_to(page, question)
        assert expected in answer.inner_text()
        answer_in_view(page, answer)
        path = save_screenshot(page, role="web", name=f"{name}-{mode}.png")
        assert path.stat().st_size > 10_000

        text = page.evaluate("""() => [...document.querySelectorAll('.rw-response, .rw-client')].map((e) => {
            const s = getComputedStyle(e.querySelector('p') || e);
            return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight), lineRaw: s.lineHeight}; })""")
        for style in text:
            assert style["line"] >= 1.3 * style["size"], style
            assert style["size"] >= (18 if large else 16), style
        assert_touch_targets(page, 60 if large else 44)
    assert chat == box(page, "#webchat")                # answers scroll inside; the page does not grow
    assert page.evaluate("() => document.scrollingElement.scrollHeight") <= viewport
    assert not page.errors


def test_large_text_is_remembered_on_this_device(phone):
    page = phone()
    switch = page.get_by_role("switch", name="大字")
    assert switch.get_attribute("aria-checked") == "false"

    def size() -> float:
        return page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.rw-response')).fontSize)")

    standard = size()
    switch.click()
    assert switch.get_attribute("aria-checked") == "true" and size() >= 18 > standard
    assert page.evaluate("() => localStorage.getItem('assistant_text_size')") == "large"
    page.reload()
    page.locator(".rw-response").first.wait_for()
    assert page.get_by_role("switch", name="大字").get_attribute("aria-checked") == "true" and size() >= 18
    page.get_by_role("switch", name="大字").click()
    page.reload()
    page.locator(".rw-response").first.wait_for()
    assert page.get_by_role("switch", name="大字").get_attribute("aria-checked") == "false" and size() == standard


def test_location_note_behind_the_info_toggle(phone):
    page = phone()
    toggle = page.locator("#info-toggle")
    assert toggle.get_attribute("aria-expanded") == "false" and toggle.get_attribute("aria-controls") == "info"
    assert page.locator("#info").is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "位置（约百米精度）只随这一条消息发送" in page.locator("#info").inner_text()
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and page.locator("#info").is_hidden()
    assert page.evaluate("() => document.activeElement.id") == "info-toggle"


def test_read_aloud_uses_the_browsers_voice_in_chinese(phone):
    page = phone()
    answer = answer_to(page, LEAVE_QUESTION)
    speak = answer.locator("xpath=following-sibling::div[contains(@class, 'speak-row')][1]//button")
    assert speak.get_attribute("aria-label") == "朗读这条回答" and speak.inner_text() == "朗读"
    assert page.get_by_role("button", name="朗读这条回答").count() == 2      # the greeting and the answer
    speak.click()
    spoken = page.evaluate("() => window.__spoken")
    said = "".join(item["text"] for item in spoken)
    assert {item["lang"] for item in spoken} == {"zh-CN"}
    assert "188" in said and "包头" in said and "来源：《" not in said and "政策出处" in said
    assert speak.get_attribute("aria-pressed") == "true" and speak.get_attribute("aria-label") == "停止朗读"
    speak.click()                                                   # pressed again: stops
    assert speak.get_attribute("aria-pressed") == "false" and page.evaluate("() => window.__speechCancelled") >= 1
    # The widget's own buttons still work next to it.
    page.locator(".rw-reply", has_text="有帮助").last.click()
    page.locator(".rw-response", has_text="谢谢您的反馈").first.wait_for()
    assert not page.errors


def test_no_read_aloud_button_without_speech_synthesis(phone):
    page = phone(speech=False)
    answer = answer_to(page, LEAVE_QUESTION)
    assert "188" in answer.inner_text()
    assert page.locator(".speak-button").count() == 0
    assert not page.errors


def test_keyboard_alone_reaches_every_control_and_sends(phone):
    page = phone()
    page.get_by_role("button", name="朗读这条回答").first.wait_for()
    page.locator("h1").click()                  # Tab starts from the top of the page
    describe = """() => { const e = document.activeElement;
        return e ? (e.id || e.getAttribute('aria-label') || e.className || e.tagName) : ''; }"""
    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(describe))
        if reached[-1] == "输入您的问题":
            break
    for control in ["text-size", "info-toggle", "reset", "朗读这条回答", "输入您的问题"]:
        assert control in reached, f"Tab does not reach {control}: {reached}"
    # Every stop shows where the focus is.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.rw-sender')).boxShadow") != "none"

    page.keyboard.type(LEAVE_QUESTION)
    page.keyboard.press("Tab")
    assert page.evaluate(describe) == "发送"                  # enabled once there is text
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")                             # Enter in the text box sends
    page.locator(".rw-client", has_text=LEAVE_QUESTION).first.wait_for()
    page.locator(".rw-response", has_text="188").first.wait_for()
    page.locator(".rw-reply", has_text="有帮助").first.wait_for()

    # The switch, the info toggle, 朗读 and the bot's buttons answer to the keyboard too.
    page.locator("#text-size").focus()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Space")
    assert page.locator("#text-size").get_attribute("aria-checked") == "true"
    page.locator("#info-toggle").focus()
    page.keyboard.press("Enter")
    assert page.locator("#info-toggle").get_attribute("aria-expanded") == "true"
    page.locator(".speak-button").last.focus()
    page.keyboard.press("Enter")
    assert "188" in "".join(item["text"] for item in page.evaluate("() => window.__spoken"))
    page.locator(".rw-reply", has_text="有帮助").last.focus()
    page.keyboard.press("Enter")
    page.locator(".rw-response", has_text="谢谢您的反馈").first.wait_for()
    assert not page.errors


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: str, background: str) -> float:
    def rgb(css: str) -> tuple[float, float, float]:
        values = [float(v) for v in re.findall(r"[\d.]+", css)[:4]]
        assert len(values) == 3 or values[3] == 1, f"not opaque: {css}"
        return tuple(values[:3])
    lighter, darker = sorted([relative_luminance(rgb(foreground)), relative_luminance(rgb(background))], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Text colour and the colour behind it, as the browser computed them (the first opaque background).
COLOUR_PAIRS = """() => {
  const behind = (e) => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
                          if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
  const pair = (name, selector, pseudo) => { const e = document.querySelector(selector);
    return e && {name, color: getComputedStyle(e, pseudo || null).color, background: behind(e)}; };
  return [pair('标题', 'h1'), pair('机器人气泡', '.rw-response'), pair('用户气泡', '.rw-client'),
          pair('气泡中的链接', '.rw-response a'), pair('回复按钮', '.rw-reply'), pair('朗读按钮', '.speak-button'),
          pair('工具按钮', '#reset'), pair('开关', '#text-size'), pair('说明按钮', '#info-toggle'),
          pair('输入框', '.rw-new-message'), pair('输入框提示文字', '.rw-new-message', '::placeholder'),
          pair('页脚', '.page-footer')].filter(Boolean);
}"""


def inject_bot_message(sender: str, text: str) -> None:
    """Rasa's own API sends a bot message through the socket.io channel to the page."""
    request = urllib.request.Request(
        f"{Live.rasa_url}/conversations/{sender}/tracker/events?output_channel=socketio&execute_side_effects=true",
        data=json.dumps({"event": "bot", "text": text}).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()


@pytest.mark.parametrize("mode", ["standard", "large"])
def test_accessibility_with_a_conversation(phone, mode):
    """axe-core finds nothing serious or critical; contrast ≥ 4.5 : 1; every control has a Chinese name."""
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is not installed: run `npm ci`")
    # axe is put into the page by the test only (the page's CSP allows no inline script: bypassed here).
    page = phone(large=mode == "large", bypass_csp=True)
    inject_bot_message(session_id(page), "详见[国家卫生健康委员会网站](https://www.nhc.gov.cn/)。")  # a link
    page.locator(".rw-response a", has_text="国家卫生健康委员会网站").wait_for()
    answer_to(page, SUBSIDY_QUESTION)

    page.add_script_tag(path=str(AXE))
    # axe's default rules (WCAG 2.x A/AA and best practices) and WCAG 2.2's target size.
    results = page.evaluate("() => axe.run(document, {rules: {'target-size': {enabled: true}}})")
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [" ".join(node["target"]) for node in v["nodes"]][:5]} for v in results["violations"]]
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"axe-{mode}.json"
    report.write_text(json.dumps({"axe": results["testEngine"]["version"], "url": "390×844, " + mode,
                                  "passes": sorted(v["id"] for v in results["passes"]),
                                  "incomplete": {v["id"]: [{"node": " ".join(node["target"]),
                                                            "why": [check["message"] for check in node["any"]]}
                                                           for node in v["nodes"]] for v in results["incomplete"]},
                                  "violations": violations}, ensure_ascii=False, indent=1), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(report, ARTIFACTS / f"web-axe-{mode}.json")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, "axe-core: " + json.dumps(serious, ensure_ascii=False, indent=1)
    print(f"axe {mode}: {len(results['passes'])} rules pass; violations by impact:",
          {impact: sum(v["impact"] == impact for v in violations) for impact in ("critical", "serious", "moderate", "minor")})

    for pair in page.evaluate(COLOUR_PAIRS):
        ratio = contrast(pair["color"], pair["background"])
        assert ratio >= 4.5, f"{pair['name']}: {pair['color']} on {pair['background']} is {ratio:.2f} : 1"

    # The names a screen reader announces, from chromium's accessibility tree.
    cdp = page.context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    roles = {"button", "switch", "link", "textbox", "searchbox", "combobox", "checkbox", "radio", "menuitem", "tab"}
    controls = [(node["role"]["value"], (node.get("name") or {}).get("value", "")) for node in tree
                if not node.get("ignored") and node.get("role", {}).get("value") in roles]
    unnamed = [control for control in controls if not CJK.search(control[1])]
    assert len(controls) >= 10 and not unnamed, f"controls without a Chinese name: {unnamed} (of {controls})"
    for expected in [("switch", "大字"), ("button", "说明"), ("button", "发送"), ("textbox", "输入您的问题"),
                     ("button", "朗读这条回答"), ("button", "有帮助"), ("link", "国家卫生健康委员会网站")]:
        assert expected in controls, (expected, controls)
    assert not page.errors
