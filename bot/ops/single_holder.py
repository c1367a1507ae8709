"""One connection per cluster: start a listener (e.g. Discord's gateway) only on the worker holding its lease."""

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
    clock: Clock,
    *,
    ttl: float = LEASE_SECONDS,
) -> None:
    """Wait for the lease `name`, run `start()`, then renew the lease every ttl/3 until cancelled.

    A worker that dies stops renewing, so another takes over within `ttl`. Should renewals fail
    (the database unreachable), the worker says so and keeps its connection: one listener too many
    for a moment beats none.
    """
    started = False
    try:
        while True:
            try:
                held = store.acquire_lease(name, holder, clock(), ttl)
            except Exception as exc:  # noqa: BLE001 - the database may be away; try again next round
                _LOGGER.error("lease %s: cannot reach the store (%s); trying again", name, exc)
                held = started
            if held and not started:
                _LOGGER.info("lease %s: this worker (%s) holds it; starting", name, holder)
                await start()
                started = True
            elif started and not held:
                _LOGGER.error("lease %s: taken over by %s while this worker still listens", name, store.lease_holder(name, clock()))
            await asyncio.sleep(ttl / 3)
    finally:
        if started:
            store.release_lease(name, holder)
