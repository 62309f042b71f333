"""LeanDIET trains Rasa's DIET without decoding entity tags on every batch and without
tf.data's autotuning (bot/nlu/lean_diet.py): the same weights, a training step without the
decode, batches read without the autotuning thread."""
from __future__ import annotations

import numpy as np
import pytest
from keras.engine import data_adapter
from keras.utils import Sequence
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.layers import CRF

from bot.nlu.lean_diet import LeanDIET, LeanDIETClassifier, SequenceWithoutAutotune, sequences_without_autotune

# Two DIET trainings (about a minute, mostly TensorFlow tracing the training step).
pytestmark = pytest.mark.slow

# (text, intent, the region in it or None). Whitespace-tokenized words, as pinyin: the
# test is about DIET, not about segmenting Chinese.
EXAMPLES = [
    ("baotou chanjia duoshao tian", "ask_leave", "baotou"), ("huhehaote chanjia ji tian", "ask_leave", "huhehaote"),
    ("chanjia you duojiu", "ask_leave", None), ("chifeng de chanjia duochang", "ask_leave", "chifeng"),
    ("yuer butie zenme shenqing", "ask_subsidy", None), ("baotou yuer butie qu na shenqing", "ask_subsidy", "baotou"),
    ("tongliao butie fa duoshao", "ask_subsidy", "tongliao"), ("butie shenme shihou daozhang", "ask_subsidy", None),
    ("nihao", "greet", None), ("ninhao zai ma", "greet", None),
]


def training_data() -> TrainingData:
    messages = []
    for text, intent, region in EXAMPLES:
        data = {"text": text, "intent": intent, "entities": []}
        if region:
            start = text.index(region)
            data["entities"] = [{"start": start, "end": start + len(region), "value": region, "entity": "region"}]
        messages.append(Message(data=data))
    return TrainingData(training_examples=messages)


class Trained:
    """A tokenizer, a featurizer and `classifier` trained on EXAMPLES (100 epochs, seed 1)."""

    def __init__(self, classifier: type, tmp_path, *, name: str) -> None:
        (tmp_path / name).mkdir()
        storage = LocalModelStorage(tmp_path / name)
        context = ExecutionContext(GraphSchema({}), name)
        data = training_data()
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.tokenizer.process_training_data(data)
        self.featurizer = CountVectorsFeaturizer.create(CountVectorsFeaturizer.get_default_config(), storage,
                                                        Resource(f"{name}-cv"), context)
        self.featurizer.train(data)
        self.featurizer.process_training_data(data)
        # A small DIET (fast to trace): the CRF, dropout and negative sampling are all there.
        config = {**classifier.get_default_config(), "epochs": 100, "random_seed": 1,
                  "number_of_transformer_layers": 1, "transformer_size": 32, "hidden_layers_sizes":
                  {"text": [32], "label": []}, "embedding_dimension": 10}
        self.classifier = classifier.create(config, storage, Resource(name), context)
        self.classifier.train(data)
        self.model = self.classifier.model

    def parse(self, text: str) -> dict:
        message = Message(data={"text": text})
        self.tokenizer.process([message])
        self.featurizer.process([message])
        self.classifier.process([message])
        return {"intent": message.get("intent"), "intent_ranking": message.get("intent_ranking"),
                "entities": [{k: v for k, v in e.items() if k != "extractor"} for e in message.get("entities")]}


@pytest.fixture(scope="module")
def rasas_and_lean(tmp_path_factory):
    """Rasa's DIET and LeanDIET trained alike, how often each computed an entity F1 and the
    adapters Keras read their batches with."""
    tmp_path = tmp_path_factory.mktemp("diet")
    upstream_f1, f1_calls = CRF.f1_score, []
    upstream_select, adapters = data_adapter.select_data_adapter, []

    def counted_f1(self, *args, **kwargs):
        f1_calls.append(self)
        return upstream_f1(self, *args, **kwargs)

    def recorded_select(x, y):
        adapters.append(upstream_select(x, y))
        return adapters[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CRF, "f1_score", counted_f1)
        patch.setattr(data_adapter, "select_data_adapter", recorded_select)
        rasas = Trained(DIETClassifier, tmp_path, name="rasa")
        rasas.f1_calls, f1_calls[:] = len(f1_calls), []
        rasas.adapters, adapters[:] = list(adapters), []
        lean = Trained(LeanDIETClassifier, tmp_path, name="lean")
        lean.f1_calls, lean.adapters = len(f1_calls), list(adapters)
    return rasas, lean


