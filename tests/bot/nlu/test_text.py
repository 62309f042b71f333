"""Text clean-up before NLU (bot/nlu/text.py): same length out as in, typos of leave names mended."""
from __future__ import annotations

import pytest

from bot.nlu.text import normalise


@pytest.mark.parametrize("text, expected", [
    ("呼和浩特婚价有几天", "呼和浩特婚假有几天"),   # pinyin input: 价 for 假
    ("产价多少天", "产假多少天"),
    ("陪产价几天", "陪产假几天"),
    ("护理价和育儿价", "护理假和育儿假"),
    ("房产价格涨了", "房产价格涨了"),            # a price stays a price
    ("育儿价格", "育儿价格"),
    ("代理价", "代理价"),
    ("生产价值", "生产价值"),
    ("育兒補貼", "育儿补贴"),                    # traditional characters
    ("产假１５８天", "产假158天"),                # full width
])
def test_normalise(text, expected):
    assert expected == normalise(text)
    assert len(text) == len(normalise(text))
