"""The family plan ("我的生育政策清单") in the web page, against a live stack.

Two families walk the whole plan_form conversation by pressing its buttons (and typing the
date) in Debian's chromium: 包头, a second child due in about three months, both parents
职工; 呼和浩特, a first child born in 2026, the mother 灵活就业. The plan arrives as one
Markdown message that app.js makes a card (class plan-card). Then its two links: the
calendar file (parsed with icalendar) and the print view, and a bad link; last, axe-core on
a phone with the card shown, in 标准 and 大字. Screenshots: reports/web/plan-*.png (and
test-artifacts/web-plan-*.png). The fixtures, the stack and the browser are those of
test_web.py (one stack for this module).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest

from tests.bot.web import test_web
from tests.bot.web.test_web import (ARTIFACTS, AXE, CJK, PHONE, SPEECH_RECORDER, Live, ask, contrast,
                                    inject_bot_message, open_chat, session_id)
from tests.conftest import save_screenshot

# test_web.py's fixtures, here for this module: its own stack, page server and browser.
live, browser, phone = test_web.live, test_web.browser, test_web.phone

TITLE = "我的生育政策清单"
START = "帮我算算我家能享受哪些政策"
QUESTIONS = {"region": "① 您家在哪个地区", "child_order": "② 这次是第几个孩子", "date": "③ 预产期或孩子的出生日期",
             "mother_work": "④ 妈妈的工作情况", "father_work": "⑤ 爸爸的工作情况", "hukou_place": "⑥ 孩子的户口"}
EMPLOYEE, FLEXIBLE = "职工（参加生育保险）", "灵活就业"
# What the form says when it could not read an answer, or an action failed.
TROUBLE = re.compile(r"没有认出|请点选一项|请告诉我是第几个孩子|抱歉|出错")
HOHHOT_BIRTH = dt.date(2026, 5, 5)      # after 2025-03-01: 呼和浩特's 生育补贴 applies


def due_date() -> dt.date:
    return dt.date.today() + dt.timedelta(days=91)


def typed(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def bot_texts(sender: str) -> list[str]:
    with urllib.request.urlopen(f"{Live.rasa_url}/conversations/{sender}/tracker", timeout=10) as response:
        return [event.get("text") or "" for event in json.load(response)["events"] if event["event"] == "bot"]


def wait_for_bot(page, text: str, selector: str = ".rw-response") -> None:
    """Wait for a bot message containing `text`; on failure, say what the chat shows."""
    try:
        page.locator(selector, has_text=text).last.wait_for()
    except Exception as error:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web-plan-stuck.png"))
        raise AssertionError(f"no bot message with {text!r}; the chat shows:\n"
                             + page.locator("#webchat").inner_text()) from error


def walk_plan(page, *, place: str, order: str, date: dt.date, mother: str, father: str) -> SimpleNamespace:
    """The plan conversation from its first sentence to the card, by its buttons."""
    sender = open_chat(page)
    ask(page, START)
    for slot, answer in [("region", place), ("child_order", order), ("date", None), ("mother_work", mother),
                         ("father_work", father), ("hukou_place", "与所在地相同")]:
        wait_for_bot(page, QUESTIONS[slot])
        if answer is None:
            ask(page, typed(date))
        else:
            page.get_by_role("button", name=answer, exact=True).last.click()
    wait_for_bot(page, TITLE, ".rw-response.plan-card")
    page.wait_for_timeout(300)   # the observer's 朗读 button and scrolling
    texts = bot_texts(sender)
    plan_text = next(text for text in texts if text.startswith(f"## {TITLE}"))
    return SimpleNamespace(page=page, sender=sender, date=date, texts=texts, plan_text=plan_text,
                           card=page.locator(".rw-response.plan-card").last)


@pytest.fixture(scope="module")
def plan_page(browser):
    """new_page() -> a page at 1024 × 900 whose 朗读 is recorded; closed with the module."""
    contexts = []

    def new_page():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900},
                                      service_workers="block", accept_downloads=True)
        contexts.append(context)
        context.set_default_timeout(20_000)
        context.route(re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])"), lambda route: route.abort())
        context.add_init_script(SPEECH_RECORDER)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def baotou(plan_page):
    return walk_plan(plan_page(), place="包头市", order="二孩", date=due_date(), mother=EMPLOYEE, father=EMPLOYEE)


@pytest.fixture(scope="module")
def hohhot(plan_page):
    return walk_plan(plan_page(), place="呼和浩特市", order="一孩", date=HOHHOT_BIRTH, mother=FLEXIBLE, father=EMPLOYEE)


def show_card(plan, name: str):
    """Scroll the card's top into view and save what the browser shows."""
    plan.card.evaluate("(card) => card.scrollIntoView({block: 'start'})")
    plan.page.wait_for_timeout(100)
    path = save_screenshot(plan.page, role="web", name=name)
    assert path.stat().st_size > 10_000
    return path


