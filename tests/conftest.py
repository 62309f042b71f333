"""Shared fixtures: a real knowledge store built once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import build, store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> build.BuildReport:
    """Build the store from the repository's own sources into a temporary file."""
    return build.build(db_path=tmp_path_factory.mktemp("store") / "knowledge.db")


@pytest.fixture(scope="session")
def conn(built_store):
    connection = store.connect(path=built_store.db_path)
    yield connection
    connection.close()
