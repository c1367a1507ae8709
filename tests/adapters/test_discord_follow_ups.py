"""A story's follow-ups on Discord with the real discord.py client: a reply referencing the first alert, an edit of it, or both."""

from __future__ import annotations

import pytest

from adapters.discord.receiver import (
    DiscordWebhookReceiver,
)
from bot.alerts.queue import AlertQueue
from bot.clock import ManualClock
from bot.delivery.sender import Deliverer
from tests.fakes.alertkit import make_alert, make_config
from tests.fakes.discordfake import FakeDiscord, discord_api, discord_bot  # noqa: F401 - the fixtures

CHANNEL = "1200000000000000001"
WEBHOOK_ID, WEBHOOK_TOKEN = 1200000000000000777, "w" * 68
T0 = 1_752_560_000.0



def shown(embed: dict) -> tuple[str, str | None]:
    """An embed's headline and its "Also reported by" field, as a reader sees them."""
    also = [field["value"] for field in embed["fields"] if field["name"] == "Also reported by"]
    return embed["title"], also[0] if also else None


async def play(store, receivers: dict, route: dict) -> None:
    """wire reports the story, ft ten seconds later; each is delivered as it comes."""
    clock = ManualClock(T0)
    config = make_config([{**route, "group_wait": 0}])
    deliverer = Deliverer(store, receivers, clock)
    for offset, source, item in [(0, "wire", "a"), (10, "ft", "b")]:
        clock.now = T0 + offset
        alert = make_alert("JD", item=item, source=source, title=f"JD wins licence ({source})")
        with store.transaction():
            AlertQueue(store, config).queue(alert, clock(), [], [])
        await deliverer.deliver_pending()


@pytest.mark.parametrize(
    ("follow_ups", "posts", "edits"),
    [
        ("thread", [("JD wins licence (wire)", None, False), ("JD wins licence (ft)", None, True)], []),
        ("edit", [("JD wins licence (wire)", None, False)], [("JD wins licence (wire)", "[ft](https://ft.example.com/b)")]),
        (
            "both",
            [("JD wins licence (wire)", None, False), ("JD wins licence (ft)", None, True)],
            [("JD wins licence (wire)", "[ft](https://ft.example.com/b)")],
        ),
    ],
)
async def test_a_second_outlet_replies_to_or_edits_the_first_alert(discord_api: FakeDiscord, discord_bot, store, follow_ups, posts, edits):  # noqa: F811
    await play(store, {"discord": discord_bot}, {"receiver": f"discord:{CHANNEL}", "follow_ups": follow_ups})
    sent = discord_api.called("POST", f"/channels/{CHANNEL}/messages")
    first_id = store.outbox_entries()[0].message_id
    assert [
        (*shown(post.json["embeds"][0]), post.json.get("message_reference", {}).get("message_id") == int(first_id))
        for post in sent
    ] == posts
    patched = discord_api.called("PATCH", f"/channels/{CHANNEL}/messages/{first_id}")
    assert [shown(patch.json["embeds"][0]) for patch in patched] == edits
    assert all(patch.json["allowed_mentions"] == {"parse": []} for patch in patched)


async def test_a_webhook_edits_its_first_alert_to_list_the_second_outlet(discord_api: FakeDiscord, store, http_session):  # noqa: F811
    webhooks = DiscordWebhookReceiver({"alerts": (WEBHOOK_ID, WEBHOOK_TOKEN)}, session=http_session)
    await play(store, {"discord-webhook": webhooks}, {"receiver": "discord-webhook:alerts", "follow_ups": "edit"})
    [post] = discord_api.called("POST", f"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
    first_id = store.outbox_entries()[0].message_id
    [patch] = discord_api.called("PATCH", f"/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}/messages/{first_id}")
    assert shown(post.json["embeds"][0]) == ("JD wins licence (wire)", None)
    assert shown(patch.json["embeds"][0]) == ("JD wins licence (wire)", "[ft](https://ft.example.com/b)")
