"""The patches of Rasa internals cannot rot silently (issue 13.2).

* Every upstream function a patch replaces, wraps, reproduces or relies on is fingerprinted
  (sha256 of its source as the installed Rasa, or the Keras it pins, ships it): an upgrade
  that changes one fails here, naming it and the project module to re-check.
* On another Rasa version (bot/server/rasa_version.py) nothing is patched and Rasa's code runs.
* The NLU graph built from config.yml never takes the tracker, which the batcher drops.
"""
from __future__ import annotations

import ast
import asyncio
import hashlib
import importlib
import inspect
import json
import subprocess
import sys
import textwrap

import pytest
import rasa

from bot.server import rasa_version
from tests.conftest import ROOT

# "module:Class.function": (sha256 of its source in Rasa 3.6.21, which project code depends on it)
UPSTREAM = {
    "rasa.core.actions.action:RemoteAction._validate_action_result":
        ("ce61fe852bba0d78041dccaa58b2b43722f31b27478829fe4d499b2004f202bd", "bot/server/speedups.py (replaced)"),
    "rasa.shared.core.events:Event.resolve_by_type":
        ("bcf3fa3847fbd72f63716894b8098f04373996903232a330d059ff92e7a4c8bc", "bot/server/speedups.py (wrapped)"),
    "rasa.engine.runner.dask:DaskGraphRunner.run":
        ("f58ed98f29b1bd4da35066a5dddbe7aa92c558566f8a437d0e3f3eb43b8aeae1", "bot/server/speedups.py (replaced)"),
    "rasa.engine.runner.dask:DaskGraphRunner._add_inputs_to_graph":
        ("cb4565d3144e99763953f490d27735ecb63ed74a501d86708be39eac4d13914a", "bot/server/speedups.py (relied on)"),
    "rasa.core.agent:Agent.load_model":
        ("aea2af2f4bc8be2ebd98e74934c007c143a205b8e20bcd618ac847f8ad960d65", "bot/nlu/batch_parse.py (wrapped)"),
    "rasa.core.processor:MessageProcessor.parse_message":
        ("1969e179b22a2e1231df05bf5077634016f98be385d7a47c18079f77bae17a53", "bot/nlu/batch_parse.py (wrapped; its http_interpreter hook)"),
    "rasa.core.processor:MessageProcessor._parse_message_with_graph":
        ("fbf31230d2d5ac344ef4bf13e9a04bdd106785ddf5c8b01b8963eec25546fb6d", "bot/nlu/batch_parse.py (reproduced)"),
    "rasa.nlu.classifiers.diet_classifier:DIETClassifier._load_model_class":
        ("7e0e2de12646f228786bd54f868a8f80052bb53953ed9c37a548bc94cc8d5972", "bot/nlu/lean_diet.py (replaced)"),
    "rasa.nlu.classifiers.diet_classifier:DIETClassifier.process":
        ("f93403e3dbdc947cd6231267033aa17a340524e1f81f6272b791ebe7e283da17", "bot/nlu/lean_diet.py (wrapped)"),
    "rasa.nlu.classifiers.diet_classifier:DIETClassifier._predict":
        ("b575924ec83afb04ef135a5c85a005244e285c57789ef2e04ea2abf552a79611", "bot/nlu/lean_diet.py (wrapped)"),
    "rasa.nlu.classifiers.diet_classifier:DIETClassifier.model_class":
        ("d264b37de6013d31e1044f29f894956a01852f3e2318f49b85cdb47d89ee6c03", "bot/nlu/lean_diet.py (replaced: trains LeanDIET)"),
    "rasa.utils.tensorflow.models:TransformerRasaModel._calculate_entity_loss":
        ("da0f999034387bbdfc14d3b5168e2ba2b5ea26eaa3582984165a05298c9a454c", "bot/nlu/lean_diet.py (reproduced without the F1)"),
    "rasa.utils.tensorflow.layers:CRF.f1_score":
        ("92fdacddf05ec15bfb0b4317c3691309345a8cb9a8b01d172aea9e734992c9e8", "bot/nlu/lean_diet.py (relied on: only a logged metric)"),
    "rasa.nlu.classifiers.diet_classifier:DIET._update_entity_metrics":
        ("46ab48d16d6c851f8af56ca8e721b04789422b85aefd92676f1f6a2373d01eca", "bot/nlu/lean_diet.py (replaced: the losses only)"),
    "rasa.nlu.classifiers.diet_classifier:DIET._update_metrics_to_log":
        ("aa13699b1f179586b8e341ef3761cfc090eb377b94956eb4b5cb915a1c7f77a3", "bot/nlu/lean_diet.py (wrapped: losses for F1s)"),
    "rasa.nlu.classifiers.diet_classifier:DIET._batch_loss_entities":
        ("08d63a720d1ffde32069bf626c189913ed2771d918ef07fc97b4ca8e56d8ee12", "bot/nlu/lean_diet.py (relied on: its only caller)"),
    "rasa.nlu.classifiers.diet_classifier:DIET.batch_loss":
        ("2730ad962f0668a2283effb1dae6078ff13d3506deb6898d1bb6bffc06359304", "bot/nlu/lean_diet.py (relied on: the entity loss comes after every random op)"),
    "rasa.nlu.classifiers.diet_classifier:DIETClassifier.train":
        ("3ec93761d7497e3c3ca01e30eb83933956d0a52b4bd9515cb5c62d13b455365e", "bot/nlu/lean_diet.py (relied on: fits the model on a keras Sequence of batches)"),
    # Keras 2.12.0, pinned by Rasa 3.6.21's TensorFlow 2.12.
    "keras.engine.data_adapter:select_data_adapter":
        ("a23a2e9dc4a5652238952fca4a5db71570f1cefa344d59d2ecd7fcc33c919a17", "bot/nlu/lean_diet.py (relied on: picks from ALL_ADAPTER_CLS when fit starts)"),
    "keras.engine.data_adapter:KerasSequenceAdapter":
        ("55934ae85e5be36ed190ac1ea07395eda2b8290bf48198c2755dce904d39df37", "bot/nlu/lean_diet.py (subclassed: SequenceWithoutAutotune)"),
    "keras.engine.data_adapter:GeneratorDataAdapter.get_dataset":
        ("9aff2d85414e216a770feec5d75b9313b8f1b0b76b0359503972d6ee52846460", "bot/nlu/lean_diet.py (wrapped: the same dataset, not autotuned)"),
    "keras.engine.data_adapter:DataHandler._configure_dataset_and_inferred_steps":
        ("864596c458275ea6ca578104b8904da04a1dea007eefd6ceb5348822f8be978e", "bot/nlu/lean_diet.py (relied on: asks the adapter for its dataset once)"),
    "keras.engine.data_adapter:DataHandler.enumerate_epochs":
        ("ed4a2f5935329459734e68adcb87918dface3c8a1a36f679288e11cf988ff367", "bot/nlu/lean_diet.py (why: a new iterator every epoch, the old one deleted)"),
    "rasa.utils.tensorflow.models:RasaModel.load":
        ("ab8086f5afcd05add0ab0c4a101456cd35226a8481b8085b35a76c03e6b30643", "bot/nlu/lean_diet.py (reproduced)"),
    "rasa.core.tracker_store:SQLTrackerStore.__init__":
        ("25e24e584afa896ac8e294eef37478a7ec21b22eabb2f7acb350ef2a452963cc", "bot/server/tracker_store.py (relied on)"),
    "rasa.core.tracker_store:SQLTrackerStore.SQLEvent":
        ("36cc51d98c95a72653bba272532f0c7ccc523624a2e9691f0eb62ef0da19bed9", "bot/server/tracker_store.py (relied on)"),
    "rasa.core.tracker_store:SQLTrackerStore._event_query":
        ("3cc03762d3bfb9326b732e2fb04edcb450e83a0618e82a84d64e0d54fa05c800", "bot/server/tracker_store.py (reproduced)"),
    "rasa.core.tracker_store:SQLTrackerStore._retrieve":
        ("d0b196352fb58e72291421d2032252c258d2bdd884ef86408e44cb7b67c062f5", "bot/server/tracker_store.py (replaced)"),
    "rasa.core.tracker_store:SQLTrackerStore.save":
        ("28635205f0c27ad7d5a1228986050827d2fa31e43d65730fe5f0206ae77a78ae", "bot/server/tracker_store.py (replaced)"),
    "rasa.core.policies.rule_policy:RulePolicy._get_possible_keys":
        ("83b6c396784d992b4c21728117d15b8e7928be74517adccbe61d4f28aa679336", "bot/server/rule_lookup.py (wrapped)"),
    "rasa.core.policies.rule_policy:RulePolicy._is_rule_applicable":
        ("33218e95fc6ed16a283020811c653d46e95580badfc3884eef557aaa813883ad", "bot/server/rule_lookup.py (relied on: a rule of n states reads the last n)"),
    "rasa.core.policies.rule_policy:RulePolicy._does_rule_match_state":
        ("130e2f1b97b7adb1fba8cce8f781538ba091ce11dfef9af718d1ddc90a1ed6d2", "bot/server/rule_lookup.py (relied on: ==, != and truth only)"),
    "rasa.core.policies.rule_policy:RulePolicy._rule_key_to_state":
        ("78d770907ccf3f74819dcc6dace71d11f90913422b629cfd10d2f7d1e1a7620a", "bot/server/rule_lookup.py (relied on)"),
    "rasa.core.policies.rule_policy:RulePolicy._check_prediction":
        ("dbdaa73a64a9c7489f6811ab0989836ef43c3f16e5785ddb4ddbd491585044ec", "bot/server/rule_lookup.py (relied on: a lookup changed in place loses rules)"),
    "rasa.shared.core.domain:Domain.is_empty":
        ("3ad1263bc1d1f881f7f2c8256a5612a567fdb2c779cc245c2afeff5d0cf789f9", "bot/server/speedups.py (replaced)"),
    "rasa.shared.core.domain:Domain.empty":
        ("10a01ca6ebaece091f98181fdaa7463953f0dea79ffb3a2356f2610cc7991bb0", "bot/server/speedups.py (relied on: no input, the same domain every time)"),
    "rasa.shared.core.domain:Domain.as_dict":
        ("d2afa1cead82430ed243b22e3c9454ef0de090212833fe9f379f714d31a3188b", "bot/server/speedups.py (relied on: the domain's own dictionary, not a copy)"),
    "rasa.shared.core.domain:Domain.states_for_tracker_history":
        ("ab8c2a9ffe9f9b03bdd2ec9bb7c7a95b3812d30ff4a1e9b2f3c5a420c59c284e", "bot/server/past_states.py (reproduced for ignore_rule_only_turns=False)"),
    "rasa.shared.core.domain:Domain.get_active_state":
        ("56dade87f1ba3c1c4e04e6c5838b4146712ccc72dc25e41c64d6b6368fd567a3", "bot/server/past_states.py (relied on)"),
    "rasa.shared.core.trackers:DialogueStateTracker.generate_all_prior_trackers":
        ("863019d2d0cbb5675c1bcb11924d8ffefd7dbd536d05948e68010b9fea795b1d", "bot/server/past_states.py (reproduced)"),
    "rasa.shared.core.trackers:DialogueStateTracker.applied_events":
        ("7072d7ec964c5685bc869d1252cb856f0589184a22c2f7fd6574aac7e0a08851", "bot/server/past_states.py (which events it drops)"),
    "rasa.shared.core.trackers:DialogueStateTracker._first_loop_execution_or_unhappy_path":
        ("ece11afa5fc13ec289e8bf5a407a2f8ee7c19de6d0e32f4573234df935d5074f", "bot/server/past_states.py (which events it drops)"),
    "rasa.shared.core.trackers:DialogueStateTracker.init_copy":
        ("23b58d05a23f4a9f2fec2dc35e8919258a5445852ccac258d28aa06166fbab6d", "bot/server/past_states.py (relied on); bot/server/tracker_copy.py (reproduced without the slots)"),
    "rasa.shared.core.trackers:DialogueStateTracker.update":
        ("fce089c1385f3748d2d9170ef1762be1081a4069b934383e657f0db54bf1f251", "bot/server/past_states.py, bot/server/tracker_store.py (only appends: what the kept states and trackers rely on)"),
    "rasa.core.tracker_store:SQLTrackerStore.retrieve":
        ("1de6caf015d855916e202d18ddc847b8688a923e27a566d3393614381e39b859", "bot/server/tracker_store.py (the latest session: what is kept)"),
    "rasa.utils.endpoints:EndpointConfig.session":
        ("24bb9e164e09dd9a7151b242fccfab8e3635eba5ca635f153858852e9e5d2dd2", "bot/server/speedups.py (reproduced, kept)"),
    "rasa.utils.endpoints:EndpointConfig.request":
        ("71217d4aa3ee6d5272edc7818029045addc609f95971583331dc30cda9629320", "bot/server/speedups.py (relied on: `async with self.session()`)"),
    "rasa.core.run:close_resources":
        ("0a57f78c3396dab0ff2990c6967cddb8f3549575ff347d9e1fd8a3e2831b835c", "bot/server/speedups.py (wrapped: the kept sessions closed too)"),
    "rasa.core.run:load_agent_on_start":
        ("315d39a25c4a44b01feb1fb085acd68a1a0bc7698007a0d276936c8556316832", "bot/server/speedups.py (wrapped: what the model loaded is frozen for the collector)"),
    "rasa.core.run:serve_application":
        ("e7c243a958951255d30f97a905bbe139aad34ffa5e0e9b41aa08e5c5611b4a1d", "bot/server/speedups.py (relied on: registers load_agent_on_start and close_resources, looked up when it runs)"),
    "rasa.shared.core.trackers:DialogueStateTracker.copy":
        ("36309de1affc7c2ee08687fbd6f6b51a0c102ef94a8980b7a20fc3ef56a4aef2", "bot/server/tracker_copy.py (replaced)"),
    "rasa.shared.core.trackers:DialogueStateTracker.travel_back_in_time":
        ("59087c973ebd1a7984fb94f4708ea7f296d8215d8cc8a96aa5602192b46ebf28", "bot/server/tracker_copy.py (what a copy is: a replay of every event)"),
    "rasa.shared.core.trackers:DialogueStateTracker.__init__":
        ("906061d979a8b47aa7892a5aece61680df63da614d56d95c8d9bfc75d49ddfbf", "bot/server/tracker_copy.py (the attributes a copy takes over)"),
    "rasa.shared.core.trackers:DialogueStateTracker._reset":
        ("9005aa9eb39fd953fad8cc42cf01a0ebbb6c87292f4825e0a215673374e475a8", "bot/server/tracker_copy.py (the attributes a copy takes over)"),
    "rasa.shared.core.trackers:TrackerActiveLoop":
        ("20524b37da9d988bcc3aac13b53048b969c0ce144f08b10e6269e78f240da7a9", "bot/server/tracker_copy.py (copied with dataclasses.replace)"),
    "rasa.core.policies.rule_policy:RulePolicy._find_action_from_rules":
        ("9aa310a9f99b3581ae67192a6522e290f59974e26d5688193322fe306c4c7514", "bot/server/speedups.py and bot/server/rule_lookup.py (relied on: reads the keys found; the formatted states only go to a debug log)"),
    "rasa.core.policies.policy:Policy.format_tracker_states":
        ("6e094dea43966ebef84a7f33be7389ac9be343965a14541cc218672c35a645fa", "bot/server/speedups.py (wrapped: only when debug logging is on)"),
    "rasa.core.channels.socketio:SocketIOInput.blueprint":
        ("afdc837158c6f83986efbee18737972fa06dee6785bf83eebc659a19289eae17", "bot/channels/socketio.py (its session_request handler replaced)"),
    "rasa.core.lock_store:RedisLockStore.__init__":
        ("5a066b3181b22dd8cc43f00c74f2908eec879f1e0d858d3620bddd76b874c6da", "bot/server/lock_store.py (relied on)"),
    "rasa.core.lock_store:RedisLockStore.get_lock":
        ("6abcadf0833bb25a45181fdac9b49d5f1d41125425c33c98f26b72cfc2bc7722", "bot/server/lock_store.py (same keys and JSON)"),
    "rasa.core.lock_store:RedisLockStore.save_lock":
        ("2d7ee866aff2aa4f4cb7b8398be2b4f5a8765ec52594fe7d457b68d63601a9a4", "bot/server/lock_store.py (same keys and JSON)"),
    "rasa.core.lock_store:LockStore.issue_ticket":
        ("7523f347c617634d306e0f3148b12c2038830e31370b4fa7afa359933b31cb5d", "bot/server/lock_store.py (replaced)"),
    "rasa.core.lock_store:LockStore.update_lock":
        ("5cbea8e4d1c9bbb7159bf6c2f7a70ea26c57e85e5c5cc82692d13145376a003e", "bot/server/lock_store.py (replaced)"),
    "rasa.core.lock_store:LockStore.finish_serving":
        ("132bfed9d66046a94549231a02f27cc3ef455655d0741bbb23bd60cb3d871725", "bot/server/lock_store.py (replaced)"),
    "rasa.core.lock_store:LockStore.cleanup":
        ("4bbbf242ce7eef5be723a7ed8c1afd2f8ade8abc61e64b0165de8673041a4784", "bot/server/lock_store.py (replaced)"),
    "rasa.shared.nlu.training_data.message:Message._combine_features":
        ("cb414cb3d54f339e4b2c25a801a776ef51d91165583ef67d90c65e7302cde6a9", "bot/nlu/feature_stacking.py (replaced for COO matrices)"),
    "rasa.shared.nlu.training_data.features:Features._combine_sparse_features":
        ("e4eaa0e7639667aaeda15a2ea61049986fe574a37e5c8d88f4f4fc06b2059009", "bot/nlu/feature_stacking.py (reproduced: scipy's hstack, pair by pair)"),
    "rasa.shared.nlu.training_data.features:Features.combine_with_features":
        ("4ce5d01f7ecce78d88cc838cf39b212c15b1316ee36a28baa1be6d4026de88b7", "bot/nlu/feature_stacking.py (reproduced for sparse features)"),
    "rasa.shared.nlu.training_data.features:Features.__init__":
        ("ad8386ddd996c8c31604b3953fd7912447c3810fe0627e5a7acd17548b6085aa", "bot/nlu/feature_stacking.py (relied on: the attributes a joined Features has)"),
    "rasa.shared.nlu.training_data.message:Message.get_sparse_features":
        ("e8941ab471645fc0054ea232f08714ca45f8c99bc3936c20458139f6675f06b6", "bot/nlu/feature_stacking.py (relied on: passes only sparse features of one type)"),}

