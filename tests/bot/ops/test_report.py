"""`make report` on a real tracker-store table, and the privacy masking it applies."""
from __future__ import annotations

import json
import sqlite3

from bot.ops import report
from bot.privacy import mask


def test_mask_phone_and_id_numbers():
    assert "电话138****5678，身份证110101********1234" == mask("电话13812345678，身份证110101199003071234")
    assert "身份证11010119900307123X" != mask("身份证11010119900307123X")
    assert "2025年3月5日 3600元 12345" == mask("2025年3月5日 3600元 12345")


def write_tracker(path, conversations):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, data TEXT)")
    for sender, events in conversations.items():
        for event in events:
            conn.execute("INSERT INTO events (sender_id, type_name, data) VALUES (?, ?, ?)",
                         (sender, event["event"], json.dumps(event, ensure_ascii=False)))
    conn.commit()


def user(text, intent):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def test_report_counts_unanswered_and_disliked(tmp_path):
    db = tmp_path / "tracker.db"
    write_tracker(db, {
        "a": [user("火星签证", "ask_policy_general"), slot("unanswered", "火星签证"),
              user("包头产假", "ask_leave"), user("没帮助", "feedback"), slot("helpful", "no")],
        "b": [user("火星签证", "ask_policy_general"), slot("unanswered", "火星签证"),
              user("我电话13812345678 包头产假", "ask_leave"), user("👎", "feedback"), slot("helpful", "no")],
        "c": [user("育儿补贴", "ask_subsidy_amount"), user("有帮助", "feedback"), slot("helpful", "yes")],
    })
    unanswered, disliked = report.collect(report.read_events(db))
    assert [("火星签证", 2)] == unanswered.most_common()
    assert {"包头产假": 1, "我电话13812345678 包头产假": 1} == dict(disliked)
    text = report.render(unanswered, disliked, top=10)
    assert "   2  火星签证" in text and "138****5678" in text and "13812345678" not in text


def test_logs_are_masked_whatever_the_logger(caplog):
    import logging

    from bot.privacy import install_log_masking

    install_log_masking()
    with caplog.at_level(logging.INFO):
        logging.getLogger("rasa.core.processor").info("user said %s", "我的电话13812345678 身份证110101199003071234")
    assert "138****5678" in caplog.text and "110101********1234" in caplog.text
    assert "13812345678" not in caplog.text and "199003071234" not in caplog.text