def link_href(plan, name: str) -> str:
    return plan.card.get_by_role("link", name=name).get_attribute("href")


def fetch(path: str):
    """(status, headers, body text) of a path on the page server."""
    try:
        with urllib.request.urlopen(Live.page_url.rstrip("/") + path, timeout=20) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


# ---------------------------------------------------------------- the conversation and the card

def test_baotou_plan_card(baotou):
    due, page = baotou.date, baotou.page
    assert not [text for text in baotou.texts if TROUBLE.search(text)], baotou.texts
    text = baotou.card.inner_text()
    assert f"预产期{due.isoformat()}" in text
    leave_end = due + dt.timedelta(days=157)
    assert f"规定158天。从预产期{due.isoformat()}算第1天" in text and f"休到{leave_end.isoformat()}（含当天）" in text
    assert re.search(r"护理假：内蒙古自治区规定25天", text)
    assert "每人每年10天" in text
    for figure in ["每孩每年3600元", "10800元", "每孩每月2000元"]:
        assert figure in text, figure
    assert f"最晚{due.year + 1}年12月31日" in text

    # The card: its headings, each line's sources apart, the two links as buttons.
    assert baotou.card.locator("h2").inner_text() == TITLE
    headings = baotou.card.get_by_role("heading", level=3)
    assert headings.all_inner_texts() == ["一、假期", "二、钱", "三、办事", "四、托育"]
    sources = baotou.card.locator(".plan-source")
    assert sources.count() >= 10 and all(s.startswith("（《") for s in sources.all_inner_texts())
    assert "《" not in baotou.card.locator("li").first.evaluate(
        "(li) => [...li.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('')")
    assert baotou.card.locator("a.plan-link").all_inner_texts() == ["下载日历（.ics）", "打印版"]
    styles = page.evaluate("""() => { const card = document.querySelector('.plan-card');
        const size = (s) => parseFloat(getComputedStyle(card.querySelector(s)).fontSize);
        return {card: card.getBoundingClientRect().width,
                chat: document.querySelector('.rw-messages-container').clientWidth,
                line: size('li'), source: size('.plan-source'), link: card.querySelector('a.plan-link').offsetHeight}; }""")
    assert styles["card"] >= 0.7 * styles["chat"], styles          # wider than an ordinary answer
    assert styles["source"] < styles["line"] and styles["link"] >= 44, styles
    show_card(baotou, "plan-baotou.png")
    assert not page.errors


def test_baotou_plan_card_on_a_phone(baotou):
    page = baotou.page
    page.set_viewport_size(PHONE)
    try:
        path = show_card(baotou, "plan-baotou-phone.png")
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
        assert baotou.card.evaluate("(card) => card.scrollWidth <= card.clientWidth"), "the card scrolls sideways"
        page.get_by_role("switch", name="大字").click()
        show_card(baotou, "plan-baotou-phone-large.png")
        sizes = baotou.card.evaluate("""(card) => [...card.querySelectorAll('li, .plan-source, .plan-note, a.plan-link')]
            .map((e) => ({cls: e.className, size: parseFloat(getComputedStyle(e).fontSize),
                          height: e.getBoundingClientRect().height}))""")
        assert all(item["size"] >= 18 for item in sizes), [item for item in sizes if item["size"] < 18]
        assert all(item["height"] >= 60 for item in sizes if item["cls"] == "plan-link"), sizes
        assert path.is_file() and not page.errors
    finally:
        if page.get_by_role("switch", name="大字").get_attribute("aria-checked") == "true":
            page.get_by_role("switch", name="大字").click()
        page.set_viewport_size({"width": 1024, "height": 900})


def test_plan_is_read_aloud_without_its_sources(baotou):
    page = baotou.page
    speak = baotou.card.locator("xpath=following-sibling::div[contains(@class, 'speak-row')][1]//button")
    speak.click()
    said = "".join(item["text"] for item in page.evaluate("() => window.__spoken"))
    speak.click()                                                            # stop
    assert "158天" in said and "一、假期" in said and "《" not in said and "下载日历" not in said
    assert re.search(r"注明了\d+处政策出处", said)
    assert not page.errors


def test_hohhot_plan_card(hohhot):
    assert not [text for text in hohhot.texts if TROUBLE.search(text)], hohhot.texts
    text = hohhot.card.inner_text()
    assert f"出生日期{HOHHOT_BIRTH.isoformat()}" in text and "妈妈：灵活就业" in text
    assert re.search(r"呼和浩特市生育补贴（第一个孩子）：一次性10000元", text)
    # The flexible mother has no employer: no maternity leave, no leave dates for her.
    assert "妈妈的产假" not in text and "妈妈不是单位职工" in text
    assert "爸爸的护理假" in text
    assert hohhot.card.get_by_role("heading", level=3).count() == 4
    show_card(hohhot, "plan-hohhot.png")

    status, _, body = fetch(link_href(hohhot, "下载日历（.ics）"))
    assert status == 200 and "BEGIN:VCALENDAR" in body
    from icalendar import Calendar

    summaries = [str(event.get("summary")) for event in Calendar.from_ical(body).walk("VEVENT")]
    assert summaries and not [s for s in summaries if "产假" in s], summaries
    assert not hohhot.page.errors


