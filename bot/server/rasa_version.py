"""The Rasa version the project's patches of Rasa internals were written for.

bot/server/speedups.py, bot/nlu/batch_parse.py, bot/nlu/feature_stacking.py, bot/nlu/lean_diet.py,
bot/server/tracker_store.py and bot/channels/socketio.py replace or wrap private Rasa code.
They are applied only on this exact version: on any other one they log a warning and
Rasa's own code runs, until someone has re-read the upstream functions
(tests/bot/server/test_rasa_patches.py fingerprints them) and moved this constant.
"""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

#: The only Rasa version the patches are applied on.
PATCHED_RASA_VERSION = "3.6.21"

_warned: set = set()


def patches_apply(*, patch: str) -> bool:
    """Whether `patch` may change Rasa here; warns once per patch when it may not."""
    import rasa

    if rasa.__version__ == PATCHED_RASA_VERSION:
        return True
    if patch not in _warned:
        _warned.add(patch)
        logger.warning("%s not applied: written for Rasa %s, this is Rasa %s; Rasa's own code runs. "
                       "Re-check the upstream functions (tests/bot/server/test_rasa_patches.py) before moving "
                       "bot.server.rasa_version.PATCHED_RASA_VERSION.", patch, PATCHED_RASA_VERSION, rasa.__version__)
    return False
