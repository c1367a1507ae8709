"""Discord webhook resends after a crash: with the bot able to read the channel, a post that reached Discord is not posted twice."""

from __future__ import annotations

import logging
import time

from adapters.discord.factory import build_discord_receivers
from adapters.discord.receiver import (
    DiscordWebhookReceiver,
)
from bot.clock import ManualClock
from bot.commands import CatalystCommands
from bot.config import DiscordAdapterConfig
from bot.delivery.receiver import DELIVERY_KEY
from bot.delivery.sender import Deliverer
from tests.fakes.alertkit import make_alert
from tests.fakes.discordfake import (  # noqa: F401 - the fixtures
    WEBHOOK_CHANNEL,
    FakeDiscord,
    discord_api,
    discord_bot,
)

WEBHOOK_ID, WEBHOOK_TOKEN = 1200000000000000777, "w" * 68
POSTS = rf"/webhooks/{WEBHOOK_ID}/w+"
HISTORY = rf"/channels/{WEBHOOK_CHANNEL}/messages"
ALERT = make_alert("NVDA", title="Nvidia to resume H20 chip shipments to China")



def webhooks(session, bot=None) -> DiscordWebhookReceiver:
    return DiscordWebhookReceiver({"desk": (WEBHOOK_ID, WEBHOOK_TOKEN)}, session=session, bot=bot)


async def crash_after_posting(store, receiver: DiscordWebhookReceiver, clock: ManualClock) -> tuple[Deliverer, str]:
    """Queue one alert; a first sender claims it, Discord takes its post, and the sender dies before marking it sent."""
    with store.transaction():
        row_id = store.enqueue(ALERT, "discord-webhook:desk", clock())
    deliverer = Deliverer(store, {"discord-webhook": receiver}, clock)
    [row] = store.pending_deliveries(clock())
    store.claim(row, clock(), deliverer.lease)
    token = DELIVERY_KEY.set(f"{store.instance_id}-{row_id}")
    try:
        posted = await receiver.send(ALERT, "desk")
    finally:
        DELIVERY_KEY.reset(token)
    clock.advance(deliverer.lease + 1)  # the claim runs out: the restarted sender takes the row over
    return deliverer, posted


async def test_a_post_that_reached_discord_is_found_through_the_bot_and_not_posted_again(
    discord_api: FakeDiscord, store, http_session, discord_bot  # noqa: F811
):
    clock = ManualClock(time.time())
    deliverer, posted = await crash_after_posting(store, webhooks(http_session, discord_bot), clock)

    assert (await deliverer.deliver_pending()).sent == 1
    assert len(discord_api.called("POST", POSTS)) == 1
    assert [(entry.status, entry.message_id) for entry in store.outbox_entries()] == [("sent", posted)]
    [lookup] = discord_api.called("GET", HISTORY)
    assert lookup.headers["Authorization"] == "Bot bot-token-for-tests"
    footer = discord_api.history[WEBHOOK_CHANNEL][0]["embeds"][0]["footer"]["text"]
    assert footer.startswith("positive · medium severity · rule export_license-rule · ref ")


async def test_a_post_lost_in_the_crash_is_looked_for_then_posted_once(discord_api: FakeDiscord, store, http_session, discord_bot):  # noqa: F811
    clock = ManualClock(time.time())
    with store.transaction():
        store.enqueue(ALERT, "discord-webhook:desk", clock())
    deliverer = Deliverer(store, {"discord-webhook": webhooks(http_session, discord_bot)}, clock)
    [row] = store.pending_deliveries(clock())
    store.claim(row, clock(), deliverer.lease)  # killed before its post left
    clock.advance(deliverer.lease + 1)

    assert (await deliverer.deliver_pending()).sent == 1
    assert len(discord_api.called("POST", POSTS)) == 1
    assert len(discord_api.called("GET", HISTORY)) == 1


async def test_a_first_attempt_posts_without_looking(discord_api: FakeDiscord, store, http_session, discord_bot):  # noqa: F811
    clock = ManualClock(time.time())
    with store.transaction():
        store.enqueue(ALERT, "discord-webhook:desk", clock())
    assert (await Deliverer(store, {"discord-webhook": webhooks(http_session, discord_bot)}, clock).deliver_pending()).sent == 1
    assert discord_api.called("GET", HISTORY) == []
    assert discord_api.called("GET", POSTS) == []


async def test_without_a_bot_the_resend_shows_twice_and_says_so_once(
    discord_api: FakeDiscord, store, http_session, caplog  # noqa: F811
):
    clock = ManualClock(time.time())
    deliverer, _ = await crash_after_posting(store, webhooks(http_session), clock)
    with caplog.at_level(logging.WARNING):
        assert (await deliverer.deliver_pending()).sent == 1
    assert len(discord_api.called("POST", POSTS)) == 2  # at least once: the documented window
    [warning] = [record.getMessage() for record in caplog.records if record.name == "adapters.discord.receiver"]
    assert warning == (
        "discord: cannot look for alerts already posted by webhook desk (no Discord bot is configured to read its "
        "channel); a resend after a crash or a timeout is posted without looking and may show twice"
    )


async def test_a_bot_not_allowed_to_read_the_channel_posts_and_warns(
    discord_api: FakeDiscord, store, http_session, discord_bot, caplog  # noqa: F811
):
    clock = ManualClock(time.time())
    deliverer, _ = await crash_after_posting(store, webhooks(http_session, discord_bot), clock)
    discord_api.script("GET", HISTORY, 403, {"message": "Missing Access", "code": 50001})
    with caplog.at_level(logging.WARNING):
        assert (await deliverer.deliver_pending()).sent == 1
    assert len(discord_api.called("POST", POSTS)) == 2
    assert any("give it View Channel and Read Message History" in record.getMessage() for record in caplog.records)


async def test_a_history_that_fails_for_now_is_retried_later_not_posted_blind(
    discord_api: FakeDiscord, store, http_session, discord_bot  # noqa: F811
):
    clock = ManualClock(time.time())
    deliverer, _ = await crash_after_posting(store, webhooks(http_session, discord_bot), clock)
    discord_api.script("GET", HISTORY, 503, {"message": "upstream trouble", "code": 0})  # discord.py does not retry a 503
    assert (await deliverer.deliver_pending()).retried == 1
    assert len(discord_api.called("POST", POSTS)) == 1
    [entry] = store.outbox_entries()
    assert entry.status == "pending" and "503" in (entry.reason or "")


async def test_the_configured_bot_is_the_one_that_looks_in_a_webhook_channel(discord_api: FakeDiscord, store):  # noqa: F811
    settings = DiscordAdapterConfig(api_base=discord_api.api_base, webhooks=["desk"])
    commands = CatalystCommands(store=store, clock=ManualClock(), watchlist=[], known_tickers={})
    url = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
    receivers = build_discord_receivers(settings, commands, "bot-token-for-tests", {"desk": url})
    try:
        clock = ManualClock(time.time())
        deliverer, _ = await crash_after_posting(store, receivers["discord-webhook"], clock)
        assert (await deliverer.deliver_pending()).sent == 1
        assert len(discord_api.called("POST", POSTS)) == 1
    finally:
        for receiver in receivers.values():
            await receiver.close()
