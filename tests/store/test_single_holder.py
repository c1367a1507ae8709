"""A listener allowed once per cluster (Discord's gateway) starts on the lease holder only, and moves when it dies."""

from __future__ import annotations

import asyncio

from bot.clock import ManualClock
from bot.ops.single_holder import start_when_holding

TTL = 0.3


async def wait_for(condition, rounds: int = 50) -> bool:
    for _ in range(rounds):
        if condition():
            return True
        await asyncio.sleep(TTL / 3)
    return condition()


async def test_only_the_holder_starts_and_another_takes_over_when_its_lease_expires(open_store):
    clock = ManualClock()
    started: list[str] = []

    def starter(name: str):
        async def start() -> None:
            started.append(name)

        return start

    first, second = open_store(), open_store()
    assert first.acquire_lease("gateway:discord", "dead-worker", clock(), TTL)  # then SIGKILLed: never renews
    survivor = asyncio.create_task(start_when_holding(second, "gateway:discord", "w2", starter("w2"), clock, ttl=TTL))
    try:
        await asyncio.sleep(TTL)
        assert started == []
        clock.advance(TTL + 0.01)
        assert await wait_for(lambda: started == ["w2"])
        late = asyncio.create_task(start_when_holding(first, "gateway:discord", "w3", starter("w3"), clock, ttl=TTL))
        await asyncio.sleep(TTL)
        clock.advance(TTL / 3)  # w2 keeps renewing, so w3 never starts
        await asyncio.sleep(TTL)
        assert started == ["w2"]
        survivor.cancel()  # a clean stop gives the lease up at once
        assert await wait_for(lambda: started == ["w2", "w3"])
        late.cancel()
    finally:
        survivor.cancel()
        await asyncio.gather(survivor, return_exceptions=True)
        await asyncio.gather(late, return_exceptions=True)
