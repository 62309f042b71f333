"""Fixes for Rasa 3.6 hot spots, found with py-spy on the Rasa server under `make bench`
load. Each keeps Rasa's behaviour and only removes repeated work; `install()` is called
by `bot.server` (how the project starts Rasa) before anything runs.

- The action server's answer was checked with `jsonschema.validate`, which re-validates
  the schema against its meta-schema and rebuilds a validator on every call: about 70 %
  of the server's CPU time per message. Even built once, jsonschema's validator took
  about 4 ms per answer (each event is tried against every event type of a `oneOf`).
  Here the schema is compiled once to Python code by `fastjsonschema`, which only says
  whether an answer is valid; an answer it rejects is checked again by jsonschema, so
  the same answers pass and an invalid one raises the same `ValidationError`.
- `Event.resolve_by_type` walked every Event subclass (with `inspect.isabstract` on each)
  for every stored event it deserialised. Found classes are remembered per type name.
- The graph runner worked out the sub-graph needed for its targets (a recursive walk)
  and formatted its inputs, the whole tracker, into a debug message that is not logged,
  on every NLU parse and every prediction. The sub-graph is remembered per target list.
- The message processor, the rule policy and the memoization policy deep-copy the
  tracker states and events they pass to `structlogger.debug`, even when debug logging
  is off and the copy is dropped at once. In those three modules (where `copy` is used
  for nothing else) the copy is only made when debug logging is on.
- Messages that arrive together are parsed in one pass of the NLU pipeline
  (bot/nlu/batch_parse.py), one TensorFlow call for all of them.

All of them are applied only on the Rasa version they were written for
(bot/server/rasa_version.py); on another one `install()` logs a warning and changes nothing.
"""
from __future__ import annotations

import copy
import functools
import logging
import types
from typing import Any, Dict, Optional, Text, Type

from bot.server import rasa_version
from bot.nlu import batch_parse

_installed = False


def install() -> None:
    """Apply the fixes (idempotent); nothing on a Rasa version they were not written for."""
    global _installed
    if _installed or not rasa_version.patches_apply(patch="bot.server.speedups"):
        return
    _compile_action_response_schema()
    _remember_event_types()
    _remember_minimal_graphs()
    _copy_log_arguments_only_when_logged()
    batch_parse.install()
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
    """The same schema compiled to a Python function: fast, but its errors are worded
    differently from jsonschema's, so it is only asked whether an answer is valid."""
    import fastjsonschema
    from rasa.core.actions.action import RemoteAction

    validate = fastjsonschema.compile(RemoteAction.action_response_format_spec())

    def is_valid(result: Any) -> bool:
        try:
            validate(result)
            return True
        except fastjsonschema.JsonSchemaException:
            return False

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


def _remember_minimal_graphs() -> None:
    import dask
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner import dask as dask_runner

    def run(self, inputs: Optional[Dict[Text, Any]] = None,
            targets: Optional[list] = None) -> Dict[Text, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        graphs = self.__dict__.setdefault("_minimal_graphs", {})
        key = tuple(run_targets)
        if key not in graphs:
            graphs[key] = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
        run_graph = dict(graphs[key])   # the inputs go into a copy
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        if dask_runner.logger.isEnabledFor(logging.DEBUG):
            dask_runner.logger.debug(f"Running graph with inputs: {inputs}, targets: {targets} "
                                     f"and {self._execution_context}.")
        try:
            return dict(dask.get(run_graph, run_targets))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error

    dask_runner.DaskGraphRunner.run = run


def _copy_log_arguments_only_when_logged() -> None:
    from rasa.core import processor
    from rasa.core.policies import memoization, rule_policy

    rasa_logger = logging.getLogger("rasa")

    def deepcopy_if_logged(value: Any, memo: Any = None) -> Any:
        return copy.deepcopy(value, memo) if rasa_logger.isEnabledFor(logging.DEBUG) else value

    log_copy = types.SimpleNamespace(deepcopy=deepcopy_if_logged, copy=copy.copy)
    for module in (processor, rule_policy, memoization):
        module.copy = log_copy
