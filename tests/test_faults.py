"""Faults through the live server: the action server going away mid-conversation, and a
missing or corrupt knowledge store at start-up."""
from __future__ import annotations

import time

import pytest

from bot.stack import Stack, send


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack(rasa_port=5505, action_port=5555, tracker_db=tmp_path_factory.mktemp("faults") / "tracker.db",
                    log_dir=tmp_path_factory.mktemp("logs"))
    running.start()
    yield running
    running.stop()


def text_of(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def test_action_server_down_gives_an_apology_and_recovers(stack):
    sender = "fault-user"
    assert "188" in text_of(send(stack.rest_url, sender, "包头生三孩产假多少天"))
    stack.processes.pop("actions").terminate()


    time.sleep(1)
    down = text_of(send(stack.rest_url, sender, "护理假几天"))
    assert "系统暂时出了点问题" in down
    stack.start_actions()
    stack.wait_ready(timeout=60)
    # The place given before the outage is still remembered.
    assert "护理假25天" in text_of(send(stack.rest_url, sender, "那护理假呢"))


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_start_up_stops_with_the_fix_when_the_store_is_unusable(tmp_path, damage):
    db = tmp_path / "knowledge.db"
    if damage == "corrupt":
        db.write_bytes(b"SQLite format 3\x00 but not really")
    stack = Stack(knowledge_db=db, rasa_port=5506, action_port=5556, tracker_db=tmp_path / "t.db")
    with pytest.raises(SystemExit) as stopped:
        stack.start()
    assert "make knowledge" in str(stopped.value)
    assert {} == stack.processes   # nothing was started
