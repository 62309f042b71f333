"""The action server builds the slow parts at start-up, so the first question does not."""
from __future__ import annotations

import pytest

from actions import knowledge_access as ka
from knowledge import qa, regions


def test_warm_up_leaves_nothing_for_the_first_answer_to_build(monkeypatch):
    from actions import warm_up   # importing it starts the same work in a thread

    warm_up.warm_up()

    def build_again(*args, **kwargs):
        pytest.fail("built again after the warm-up")

    monkeypatch.setattr(qa, "Ranker", build_again)
    monkeypatch.setattr(regions, "_new_place_index", build_again)
    assert qa.ranker(ka.connection()) is not None
    assert regions.Gazetteer(conn=ka.connection()).places is not None
