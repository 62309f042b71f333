"""The dialogue states of a tracker, carried forward from one prediction to the next.

Every prediction of the rule policy asks `Domain.states_for_tracker_history` for the state
before each action of the session; Rasa replays the whole session from its first event
to get them, two or three times per message, so a turn cost more the longer the session
(21.6 % of the server's time in long conversations, README "Where a turn's time goes").
States only depend on the events before them, so for a tracker whose events have only
been appended to since its last states were worked out, the earlier states are kept and
only the new events are replayed.

Rasa drops events from the applied history in some cases (a restart or a new session, an
undo, a form's happy-path turns folded together when the form runs again); when a new event
could do that, or the events are not an extension of the ones seen, the states are
worked out from the start as Rasa does. Only the case the rule policy uses is carried
forward (`ignore_rule_only_turns=False`); any other call goes to Rasa's own function.
`tests/bot/server/test_past_states.py` compares the result with Rasa's on every turn of
conversations that restart, undo, fill and leave forms and start new sessions.
"""
from __future__ import annotations

import copy
import itertools
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Restarted,
                                     SessionStarted, UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

_ATTRIBUTE = "_bot_past_states"
# Events after which `applied_events()` is no longer the earlier applied events plus new ones.
_REWRITING = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted)


class _Carried:
    """What was worked out for one tracker: its events then, the replay after them, the
    (cleaned) state before each action, and the names of its loops."""

    def __init__(self, *, domain: Domain, omit_unset_slots: bool) -> None:
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self.events: List[Any] = []
        self.replay: Optional[DialogueStateTracker] = None
        self.states: List[State] = []
        self.loop_names: set = set()

    def extends(self, tracker: DialogueStateTracker) -> bool:
        seen = len(self.events)
        if len(tracker.events) < seen:
            return False
        return all(old is new for old, new in zip(self.events, tracker.events))

    def advance(self, applied: Iterable[Any]) -> None:
        """Replay `applied` events, keeping the state before each action."""
        for event in applied:
            if isinstance(event, ActionExecuted):
                self.states.append(self.state())
            self.replay.update(event)

    def state(self) -> State:
        return self.domain._clean_state(self.domain.get_active_state(self.replay,
                                                                     omit_unset_slots=self.omit_unset_slots))


def _can_carry(carried: _Carried, new_events: List[Any]) -> bool:
    """Whether Rasa's applied events would be the carried ones followed by `new_events`."""
    loop_names = set(carried.loop_names)
    for event in new_events:
        if isinstance(event, _REWRITING):
            return False
        if isinstance(event, ActiveLoop) and event.name and event.name not in loop_names:
            # A new loop name changes how Rasa reads earlier executions of that action.
            if any(isinstance(old, ActionExecuted) and old.action_name == event.name for old in carried.events):
                return False
            loop_names.add(event.name)
        if isinstance(event, ActionExecuted) and event.action_name in loop_names:
            return False
    return True


def _from_start(tracker: DialogueStateTracker, domain: Domain, omit_unset_slots: bool) -> _Carried:
    carried = _Carried(domain=domain, omit_unset_slots=omit_unset_slots)
    carried.replay = tracker.init_copy()
    carried.loop_names = {event.name for event in tracker.events if isinstance(event, ActiveLoop) and event.name}
    carried.advance(tracker.applied_events())
    # The raw events (what the next call is compared with), not only the applied ones.
    carried.events = list(tracker.events)
    return carried


def states_for_tracker_history(domain: Domain, tracker: DialogueStateTracker, *,
                               omit_unset_slots: bool) -> List[State]:
    """`Domain.states_for_tracker_history(tracker, omit_unset_slots)` with
    `ignore_rule_only_turns=False`, carrying the earlier states forward when it can."""
    carried: Optional[_Carried] = tracker.__dict__.get(_ATTRIBUTE)
    if (carried is not None and carried.domain is domain and carried.omit_unset_slots == omit_unset_slots
            and carried.extends(tracker)):
        new_events = list(itertools.islice(tracker.events, len(carried.events), None))
        if _can_carry(carried, new_events):
            carried.loop_names |= {e.name for e in new_events if isinstance(e, ActiveLoop) and e.name}
            carried.advance(new_events)
            carried.events.extend(new_events)
        else:
            carried = None
    else:
        carried = None
    if carried is None:
        carried = _from_start(tracker, domain, omit_unset_slots)
        tracker.__dict__[_ATTRIBUTE] = carried
    # Callers change the states they get (the featurizer edits the last one in place).
    return [_copy_state(state) for state in carried.states] + [carried.state()]


def _copy_state(state: State) -> State:
    return {key: copy.copy(sub_state) for key, sub_state in state.items()}


def install(original: Any) -> Any:
    """The replacement for `Domain.states_for_tracker_history` (`original` is Rasa's)."""

    def patched(self: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool = False,
                ignore_rule_only_turns: bool = False,
                rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
        if ignore_rule_only_turns or not isinstance(tracker, DialogueStateTracker) \
                or type(tracker) is not DialogueStateTracker:
            return original(self, tracker, omit_unset_slots=omit_unset_slots,
                            ignore_rule_only_turns=ignore_rule_only_turns, rule_only_data=rule_only_data)
        return states_for_tracker_history(self, tracker, omit_unset_slots=omit_unset_slots)

    patched.__wrapped__ = original
    return patched
