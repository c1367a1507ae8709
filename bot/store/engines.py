"""The two database engines behind the store: one small connection layer over sqlite3 and psycopg."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from bot.errors import StoreError

_LOGGER = logging.getLogger(__name__)
SQLITE_PREFIX = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql", "postgres")


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Row(tuple):
    """A result row readable by position and by column name, like sqlite3.Row."""

    __slots__ = ()
    names: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self.names[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: Any) -> type[Row]:
    return _row_type(tuple(column.name for column in cursor.description or ()))


@functools.lru_cache(maxsize=256)
def _row_type(columns: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"__slots__": (), "names": {name: i for i, name in enumerate(columns)}})


def redact(url: str) -> str:
    """The URL with any password in it replaced, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


class Engine:
    """One open connection: `execute` takes `?` placeholders; `transaction` groups writes.

    The connection is shared by the event loop and the scheduler's job threads: a transaction
    holds it for its whole length, so one thread's statements never land in another's transaction.
    """

    name = ""
    # Appended to a SELECT of a row about to be updated, so concurrent updaters queue up.
    for_update = ""
    shared = False

    def __init__(self) -> None:
        self._guard = threading.RLock()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        with self._guard:
            return self._execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._guard:
            self._executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._guard, self._begin():
            yield

    def _execute(self, sql: str, params: Sequence[Any]) -> Cursor:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _begin(self) -> Any:
        raise NotImplementedError

    def lock(self, key: str) -> None:
        """Hold `key` until the current transaction ends (other workers wait for it)."""

    def lock_all(self, keys: Iterable[str]) -> None:
        """Hold every one of `keys`, taken in one global order."""

    def has_table(self, table: str) -> bool:
        raise NotImplementedError

    def ddl(self, statement: str) -> str:
        """A migration statement in this engine's dialect (the migrations are written for both)."""
        return statement

    def reset_ids(self, table: str) -> None:
        """After rows were copied in with their ids, make new ids start past the largest."""

    def close(self) -> None:
        raise NotImplementedError


class SqliteEngine(Engine):
    """A SQLite file in WAL mode; a write transaction holds the whole database, so locks are no-ops."""

    name = "sqlite"

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from None
        except OSError as exc:
            raise StoreError(f"cannot create the store's folder for {path}: {exc}") from None
        self.location = str(self.path)

    def _execute(self, sql: str, params: Sequence[Any]) -> Cursor:
        return self._db.execute(sql, params)

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    @contextmanager
    def _begin(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def has_table(self, table: str) -> bool:
        return self.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is not None

    def close(self) -> None:
        self._db.close()


@functools.lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def _lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class PostgresEngine(Engine):
    """One psycopg 3 connection in autocommit mode; `transaction` opens a real transaction."""

    name = "postgresql"
    for_update = " FOR UPDATE"
    shared = True

    def __init__(self, url: str, password_env: str | None = None) -> None:
        super().__init__()
        try:
            import psycopg
        except ImportError:
            raise StoreError("a postgresql:// store needs psycopg: pip install 'psycopg[binary]'") from None
        self._psycopg = psycopg
        self.location = redact(url)
        self._url = url
        self._password: str | None = None
        if password_env:
            self._password = os.environ.get(password_env)
            if not self._password:
                raise StoreError(f"store.password_env names ${password_env}, which is not set")
        self._conn = self._connect()

    def _connect(self) -> Any:
        kwargs: dict[str, Any] = {"autocommit": True, "connect_timeout": 5}
        if self._password is not None:
            kwargs["password"] = self._password
        try:
            conn = self._psycopg.connect(self._url, **kwargs)
        except self._psycopg.Error as exc:
            raise StoreError(f"cannot connect to the store at {self.location}: {str(exc).strip()}") from None
        conn.row_factory = _row_factory
        return conn

    def _connection(self) -> Any:
        """The connection, reopened if the server dropped it while no transaction was open."""
        if self._conn.closed and self._conn.info.transaction_status != self._psycopg.pq.TransactionStatus.INTRANS:
            _LOGGER.warning("store connection to %s was lost; reconnecting", self.location)
            self._conn = self._connect()
        return self._conn

    def _execute(self, sql: str, params: Sequence[Any]) -> Cursor:
        return self._connection().execute(_pg_sql(sql), params)

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self._connection().cursor() as cursor:
                cursor.executemany(_pg_sql(sql), rows)

    def _begin(self) -> Any:
        return self._connection().transaction()

    def lock(self, key: str) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", (_lock_id(key),))

    def lock_all(self, keys: Iterable[str]) -> None:
        lock_ids = sorted({_lock_id(key) for key in keys})
        if lock_ids:  # a function scan of an array runs in the array's order
            self.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) AS k", (lock_ids,))

    def has_table(self, table: str) -> bool:
        return self.execute("SELECT to_regclass(?)", (table,)).fetchone()[0] is not None

    def ddl(self, statement: str) -> str:
        return statement.replace("INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")

    def reset_ids(self, table: str) -> None:
        self.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )

    def close(self) -> None:
        self._conn.close()


def open_engine(target: Path | str, password_env: str | None = None) -> Engine:
    """A `sqlite:///PATH` or `postgresql://USER@HOST:PORT/DB` URL, or a plain path to a SQLite file."""
    text = str(target)
    if text.startswith(SQLITE_PREFIX):
        return SqliteEngine(text[len(SQLITE_PREFIX) :])
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in POSTGRES_SCHEMES:
        return PostgresEngine(text, password_env)
    if scheme:
        raise StoreError(f"unsupported store URL {redact(text)!r}: use sqlite:///PATH or postgresql://USER@HOST:PORT/DB")
    return SqliteEngine(target)
