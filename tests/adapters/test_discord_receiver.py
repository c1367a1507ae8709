"""Posting alerts with the real discord.py client against a local fake Discord: bot channels and webhooks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import discord
import pytest
import yarl

from adapters.discord.receiver import (
    CatalystClient,
    DiscordReceiver,
    DiscordWebhookReceiver,
)
from bot.clock import ManualClock
from bot.commands import CatalystCommands
from bot.delivery.receiver import DELIVERY_KEY
from bot.errors import CatalystBotError, DeliveryError, RateLimited
from bot.models import Alert
from bot.store.database import Store
from bot.validation import parse_webhook_url
from tests.fakes.discordfake import APP_ID, FakeDiscord, discord_api  # noqa: F401 - the fixture

CHANNEL = "1200000000000000001"
WEBHOOK_ID = 1200000000000000777
WEBHOOK_TOKEN = "w" * 68
ALERT = Alert(
    ticker="NVDA",
    kind="price_move",
    rule="price_move.verb_percent",
    severity="medium",
    direction="negative",
    evidence=("falls 8%",),
    title="NVIDIA falls 8% after export curbs",
    link="https://news.example.com/nvda",
    source="wire",
    published=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    item_id="nvda-1",
)
EMBED = {
    "type": "rich",
    "title": "NVIDIA falls 8% after export curbs",
    "url": "https://news.example.com/nvda",
    "color": 0xE74C3C,
    "timestamp": "2026-01-02T03:04:05+00:00",
    "fields": [
        {"name": "Ticker", "value": "NVDA", "inline": True},
        {"name": "Kind", "value": "price_move", "inline": True},
        {"name": "Source", "value": "wire", "inline": True},
        {"name": "Evidence", "value": "“falls 8%”", "inline": False},
    ],
    "footer": {"text": "negative · medium severity · rule price_move.verb_percent"},
    "flags": 0,
}
BUTTONS = [
    {
        "type": 1,
        "components": [
            {"type": 2, "style": 2, "disabled": False, "label": "Mute 24h", "custom_id": "catalyst:mute:NVDA"},
            {"type": 2, "style": 1, "disabled": False, "label": "All catalysts", "custom_id": "catalyst:history:NVDA"},
        ],
    }
]


@pytest.fixture
def commands(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    yield CatalystCommands(store=store, clock=ManualClock(), watchlist=["NVDA"], known_tickers={"NVDA": "NVIDIA"})
    store.close()


@pytest.fixture
async def receiver(discord_api, commands):  # noqa: F811 - the fixture
    receiver = DiscordReceiver(CatalystClient(commands), "bot-token-for-tests")
    yield receiver
    await receiver.close()


@pytest.fixture
async def webhooks(discord_api, http_session):  # noqa: F811 - the fixture
    return DiscordWebhookReceiver({"alerts": (WEBHOOK_ID, WEBHOOK_TOKEN)}, session=http_session)


async def test_alert_is_posted_as_embed_with_buttons_and_no_mentions(discord_api: FakeDiscord, receiver):  # noqa: F811
    message_id = await receiver.send(ALERT, CHANNEL)

    [post] = discord_api.called("POST", f"/channels/{CHANNEL}/messages")
    assert post.headers["Authorization"] == "Bot bot-token-for-tests"
    assert post.json["embeds"] == [EMBED]
    assert post.json["components"] == BUTTONS
    assert post.json["allowed_mentions"] == {"parse": []}
    assert post.json["content"] is None
    assert "message_reference" not in post.json
    assert message_id and message_id.isdigit()


async def test_login_happens_once_and_commands_are_not_registered_just_to_post(discord_api: FakeDiscord, receiver):  # noqa: F811
    await receiver.send(ALERT, CHANNEL)
    await receiver.send(ALERT, CHANNEL)
    assert len(discord_api.called("GET", "/users/@me")) == 1
    assert not discord_api.called("PUT", r"/applications/.*")


async def test_commands_register_globally_by_default(discord_api: FakeDiscord, commands):  # noqa: F811
    client = CatalystClient(commands)
    await client.login("bot-token-for-tests")
    await client.sync_commands()
    await client.close()
    [sync] = discord_api.called("PUT", f"/applications/{APP_ID}/commands")
    [command] = sync.json
    assert (command["name"], command["contexts"], command["dm_permission"]) == ("catalysts", [0], False)
    assert [option["name"] for option in command["options"]] == [
        "ticker", "days", "action", "duration", "reason", "mute_id"
    ]
    assert command["options"][0]["autocomplete"] is True


async def test_commands_sync_to_configured_guilds(discord_api: FakeDiscord, commands):  # noqa: F811
    client = CatalystClient(commands, guilds=[42, 43])
    await client.login("bot-token-for-tests")
    await client.sync_commands()
    await client.close()
    assert not discord_api.called("PUT", f"/applications/{APP_ID}/commands")
    for guild in (42, 43):
        [sync] = discord_api.called("PUT", f"/applications/{APP_ID}/guilds/{guild}/commands")
        assert sync.json[0]["name"] == "catalysts"


async def test_command_sync_refused_is_logged_and_posting_still_works(discord_api: FakeDiscord, commands, caplog):  # noqa: F811
    discord_api.script("PUT", r"/applications/\d+/guilds/42/commands", 403, {"message": "Missing Access", "code": 50001})
    client = CatalystClient(commands, guilds=[42])
    receiver = DiscordReceiver(client, "bot-token-for-tests")
    await client.login("bot-token-for-tests")
    await client.sync_commands()
    assert "could not register /catalysts (403 Missing Access)" in caplog.text
    assert await receiver.send(ALERT, CHANNEL)
    await receiver.close()


async def test_follow_up_alert_is_a_reply_that_pings_nobody(discord_api: FakeDiscord, receiver):  # noqa: F811
    await receiver.send(ALERT, CHANNEL, reply_to="1300000000000000042")
    [post] = discord_api.called("POST", f"/channels/{CHANNEL}/messages")
    assert post.json["message_reference"] == {
        "type": 0,
        "message_id": 1300000000000000042,
        "channel_id": int(CHANNEL),
        "fail_if_not_exists": False,
    }
    assert post.json["allowed_mentions"] == {"parse": []}


async def test_headline_with_mentions_pings_nobody(discord_api: FakeDiscord, receiver):  # noqa: F811
    alert = ALERT.model_copy(update={"title": "@everyone @here <@&123456789012345678> <@123456789012345678> NVDA"})
    await receiver.send(alert, CHANNEL)
    [post] = discord_api.called("POST", f"/channels/{CHANNEL}/messages")
    assert post.json["allowed_mentions"] == {"parse": []}
    assert post.json["content"] is None
    assert post.json["embeds"][0]["title"] == (
        "@\u200beveryone @\u200bhere <@\u200b&123456789012345678> <@\u200b123456789012345678> NVDA"
    )


async def test_overlong_headline_is_trimmed_not_refused(discord_api: FakeDiscord, receiver):  # noqa: F811
    await receiver.send(ALERT.model_copy(update={"title": "NVIDIA " * 100}), CHANNEL)
    [post] = discord_api.called("POST", f"/channels/{CHANNEL}/messages")
    assert len(post.json["embeds"][0]["title"]) == 256
    assert post.json["embeds"][0]["title"].endswith("…")


async def test_short_429_is_retried_by_discord_py(discord_api: FakeDiscord, receiver):  # noqa: F811
    discord_api.script(
        "POST", f"/channels/{CHANNEL}/messages", 429,
        {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
        headers={"Via": "1.1 google", "Retry-After": "1"},
    )
    assert await receiver.send(ALERT, CHANNEL)
    assert len(discord_api.called("POST", f"/channels/{CHANNEL}/messages")) == 2


async def test_long_429_goes_back_to_the_outbox_as_rate_limited(discord_api: FakeDiscord, receiver):  # noqa: F811
    discord_api.script(
        "POST", f"/channels/{CHANNEL}/messages", 429,
        {"message": "You are being rate limited.", "retry_after": 120.0, "global": True},
        headers={"Via": "1.1 google", "Retry-After": "120"},
    )
    with pytest.raises(RateLimited) as caught:
        await receiver.send(ALERT, CHANNEL)
    assert caught.value.retry_after == 120.0
    assert len(discord_api.called("POST", f"/channels/{CHANNEL}/messages")) == 1


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (403, 50013, f"the bot may not post in channel {CHANNEL}: give it View Channel, Send Messages and Embed Links"),
        (404, 10003, f"channel {CHANNEL} does not exist or the bot cannot see it"),
    ],
)
async def test_missing_permission_or_channel_is_permanent(discord_api: FakeDiscord, receiver, status, code, message):  # noqa: F811
    discord_api.script("POST", f"/channels/{CHANNEL}/messages", status, {"message": "nope", "code": code})
    with pytest.raises(DeliveryError) as caught:
        await receiver.send(ALERT, CHANNEL)
    assert caught.value.permanent
    assert str(caught.value) == message


async def test_channel_must_be_an_id(receiver):
    with pytest.raises(DeliveryError, match="discord:#general is not a channel id") as caught:
        await receiver.send(ALERT, "#general")
    assert caught.value.permanent


async def test_rejected_token_names_the_variable_not_the_token(discord_api: FakeDiscord, receiver):  # noqa: F811
    discord_api.script("GET", "/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    with pytest.raises(CatalystBotError) as caught:
        await receiver.start()
    assert str(caught.value) == "Discord rejected the bot token in DISCORD_TOKEN"


async def test_webhook_posts_the_same_embed_without_buttons_or_mentions(discord_api: FakeDiscord, webhooks):  # noqa: F811
    message_id = await webhooks.send(ALERT, "alerts")
    [post] = discord_api.called("POST", f"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
    assert post.query["wait"] == "1"
    assert post.json["embeds"] == [EMBED]
    assert post.json["allowed_mentions"] == {"parse": []}
    assert "components" not in post.json
    assert "Authorization" not in post.headers
    assert message_id and message_id.isdigit()


async def test_webhook_429_is_retried(discord_api: FakeDiscord, webhooks):  # noqa: F811
    discord_api.script(
        "POST", f"/webhooks/{WEBHOOK_ID}/.+", 429, {"retry_after": 0.05, "global": False}, headers={"Via": "1.1 google"}
    )
    assert await webhooks.send(ALERT, "ALERTS")
    assert len(discord_api.called("POST", f"/webhooks/{WEBHOOK_ID}/.+")) == 2


async def test_deleted_webhook_is_permanent(discord_api: FakeDiscord, webhooks):  # noqa: F811
    discord_api.script("POST", f"/webhooks/{WEBHOOK_ID}/.+", 404, {"message": "Unknown Webhook", "code": 10015})
    with pytest.raises(DeliveryError, match="Discord webhook alerts no longer exists") as caught:
        await webhooks.send(ALERT, "alerts")
    assert caught.value.permanent


async def test_unknown_webhook_name_is_permanent(webhooks):
    with pytest.raises(DeliveryError, match="no Discord webhook named 'ops'") as caught:
        await webhooks.send(ALERT, "ops")
    assert caught.value.permanent


def test_webhook_url_parsing():
    url = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
    assert parse_webhook_url(url) == (WEBHOOK_ID, WEBHOOK_TOKEN)
    assert parse_webhook_url(f"https://ptb.discord.com/api/v10/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}/") == (
        WEBHOOK_ID, WEBHOOK_TOKEN
    )
    with pytest.raises(ValueError, match="not a Discord webhook URL"):
        parse_webhook_url("https://example.com/hook")


async def test_resends_of_one_delivery_carry_the_same_enforced_nonce(discord_api: FakeDiscord, receiver):  # noqa: F811
    for key in ("delivery-7", "delivery-7", "delivery-8"):
        token = DELIVERY_KEY.set(key)
        try:
            await receiver.send(ALERT, CHANNEL)
        finally:
            DELIVERY_KEY.reset(token)
    first, again, other = (p.json for p in discord_api.called("POST", f"/channels/{CHANNEL}/messages"))
    assert first["enforce_nonce"] is True and len(first["nonce"]) == 25
    assert first["nonce"] == again["nonce"] != other["nonce"]


DIGEST = "Digest (desk), 2026-01-02 08:00 to 2026-01-02 18:00 UTC: 3 alert(s)\nBABA\n  price_move x2: Alibaba *jumps* 9% @everyone"


async def test_digest_text_is_posted_as_an_embed_without_mentions(discord_api: FakeDiscord, receiver, webhooks):  # noqa: F811
    await receiver.send_text(DIGEST, CHANNEL)
    await webhooks.send_text(DIGEST, "alerts")
    for post in discord_api.called("POST", f"/channels/{CHANNEL}/messages") + discord_api.called("POST", "/webhooks/.+"):
        assert post.json["allowed_mentions"] == {"parse": []}
        assert post.json["embeds"] == [{
            "type": "rich",
            "title": "Digest (desk), 2026-01-02 08:00 to 2026-01-02 18:00 UTC: 3 alert(s)",
            "description": "BABA\nprice\\_move x2: Alibaba \\*jumps\\* 9% @\u200beveryone",
            "color": 0x5865F2,
            "flags": 0,
        }]


async def test_gateway_failure_is_logged_and_retried_while_posting_still_works(
    discord_api: FakeDiscord, receiver, monkeypatch, caplog  # noqa: F811
):
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(discord_api.url + "/gateway"))
    await receiver.start()
    await discord_api.wait_for("GET", "/gateway", count=1)
    assert await receiver.send(ALERT, CHANNEL)
    for _ in range(100):
        if "Discord gateway connection failed" in caplog.text:
            break
        await asyncio.sleep(0.02)
    assert "/catalysts and buttons are offline, retrying in 5s" in caplog.text
    await asyncio.wait_for(receiver.close(), 2)
