"""Fixes for Rasa 3.6 hot spots, found with py-spy on the Rasa server under `make bench`
load. Each keeps Rasa's behaviour and only removes repeated work; `install()` is called
by `bot.server` (how the project starts Rasa) before anything runs.

- The action server's answer was checked with `jsonschema.validate`, which re-validates
  the schema against its meta-schema and rebuilds a validator on every call: about 70 %
  of the server's CPU time per message. Even built once, it took about 2 ms per answer:
  each event is tried against every one of some twenty event types (a `oneOf`). Here
  each event is checked against the one type it names; an answer that fails is checked
  again by the whole schema, so the same answers pass and an invalid one raises the
  same `ValidationError`.
- `Event.resolve_by_type` walked every Event subclass (with `inspect.isabstract` on each)
  for every stored event it deserialised. Found classes are remembered per type name.
- The graph runner worked out the sub-graph needed for its targets (a recursive walk)
  and formatted its inputs, the whole tracker, into a debug message that is not logged,
  on every NLU parse and every prediction, and dask worked out its schedule again. The
  sub-graph and the order of its nodes are remembered per target list, and the nodes are
  called in that order as dask would call them.
- The message processor, the rule policy and the memoization policy deep-copy the
  tracker states and events they pass to `structlogger.debug`, even when debug logging
  is off and the copy is dropped at once. In those three modules (where `copy` is used
  for nothing else) the copy is only made when debug logging is on; so is the rule
  policy's text of all the session's states, made for the same log message.
- The rule policy's dialogue states were worked out by replaying the whole session on
  every prediction; they are carried forward from one prediction to the next while a
  tracker's events are only appended to (bot/server/past_states.py).
- The processor copies the tracker before each action; Rasa's `copy()` replays the whole
  session. The copy now takes the tracker's state as it is (bot/server/tracker_copy.py).
- Each call to the action server opened a new HTTP client session and TCP connection
  (`EndpointConfig.request` → `session()`): about 0.5 ms of a call's 0.9 ms here. The
  session is kept per endpoint and event loop (connections kept alive for less time
  than the action server keeps them, so a closed one is never reused) and closed
  with the server's other resources.
- That session encodes a request's JSON body (the whole tracker, 60-80 kB after a dozen
  turns) with ujson instead of `json.dumps`: the same JSON values, about a third of the
  time (0.26 vs 0.80 ms for a 12-turn conversation). Sanic, under the action server,
  already reads requests and writes its answers with ujson.
- Python's full garbage collection walked every object of the loaded model (TensorFlow,
  spaCy, Rasa: about 775 000) each time enough new objects had survived, once every few
  hundred to a thousand turns here, and stopped the event loop for about 0.3 s each time. Once the model is
  loaded, what it allocated is moved out of the collector's reach (`gc.freeze()`), so a
  full collection walks only what the conversations allocated since.
- Before it looks at a parse, the processor asks whether the domain is empty, and Rasa's
  `Domain.is_empty` built a whole empty domain (`Domain.from_dict({})`, about 45 µs) to
  compare with, for every message: 2.7 % of the server's time under load. The empty
  domain's dictionary is made once and compared with in the same way.
- The rule policy tried every rule against the conversation on each prediction; the rules
  that match depend only on the last few states, and are remembered for them
  (bot/server/rule_lookup.py).
- Messages that arrive together are parsed in one pass of the NLU pipeline
  (bot/nlu/batch_parse.py), one TensorFlow call for all of them.
- A message's sparse features were joined for DIET pair by pair with scipy's general
  block-matrix code (about 0.1 ms a join, six a message); they are joined in one step
  into the same matrix (bot/nlu/feature_stacking.py).

All of them are applied only on the Rasa version they were written for
(bot/server/rasa_version.py); on another one `install()` logs a warning and changes nothing.
"""
from __future__ import annotations

import copy
import functools
import gc
import json
import logging
import os
import types
from typing import Any, Dict, Optional, Text, Type

import ujson

from bot.server import rasa_version
from bot.nlu import batch_parse, feature_stacking

_installed = False


def install() -> None:
    """Apply the fixes (idempotent); nothing on a Rasa version they were not written for."""
    global _installed
    if _installed or not rasa_version.patches_apply(patch="bot.server.speedups"):
        return
    _compile_action_response_schema()
    _remember_event_types()
    _run_graphs_in_a_remembered_order()
    _copy_log_arguments_only_when_logged()
    _carry_past_states_forward()
    _copy_trackers_without_replay()
    _keep_endpoint_sessions()
    _compare_with_one_empty_domain()
    _remember_matching_rules()
    _freeze_the_loaded_model()
    batch_parse.install()
    feature_stacking.install()
    _installed = True