OTHER_VERSION = "3.7.0"


def upstream_source(module: str, qualname: str) -> str:
    """The source of `qualname` in `module` as the installed file has it (decorators
    included), whatever has been patched in this process since."""
    text = inspect.getsource(importlib.import_module(module))
    body, node = ast.parse(text).body, None
    for name in qualname.split("."):
        node = next((n for n in body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name == name), None)
        if node is None:
            raise LookupError(f"{module}:{qualname} no longer exists")
        body = node.body
    start = min([d.lineno for d in node.decorator_list] + [node.lineno])
    return textwrap.dedent("\n".join(text.splitlines()[start - 1:node.end_lineno]))


def fingerprint(module: str, qualname: str) -> str:
    return hashlib.sha256(upstream_source(module, qualname).encode("utf-8")).hexdigest()


def test_the_installed_rasa_is_the_one_the_patches_were_written_for():
    assert rasa_version.PATCHED_RASA_VERSION == rasa.__version__
    assert rasa_version.patches_apply(patch="test")


def test_upstream_functions_are_the_ones_the_patches_were_written_for():
    changed = []
    for path, (expected, patched_by) in UPSTREAM.items():
        module, qualname = path.split(":")
        try:
            actual = fingerprint(module, qualname)
        except LookupError as missing:
            changed.append(f"{path} is gone ({missing}); used by {patched_by}")
            continue
        if actual != expected:
            changed.append(f"{path} changed (sha256 {actual}); re-read it against {patched_by}")
    assert not changed, (f"Rasa {rasa.__version__} differs from what the patches were written for "
                         f"(Rasa {rasa_version.PATCHED_RASA_VERSION}):\n  " + "\n  ".join(changed))


