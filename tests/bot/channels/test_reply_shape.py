"""On every channel the answer comes first and its sources stay compact: one line per
document (clause numbers merged), at most three; the rest behind "更多来源"."""
from __future__ import annotations

import re

import pytest

from bot.ops.stack import send

QUESTIONS = [
    "育儿补贴审核要多久，多久发一次？",
    "包头产假多少天",
    "呼市二胎补贴多少，产假多少天，个税能扣多少",
    "育儿补贴怎么申请，要什么材料，什么时候到账",
    "通化东昌区产假和护理假各多少天",
    "中宁县生三孩有什么补贴和公积金政策",
    "生育津贴怎么算，谁来发",
    "离婚了孩子跟我，育儿补贴谁来领",
    "双胞胎能领两份育儿补贴吗",
    "包头昆区普惠托育机构有哪些",
]


@pytest.fixture(scope="module")
def stack(live_stack):
    return live_stack("reply-shape")


def source_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("来源：")]


@pytest.mark.parametrize("question", QUESTIONS)
def test_at_most_three_source_lines_one_per_document(stack, question):
    replies = send(stack.rest_url, f"shape-{abs(hash(question))}", question)
    for reply in replies:
        text = reply.get("text") or ""
        lines = source_lines(text)
        assert len(lines) <= 3, text
        titles = [re.match(r"来源：《([^》]+)》", line).group(1) for line in lines]
        assert len(titles) == len(set(titles)), text   # one line per document
        if lines:   # the answer comes before its sources
            assert not text.startswith("来源："), text


def test_more_sources_lists_every_clause(stack):
    sender = "shape-more"
    replies = send(stack.rest_url, sender, "呼市二胎补贴多少，产假多少天，个税能扣多少")
    buttons = [b for r in replies for b in r.get("buttons") or []]
    more = [b for b in buttons if b["title"] == "更多来源"]
    assert more, replies
    shown = send(stack.rest_url, sender, more[0]["payload"])
    text = "\n".join(r.get("text") or "" for r in shown)
    assert text.startswith("全部来源："), text
    assert len(source_lines(text)) > 3, text