# ---------------------------------------------------------------- the calendar and print links

def test_calendar_download(baotou):
    from icalendar import Calendar

    page, due = baotou.page, baotou.date
    link = baotou.card.get_by_role("link", name="下载日历（.ics）")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(open(download.path(), "rb").read())
    assert str(calendar.get("version")) == "2.0" and calendar.get("prodid")
    events = calendar.walk("VEVENT")
    assert len(events) >= 4
    for event in events:
        assert event.get("uid") and event.get("dtstamp") and event.get("summary"), event
    assert len({str(event.get("uid")) for event in events}) == len(events)

    def by_title(start: str):
        found = [event for event in events if str(event.get("summary")).startswith(start)]
        assert found, (start, [str(event.get("summary")) for event in events])
        return found[0]

    maternity = by_title("妈妈产假")
    assert maternity.decoded("dtstart") == due
    assert maternity.decoded("dtend") == due + dt.timedelta(days=158)   # all-day DTEND is exclusive
    deadline = by_title("育儿补贴首次申请截止")
    assert deadline.decoded("dtstart") == dt.date(due.year + 1, 12, 31)
    assert deadline.decoded("dtend") == dt.date(due.year + 2, 1, 1)
    paternity = by_title("爸爸护理假")
    assert paternity.decoded("dtend") - paternity.decoded("dtstart") == dt.timedelta(days=25)
    assert not page.errors


def test_print_view(baotou):
    href = link_href(baotou, "打印版")
    assert baotou.card.get_by_role("link", name="打印版").get_attribute("target") == "_blank"
    status, headers, body = fetch(href)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert TITLE in body and "158天" in body and "10800元" in body and "每孩每月2000元" in body
    assert "<script" not in body

    printed = baotou.page.context.new_page()
    errors = []
    printed.on("pageerror", lambda error: errors.append(str(error)))
    try:
        response = printed.goto(Live.page_url.rstrip("/") + href)
        assert response.status == 200
        assert TITLE in printed.locator("h1").inner_text()
        assert printed.locator("h2").all_inner_texts() == ["一、假期", "二、钱", "三、办事", "四、托育"]
        assert printed.evaluate("() => getComputedStyle(document.querySelector('.source')).display") == "block"
        assert not errors
    finally:
        printed.close()


@pytest.mark.parametrize("path", ["/plan.ics?order=9", "/plan/print?mother=boss", "/plan.ics?date=1999-01-01",
                                  "/plan/print?place=%3Cscript%3E", "/plan.ics?hukou=nowhere", "/plan.ics?x=1"])
def test_a_bad_plan_link_is_refused_in_chinese(live, path):
    status, headers, body = fetch(path)
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert CJK.search(body) and "Traceback" not in body, body


# ---------------------------------------------------------------- accessibility

@pytest.mark.parametrize("mode", ["standard", "large"])
def test_accessibility_with_the_plan_card(phone, baotou, mode):
    """axe-core (and the target-size rule) finds nothing on a phone showing the plan card; the
    card's own colour pairs are ≥ 4.5 : 1."""
    if not AXE.is_file():
        pytest.skip("node_modules/axe-core is not installed: run `npm ci`")
    # The very message the stack sent in the 包头 conversation, to a phone (axe needs bypass_csp).
    page = phone(large=mode == "large", bypass_csp=True)
    inject_bot_message(session_id(page), baotou.plan_text)
    card = page.locator(".rw-response.plan-card")
    card.wait_for()
    card.evaluate("(card) => card.scrollIntoView({block: 'start'})")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {rules: {'target-size': {enabled: true}}})")
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [" ".join(node["target"]) for node in v["nodes"]][:5]} for v in results["violations"]]
    assert not violations, "axe-core: " + json.dumps(violations, ensure_ascii=False, indent=1)

    pairs = page.evaluate("""() => {
      const behind = (e) => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
                              if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
      return ['h2', '.plan-situation', '.plan-section', 'li', '.plan-source', 'a.plan-link', '.plan-note']
        .map((s) => { const e = document.querySelector('.plan-card ' + s);
                      return {name: s, color: getComputedStyle(e).color, background: behind(e)}; }); }""")
    for pair in pairs:
        ratio = contrast(pair["color"], pair["background"])
        assert ratio >= 4.5, f"{pair['name']}: {pair['color']} on {pair['background']} is {ratio:.2f} : 1"
    assert not page.errors
