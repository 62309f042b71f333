"""The rule policy's matching rules, worked out once per dialogue context.

On each prediction `RulePolicy._get_possible_keys(lookup, states)` tries every learned rule
against the conversation's states, newest first (about 70 rules, two or three lookups a
message: 4.4 % of the server's time under load). A rule of n states is decided by the
last n states only (`_is_rule_applicable` returns True for an older turn without looking
at it), so the rules that match depend on nothing but the lookup and the last L states,
L being the lookup's longest rule. Those few states recur from conversation to
conversation ("the user asked about leave after the bot answered"), so the result is
remembered per lookup and last L states. (Rasa changes a lookup in place only while
training, and only by removing a rule, `_check_prediction`: its size is part of the
context.)

The states are made hashable as they are (dicts as sorted items, lists kept apart from
tuples); two contexts share an entry only when their states are equal, and the rule
checks compare states only with `==`, `!=` and truth, so equal states give the same
keys. A state that cannot be made hashable goes to Rasa's own function.
`tests/bot/server/test_rule_lookup.py` compares both on generated and real conversations.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Set, Text, Tuple

from rasa.shared.core.domain import State

# Distinct contexts remembered per policy before starting afresh.
MOST_CONTEXTS = 4096
_MEMO = "_bot_possible_keys"


def hashable(value: Any) -> Any:
    """`value` (a state or part of one) as a hashable value equal to it in the same cases."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((key, hashable(item)) for key, item in value.items())))
    if isinstance(value, list):
        return ("list", tuple(hashable(item) for item in value))
    if isinstance(value, tuple):
        return ("tuple", tuple(hashable(item) for item in value))
    hash(value)   # anything else must be hashable as it is (TypeError otherwise)
    return value


class _Memo:
    """The possible keys of one policy's lookups, by lookup and last states."""

    def __init__(self) -> None:
        # id(lookup) -> (lookup, its size, its longest rule)
        self.span: Dict[int, Tuple[Dict[Text, Text], int, int]] = {}
        self.keys: Dict[Tuple[int, int, Any], frozenset] = {}

    def longest_rule(self, policy: Any, lookup: Dict[Text, Text]) -> int:
        kept = self.span.get(id(lookup))
        if kept is None or kept[0] is not lookup or kept[1] != len(lookup):
            longest = max((len(policy._rule_key_to_state(key)) for key in lookup), default=0)
            kept = self.span[id(lookup)] = (lookup, len(lookup), longest)   # the lookup kept: its id stays its own
        return kept[2]


def install(original: Callable[[Any, Dict[Text, Text], List[State]], Set[Text]]) -> Callable:
    """`RulePolicy._get_possible_keys` remembering its results (wraps `original`)."""

    def _get_possible_keys(self: Any, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
        memo = self.__dict__.get(_MEMO)
        if memo is None:
            memo = self.__dict__[_MEMO] = _Memo()
        longest = memo.longest_rule(self, lookup)
        try:
            context = (id(lookup), len(lookup), hashable(states[-longest:] if longest else []))
        except TypeError:
            return original(self, lookup, states)
        found = memo.keys.get(context)
        if found is None:
            found = frozenset(original(self, lookup, states))
            if len(memo.keys) >= MOST_CONTEXTS:
                memo.keys.clear()
            memo.keys[context] = found
        return set(found)

    _get_possible_keys.__wrapped__ = original  # type: ignore[attr-defined]
    return _get_possible_keys