def test_the_fingerprint_is_of_the_upstream_source_and_sees_any_change():
    source = upstream_source("rasa.core.processor", "MessageProcessor.parse_message")
    assert source.startswith("async def parse_message(") and "self.http_interpreter" in source
    assert upstream_source("rasa.shared.core.events", "Event.resolve_by_type").startswith("@staticmethod")
    changed = source.replace("only_output_properties", "only_output_property", 1)
    assert hashlib.sha256(changed.encode()).hexdigest() != fingerprint("rasa.core.processor",
                                                                       "MessageProcessor.parse_message")
    with pytest.raises(LookupError):
        upstream_source("rasa.core.processor", "MessageProcessor.no_such_method")


# ---------------------------------------------------------------- the gate

GATE_SCRIPT = """
import json, sys
import rasa
from rasa.core import processor
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.policies import memoization, rule_policy
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.core import run
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa.shared.nlu.training_data.message import Message

def current():
    return {
        "RemoteAction._validate_action_result": RemoteAction.__dict__["_validate_action_result"],
        "Event.resolve_by_type": Event.__dict__["resolve_by_type"],
        "DaskGraphRunner.run": DaskGraphRunner.__dict__["run"],
        "Agent.load_model": Agent.__dict__["load_model"],
        "MessageProcessor.parse_message": processor.MessageProcessor.__dict__["parse_message"],
        "processor.copy": processor.copy,
        "rule_policy.copy": rule_policy.copy,
        "memoization.copy": memoization.copy,
        "Domain.states_for_tracker_history": Domain.__dict__["states_for_tracker_history"],
        "Domain.is_empty": Domain.__dict__["is_empty"],
        "RulePolicy._get_possible_keys": rule_policy.RulePolicy.__dict__["_get_possible_keys"],
        "EndpointConfig.session": EndpointConfig.__dict__["session"],
        "run.close_resources": run.close_resources,
        "run.load_agent_on_start": run.load_agent_on_start,
        "DialogueStateTracker.copy": DialogueStateTracker.__dict__["copy"],
        "RulePolicy.format_tracker_states": rule_policy.RulePolicy.format_tracker_states,
        "Message._combine_features": Message.__dict__["_combine_features"].__func__,
    }

def changed_by_install(version):
    rasa.__version__ = version
    before = current()
    speedups.install()
    after = current()
    return sorted(name for name in before if before[name] is not after[name])

from bot.server import speedups
closed = changed_by_install(sys.argv[1])
opened = changed_by_install(sys.argv[2])
print(json.dumps({"closed": closed, "open": opened}))
"""


