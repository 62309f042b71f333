"""bot.server.speedups changes how often Rasa does some work, never what it answers."""
from __future__ import annotations

import inspect
import json

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

from bot.server import speedups

speedups.install()

RESPONSES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "region", "value": "包头市"}],
     "responses": [{"text": "158天", "buttons": [{"title": "有帮助", "payload": "/feedback"}]}]},
    {"events": [{"event": "followup", "name": "action_listen"}], "responses": [{"text": "x"}]},
    {},
    # invalid: what a broken or hostile action server could send
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},
    {"responses": ["text instead of an object"]},
    [],
    "events",
]


def upstream_error(response) -> str | None:
    try:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error.message
    return None


@pytest.mark.parametrize("response", RESPONSES)
def test_action_responses_judged_as_jsonschema_validate_judges_them(response):
    expected = upstream_error(response)
    try:
        RemoteAction("action_x", None)._validate_action_result(response)
        actual = None
    except jsonschema.ValidationError as error:
        actual = error.message
    if expected is None:
        assert actual is None
    else:
        assert actual.startswith(expected) and "Failed to validate Action server response" in actual


def test_invalid_examples_are_really_invalid():
    assert 6 == sum(upstream_error(r) is not None for r in RESPONSES)


EVENT_NAMES = ["user", "action", "slot", "followup", "active_loop", "bot", "reset_slots", "restart",
               "session_started", "form", "rewind", "no_such_event", 3, None]
FIELDS = ["name", "value", "text", "timestamp", "metadata", "parse_data", "policy", "confidence",
          "data", "intent", "entities", "input_channel", "hide_rule_turn", "kill_on_user_msg"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.sampled_from(["", "包头市", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=3),
    max_leaves=8)
events = st.fixed_dictionaries({"event": st.sampled_from(EVENT_NAMES)},
                               optional={field: json_values for field in FIELDS})
responses = st.fixed_dictionaries({}, optional={
    "events": st.lists(events, max_size=4) | json_values,
    "responses": st.lists(st.dictionaries(st.sampled_from(["text", "buttons", "custom", "image"]), json_values,
                                          max_size=3) | json_values, max_size=3)})


@pytest.mark.slow
@settings(max_examples=300, deadline=None, database=None)
@given(responses)
def test_the_quick_check_passes_exactly_what_jsonschema_passes(response):
    """The quick check only decides 'valid'; if it ever passed an answer jsonschema rejects,
    an invalid answer would reach Rasa. (It rejecting a valid one would only cost time.)"""
    assert (upstream_error(response) is None) == speedups.action_response_is_valid()(response)


def all_subclasses(cls):
    found = []
    for sub in cls.__subclasses__():
        found += [sub] + all_subclasses(sub)
    return [c for c in found if not inspect.isabstract(c)]


def test_event_types_resolve_to_the_same_classes():
    classes = all_subclasses(Event)
    names = {c.type_name for c in classes}
    assert len(names) > 20
    for _ in range(2):   # first lookup and remembered lookup
        for name in names:
            expected = next(c for c in classes if c.type_name == name)
            assert expected is Event.resolve_by_type(name)
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("topic") is None


def rasas_is_empty(domain) -> bool:
    """Rasa's Domain.is_empty body (fingerprinted in test_rasa_patches)."""
    from rasa.shared.core.domain import Domain

    return domain.as_dict() == Domain.empty().as_dict()


def test_a_domain_is_empty_exactly_when_rasa_says_so(monkeypatch):
    from rasa.shared.core.domain import Domain

    from tests.conftest import ROOT

    assert Domain.is_empty.__module__ == "bot.server.speedups"
    cases = [Domain.empty(), Domain.from_dict({}), Domain.load(ROOT / "domain.yml"),
             Domain.from_dict({"intents": ["greet"]}),
             Domain.from_dict({"session_config": {"session_expiration_time": 1}}),
             Domain.from_dict({"responses": {"utter_x": [{"text": "x"}]}})]
    assert [True, True, False, False, False, False] == [d.is_empty() for d in cases]
    assert [rasas_is_empty(d) for d in cases] == [d.is_empty() for d in cases]
    built = []   # no empty domain is built to answer any more
    from_dict = Domain.from_dict
    monkeypatch.setattr(Domain, "from_dict", classmethod(lambda cls, data: built.append(data) or from_dict(data)))
    assert [True, False] == [cases[0].is_empty(), cases[2].is_empty()] and [] == built


def rasas_run(runner, inputs, targets) -> dict:
    """What Rasa's DaskGraphRunner.run gives (its body: fingerprinted in test_rasa_patches)."""
    import dask

    graph = runner._build_dask_graph(runner._graph_schema.minimal_graph_schema(targets))
    runner._add_inputs_to_graph(inputs, graph)
    return dict(dask.get(graph, targets))


def test_graph_runner_gives_the_same_results_and_keeps_inputs_apart(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    from tests.graph_components import AddInput, SumInputs

    def node(uses, needs, **config):
        return SchemaNode(needs=needs, uses=uses, fn="add", constructor_name="create", config=config, is_target=True)

    # number -> add (+1) -> twice (+10); add and tenfold (+100 on number) -> both (sum): a diamond
    schema = GraphSchema({
        "add": node(AddInput, {"value": "number"}, amount=1),
        "twice": node(AddInput, {"value": "add"}, amount=10),
        "tenfold": node(AddInput, {"value": "number"}, amount=100),
        "both": node(SumInputs, {"left": "add", "right": "tenfold"}),
    })
    runner = DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "id"))
    assert {"add": 2} == runner.run(inputs={"number": 1}, targets=["add"])
    assert {"add": 6} == runner.run(inputs={"number": 5}, targets=["add"])
    assert {"add": 6, "twice": 16, "tenfold": 105, "both": 111} == runner.run(inputs={"number": 5})
    assert {"twice": 13} == runner.run(inputs={"number": 2}, targets=["twice"])
    assert {"both": 7 + 106} == runner.run(inputs={"number": 6}, targets=["both"])
    cases = [({"number": 3}, ["both"]), ({"number": 3}, ["both", "twice"]), ({"number": 4}, ["twice", "add"]),
             ({"number": 4, "add": 50}, ["twice", "both"]),      # an input takes the place of a node
             ({"number": 1}, ["number", "add"])]                 # an input as a target
    for inputs, targets in cases:
        assert rasas_run(runner, inputs, targets) == runner.run(inputs=inputs, targets=targets)


