"""A throwaway PostgreSQL schema for tests, on the server CATALYST_BOT_TEST_POSTGRES_URL names (CI starts one)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

POSTGRES_URL_ENV = "CATALYST_BOT_TEST_POSTGRES_URL"


def server_url() -> str:
    """The test server's URL; skips the test when none is configured (fails in CI, where one must be)."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but ${POSTGRES_URL_ENV} is not set: .ci/run should have started PostgreSQL")
        pytest.skip(f"no PostgreSQL to test against: set ${POSTGRES_URL_ENV} (.ci/run starts one)")
    return url


@contextmanager
def fresh_schema_url() -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    import psycopg

    url = server_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
