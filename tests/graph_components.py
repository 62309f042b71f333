"""A minimal Rasa graph component for the graph-runner test."""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class AddInput(GraphComponent):
    def __init__(self, amount: int) -> None:
        self.amount = amount

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "AddInput":
        return cls(config["amount"])

    def add(self, value: int) -> int:
        return value + self.amount


class SumInputs(GraphComponent):
    """Adds what two nodes gave: a node with two needs, for a diamond-shaped graph."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SumInputs":
        return cls()

    def add(self, left: int, right: int) -> int:
        return left + right


class FailWith(GraphComponent):
    """Raises the exception its config names, for the runner's error test."""

    def __init__(self, error: type) -> None:
        self.error = error

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FailWith":
        return cls(config["error"])

    def fail(self, value: int) -> int:
        raise self.error(f"failed on {value}")