def test_graph_runner_fails_as_rasas_does(tmp_path):
    from rasa.engine.exceptions import GraphComponentException, GraphRunError
    from rasa.engine.graph import ExecutionContext, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    from tests.graph_components import FailWith

    schema = GraphSchema({"fail": SchemaNode(needs={"value": "number"}, uses=FailWith, fn="fail",
                                             constructor_name="create", config={"error": ValueError},
                                             is_target=True)})
    runner = DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "id"))
    errors = []
    for run in (lambda: rasas_run(runner, {"number": 1}, ["fail"]),
                lambda: runner.run(inputs={"number": 1}, targets=["fail"])):
        with pytest.raises(GraphComponentException, match="node fail") as raised:
            run()
        errors.append((type(raised.value), str(raised.value.__cause__)))
    assert errors[0] == errors[1] == (GraphComponentException, "failed on 1")
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run(inputs={"number": "fail"}, targets=["fail"])


def test_graph_runner_runs_the_models_graphs_as_rasa_does(trained_model):
    """The NLU graph and the policies' graph of the trained model: the same outputs."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    speedups.install()
    agent = Agent.load(str(trained_model))
    processor = agent.processor
    runner, metadata = processor.graph_runner, processor.model_metadata
    for text in ("包头产假多少天", "那我老公呢", "育儿补贴怎么申请", "你好"):
        inputs = {PLACEHOLDER_MESSAGE: [UserMessage(text, sender_id="graph")]}
        expected = rasas_run(runner, inputs, [metadata.nlu_target])
        actual = runner.run(inputs=inputs, targets=[metadata.nlu_target])
        parsed = [[(m.get("intent"), m.get("intent_ranking"), m.get("entities")) for m in result[metadata.nlu_target]]
                  for result in (expected, actual)]
        assert parsed[0] == parsed[1]
        parse = actual[metadata.nlu_target][0]
        tracker = DialogueStateTracker.from_events("graph", [
            ActionExecuted("action_listen"),
            UserUttered(text, intent=parse.get("intent"), entities=parse.get("entities", []))], agent.domain.slots)
        inputs = {PLACEHOLDER_TRACKER: tracker}
        expected = rasas_run(runner, inputs, [metadata.core_target])[metadata.core_target]
        actual = runner.run(inputs=inputs, targets=[metadata.core_target])[metadata.core_target]
        assert (expected.policy_name, expected.probabilities, expected.events) == \
            (actual.policy_name, actual.probabilities, actual.events)
        assert max(actual.probabilities) > 0


def test_log_copies_made_only_when_debug_logging_is_on():
    import logging

    from rasa.core import processor

    states = [{"user": {"intent": "ask_leave"}}]
    assert processor.copy.deepcopy(states) is states
    rasa_logger = logging.getLogger("rasa")
    level = rasa_logger.level
    rasa_logger.setLevel(logging.DEBUG)
    try:
        copied = processor.copy.deepcopy(states)
    finally:
        rasa_logger.setLevel(level)
    assert states == copied and copied is not states and copied[0] is not states[0]


def test_the_rule_policy_formats_its_states_only_for_a_debug_log():
    import ast
    import logging

    from rasa.core.policies import rule_policy
    from rasa.core.policies.policy import Policy

    states = [{"user": {"intent": "ask_leave"}}, {"prev_action": {"action_name": "action_listen"}}]
    assert "" == rule_policy.RulePolicy.format_tracker_states(states)
    rasa_logger = logging.getLogger("rasa")
    level = rasa_logger.level
    rasa_logger.setLevel(logging.DEBUG)
    try:
        assert Policy.format_tracker_states(states) == rule_policy.RulePolicy.format_tracker_states(states)
    finally:
        rasa_logger.setLevel(level)
    # Rasa uses the text only as a log argument: its one call's result goes nowhere else.
    tree = ast.parse(inspect.getsource(rule_policy))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == "format_tracker_states"]
    assert 1 == len(calls)
    assigned = next(node for node in ast.walk(tree) if isinstance(node, ast.Assign) and node.value is calls[0])
    name = assigned.targets[0].id
    reads = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == name
             and isinstance(node.ctx, ast.Load)]
    assert 1 == len(reads)   # current_states=copy.deepcopy(current_states), in structlogger.debug


@pytest.mark.parametrize("module", ["rasa.core.processor", "rasa.core.policies.rule_policy",
                                    "rasa.core.policies.memoization"])
def test_copy_is_only_used_for_log_arguments_in_the_patched_modules(module):
    """Guards the patch against a Rasa version that copies for real in these modules."""
    import ast
    import importlib

    tree = ast.parse(inspect.getsource(importlib.import_module(module)))
    log_calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute) and node.func.attr == "debug"
                 and isinstance(node.func.value, ast.Name) and node.func.value.id == "structlogger"]
    in_log_calls = {id(n) for call in log_calls for n in ast.walk(call)}
    uses = [node for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id == "copy"]
    assert uses
    assert all(id(node) in in_log_calls for node in uses)


# A request as Rasa makes one: Chinese text, a URL, floats, nested events.
BODY = {"sender_id": "wx/oAbC+1", "version": "3.6.21",
        "tracker": {"slots": {"region": "包头市", "child_order": 2, "date": None, "shown": True},
                    "events": [{"event": "user", "timestamp": 1764921600.123456, "text": "包头产假多少天？",
                                "parse_data": {"intent": {"name": "ask_leave", "confidence": 0.9873452186584473},
                                               "entities": [{"entity": "region", "value": "包头", "start": 0}]},
                                "metadata": {"url": "https://example.org/a/b?c=1"}}]}}

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, database=None)
@given(json_like)
def test_a_request_body_is_the_json_that_json_dumps_writes(value):
    assert json.loads(json.dumps(value)) == json.loads(speedups.request_json(value))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), [-float("inf")], 2**70, -2**64, "\ud800/\x00\u2028"])
def test_edge_values_are_written_as_json_dumps_reads_them(value):
    written = speedups.request_json(value)
    assert json.dumps(json.loads(written)) == json.dumps(value)


def test_what_is_not_json_fails_as_json_dumps_fails():
    with pytest.raises(TypeError) as rasas:
        json.dumps({"a": object})
    with pytest.raises(TypeError) as ours:
        speedups.request_json({"a": object})
    assert str(rasas.value) == str(ours.value)


def test_calls_to_an_endpoint_share_one_connection_and_send_what_rasa_sends():
    """The action server is called through one kept session: same headers, auth and
    answers as a new session per call, one TCP connection, closed with the server."""
    import aiohttp
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def scenario():
        seen = []

        async def webhook(request):
            seen.append((request.transport.get_extra_info("peername")[1], request.headers.get("X-Token"),
                         request.headers.get("Authorization"), await request.json()))
            return web.json_response({"events": [], "responses": [{"text": "ok"}]})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Token": "t"},
                                  basic_auth={"username": "u", "password": "p"})
        answers = [await endpoint.request(json={**BODY, "next_action": f"a{n}"}, method="post") for n in range(5)]
        session = speedups._sessions[(id(endpoint), id(asyncio.get_running_loop()))][2]
        await speedups.close_kept_sessions()
        await runner.cleanup()
        return seen, answers, session

    import asyncio
    seen, answers, session = asyncio.run(scenario())
    assert [{"events": [], "responses": [{"text": "ok"}]}] * 5 == answers
    assert [{**BODY, "next_action": f"a{n}"} for n in range(5)] == [body for *_, body in seen]
    assert {"t"} == {token for _, token, _, _ in seen}
    assert {aiohttp.BasicAuth("u", "p").encode()} == {auth for _, _, auth, _ in seen}
    assert 1 == len({client_port for client_port, *_ in seen})   # one connection
    assert speedups.request_json is session._json_serialize      # bodies written by ujson
    assert session.closed


def test_a_kept_connection_is_dropped_before_the_action_server_drops_it():
    from sanic.config import DEFAULT_CONFIG

    assert speedups.KEEPALIVE_SECONDS < DEFAULT_CONFIG["KEEP_ALIVE_TIMEOUT"]


FREEZE_SCRIPT = """
import asyncio, gc, json, sys, types
from bot.server import speedups
speedups.install()
from rasa.core import agent, run

loaded = types.SimpleNamespace()
async def load_agent(**kwargs):
    return loaded
model = [[n] for n in range(50000)]   # what a model leaves alive for the server's life
agent.load_agent = load_agent
app = types.SimpleNamespace(ctx=types.SimpleNamespace())
result = asyncio.run(run.load_agent_on_start("model.tar.gz", None, None, app, None))
print(json.dumps({"same_agent": result is loaded and app.ctx.agent is loaded, "frozen": gc.get_freeze_count(),
                  "model_objects": len(model)}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("setting, frozen", [(None, True), ("0", False)])
def test_what_the_model_loaded_is_frozen_for_the_garbage_collector(setting, frozen, monkeypatch):
    """Rasa's own load runs and its agent is served; then (unless GC_FREEZE=0) every object
    alive is out of the collector's generations, so a full collection no longer walks it."""
    from tests.conftest import run_script

    result = run_script(FREEZE_SCRIPT, gc_freeze=setting, monkeypatch=monkeypatch)
    assert result["same_agent"]
    assert (result["frozen"] > result["model_objects"]) is frozen
    assert (result["frozen"] == 0) is not frozen
