"""Gather the store writes of many polls into one transaction every 100 ms or 500 writes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.store.database import Store

_LOGGER = logging.getLogger(__name__)

Write = Callable[[Store], None]
Locks = Callable[[Store], Iterable[str]]
FeedRow = tuple[str, dict[str, object]]


@dataclass(frozen=True)
class _Locked:
    """A write that decides something other workers may decide too: `locks` names what it must hold first."""

    write: Write
    locks: Locks


class WriteBatcher:
    """Queues writes (feed-state updates, item intake) and applies them in order in one transaction.

    On a shared database the transaction first takes the locks of all its writes, in one order,
    so that batches of two workers never wait for each other in a circle. A batch is written
    `max_delay` seconds after its first write, or at once when it holds `max_rows`; `flush()`
    writes it now. If the batch fails, each write is retried in its own transaction so one bad
    write loses only itself.
    """

    def __init__(self, store: Store, *, max_rows: int = 500, max_delay: float = 0.1) -> None:
        self._store = store
        self._max_rows = max_rows
        self._max_delay = max_delay
        self._queue: list[FeedRow | Write | _Locked] = []
        self._timer: asyncio.TimerHandle | None = None

    def update_feed(self, name: str, fields: dict[str, object]) -> None:
        """Queue a feed-state update; consecutive ones are written with one statement per column set."""
        self._queue.append((name, fields))
        self._queued()

    def add(self, write: Write, locks: Locks | None = None) -> None:
        """Queue a write that runs inside the batch's transaction; on a shared database, holding
        the database locks `locks(store)` names (asked for when the batch is written)."""
        self._queue.append(write if locks is None else _Locked(write, locks))
        self._queued()

    def _queued(self) -> None:
        if len(self._queue) >= self._max_rows:
            self.flush()
        elif self._timer is None:
            try:
                self._timer = asyncio.get_running_loop().call_later(self._max_delay, self.flush)
            except RuntimeError:  # no event loop: write now
                self.flush()

    def flush(self) -> None:
        """Write everything queued now."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        queue, self._queue = self._queue, []
        if not queue:
            return
        try:
            with self._store.transaction():
                _apply(self._store, queue)
        except Exception:  # noqa: BLE001 - retried one by one below, so only the bad write is lost
            _LOGGER.exception("a batch of %d store write(s) failed; retrying them one by one", len(queue))
            for entry in queue:
                try:
                    with self._store.transaction():
                        _apply(self._store, [entry])
                except Exception:  # noqa: BLE001 - log it and keep the others
                    _LOGGER.exception("a store write failed and was dropped")


def _apply(store: Store, queue: list[FeedRow | Write | _Locked]) -> None:
    """Take the writes' locks (on a shared database), then run the writes in order, each run of feed rows as one batch."""
    if store.shared:
        store.lock_all({name for entry in queue if isinstance(entry, _Locked) for name in entry.locks(store)})
    rows: list[FeedRow] = []
    for entry in queue:
        if isinstance(entry, tuple):
            rows.append(entry)
            continue
        store.update_feeds(rows)
        rows = []
        (entry.write if isinstance(entry, _Locked) else entry)(store)
    store.update_feeds(rows)
