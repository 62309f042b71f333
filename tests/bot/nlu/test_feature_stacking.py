"""Joining a message's sparse features in one step (bot/nlu/feature_stacking.py) makes the
matrix Rasa's pairwise `scipy.sparse.hstack` makes: on generated matrices, on the real
featurizers' output for every held-out utterance, and in the parses of the trained model."""
from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from scipy import sparse

from bot.nlu import feature_stacking
from bot.server import speedups
from tests.bot.nlu.test_batch_parse import heldout_texts


def upstream_combine():
    """Rasa's own `Message._combine_features`, whether or not the patch is installed."""
    current = Message.__dict__["_combine_features"].__func__
    return getattr(current, "upstream", current)


@pytest.fixture()
def stacked_combine(monkeypatch):
    """`Message._combine_features` with the patch, installed for this test only."""
    monkeypatch.setattr(Message, "_combine_features", staticmethod(upstream_combine()))
    feature_stacking.install()
    return Message.__dict__["_combine_features"].__func__


def coo(rows: int, columns: int, *, nnz: int, dtype, seed: int) -> sparse.coo_matrix:
    rng = np.random.default_rng(seed)
    row = rng.integers(0, max(rows, 1), size=nnz if rows and columns else 0)
    col = rng.integers(0, max(columns, 1), size=len(row))
    values = rng.integers(1, 9, size=len(row)).astype(dtype)
    return sparse.coo_matrix((values, (row, col)), shape=(rows, columns))


def same_matrix(expected, actual) -> None:
    assert type(expected) is type(actual)
    assert (expected.shape, expected.dtype, expected.row.dtype, expected.col.dtype) == \
           (actual.shape, actual.dtype, actual.row.dtype, actual.col.dtype)
    assert np.array_equal(expected.data, actual.data)
    assert np.array_equal(expected.row, actual.row) and np.array_equal(expected.col, actual.col)
    assert expected.has_canonical_format == actual.has_canonical_format


def same_features(expected: Features, actual: Features) -> None:
    same_matrix(expected.features, actual.features)
    assert (expected.type, expected.attribute, expected.origin, expected._cached_fingerprint) == \
           (actual.type, actual.attribute, actual.origin, actual._cached_fingerprint)


SHAPES = [(11, [6, 18, 1531, 10383]), (1, [6, 1531, 10383]), (0, [3, 4]), (5, [0, 7]), (3, [2, 0, 0, 5])]


@pytest.mark.parametrize("rows, columns", SHAPES)
@pytest.mark.parametrize("dtypes", [("float64", "float64", "int64", "int64"), ("int64",) * 4, ("float32",) * 4,
                                    ("float64", "int64", "int64", "int64")])
def test_stacking_is_scipys_hstack(rows, columns, dtypes):
    matrices = [coo(rows, width, nnz=(i * 3) % 7, dtype=dtype, seed=i)
                for i, (width, dtype) in enumerate(zip(columns, itertools.cycle(dtypes)))]
    same_matrix(sparse.hstack(matrices), feature_stacking.stack_columns(matrices))


def test_a_large_matrix_gets_the_index_type_scipy_picks():
    matrices = [coo(2, 3, nnz=2, dtype="int64", seed=1), coo(2, 2**31, nnz=2, dtype="int64", seed=2)]
    stacked = feature_stacking.stack_columns(matrices)
    assert np.int64 == stacked.col.dtype
    same_matrix(sparse.hstack(matrices), stacked)


def features(*matrices, feature_type: str = "sequence") -> list[Features]:
    return [Features(matrix, feature_type, "text", f"featurizer{i}") for i, matrix in enumerate(matrices)]


