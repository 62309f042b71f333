"""Faults through the live server: the action server going away mid-conversation, a
missing or corrupt knowledge store at start-up, and a sender flooding the REST channel."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from bot.ops.stack import Stack, send
from tests.conftest import free_ports

# A small burst so that the flood test is quick; the other tests stay within it.
RATE_LIMIT = {"CHANNEL_RATE_PER_MINUTE": "6", "CHANNEL_RATE_BURST": "3"}


@pytest.fixture(scope="module")
def stack(live_stack):
    return live_stack("faults", extra_env=RATE_LIMIT)


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
def test_start_up_stops_with_the_fix_when_the_store_is_unusable(tmp_path, damage, trained_model):
    db = tmp_path / "knowledge.db"
    if damage == "corrupt":
        db.write_bytes(b"SQLite format 3\x00 but not really")
    rasa_port, action_port = free_ports(2)
    stack = Stack(knowledge_db=db, model=trained_model, rasa_port=rasa_port, action_port=action_port,
                  tracker_db=tmp_path / "t.db", log_dir=tmp_path / "logs")
    with pytest.raises(SystemExit) as stopped:
        stack.start()
    assert "make knowledge" in str(stopped.value)
    assert {} == stack.processes   # nothing was started


def post_rest(stack: Stack, sender: str, message: str) -> tuple:
    """(status, replies, headers) of one REST message, whatever the status."""
    request = urllib.request.Request(stack.rest_url, data=json.dumps({"sender": sender, "message": message}).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.load(answer), answer.headers
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"null"), refused.headers


def test_a_flooding_sender_is_slowed_down_and_others_are_not(stack):
    statuses = [post_rest(stack, "flood-user", "你好")[0] for _ in range(3)]
    assert [200, 200, 200] == statuses
    status, replies, headers = post_rest(stack, "flood-user", "包头生三孩产假多少天")
    assert (429, [{"recipient_id": "flood-user", "text": "您发送得太快了，请稍等片刻再问。"}]) == (status, replies)
    assert int(headers.get("Retry-After")) >= 1
    assert "188" in text_of(send(stack.rest_url, "calm-user", "包头生三孩产假多少天"))
    status, replies, _ = post_rest(stack, "long-user", "产" * 2001)
    assert (200, "您的消息太长了，请把问题缩短到2000字以内再发送。") == (status, replies[0]["text"])
    huge = json.dumps({"sender": "huge-user", "message": "产假" * 100_000}).encode()
    request = urllib.request.Request(stack.rest_url, data=huge, headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert 413 == refused.value.code
