"""The action server builds the slow parts at start-up, so the first question does not."""
from __future__ import annotations

import pytest

from actions import knowledge_access as ka
from knowledge import qa, regions
from tests.conftest import run_script


def test_warm_up_leaves_nothing_for_the_first_answer_to_build(monkeypatch):
    from actions import warm_up   # importing it starts the same work in a thread

    warm_up.warm_up()

    def build_again(*args, **kwargs):
        pytest.fail("built again after the warm-up")

    monkeypatch.setattr(qa, "Ranker", build_again)
    monkeypatch.setattr(qa, "QASearchIndex", build_again)
    monkeypatch.setattr(regions, "_new_place_index", build_again)
    assert qa.ranker(ka.connection()) is not None
    assert qa.search_index(ka.connection()) is not None
    assert regions.Gazetteer(conn=ka.connection()).places is not None


WARM_UP_SCRIPT = """
import gc, json, threading
import actions.warm_up   # rasa_sdk imports it at start-up; the warm-up runs in a thread
for thread in threading.enumerate():
    if thread.name == "knowledge-warm-up":
        thread.join()
from knowledge import qa
print(json.dumps({"frozen": gc.get_freeze_count(), "ranker_ready": bool(qa._RANKERS)}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("setting, frozen", [(None, True), ("0", False)])
def test_what_the_warm_up_loaded_is_frozen_for_the_garbage_collector(setting, frozen, monkeypatch):
    """The ranker, the places and the libraries outlive every request: after the warm-up they
    are out of the collector's generations (unless GC_FREEZE=0)."""
    result = run_script(WARM_UP_SCRIPT, gc_freeze=setting, monkeypatch=monkeypatch)
    assert result["ranker_ready"]
    assert (result["frozen"] > 100_000) is frozen, result
    assert (result["frozen"] == 0) is not frozen, result
