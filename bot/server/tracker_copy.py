"""`DialogueStateTracker.copy()` without replaying the conversation.

Rasa's message processor copies the tracker before running each action (the copy is
thrown away if the action is rejected). `copy()` builds a new tracker and re-applies every
event of the session to it, so each action cost more the longer the session. A
tracker's state is, by Rasa's own rule, what its events make it ("MUST be re-creatable by
processing all the events", `DialogueStateTracker.__init__`), and every change Rasa
makes to that state goes through an event. So the copy can take the state as it is:
the same event objects (a replay shares them too), each slot copied with its value, the
active loop copied (it is changed in place), the rest as it is.

`tests/bot/server/test_tracker_copy.py` compares every attribute of this copy with Rasa's
replayed copy after each step of conversations with forms, pauses, undos, restarts and
new sessions, and checks that changing either leaves the other alone.
"""
from __future__ import annotations

import copy
import dataclasses
import math
from typing import Any

from rasa.shared.core.trackers import DialogueStateTracker

# The attributes the copy takes over as they are (immutable, or event objects that a
# replay would share as well).
_AS_THEY_ARE = ("_paused", "followup_action", "latest_message", "latest_bot_utterance")


def copy_tracker(tracker: DialogueStateTracker, replay: Any) -> DialogueStateTracker:
    """A copy of `tracker` equal to Rasa's replayed one (`replay(tracker)`)."""
    if (type(tracker) is not DialogueStateTracker or not isinstance(tracker.slots, dict)
            or type(tracker.slots) is not dict
            or not all(event.timestamp <= math.inf for event in tracker.events)):
        # A subclass, slots of any name, or a timestamp that a replay would stop at.
        return replay(tracker)
    duplicate = tracker.init_copy()
    duplicate.events.extend(tracker.events)
    duplicate.slots = {name: copy.copy(slot) for name, slot in tracker.slots.items()}
    for name in _AS_THEY_ARE:
        setattr(duplicate, name, getattr(tracker, name))
    duplicate.latest_action = dict(tracker.latest_action) if tracker.latest_action is not None else None
    duplicate.active_loop = (dataclasses.replace(tracker.active_loop)
                             if tracker.active_loop is not None else None)
    return duplicate


def install(original: Any) -> Any:
    """The replacement for `DialogueStateTracker.copy` (`original` is Rasa's)."""

    def copy_without_replay(self: DialogueStateTracker) -> DialogueStateTracker:
        return copy_tracker(self, original)

    copy_without_replay.__wrapped__ = original
    return copy_without_replay