@pytest.mark.slow
def test_speedups_patch_nothing_on_another_rasa_version():
    done = subprocess.run([sys.executable, "-c", GATE_SCRIPT, OTHER_VERSION, rasa_version.PATCHED_RASA_VERSION],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    changed = json.loads(done.stdout.strip().splitlines()[-1])
    assert [] == changed["closed"]
    # ... and the same install() on the right version patches every one of them.
    assert ["Agent.load_model", "DaskGraphRunner.run", "DialogueStateTracker.copy", "Domain.is_empty",
            "Domain.states_for_tracker_history",
            "EndpointConfig.session", "Event.resolve_by_type", "Message._combine_features", "MessageProcessor.parse_message",
            "RemoteAction._validate_action_result", "RulePolicy._get_possible_keys", "RulePolicy.format_tracker_states", "memoization.copy", "processor.copy",
            "rule_policy.copy", "run.close_resources", "run.load_agent_on_start"] == changed["open"]


@pytest.fixture()
def other_rasa_version(monkeypatch):
    monkeypatch.setattr(rasa, "__version__", OTHER_VERSION)


def test_the_gate_warns_once_per_patch(other_rasa_version, caplog, monkeypatch):
    monkeypatch.setattr(rasa_version, "_warned", set())
    with caplog.at_level("WARNING", logger="bot.server.rasa_version"):
        assert not rasa_version.patches_apply(patch="bot.example")
        assert not rasa_version.patches_apply(patch="bot.example")
    assert 1 == len(caplog.records)
    assert "bot.example not applied" in caplog.text and OTHER_VERSION in caplog.text


def test_tracker_store_is_rasas_on_another_version(tmp_path, other_rasa_version, monkeypatch):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.server.tracker_store import FastSQLTrackerStore

    domain = Domain.load(ROOT / "domain.yml")
    store = FastSQLTrackerStore(domain, db=str(tmp_path / "t.db"))
    assert not store.fast and not hasattr(store, "_insert")
    assert "NullPool" == type(store.engine.pool).__name__        # Rasa's engine, not the pooled one
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              UserUttered("包头产假多少天", {"name": "ask_leave", "confidence": 0.9})]
    calls = []
    upstream_save = SQLTrackerStore.save

    async def counted_save(self, tracker):
        calls.append(tracker.sender_id)
        return await upstream_save(self, tracker)

    monkeypatch.setattr(SQLTrackerStore, "save", counted_save)
    asyncio.run(store.save(DialogueStateTracker.from_events("gate", events, domain.slots)))
    assert ["gate"] == calls
    assert ["包头产假多少天"] == [e.text for e in asyncio.run(store.retrieve("gate")).events
                                 if isinstance(e, UserUttered)]


