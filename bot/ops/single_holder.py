"""One connection per cluster: run a listener (e.g. Discord's gateway) only on the worker holding its lease."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.clock import Clock
from bot.store.database import Store

_LOGGER = logging.getLogger(__name__)
LEASE_SECONDS = 30.0


async def start_when_holding(
    store: Store,
    name: str,
    holder: str,
    start: Callable[[], Awaitable[None]],
    stop: Callable[[], Awaitable[None]],
    clock: Clock,
    *,
    ttl: float = LEASE_SECONDS,
) -> None:
    """Wait for the lease `name`, run `start()`, renew the lease every ttl/3 until cancelled.

    The listener runs only while the lease is this worker's: when another worker holds it (this
    one stalled past `ttl`), or when renewals failed until it ran out (the database away), `stop()`
    disconnects and the worker waits for the lease again. A worker that dies stops renewing, so
    another takes over within `ttl`.
    """
    held_until: float | None = None  # the end of this worker's lease while its listener runs
    try:
        while True:
            now = clock()
            try:
                held: bool | None = store.acquire_lease(name, holder, now, ttl)
            except Exception as exc:  # noqa: BLE001 - the database may be away; try again next round
                _LOGGER.error("lease %s: cannot reach the store (%s); trying again", name, exc)
                held = None
            if held:
                if held_until is None:
                    _LOGGER.info("lease %s: this worker (%s) holds it; starting", name, holder)
                    await start()
                held_until = now + ttl
            elif held_until is not None and (held is False or clock() >= held_until):
                why = "another worker holds it" if held is False else "it ran out while the store was unreachable"
                _LOGGER.error("lease %s: lost (%s); disconnecting", name, why)
                held_until = None
                await stop()
            await asyncio.sleep(ttl / 3)
    finally:
        if held_until is not None:
            try:
                store.release_lease(name, holder)
            except Exception as exc:  # noqa: BLE001 - the lease then simply runs out
                _LOGGER.warning("lease %s: could not give it up (%s); it runs out within %gs", name, exc, ttl)
