"""Shared fixtures: a real knowledge store built once per test session; the trained model;
live stacks (action server + Rasa server) on free ports.

Markers (pytest.ini), set here from the fixtures a test uses so that none is forgotten:
  model  the test needs models/assistant.tar.gz (`make train`): it uses `trained_model`;
  live   the test starts servers: it uses `live_stack` (and so `trained_model` too).
A third marker, `slow`, is set by hand on tests that take seconds on their own.
`make test-fast` runs the tests with none of the three.
"""
from __future__ import annotations

import gc
import json
import shutil
import socket
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from knowledge import build, store

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "live_stack" in fixtures:
            item.add_marker("live")
        if "trained_model" in fixtures:
            item.add_marker("model")


def run_script(script: str, *, gc_freeze: str | None, monkeypatch) -> dict:
    """The JSON a Python script prints last, run from the project's root in a fresh
    process with GC_FREEZE set to `gc_freeze` (None: unset, the servers' default)."""
    if gc_freeze is None:
        monkeypatch.delenv("GC_FREEZE", raising=False)
    else:
        monkeypatch.setenv("GC_FREEZE", gc_freeze)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert 0 == done.returncode, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_ports(count: int) -> list[int]:
    """`count` different TCP ports free on the loopback interface right now."""
    with ExitStack() as sockets:
        ports = []
        for _ in range(count):
            sock = sockets.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    return MODEL


def log_tails(log_dir: Path, size: int = 3000) -> str:
    return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-size:]}"
                     for path in sorted(log_dir.glob("*.log")))


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory, built_store, trained_model):
    """A factory of live stacks for this test module, stopped when the module is done:

        stack = live_stack("wechat", extra_env={...})                  # started, on free ports
        stack = live_stack("b", stack_class=MyStack, start=False, action_port=a.action_port)

    Each gets free ports, its own temporary tracker store and log directory, the knowledge
    store built for this session, and no per-sender rate limit (tests send fast) unless
    `extra_env` sets CHANNEL_RATE_PER_MINUTE. Any other Stack field may be given."""
    from bot.ops.stack import Stack

    stacks = []

    def start(name: str, *, stack_class: type = Stack, start: bool = True, timeout: float = 120.0,
              extra_env: dict | None = None, **fields) -> Stack:
        tmp = tmp_path_factory.mktemp(name)
        rasa_port, action_port = free_ports(2)
        fields = {"rasa_port": rasa_port, "action_port": action_port, "tracker_db": tmp / "tracker.db",
                  "knowledge_db": built_store.db_path, "log_dir": tmp / "logs", "model": trained_model, **fields}
        stack = stack_class(extra_env={"CHANNEL_RATE_PER_MINUTE": "0", **(extra_env or {})}, **fields)
        stacks.append(stack)
        if start:
            try:
                stack.start(timeout=timeout)
            except (Exception, SystemExit) as error:
                stack.stop()
                pytest.fail(f"{name}: the servers did not start ({error}):\n{log_tails(stack.log_dir)}")
        return stack

    yield start
    for stack in reversed(stacks):
        stack.stop()


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> build.BuildReport:
    """Build the store from the repository's own sources into a temporary file."""
    return build.build(db_path=tmp_path_factory.mktemp("store") / "knowledge.db")


@pytest.fixture(scope="session")
def conn(built_store):
    connection = store.connect(path=built_store.db_path)
    yield connection
    connection.close()


# ---------------------------------------------------------------- action fixtures

@pytest.fixture(scope="session")
def domain() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture()
def dispatcher():
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher()


@pytest.fixture(autouse=True)
def actions_use_the_test_store(built_store, monkeypatch):
    """Actions read the store built for this session, never a stale build/ file."""
    from actions import knowledge_access

    monkeypatch.setenv("KNOWLEDGE_DB", str(built_store.db_path))
    knowledge_access.connection.cache_clear()
    yield
    knowledge_access.connection.cache_clear()
    # The action server's warm-up freezes what it loaded for the garbage collector; in the
    # test process that would keep every later test's cyclic garbage.
    gc.unfreeze()


def make_tracker(*, intent: str, text: str = "", entities: list | None = None, slots: dict | None = None,
                 metadata: dict | None = None):
    """A rasa_sdk Tracker whose latest message is `text` classified as `intent`."""
    from rasa_sdk import Tracker

    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0},
                        "entities": entities or [], "metadata": metadata or {}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value}


# ---------------------------------------------------------------- browser

# Debian's chromium (.ci/run installs it), never a test tool's own browser download.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium_browser():
    """Headless Debian chromium driven by Playwright, for one test module."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def save_screenshot(page, *, role: str, name: str) -> Path:
    """What the browser shows (not the whole page): reports/<role>/<name>, and a copy
    test-artifacts/<role>-<name> that CI keeps."""
    reports, artifacts = ROOT / "reports" / role, ROOT / "test-artifacts"
    reports.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(exist_ok=True)
    path = reports / name
    page.screenshot(path=str(path), full_page=False)
    shutil.copy(path, artifacts / f"{role}-{name}")
    return path
