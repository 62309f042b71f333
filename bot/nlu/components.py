"""Rasa graph components for Chinese input: text normalisation and date extraction.

Listed in config.yml by their import path. The normaliser is registered as a message
featurizer only so that the recipe runs it in pipeline order, before SpacyNLP.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE, EXTRACTOR, TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.text import cap, extract_dates, normalise


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ChineseTextNormalizer(GraphComponent):
    """Full-width -> half-width, traditional -> simplified, control characters removed,
    length capped (at run time). Training examples keep their length so that entity
    offsets stay right."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ChineseTextNormalizer":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if text:
                example.set(TEXT, normalise(text))
            # Entity values were copied from the raw text: normalise them the same way,
            # or the synonym mapper learns 内蒙 -> 內蒙.
            for entity in example.get(ENTITIES) or []:
                if isinstance(entity.get(ENTITY_ATTRIBUTE_VALUE), str):
                    entity[ENTITY_ATTRIBUTE_VALUE] = normalise(entity[ENTITY_ATTRIBUTE_VALUE])
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text is not None:
                # Stripping changes offsets, which is fine here: no entity exists yet.
                message.set(TEXT, cap(normalise(text)))
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ChineseDateExtractor(GraphComponent, EntityExtractorMixin):
    """Finds dates (2025年3月5日, 3月5号, 二〇二六年一月十日, 2025-03-05, 今天, 去年12月3日)
    and adds a `date` entity whose value is the ISO date."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ChineseDateExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = [
                {
                    ENTITY_ATTRIBUTE_TYPE: "date",
                    ENTITY_ATTRIBUTE_START: date.start,
                    ENTITY_ATTRIBUTE_END: date.end,
                    ENTITY_ATTRIBUTE_VALUE: date.value,
                    "text": date.text,
                    "year_assumed": date.year_assumed,
                    EXTRACTOR: self.__class__.__name__,
                }
                for date in extract_dates(text)
            ]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
