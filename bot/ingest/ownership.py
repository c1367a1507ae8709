"""Which worker polls which feed on a shared database: live workers keep a heartbeat lease, and each feed
belongs to one of them by rendezvous (highest-random-weight) hashing of its name."""

from __future__ import annotations

import hashlib

from bot.store.database import Store

HEARTBEAT_PREFIX = "worker:"


def owner(feed: str, workers: list[str]) -> str:
    """The worker whose hash with `feed` is highest; when a worker leaves, only its own feeds move."""
    return max(workers, key=lambda worker: hashlib.blake2b(f"{worker}\0{feed}".encode(), digest_size=8).digest())


class FeedOwnership:
    """This worker's view of the live workers, renewed by `refresh()` every few seconds.

    A worker is live while its heartbeat (the lease `worker:<id>`) lasts, `ttl` seconds after it was
    last renewed; a dead worker's feeds fall to the survivors once its heartbeat runs out. Two
    workers that briefly disagree about who is live may both try a feed: the feed's claim lets
    only one poll it.
    """

    def __init__(self, store: Store, worker: str, ttl: float) -> None:
        self._store = store
        self.worker = worker
        self._ttl = ttl
        self.workers = [worker]

    def refresh(self, now: float) -> None:
        """Renew this worker's heartbeat and read which workers are live."""
        self._store.acquire_lease(HEARTBEAT_PREFIX + self.worker, self.worker, now, self._ttl)
        live = self._store.lease_holders(HEARTBEAT_PREFIX, now)
        self.workers = sorted({*live, self.worker})

    def owns(self, feed: str) -> bool:
        return len(self.workers) == 1 or owner(feed, self.workers) == self.worker

    def leave(self) -> None:
        """Give up the heartbeat, so the others take this worker's feeds at their next refresh."""
        self._store.release_lease(HEARTBEAT_PREFIX + self.worker, self.worker)
