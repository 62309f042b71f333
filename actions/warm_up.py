"""What the answers need that takes seconds to build, built when the action server starts
rather than on the first citizen's question: the question-answer matcher's ranker (about
3 s) and search index, and the index of every place in China (about 0.6 s). They are
shared per store file (store.per_store), so the requests' own connection finds them
ready. Then everything loaded so far is moved out of the garbage collector's reach
(gc.freeze, as bot/server/speedups.py does for the Rasa server; not imported from there,
which would load Rasa into the action server): it lives as long as the server, and
walking it made each full collection pause every answer being built.

rasa_sdk imports every module of this package at start-up; nothing else imports this one.
"""
from __future__ import annotations

import gc
import logging
import os
import threading

from actions import knowledge_access as ka
from knowledge import qa, regions, store

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Build them on a connection of its own; a missing store is reported by the first answer."""
    try:
        conn = store.connect(path=ka.store_path())
        regions.gazetteer(conn=conn)
        qa.ranker(conn)
        qa.search_index(conn)
    except Exception as err:  # the actions report an unusable store themselves
        logger.warning("warm-up skipped: %s", err)
    if os.environ.get("GC_FREEZE", "1") != "0":   # 0: as Python leaves it (to measure the difference)
        gc.collect()
        gc.freeze()


threading.Thread(target=warm_up, name="knowledge-warm-up", daemon=True).start()
