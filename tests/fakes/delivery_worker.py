"""A delivery process for the fault-injection test: drains the outbox at STORE into the fake chat at URL, then exits."""

from __future__ import annotations

import asyncio
import sys

import aiohttp

from bot.clock import system_clock
from bot.config import RateLimitConfig
from bot.delivery.sender import Deliverer
from bot.store.database import Store
from tests.fakes.chatfake import WebhookReceiver

SEND_TIMEOUT = 0.5
# Counted from when the test queues the alerts, so it must outlast two worker start-ups on a loaded machine.
GIVE_UP_AFTER = 12.0


async def drain(store_path: str, url: str) -> None:
    store = Store(store_path)
    async with aiohttp.ClientSession() as session:
        deliverer = Deliverer(
            store,
            {"slack": WebhookReceiver(url, session)},
            system_clock,
            give_up_after=GIVE_UP_AFTER,
            backoff_base=0.05,
            backoff_cap=0.2,
            send_timeout=SEND_TIMEOUT,
            rate_limit_for=lambda channel: RateLimitConfig(per_second=50, burst=5),
        )
        while True:
            await deliverer.deliver_pending()
            counts = store.outbox_counts()
            if not counts.get("pending") and not counts.get("sending"):
                break
            await asyncio.sleep(0.05)
    store.close()


if __name__ == "__main__":
    asyncio.run(drain(sys.argv[1], sys.argv[2]))
