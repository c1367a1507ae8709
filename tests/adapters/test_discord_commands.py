"""`/catalysts`, its autocomplete and the alert buttons, fed as gateway interactions to the real discord.py client."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime

import pytest

from adapters.discord.commands import FAILURE, command_args
from adapters.discord.receiver import CatalystClient
from bot.clock import ManualClock
from bot.commands import CatalystCommands, CommandError
from bot.models import Catalyst, NewsItem
from bot.store.database import Store
from tests.fakes.discordfake import APP_ID, FakeDiscord, discord_api  # noqa: F401 - the fixture

GUILD = "1200000000000000042"
CHANNEL = "1200000000000000001"
EPHEMERAL = 64
KNOWN = {"BABA": "Alibaba Group", "BIDU": "Baidu", "NVDA": "NVIDIA", "AMD": "Advanced Micro Devices", "BA": "Boeing"}
_IDS = itertools.count(1400000000000000001)


@pytest.fixture
def clock():
    return ManualClock(1_767_312_000.0)


@pytest.fixture
async def client(discord_api, store, clock):  # noqa: F811 - the fixture
    commands = CatalystCommands(
        store=store,
        clock=clock,
        watchlist=["NVDA"],
        known_tickers=KNOWN,
        rules=lambda: [("export.granted", "export_license", "high")],
    )
    client = CatalystClient(commands)
    await client.login("bot-token-for-tests")
    yield client
    await client.close()


def member(name: str = "ana") -> dict:
    return {
        "user": {"id": "1500000000000000001", "username": name, "discriminator": "0", "global_name": None, "avatar": None},
        "roles": [],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": "0",
    }


def interaction(kind: int, data: dict, **extra: object) -> dict:
    return {
        "id": str(next(_IDS)),
        "application_id": APP_ID,
        "type": kind,
        "token": f"interaction-token-{kind}",
        "version": 1,
        "guild_id": GUILD,
        "channel_id": CHANNEL,
        "member": member(),
        "app_permissions": "0",
        "locale": "en-US",
        "guild_locale": "en-US",
        "attachment_size_limit": 8388608,
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD},
        "context": 0,
        "data": data,
        **extra,
    }


def slash(**options: object) -> dict:
    types = {str: 3, int: 4}
    return interaction(2, {
        "id": "1600000000000000001",
        "name": "catalysts",
        "type": 1,
        "guild_id": GUILD,
        "options": [{"name": name, "type": types[type(value)], "value": value} for name, value in options.items()],
    })


async def run(client: CatalystClient, api: FakeDiscord, payload: dict) -> dict:
    """Deliver the interaction as the gateway would; return the JSON of the answer it produced."""
    client._connection.parse_interaction_create(payload)
    path = rf"/interactions/{payload['id']}/{payload['token']}/callback"
    [answer] = await api.wait_for("POST", path)
    return answer.json


def flags(answer: dict) -> int:
    return answer["data"].get("flags", 0)


def record(store: Store, at: float, item_id: str, title: str, kind: str, ticker: str) -> None:
    item = NewsItem(
        id=item_id, title=title, link=f"https://news.example.com/{item_id}",
        published=datetime.fromtimestamp(at, UTC), feed="wire",
    )
    with store.transaction():
        store.record_catalyst(item, Catalyst(kind=kind, tickers=(ticker,), rule=f"{kind}.r", direction="positive"), at)


async def test_catalysts_for_a_ticker(client, discord_api, store, clock):  # noqa: F811
    record(store, clock() - 3600, "h20", "Alibaba granted export licence", "export_license", "BABA")
    answer = await run(client, discord_api, slash(ticker="baba", days=7))
    assert answer == {
        "type": 4,
        "data": {
            "tts": False,
            "embeds": [{
                "type": "rich",
                "title": "BABA (Alibaba Group): 1 catalyst(s) in the last 7 day(s)",
                "description": "**export\\_license (1)**\n"
                f"▲ <t:{int(clock() - 3600)}:f> [Alibaba granted export licence](https://news.example.com/h20)",
                "color": 0x5865F2,
                "flags": 0,
            }],
            "content": None,
            "allowed_mentions": {"parse": []},
        },
    }


async def test_no_options_gives_the_watchlist_today(client, discord_api, store, clock):  # noqa: F811
    record(store, clock() - 600, "n1", "NVIDIA rises 7%", "price_move", "NVDA")
    answer = await run(client, discord_api, slash())
    embed = answer["data"]["embeds"][0]
    assert embed["title"] == "Today's top catalysts for 1 watched ticker(s)"
    assert "NVDA price\\_move: NVIDIA rises 7%" in embed["description"]


async def test_mute_then_list_then_unmute(client, discord_api, store):  # noqa: F811
    muted = await run(client, discord_api, slash(action="mute", ticker="BABA", duration="4h", reason="earnings call"))
    assert muted["data"]["embeds"][0]["title"] == "Muted BABA until 2026-01-02 04:00 UTC (mute #1)."
    assert flags(muted) == 0
    assert store.active_mutes(1_767_312_000.0)[0].created_by == "ana"

    listed = await run(client, discord_api, slash(action="mutes"))
    assert flags(listed) == EPHEMERAL
    assert "#1 BABA until 2026-01-02 04:00 UTC by ana: earnings call" in listed["data"]["embeds"][0]["description"]

    removed = await run(client, discord_api, slash(action="unmute", mute_id=1))
    assert removed["data"]["embeds"][0]["title"] == "Mute #1 removed."


async def test_bad_input_is_answered_privately_in_red(client, discord_api):  # noqa: F811
    answer = await run(client, discord_api, slash(ticker="ZZZZ"))
    assert flags(answer) == EPHEMERAL
    assert answer["data"]["embeds"][0]["title"] == "unknown ticker ZZZZ: check the symbol (e.g. BABA, NVDA)"
    assert answer["data"]["embeds"][0]["color"] == 0xE74C3C


async def test_missing_option_says_which_and_shows_an_example(client, discord_api):  # noqa: F811
    answer = await run(client, discord_api, slash(action="mute", ticker="BABA"))
    assert flags(answer) == EPHEMERAL
    assert answer["data"]["embeds"][0]["title"] == (
        "`action:mute` needs `duration`: `/catalysts action:mute ticker:BABA duration:4h reason:earnings`"
    )


async def test_help_includes_the_discord_syntax(client, discord_api):  # noqa: F811
    answer = await run(client, discord_api, slash(action="help"))
    assert flags(answer) == EPHEMERAL
    assert "**On Discord**\n• /catalysts ticker:BABA days:7" in answer["data"]["embeds"][0]["description"]


async def test_watch_and_rules(client, discord_api):  # noqa: F811
    watched = await run(client, discord_api, slash(action="watch", ticker="amd"))
    assert watched["data"]["embeds"][0]["title"] == "AMD added to the watchlist."
    rules = await run(client, discord_api, slash(action="rules"))
    assert rules["data"]["embeds"][0]["description"] == "**export\\_license**\n• export.granted (high)"


async def test_unexpected_failure_is_logged_once_and_answered_privately(client, discord_api, store, caplog):  # noqa: F811
    store.close()
    with caplog.at_level(logging.ERROR):
        answer = await run(client, discord_api, slash(ticker="BABA"))
    assert flags(answer) == EPHEMERAL
    assert answer["data"]["embeds"][0]["title"] == FAILURE
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


def autocomplete(typed: str) -> dict:
    return interaction(4, {
        "id": "1600000000000000001",
        "name": "catalysts",
        "type": 1,
        "options": [{"name": "ticker", "type": 3, "value": typed, "focused": True}],
    })


async def test_ticker_autocomplete_offers_symbol_matches(client, discord_api):  # noqa: F811
    answer = await run(client, discord_api, autocomplete("b"))
    assert answer == {"type": 8, "data": {"choices": [
        {"name": "BA — Boeing", "value": "BA"},
        {"name": "BABA — Alibaba Group", "value": "BABA"},
        {"name": "BIDU — Baidu", "value": "BIDU"},
    ]}}


async def test_ticker_autocomplete_puts_the_watchlist_first_and_matches_names(client, discord_api):  # noqa: F811
    everything = await run(client, discord_api, autocomplete(""))
    assert [choice["value"] for choice in everything["data"]["choices"]] == ["NVDA", "AMD", "BA", "BABA", "BIDU"]
    by_name = await run(client, discord_api, autocomplete("micro"))
    assert by_name["data"]["choices"] == [{"name": "AMD — Advanced Micro Devices", "value": "AMD"}]


def alert_message() -> dict:
    return {
        "id": "1300000000000000001",
        "channel_id": CHANNEL,
        "type": 0,
        "content": "",
        "author": {"id": "1100000000000000001", "username": "catalyst-bot", "discriminator": "0", "avatar": None},
        "embeds": [],
        "components": [{"type": 1, "components": [
            {"type": 2, "style": 2, "label": "Mute 24h", "custom_id": "catalyst:mute:BABA"},
            {"type": 2, "style": 1, "label": "All catalysts", "custom_id": "catalyst:history:BABA"},
        ]}],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": "2026-01-02T03:04:05+00:00",
        "edited_timestamp": None,
        "flags": 0,
    }


def click(custom_id: str) -> dict:
    return interaction(3, {"custom_id": custom_id, "component_type": 2}, message=alert_message())


async def test_mute_button_mutes_the_ticker_for_a_day_in_public(client, discord_api, store):  # noqa: F811
    answer = await run(client, discord_api, click("catalyst:mute:BABA"))
    assert flags(answer) == 0
    assert answer["data"]["embeds"][0]["title"] == "Muted BABA until 2026-01-03 00:00 UTC (mute #1)."
    assert answer["data"]["allowed_mentions"] == {"parse": []}
    [mute] = store.active_mutes(1_767_312_000.0)
    assert (mute.ticker, mute.created_by, mute.comment) == ("BABA", "ana", "from an alert button")


async def test_all_catalysts_button_answers_only_the_clicker(client, discord_api, store, clock):  # noqa: F811
    record(store, clock() - 3600, "h20", "Alibaba granted export licence", "export_license", "BABA")
    answer = await run(client, discord_api, click("catalyst:history:BABA"))
    assert flags(answer) == EPHEMERAL
    assert answer["data"]["embeds"][0]["title"] == "BABA (Alibaba Group): 1 catalyst(s) in the last 7 day(s)"


@pytest.mark.parametrize(
    ("action", "options", "args"),
    [
        (None, {}, []),
        (None, {"ticker": "BABA"}, ["BABA"]),
        (None, {"ticker": "BABA", "days": 30}, ["BABA", "30d"]),
        ("mute", {"ticker": "*", "duration": "2h", "reason": "fed day"}, ["mute", "*", "2h", "fed", "day"]),
        ("unmute", {"mute_id": 3}, ["unmute", "3"]),
        ("unwatch", {"ticker": "AMD"}, ["unwatch", "AMD"]),
        ("rules", {"ticker": "ignored"}, ["rules"]),
    ],
)
def test_options_become_command_words(action, options, args):
    assert command_args(action, **options) == args


def test_days_without_ticker_is_explained():
    with pytest.raises(CommandError, match="`days` goes with a `ticker`"):
        command_args(None, days=3)
