"""DIETClassifier that loads for inference without a training step.

Rasa's RasaModel.load builds the weights by fitting one example (so the optimizer
exists for fine-tuning). Tracing that training graph is most of the Rasa server's
start-up time and memory (measured: +700 MB, ~80 % of the load). For inference the
optimizer is not needed: create the model, ask TensorFlow to restore the checkpoint as
variables are created, and create them with one prediction. Weights and predictions are
the same; fine-tuning (`rasa train --finetune`) still takes Rasa's own path.

`process` predicts a list of messages with one TensorFlow call instead of one call per
message (bot/nlu/batch_parse.py hands it the messages that arrive together); each
message gets what predicting it alone gives (tests/bot/nlu/test_batch_parse.py).

Training trains `LeanDIET`: Rasa's DIET, except that a training step no longer decodes
the best entity tags (a Viterbi pass over every batch) only to log an entity F1 in the
progress bar. The bar shows the entity loss instead. The same ops are created in the
same order, so the op-level random seeds and the trained weights are Rasa's
(tests/bot/nlu/test_lean_diet.py).

`LeanDIET.fit` also iterates its batches without tf.data's autotuning. Keras makes a new
iterator over the batch generator every epoch and deletes the old one, and deleting it
waited for the autotuning thread of the old iterator: about 2.5 s in one epoch of three
(29 of 80 epochs, 73 s of a 357-s `rasa train nlu`, py-spy on 2026-12-05). Autotuning only sizes
buffers and thread pools; the pipeline here is a Python generator read in order, so the
batches, their order and the trained weights are the same (tests/bot/nlu/test_lean_diet.py).

All of it reproduces parts of Rasa's DIETClassifier, DIET and RasaModel: on a Rasa
version other than the one they were written for (bot/server/rasa_version.py) this
class is DIETClassifier and trains DIET.
"""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple, Type

import numpy as np
import tensorflow as tf
from keras.engine import data_adapter

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.nlu.extractors.extractor import EntityTagSpec
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITY_ATTRIBUTE_GROUP, ENTITY_ATTRIBUTE_ROLE, ENTITY_ATTRIBUTE_TYPE
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

from bot.server import rasa_version

PATCH = "bot.nlu.lean_diet.LeanDIETClassifier"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class LeanDIETClassifier(DIETClassifier):
    @staticmethod
    def model_class() -> Type[RasaModel]:
        return LeanDIET if rasa_version.patches_apply(patch=PATCH) else DIET

    @classmethod
    def _load_model_class(cls, tf_model_file: Text, model_data_example: RasaModelData,
                          label_data: RasaModelData, entity_tag_specs: List[EntityTagSpec],
                          config: Dict[Text, Any], finetune_mode: bool) -> RasaModel:
        if finetune_mode or not rasa_version.patches_apply(patch=PATCH):
            return super()._load_model_class(tf_model_file, model_data_example, label_data,
                                             entity_tag_specs, config, finetune_mode)
        predict_data_example = RasaModelData(
            label_key=model_data_example.label_key,
            data={name: features for name, features in model_data_example.items() if TEXT in name},
        )
        import copy

        model = cls.model_class()(data_signature=model_data_example.get_signature(), label_data=label_data,
                                  entity_tag_specs=entity_tag_specs, config=copy.deepcopy(config))
        # Deferred restoration: each variable takes its checkpoint value when created;
        # the optimizer's slots in the checkpoint are not needed for inference.
        status = model.load_weights(tf_model_file)
        model.run_inference(predict_data_example)
        status.expect_partial()
        return model

    #: Outputs of the current batch prediction, by message (see `process`).
    _batch_outputs: Dict[int, Dict[Text, Any]] = {}

    def process(self, messages: List[Message]) -> List[Message]:
        """DIETClassifier.process, with one prediction for all messages that have tokens;
        `_predict` hands each message its row of it."""
        together = [m for m in messages if m.get(TOKENS_NAMES[TEXT])]   # not e.g. empty text
        if self.model is not None and len(together) > 1 and rasa_version.patches_apply(patch=PATCH):
            outputs = self.model.run_inference(self._create_model_data(together, training=False),
                                               batch_size=len(together))
            self._batch_outputs = {id(m): _row(outputs, i, len(together)) for i, m in enumerate(together)}
        try:
            return super().process(messages)
        finally:
            self._batch_outputs = {}

    def _predict(self, message: Message) -> Optional[Dict[Text, Any]]:
        out = self._batch_outputs.get(id(message))
        return out if out is not None else super()._predict(message)