def test_combined_features_are_rasas(stacked_combine):
    given = features(coo(4, 6, nnz=3, dtype="float64", seed=1), coo(4, 18, nnz=5, dtype="float64", seed=2),
                     coo(4, 1531, nnz=6, dtype="int64", seed=3), coo(4, 10383, nnz=9, dtype="int64", seed=4))
    before = copy.deepcopy(given)
    origin = ["featurizer0", "featurizer1"]
    expected = upstream_combine()(given, origin)
    actual = stacked_combine(given, origin)
    same_features(expected, actual)
    assert actual.origin is origin                       # the list itself, as Rasa sets it
    for unchanged, now in zip(before, given):           # the message's own features untouched
        same_features(unchanged, now)


@pytest.mark.parametrize("given", [
    pytest.param(lambda: features(coo(3, 4, nnz=2, dtype="float64", seed=1)), id="one matrix: Rasa's deep copy"),
    pytest.param(lambda: features(coo(3, 4, nnz=2, dtype="int64", seed=1), coo(3, 5, nnz=2, dtype="int64", seed=2),
                                  coo(3, 2, nnz=1, dtype="float64", seed=3)),
                 id="first join narrower than the whole"),
    pytest.param(lambda: features(coo(3, 4, nnz=2, dtype="float64", seed=1).tocsr(),
                                  coo(3, 5, nnz=2, dtype="float64", seed=2)), id="not COO"),
])
def test_anything_else_is_rasas_own_join(stacked_combine, given):
    assert not feature_stacking.stackable(given())
    expected, actual = upstream_combine()(given(), ["x"]), stacked_combine(given(), ["x"])
    same_features(expected, actual)
    one = given()
    assert stacked_combine(one, ["x"]).features is not one[0].features    # a copy, never the message's own


def test_features_that_do_not_fit_raise_rasas_error(stacked_combine):
    def given():
        return features(coo(3, 4, nnz=2, dtype="float64", seed=1), coo(2, 5, nnz=2, dtype="float64", seed=2))

    with pytest.raises(ValueError) as rasas:
        upstream_combine()(given(), ["x"])
    with pytest.raises(ValueError) as ours:
        stacked_combine(given(), ["x"])
    assert str(rasas.value) == str(ours.value)


def test_install_is_idempotent(stacked_combine):
    feature_stacking.install()
    assert Message.__dict__["_combine_features"].__func__ is stacked_combine
    assert stacked_combine.upstream is upstream_combine()


# ---------------------------------------------------------------- the trained model

@pytest.fixture(scope="module")
def processor(trained_model):
    speedups.install()
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model)).processor


@pytest.fixture(scope="module")
def featurized(processor):
    """The held-out utterances as DIET receives them (after the last featurizer)."""
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE

    nodes = processor.graph_runner._graph_schema.nodes
    last = [name for name in nodes if name.startswith("run_CountVectorsFeaturizer")][-1]
    messages = [UserMessage(text) for text in heldout_texts()]
    return processor.graph_runner.run(inputs={PLACEHOLDER_MESSAGE: messages}, targets=[last])[last]


def test_every_held_out_message_gets_rasas_matrices(featurized):
    stacked = Message.__dict__["_combine_features"].__func__
    assert stacked.upstream is upstream_combine()           # speedups installed the patch
    joined = 0
    for message in featurized:
        for feature_type in ("sequence", "sentence"):
            given = [f for f in message.features if f.type == feature_type and f.attribute == "text" and f.is_sparse()]
            assert feature_stacking.stackable(given), message.get("text")     # the fast path is the one taken
            same_features(upstream_combine()(given, ["x"]), stacked(given, ["x"]))
            joined += 1
    assert 2 * len(heldout_texts()) == joined > 600


def test_parses_are_the_same_with_rasas_join(processor, monkeypatch):
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.trackers import DialogueStateTracker

    texts = heldout_texts()[::3]
    tracker = DialogueStateTracker.from_events("t", [])

    def parses():
        return [processor._parse_message_with_graph(UserMessage(text), tracker, True) for text in texts]

    stacked = parses()
    monkeypatch.setattr(Message, "_combine_features", staticmethod(upstream_combine()))
    assert parses() == stacked
