"""A listener allowed once per cluster (Discord's gateway) runs on the lease holder only, and moves when it dies or loses the lease."""

from __future__ import annotations

import asyncio

import discord
import yarl

from adapters.discord.receiver import CatalystClient, DiscordReceiver
from bot.clock import ManualClock
from bot.commands import CatalystCommands
from bot.ops.single_holder import start_when_holding
from tests.adapters.test_discord_receiver import ALERT, CHANNEL
from tests.fakes.discordfake import FakeDiscord, discord_api  # noqa: F401 - the fixture

TTL = 0.3
LEASE = "gateway:discord"


async def wait_for(condition, rounds: int = 50) -> bool:
    for _ in range(rounds):
        if condition():
            return True
        await asyncio.sleep(TTL / 3)
    return condition()


async def stop_all(*tasks: asyncio.Task) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_only_the_holder_starts_and_another_takes_over_when_its_lease_expires(open_store):
    clock = ManualClock()
    events: list[str] = []

    def listener(name: str):
        async def start() -> None:
            events.append(f"{name} started")

        async def stop() -> None:
            events.append(f"{name} stopped")

        return start, stop

    first, second = open_store(), open_store()
    assert first.acquire_lease(LEASE, "dead-worker", clock(), TTL)  # then SIGKILLed: never renews
    survivor = asyncio.create_task(start_when_holding(second, LEASE, "w2", *listener("w2"), clock, ttl=TTL))
    late = None
    try:
        await asyncio.sleep(TTL)
        assert events == []
        clock.advance(TTL + 0.01)
        assert await wait_for(lambda: events == ["w2 started"])
        late = asyncio.create_task(start_when_holding(first, LEASE, "w3", *listener("w3"), clock, ttl=TTL))
        await asyncio.sleep(TTL)
        clock.advance(TTL / 3)  # w2 keeps renewing, so w3 never starts
        await asyncio.sleep(TTL)
        assert events == ["w2 started"]
        survivor.cancel()  # a clean stop gives the lease up at once
        assert await wait_for(lambda: events == ["w2 started", "w3 started"])
    finally:
        await stop_all(survivor, *([late] if late else []))


async def test_a_discord_holder_that_loses_its_lease_leaves_the_gateway_and_still_posts(
    open_store, discord_api: FakeDiscord, monkeypatch  # noqa: F811
):
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(discord_api.gateway_url))
    clock = ManualClock()
    first, second = open_store(), open_store()
    receivers = [
        DiscordReceiver(CatalystClient(CatalystCommands(store=store, clock=clock, watchlist=[])), "bot-token")
        for store in (first, second)
    ]
    holders = [
        asyncio.create_task(start_when_holding(first, LEASE, "w1", receivers[0].start, receivers[0].stop, clock, ttl=TTL))
    ]
    try:
        assert await wait_for(lambda: discord_api.gateway_open == 1)
        # w1 stalls past its lease (its clock jumps) and w2 takes the lease meanwhile.
        assert second.acquire_lease(LEASE, "w2", clock() + TTL + 0.01, ttl=60)
        assert await wait_for(lambda: discord_api.gateway_open == 0)
        assert not await receivers[0].is_connected()
        assert await receivers[0].send(ALERT, CHANNEL)  # alerts still go out over REST
        second.release_lease(LEASE, "w2")
        holders.append(
            asyncio.create_task(
                start_when_holding(second, LEASE, "w2", receivers[1].start, receivers[1].stop, clock, ttl=TTL)
            )
        )
        assert await wait_for(lambda: discord_api.gateway_sessions == 2 and discord_api.gateway_open == 1)
        await asyncio.sleep(TTL)
        assert discord_api.gateway_most_open == 1
    finally:
        await stop_all(*holders)
        for receiver in receivers:
            await receiver.close()