def test_lean_diet_is_diet_on_another_version(other_rasa_version, monkeypatch):
    from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.lean_diet import LeanDIETClassifier

    monkeypatch.setattr(DIETClassifier, "_load_model_class", classmethod(lambda cls, *args: "rasa's"))
    assert "rasa's" == LeanDIETClassifier._load_model_class("f", None, None, [], {}, False)
    assert DIET is LeanDIETClassifier.model_class()            # trains Rasa's DIET

    class Model:
        calls = 0

        def run_inference(self, *args, **kwargs):
            Model.calls += 1

    diet = object.__new__(LeanDIETClassifier)
    diet.model = Model()
    monkeypatch.setattr(DIETClassifier, "process", lambda self, messages: ["rasa's"] * len(messages))
    messages = [Message({TEXT: t, TOKENS_NAMES[TEXT]: [t]}) for t in ("产假", "护理假")]
    assert ["rasa's", "rasa's"] == diet.process(messages)
    assert 0 == Model.calls                                   # no batch prediction of its own


def web_channel_session_handler():
    from bot.channels.socketio import SocketIOInput

    channel = SocketIOInput.from_credentials({"session_persistence": True})
    channel.blueprint(lambda message: None)
    return channel.sio.handlers["/"]["session_request"]


def test_web_channel_keeps_rasas_session_handler_on_another_version(monkeypatch):
    assert "bot.channels.socketio" == web_channel_session_handler().__module__
    monkeypatch.setattr(rasa, "__version__", OTHER_VERSION)
    assert "rasa.core.channels.socketio" == web_channel_session_handler().__module__