class LeanDIET(DIET):
    """DIET whose training step computes the entity loss without the decode it only logged,
    and whose batches are read without tf.data's autotuning."""

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        """Keras's fit, reading the batch generator through `SequenceWithoutAutotune`."""
        with sequences_without_autotune():
            return super().fit(*args, **kwargs)

    def _calculate_entity_loss(self, inputs: tf.Tensor, tag_ids: tf.Tensor, mask: tf.Tensor,
                               sequence_lengths: tf.Tensor, tag_name: Text,
                               entity_tags: Optional[tf.Tensor] = None) -> Tuple[tf.Tensor, None, tf.Tensor]:
        """RasaModel._calculate_entity_loss without the F1 of the decoded tags.

        Only training calls it (prediction decodes in `batch_predict`)."""
        tag_ids = tf.cast(tag_ids[:, :, 0], tf.int32)
        if entity_tags is not None:
            _tags = self._tf_layers[f"embed.{tag_name}.tags"](entity_tags)
            inputs = tf.concat([inputs, _tags], axis=-1)
        logits = self._tf_layers[f"embed.{tag_name}.logits"](inputs)
        crf = self._tf_layers[f"crf.{tag_name}"]
        # Called as Rasa calls it: this builds the transition weights at the same point and
        # keeps the graph's op count, from which TensorFlow seeds later random ops. Nothing
        # uses the decoded tags now, so TensorFlow prunes the decode from the step it runs.
        crf(logits, sequence_lengths)
        return crf.loss(logits, tag_ids, sequence_lengths), None, logits

    def _update_entity_metrics(self, loss: tf.Tensor, f1: None, tag_name: Text) -> None:
        {ENTITY_ATTRIBUTE_TYPE: self.entity_loss, ENTITY_ATTRIBUTE_GROUP: self.entity_group_loss,
         ENTITY_ATTRIBUTE_ROLE: self.entity_role_loss}[tag_name].update_state(loss)

    def _update_metrics_to_log(self) -> None:
        """The progress bar shows each entity loss where Rasa shows its F1."""
        super()._update_metrics_to_log()
        names = [name[:-len("_f1")] + "_loss" if name in ("e_f1", "g_f1", "r_f1") else name
                 for name in self.metrics_to_log]
        self.metrics_to_log = list(dict.fromkeys(names))


class SequenceWithoutAutotune(data_adapter.KerasSequenceAdapter):
    """Keras's adapter of a `keras.utils.Sequence` (Rasa's batch generator), whose
    dataset does not autotune: the same batches in the same order."""

    def get_dataset(self) -> tf.data.Dataset:
        options = tf.data.Options()
        options.autotune.enabled = False
        return super().get_dataset().with_options(options)


@contextlib.contextmanager
def sequences_without_autotune() -> Iterator[None]:
    """While inside, Keras reads a `Sequence` with `SequenceWithoutAutotune`: Keras picks
    the adapter class from its list when `fit` starts."""
    adapters = data_adapter.ALL_ADAPTER_CLS
    position = adapters.index(data_adapter.KerasSequenceAdapter)
    adapters[position] = SequenceWithoutAutotune
    try:
        yield
    finally:
        adapters[position] = data_adapter.KerasSequenceAdapter


def _row(outputs: Dict[Text, Any], index: int, batch: int) -> Dict[Text, Any]:
    """One message's outputs of a batch prediction, as a batch of one."""
    row: Dict[Text, Any] = {}
    for key, value in outputs.items():
        if isinstance(value, dict):
            row[key] = _row(value, index, batch)
        elif isinstance(value, np.ndarray) and value.ndim and value.shape[0] == batch:
            row[key] = value[index:index + 1]
        else:
            row[key] = value
    return row
