"""Minimal Rasa graph components for the graph-runner tests."""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class FromConfig(GraphComponent):
    """A component built from its node's config: its keys are the constructor's arguments."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FromConfig":
        return cls(**config)


class AddInput(FromConfig):
    def __init__(self, amount: int) -> None:
        self.amount = amount

    def add(self, value: int) -> int:
        return value + self.amount


class SumInputs(FromConfig):
    """Adds what two nodes gave: a node with two needs, for a diamond-shaped graph."""

    def add(self, left: int, right: int) -> int:
        return left + right


class FailWith(FromConfig):
    """Raises the exception its config names, for the runner's error test."""

    def __init__(self, error: type) -> None:
        self.error = error

    def fail(self, value: int) -> int:
        raise self.error(f"failed on {value}")
