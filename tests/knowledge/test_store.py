"""store.per_store: what is built from a store is shared per store file, rebuilt when the
file changes, and kept per connection for an in-memory store."""
from __future__ import annotations

import os
import sqlite3

from knowledge import store


def test_one_build_per_unchanged_store_file(tmp_path):
    path = tmp_path / "k.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    built: list[int] = []
    cache: dict = {}

    def build(conn):
        built.append(1)
        return object()

    first = store.per_store(cache, conn=sqlite3.connect(path), build=build)
    assert first is store.per_store(cache, conn=sqlite3.connect(path), build=build)
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))   # a rebuilt file
    assert first is not store.per_store(cache, conn=sqlite3.connect(path), build=build)
    assert 2 == len(built)


def test_one_build_per_in_memory_connection():
    cache: dict = {}
    one, two = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    first = store.per_store(cache, conn=one, build=lambda conn: object())
    assert first is store.per_store(cache, conn=one, build=lambda conn: object())
    assert first is not store.per_store(cache, conn=two, build=lambda conn: object())


def test_the_oldest_build_goes_first_when_full():
    cache: dict = {}
    connections = [sqlite3.connect(":memory:") for _ in range(3)]
    for conn in connections:
        store.per_store(cache, conn=conn, build=lambda conn: object(), most=2)
    assert [id(c) for c in connections[1:]] == list(cache)
