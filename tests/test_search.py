"""Full-text search: realistic citizen queries find the clause that answers them."""
from __future__ import annotations

import pytest

from knowledge import search, store

# (query as a citizen types it, a phrase the right clause must contain)
QUERIES = [
    ("出生一件事怎么办", "出生一件事"),
    ("长幼随学是什么政策", "长幼随学"),
    ("萌宝驿站在哪", "萌宝驿站"),
    ("生育咨询门诊", "生育咨询门诊"),
    ("分娩镇痛能报销吗", "分娩镇痛"),
    ("多子女家庭租公租房有优惠吗", "公租房"),
    ("公积金贷款额度能提高吗", "公积金"),
    ("做试管婴儿辅助生殖医保报不报", "辅助生殖"),
    ("妇女维权热线", "12338"),
    ("托育综合服务中心", "托育综合服务中心"),
    ("高价彩礼管不管", "彩礼"),
    ("计划生育特殊家庭有什么扶助", "特殊家庭"),
    ("生二孩开小微企业减免增值税", "增值税"),
    ("3岁以下婴幼儿照护个人所得税专项附加扣除", "专项附加扣除"),
    ("每千人口托位数", "千人口"),
    ("儿童友好医院", "儿童友好"),
    ("单位有没有母婴室", "母婴室"),
    ("弹性上下班照顾孩子", "弹性"),
    ("灵活就业人员生育保险", "灵活就业"),
    ("独生子女父母住院照护假", "照护假"),
    ("小学课后服务", "课后服务"),
    ("婚前孕前检查免费吗", "孕前"),
    ("新生儿听力筛查", "听力"),
    ("育儿补贴怎么申请", "育儿补贴"),
    ("生育津贴怎么发", "生育津贴"),
]


@pytest.mark.parametrize("query, phrase", QUERIES)
def test_query_finds_a_clause_with_the_phrase_in_top_three(conn, query, phrase):
    hits = search.search(conn=conn, query=query, limit=3)
    texts = [store.clause(conn=conn, clause_id=h.clause_id)["text"] for h in hits]
    assert any(phrase in text for text in texts), (query, [h.clause_id for h in hits])


def test_snippet_shows_the_matched_phrase(conn):
    hit = search.search(conn=conn, query="出生一件事", limit=1)[0]
    assert "出生一件事" in hit.snippet
    assert len(hit.snippet) <= 82


def test_question_words_alone_find_nothing(conn):
    assert [] == search.search(conn=conn, query="怎么办？多少？")


@pytest.mark.parametrize("query", ["", "   ", "😀😀", "'; DROP TABLE clauses; --", '"OR" NEAR(', "a" * 10000])
def test_odd_queries_do_not_raise(conn, query):
    search.search(conn=conn, query=query)


def test_bigrams_of_a_clause():
    assert ["出生", "生一", "一件", "件事"] == search.tokens("出生一件事")
    assert ["3", "岁以", "以下"] == search.tokens("３岁以下")