def test_lock_store_is_rasas_on_another_version(other_rasa_version, monkeypatch):
    from rasa.core.lock_store import LockStore

    from bot.server.lock_store import AtomicRedisLockStore

    store = AtomicRedisLockStore(host="127.0.0.1", port=1)     # no connection is made here
    assert not store.atomic
    monkeypatch.setattr(LockStore, "issue_ticket", lambda self, conversation_id, lock_lifetime=0: "rasa's")
    assert "rasa's" == store.issue_ticket("c")


# ---------------------------------------------------------------- the NLU graph and the tracker

def test_no_node_of_the_nlu_graph_takes_the_tracker():
    """bot/nlu/batch_parse.py parses without the tracker: fine only while no NLU component
    of config.yml needs it. The graph is Rasa's own, built by its recipe (no training)."""
    import rasa.shared.utils.io
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.data import TrainingType

    config = rasa.shared.utils.io.read_model_configuration(ROOT / "config.yml")
    graphs = Recipe.recipe_for_name(config.get("recipe")).graph_config_for_recipe(
        config, cli_parameters={}, training_type=TrainingType.BOTH)

    def tracker_inputs(schema) -> list:
        return sorted(f"{name}.{param}" for name, node in schema.nodes.items()
                      for param, source in node.needs.items()
                      if source == PLACEHOLDER_TRACKER or "tracker" in param.lower())

    nlu = graphs.predict_schema.minimal_graph_schema([graphs.nlu_target])
    used = {node.uses.__name__ for node in nlu.nodes.values()}
    assert {"LeanDIETClassifier", "SpacyTokenizer", "FallbackClassifier"} <= used   # the real pipeline
    assert any(PLACEHOLDER_MESSAGE in node.needs.values() for node in nlu.nodes.values())
    assert [] == tracker_inputs(nlu)
    # The check sees tracker inputs where there are some: the dialogue policies.
    assert "run_RulePolicy0.tracker" in tracker_inputs(graphs.predict_schema)


