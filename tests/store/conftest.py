"""The store's tests run once per engine: SQLite always, PostgreSQL when CATALYST_BOT_TEST_POSTGRES_URL names a server."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bot.store.database import Store
from tests.postgres import fresh_schema_url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database of the parametrised engine, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 's.sqlite3'}"
        return
    with fresh_schema_url() as url:
        yield url


@pytest.fixture
def open_store(store_url) -> Iterator[Callable[[], Store]]:
    """Open (or reopen) the test's store; every store opened is closed after the test."""
    opened: list[Store] = []

    def open_() -> Store:
        opened.append(Store(store_url))
        return opened[-1]

    yield open_
    for store in opened:
        store.close()
