"""Fixtures of the serving tests."""
from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain

from tests.conftest import ROOT


@pytest.fixture(scope="session")
def domain() -> Domain:
    """The project's domain as Rasa loads it (the actions' tests get it as a dict)."""
    return Domain.load(ROOT / "domain.yml")