# ---------------------------------------------------------------- batching through Rasa's hook

class FakeProcessor:
    """What MessageProcessor.parse_message uses of its processor, with a graph runner that
    classifies every message as `greet` and records how many messages each call got."""

    def __init__(self) -> None:
        self.http_interpreter = None
        self.model_metadata = type("Metadata", (), {"nlu_target": "nlu"})()
        self.runs: list[int] = []
        self.full_parses: list[str] = []
        self.graph_runner = self

    def run(self, inputs, targets):
        from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
        from rasa.shared.nlu.training_data.message import Message

        assert PLACEHOLDER_TRACKER not in inputs
        self.runs.append(len(inputs[PLACEHOLDER_MESSAGE]))
        return {targets[0]: [Message({"text": m.text, "intent": {"name": "greet", "confidence": 1.0}},
                                     output_properties={"intent"}) for m in inputs[PLACEHOLDER_MESSAGE]]}

    def _parse_message_with_graph(self, message, tracker, only_output_properties=True):
        self.full_parses.append((message.text, tracker.sender_id, only_output_properties))
        return {"text": message.text, "intent": {"name": "full", "confidence": 1.0}, "entities": []}

    def _update_full_retrieval_intent(self, parse_data) -> None:
        pass

    def _check_for_unseen_features(self, parse_data) -> None:
        pass