@functools.lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """The validator of Rasa's action-server response schema, checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@functools.lru_cache(maxsize=1)
def action_response_is_valid() -> Any:
    """Whether an answer is valid under Rasa's schema, checking each event against the one
    event type its "event" names instead of all of them.

    The schema's events are `oneOf` about twenty event types, each fixing "event" to one
    constant, so an event is valid exactly when it has the shared fields and matches the
    type it names. Only used to say "valid": an answer it rejects is checked again by
    the full schema, whose error is the one raised. If the schema is not shaped like that
    (another Rasa), every answer goes to the full check.
    """
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    events = schema.get("properties", {}).get("events", {})
    items = events.get("items", {})
    shared = {key: value for key, value in items.items() if key != "oneOf"}
    by_event: Dict[Text, Any] = {}
    for event_type in items.get("oneOf", []):
        name = event_type.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in by_event or set(event_type) - {"properties", "required"}:
            return lambda result: False
        by_event[name] = validator_class({"allOf": [shared, event_type]})
    if not by_event or set(events) != {"type", "items"}:
        return lambda result: False
    # The schema with events only checked to be an array: the rest of the answer.
    rest = validator_class({**schema, "properties": {**schema["properties"],
                                                     "events": {"type": events["type"]}}})

    def is_valid(result: Any) -> bool:
        if not rest.is_valid(result):
            return False
        for event in result.get("events", ()) if isinstance(result, dict) else ():
            validator = by_event.get(event.get("event")) if isinstance(event, dict) else None
            if validator is None or not validator.is_valid(event):
                return False
        return True

    return is_valid


def validate_action_response(result: Dict[Text, Any]) -> None:
    """Raise what `jsonschema.validate(result, schema)` raises for an invalid answer."""
    from jsonschema.exceptions import best_match

    if action_response_is_valid()(result):
        return
    error = best_match(action_response_validator().iter_errors(result))
    if error is not None:
        raise error


def _compile_action_response_schema() -> None:
    from jsonschema import ValidationError
    from rasa.core.actions import action
    from rasa.shared.constants import DOCS_BASE_URL

    def _validate_action_result(self, result: Dict[Text, Any]) -> bool:
        try:
            validate_action_response(result)
            return True
        except ValidationError as error:  # Rasa's own message, unchanged
            error.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise error

    action.RemoteAction._validate_action_result = _validate_action_result


def _remember_event_types() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: Dict[Text, Type[Event]] = {}

    def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            # Only real matches are remembered: a miss may be a class imported later.
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


def _run_graphs_in_a_remembered_order() -> None:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner import dask as dask_runner

    def run(self, inputs: Optional[Dict[Text, Any]] = None,
            targets: Optional[list] = None) -> Dict[Text, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        plans = self.__dict__.setdefault("_run_plans", {})
        key = tuple(run_targets)
        if key not in plans:
            graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
            plans[key] = (graph, _evaluation_order(graph, run_targets))
        graph, order = plans[key]
        if inputs:
            self._add_inputs_to_graph(inputs, {**graph})     # Rasa's check of the input names
        if dask_runner.logger.isEnabledFor(logging.DEBUG):
            dask_runner.logger.debug(f"Running graph with inputs: {inputs}, targets: {targets} "
                                     f"and {self._execution_context}.")
        # What dask.get does with Rasa's graph, without working out its schedule again on
        # every call (0.15-0.2 ms, three times a turn): an input is the pair
        # (name, value) and takes the place of a node of the same name; each node is
        # called with the outputs of the nodes it needs.
        values: Dict[Text, Any] = {name: (name, value) for name, value in (inputs or {}).items()}
        try:
            for name in order:
                if name not in values:
                    node, *needs = graph[name]
                    values[name] = node(*(values.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(values[target] for target in run_targets)     # each output is (node, value)

    dask_runner.DaskGraphRunner.run = run


def _evaluation_order(graph: Dict[Text, Any], targets: list) -> list:
    """The nodes `targets` need, each after the nodes it needs (names outside `graph`
    are the run's inputs)."""
    order: list = []
    done: set = set()

    def visit(name: Text) -> None:
        if name in done or name not in graph:
            return
        done.add(name)
        for need in graph[name][1:]:
            visit(need)
        order.append(name)

    for target in targets:
        visit(target)
    return order


def _copy_log_arguments_only_when_logged() -> None:
    from rasa.core import processor
    from rasa.core.policies import memoization, rule_policy

    rasa_logger = logging.getLogger("rasa")

    def deepcopy_if_logged(value: Any, memo: Any = None) -> Any:
        return copy.deepcopy(value, memo) if rasa_logger.isEnabledFor(logging.DEBUG) else value

    log_copy = types.SimpleNamespace(deepcopy=deepcopy_if_logged, copy=copy.copy)
    for module in (processor, rule_policy, memoization):
        module.copy = log_copy

    # The rule policy also formats every state of the session into text for that log
    # message, twice per prediction; it uses the text for nothing else.
    format_states = rule_policy.RulePolicy.format_tracker_states

    def format_tracker_states_if_logged(states: Any) -> Any:
        return format_states(states) if rasa_logger.isEnabledFor(logging.DEBUG) else ""

    rule_policy.RulePolicy.format_tracker_states = staticmethod(format_tracker_states_if_logged)


def _carry_past_states_forward() -> None:
    from rasa.shared.core.domain import Domain

    from bot.server import past_states

    Domain.states_for_tracker_history = past_states.install(Domain.states_for_tracker_history)


def _copy_trackers_without_replay() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.server import tracker_copy

    DialogueStateTracker.copy = tracker_copy.install(DialogueStateTracker.copy)


# An idle kept-alive connection is dropped after this many seconds: fewer than the
# 5 s a Sanic server (the action server) keeps one, so it is never reused just as
# the server closes it.
KEEPALIVE_SECONDS = 2.0
# (endpoint, event loop) -> its client session
_sessions: Dict[tuple, Any] = {}


class _KeptSession:
    """`async with` gives the kept session and leaves it open."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def request_json(value: Any) -> str:
    """A request body (a tracker: strings, numbers, booleans, None, lists and dicts) as
    JSON: the values `json.dumps` writes; ujson writes "/" as "\\/" and leaves out spaces.
    Whatever ujson refuses goes to `json.dumps`, which raises its own error for what is
    not JSON."""
    try:
        return ujson.dumps(value)
    except (TypeError, OverflowError, ValueError):
        return json.dumps(value)


def kept_session(endpoint: Any) -> Any:
    """What `EndpointConfig.session()` makes (same headers, auth and timeout; JSON bodies
    by `request_json`), made once per endpoint and event loop."""
    import asyncio

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    for old_key in [old for old, (_, old_loop, _) in _sessions.items() if old_loop.is_closed()]:
        del _sessions[old_key]   # a finished loop (tests): its session went with it
    key = (id(endpoint), id(loop))
    kept = _sessions.get(key)
    if kept is None or kept[2].closed or kept[0] is not endpoint or kept[1] is not loop:
        auth = (aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
                if endpoint.basic_auth else None)
        session = aiohttp.ClientSession(headers=endpoint.headers, auth=auth, json_serialize=request_json,
                                        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
        kept = (endpoint, loop, session)
        _sessions[key] = kept
    return _KeptSession(kept[2])


async def close_kept_sessions() -> None:
    """Close the sessions of the running event loop (the server is stopping)."""
    import asyncio

    loop = asyncio.get_running_loop()
    for key, (_, session_loop, session) in list(_sessions.items()):
        if session_loop is loop:
            del _sessions[key]
            await session.close()


def _keep_endpoint_sessions() -> None:
    from rasa.core import run
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.session = kept_session
    close_resources = run.close_resources

    async def close_resources_and_sessions(app: Any, loop: Any) -> None:
        await close_resources(app, loop)
        await close_kept_sessions()

    run.close_resources = close_resources_and_sessions


def _remember_matching_rules() -> None:
    from rasa.core.policies.rule_policy import RulePolicy

    from bot.server import rule_lookup

    RulePolicy._get_possible_keys = rule_lookup.install(RulePolicy._get_possible_keys)


@functools.lru_cache(maxsize=1)
def empty_domain_as_dict() -> Dict[Text, Any]:
    """What `Domain.empty().as_dict()` gives (the same every time: no input)."""
    from rasa.shared.core.domain import Domain

    return Domain.empty().as_dict()


def _compare_with_one_empty_domain() -> None:
    from rasa.shared.core.domain import Domain

    def is_empty(self: Domain) -> bool:
        """Check whether the domain is empty."""
        return self.as_dict() == empty_domain_as_dict()

    Domain.is_empty = is_empty


def freeze_what_is_loaded() -> None:
    """Move every object alive now out of the garbage collector's generations: what a
    server loads once is never garbage, and walking it made each full collection stop the
    server for a fraction of a second. GC_FREEZE=0 leaves the collector as it is (to
    measure the difference)."""
    if os.environ.get("GC_FREEZE", "1") == "0":
        return
    gc.collect()
    gc.freeze()


def _freeze_the_loaded_model() -> None:
    from rasa.core import run

    load_agent_on_start = run.load_agent_on_start

    @functools.wraps(load_agent_on_start)
    async def load_agent_and_freeze(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent_on_start(*args, **kwargs)
        freeze_what_is_loaded()
        return agent

    run.load_agent_on_start = load_agent_and_freeze
