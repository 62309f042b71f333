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

Both reproduce parts of Rasa's DIETClassifier and RasaModel: on a Rasa version other than
the one they were written for (bot/server/rasa_version.py) this class is DIETClassifier.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.extractors.extractor import EntityTagSpec
from rasa.nlu.constants import TOKENS_NAMES
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
