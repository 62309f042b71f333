"""``SpacyNLP`` that loads a spaCy pipeline once per process instead of twice.

Rasa 3.6's default recipe registers ``SpacyNLP`` both as MODEL_LOADER and as
MESSAGE_FEATURIZER, so the graph gets two nodes (``provide_SpacyNLP0`` and
``run_SpacyNLP0``) and each constructs its own component, i.e. calls ``spacy.load``
once more. With pkuseg that doubles the segmenter's memory and load time (measured:
full model +1.36 GB instead of +0.68 GB over a char-segmenter server). This subclass
hands both nodes the same loaded pipeline. Use it in ``config.yml`` instead of
``SpacyNLP``; ``SpacyTokenizer``/``SpacyFeaturizer`` accept it (they require a
``SpacyNLP`` subclass):

    pipeline:
    - name: bot.nlu.shared_spacy.SharedSpacyNLP
      model: build/spacy-zh
    - name: SpacyTokenizer
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP

# model name -> (version stamp, loaded model). One entry per name, so a model reload in
# a long-running server replaces, not accumulates, pipelines.
_LOADED: Dict[Text, Tuple[object, SpacyModel]] = {}


def _stamp(spacy_model_name: Text) -> object:
    """Changes when a pipeline folder is rebuilt in place (its meta.json is rewritten)."""
    meta = Path(spacy_model_name) / "meta.json"
    try:
        stat = meta.stat()
    except OSError:
        return None  # an installed package name, not a folder
    return (str(meta.resolve()), stat.st_mtime_ns, stat.st_size)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    # the recipe wires the `model` input by the provider class's __name__
    model_from="SharedSpacyNLP",
)
class SharedSpacyNLP(SpacyNLP):
    """``SpacyNLP`` whose ``spacy.load`` result is shared by all graph nodes."""

    @staticmethod
    def load_model(spacy_model_name: Text) -> SpacyModel:
        """Load ``spacy_model_name`` once; later calls return the same object."""
        stamp = _stamp(spacy_model_name)
        cached = _LOADED.get(spacy_model_name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        _LOADED.pop(spacy_model_name, None)  # drop a stale pipeline before loading anew
        model = SpacyNLP.load_model(spacy_model_name)
        _LOADED[spacy_model_name] = (stamp, model)
        return model