def test_lean_diet_trains_the_weights_rasas_diet_trains(rasas_and_lean):
    rasas, lean = rasas_and_lean
    assert DIET is type(rasas.model) and LeanDIET is type(lean.model)
    expected = {v.name: v.numpy() for v in rasas.model.trainable_weights}
    actual = {v.name: v.numpy() for v in lean.model.trainable_weights}
    assert sorted(expected) == sorted(actual)
    assert len(expected) > 20 and any("transitions" in name for name in expected)
    assert [] == [name for name in expected if not np.array_equal(expected[name], actual[name])]
    # The optimizer's state too: the same steps were taken with the same gradients.
    expected_state, actual_state = rasas.model.optimizer.variables(), lean.model.optimizer.variables()
    assert len(expected_state) == len(actual_state) > 1
    assert all(np.array_equal(e.numpy(), a.numpy()) for e, a in zip(expected_state, actual_state))


def test_lean_diet_predicts_what_rasas_diet_predicts(rasas_and_lean):
    rasas, lean = rasas_and_lean
    for text in ("baotou chanjia duoshao tian", "tongliao butie shenme shihou daozhang", "zai ma"):
        assert rasas.parse(text) == lean.parse(text)
    assert ["baotou"] == [e["value"] for e in lean.parse("baotou chanjia duoshao tian")["entities"]]


def test_a_training_step_computes_no_entity_f1(rasas_and_lean):
    rasas, lean = rasas_and_lean
    assert rasas.f1_calls > 0                 # traced into Rasa's training step
    assert 0 == lean.f1_calls
    # The progress bar shows the entity loss, which training did compute, not an F1.
    assert "e_f1" in rasas.model.metrics_to_log
    assert "e_loss" in lean.model.metrics_to_log and "e_f1" not in lean.model.metrics_to_log
    assert 0 < lean.model.entity_loss.count.numpy()


def test_lean_diet_reads_its_batches_without_autotuning_and_puts_keras_back(rasas_and_lean):
    rasas, lean = rasas_and_lean
    assert [data_adapter.KerasSequenceAdapter] == rasas.adapters     # Rasa's batch generator
    assert [SequenceWithoutAutotune] == lean.adapters
    assert data_adapter.KerasSequenceAdapter in data_adapter.ALL_ADAPTER_CLS
    assert SequenceWithoutAutotune not in data_adapter.ALL_ADAPTER_CLS


class Batches(Sequence):
    """Five batches of two numbers and their squares, in another order after each epoch."""

    def __init__(self) -> None:
        self.order = list(range(10))

    def __len__(self) -> int:
        return 5

    def __getitem__(self, index: int):
        rows = np.array(self.order[2 * index:2 * index + 2], dtype=np.float32)
        return rows, rows ** 2

    def on_epoch_end(self) -> None:
        self.order = self.order[3:] + self.order[:3]


def test_a_sequence_without_autotuning_gives_the_same_batches_in_the_same_order():
    def batches(adapter_class):
        adapter = adapter_class(Batches(), shuffle=False)
        dataset = adapter.get_dataset()
        epochs = []
        for _ in range(2):
            epochs.append([(x.numpy().tolist(), y.numpy().tolist()) for x, y in dataset])
            adapter.on_epoch_end()
        return dataset, epochs

    upstream, expected = batches(data_adapter.KerasSequenceAdapter)
    lean, actual = batches(SequenceWithoutAutotune)
    assert expected == actual and expected[0] != expected[1] and 5 == len(actual[0])
    assert upstream.options().autotune.enabled is not False
    assert lean.options().autotune.enabled is False


def test_keras_gets_its_own_adapter_back_even_when_fit_fails():
    before = list(data_adapter.ALL_ADAPTER_CLS)
    with pytest.raises(RuntimeError), sequences_without_autotune():
        assert SequenceWithoutAutotune is data_adapter.select_data_adapter(Batches(), None)
        raise RuntimeError("fit failed")
    assert before == data_adapter.ALL_ADAPTER_CLS
    assert data_adapter.KerasSequenceAdapter is data_adapter.select_data_adapter(Batches(), None)
