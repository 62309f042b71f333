"""`DialogueStateTracker.copy()` without replaying the conversation.

Rasa's message processor copies the tracker before running each action (the copy is
thrown away if the action is rejected). `copy()` builds a new tracker and re-applies every
event of the session to it, so each action cost more the longer the session. A
tracker's state is, by Rasa's own rule, what its events make it ("MUST be re-creatable by
processing all the events", `DialogueStateTracker.__init__`), and every change Rasa
makes to that state goes through an event. So the copy can take the state as it is:
the same event objects (a replay shares them too), each slot copied with its value, the
active loop copied (it is changed in place), the rest as it is. The new tracker is made
as `init_copy()` makes it but without slots, which `init_copy` would copy and reset only
for them to be replaced; a slot is copied as `copy.copy` copies it (a new object of its
class with the same attribute dict), without `copy`'s generic protocol lookups.

`tests/bot/server/test_tracker_copy.py` compares every attribute of this copy with Rasa's
replayed copy after each step of conversations with forms, pauses, undos, restarts and
new sessions, and checks that changing either leaves the other alone.
"""
from __future__ import annotations

import copy
import copyreg
import dataclasses
import math
from typing import Any

from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.constants import DEFAULT_SENDER_ID

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
    # What init_copy() makes, less the slots it would copy and reset.
    duplicate = DialogueStateTracker(tracker.sender_id or DEFAULT_SENDER_ID, (), tracker._max_event_history,
                                     is_rule_tracker=tracker.is_rule_tracker)
    duplicate.events.extend(tracker.events)
    duplicate.slots = {name: copy_slot(slot) for name, slot in tracker.slots.items()}
    for name in _AS_THEY_ARE:
        setattr(duplicate, name, getattr(tracker, name))
    duplicate.latest_action = dict(tracker.latest_action) if tracker.latest_action is not None else None
    duplicate.active_loop = (dataclasses.replace(tracker.active_loop)
                             if tracker.active_loop is not None else None)
    return duplicate


def _copied_as_plain_object(cls: type) -> bool:
    """Whether `copy.copy` copies an instance of `cls` as a new object with the same
    attribute dict: no copy or pickling hooks of its own, no named __slots__ (a Slot's
    only __slots__ is ABC's empty one)."""
    hooks = ("__copy__", "__getstate__", "__setstate__", "__getnewargs__", "__getnewargs_ex__")
    return (not any(hasattr(cls, hook) for hook in hooks) and cls.__reduce_ex__ is object.__reduce_ex__
            and cls.__reduce__ is object.__reduce__ and cls not in copy._copy_dispatch
            and cls not in copyreg.dispatch_table and not copyreg._slotnames(cls)
            and "__dict__" in dir(cls))


_PLAIN: dict = {}


def copy_slot(slot: Slot) -> Slot:
    """`copy.copy(slot)`."""
    cls = type(slot)
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = _copied_as_plain_object(cls)
    if not plain:
        return copy.copy(slot)
    duplicate = cls.__new__(cls)
    duplicate.__dict__.update(slot.__dict__)
    return duplicate


def install(original: Any) -> Any:
    """The replacement for `DialogueStateTracker.copy` (`original` is Rasa's)."""

    def copy_without_replay(self: DialogueStateTracker) -> DialogueStateTracker:
        return copy_tracker(self, original)

    copy_without_replay.__wrapped__ = original
    return copy_without_replay