def test_parse_message_batches_through_the_interpreter_hook():
    from rasa.core.channels.channel import UserMessage
    from rasa.core.processor import MessageProcessor

    from bot.server import speedups
    from bot.nlu import batch_parse

    speedups.install()
    processor = FakeProcessor()
    batch_parse.attach(processor)
    texts = [f"问题{i}" for i in range(5)]

    async def together():
        return await asyncio.gather(*(MessageProcessor.parse_message(processor, UserMessage(t, sender_id=t))
                                      for t in texts))

    parses = asyncio.run(together())
    assert [(t, "greet") for t in texts] == [(p["text"], p["intent"]["name"]) for p in parses]
    assert [5] == processor.runs                               # one graph run for the five
    assert {5: 1} == batch_parse.batcher_of(processor).batch_sizes
    # A full parse (rasa test nlu, /model/test/intents) takes Rasa's single-message path.
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events("evaluation", [])
    full = asyncio.run(MessageProcessor.parse_message(processor, UserMessage("全部", sender_id="t"), tracker,
                                                      only_output_properties=False))
    assert ("full", [("全部", "evaluation", False)], [5]) == (full["intent"]["name"], processor.full_parses,
                                                             processor.runs)


def test_a_configured_nlu_server_is_left_alone():
    from bot.nlu import batch_parse

    processor = FakeProcessor()
    processor.http_interpreter = server = object()
    batch_parse.attach(processor)
    assert processor.http_interpreter is server and batch_parse.batcher_of(processor) is None
