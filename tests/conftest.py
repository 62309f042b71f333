"""Shared fixtures: a real knowledge store built once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import build, store

ROOT = Path(__file__).resolve().parent.parent


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
