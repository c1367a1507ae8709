"""Two outlets' reports of one story found in one poll, on the console, Slack and Discord: the earlier-published
one is the story's first message and the later one its follow-up, whichever feed answers first, shown once."""

from __future__ import annotations

import io
import re

import aiohttp
import pytest
from rich.console import Console

from adapters.console import ConsoleReceiver
from adapters.discord.receiver import CatalystClient, DiscordReceiver
from adapters.slack.receiver import SlackReceiver, slack_client
from bot.app import CatalystBot
from bot.clock import ManualClock
from bot.commands import CatalystCommands
from bot.config import load_config
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.discordfake import discord_api  # noqa: F401 - the fixture
from tests.fakes.feedserver import rss, write_config
from tests.fakes.slackview import texts

EARLY = ("wire-10", "Commerce Department grants Nvidia licence to export H20 chips to China", "Approved this morning.")
LATE = ("ft-11", "Nvidia gets export licence for H20 shipments to China, shares climb", "The stock rose in early trade.")
CHANNEL = "1200000000000000001"
T0 = 1_752_580_000.0  # 2025-07-15 11:46 UTC, both reports out
RECEIVERS = {"console": "console", "slack": "slack:C0DESK", "discord": f"discord:{CHANNEL}"}


class Surface:
    """One platform's receiver, and what its readers see: (headline, is a reply to the first message, outlets listed)."""

    def __init__(self, name: str, fakes: dict[str, object], store: Store) -> None:
        self.name = name
        self._fake = fakes.get(name)
        if name == "console":
            self._screen = io.StringIO()
            self.receiver = ConsoleReceiver(Console(file=self._screen, width=300, highlight=False))
        elif name == "slack":
            self.receiver = SlackReceiver(slack_client("xoxb-test", self._fake.api_url))
        else:
            commands = CatalystCommands(store=store, clock=ManualClock(), watchlist=[], known_tickers={})
            self.receiver = DiscordReceiver(CatalystClient(commands), "bot-token-for-tests")

    def shown(self) -> list[tuple[str, bool, tuple[str, ...]]]:
        if self.name == "console":
            return [_console_message(block.splitlines()) for block in self._screen.getvalue().strip().split("\n\n")]
        if self.name == "slack":
            return [_slack_message(message) for message in self._fake.messages]
        return [_discord_message(call.json) for call in self._fake.called("POST", f"/channels/{CHANNEL}/messages")]


def _console_message(lines: list[str]) -> tuple[str, bool, tuple[str, ...]]:
    reply = lines[1].strip().startswith("↳ folded into #1")
    also = tuple(line.split("also reported by ")[1].split(":")[0] for line in lines if "also reported by " in line)
    return lines[2 if reply else 1].strip(), reply, also


def _slack_message(message) -> tuple[str, bool, tuple[str, ...]]:
    also = [block for block in texts(message.blocks) if block.startswith("*Also reported by*")]
    outlets = tuple(line.removeprefix("• ").split(" [")[0] for block in also for line in block.splitlines()[1:])
    return message.text.split(": ", 1)[1], message.thread_ts is not None, outlets


def _discord_message(body: dict) -> tuple[str, bool, tuple[str, ...]]:
    [embed] = body["embeds"]
    also = next((field["value"] for field in embed["fields"] if field["name"] == "Also reported by"), "")
    return embed["title"], "message_reference" in body, tuple(re.findall(r"\[([^\]]+)\]", also))


@pytest.fixture
def fakes(fake_slack, discord_api):  # noqa: F811 - the fixture
    return {"slack": fake_slack, "discord": discord_api}


async def play(tmp_path, feed_server, fakes: dict[str, object], platform: str, follow_ups: str, *, late_first: bool) -> Surface:
    """Serve the 10:00 report on one feed and the 11:00 one on another, the one asked for answering first; one run."""
    early = rss(EARLY, published="Tue, 15 Jul 2025 10:00:00 GMT")
    late = rss(LATE, published="Tue, 15 Jul 2025 11:00:00 GMT")
    feeds = {  # the delay only orders the two answers
        "wire": feed_server.feed("/wire.xml", early, delay=0.3 if late_first else 0.0),
        "ft": feed_server.feed("/ft.xml", late, delay=0.0 if late_first else 0.3),
    }
    route = f'[[routes]]\nreceiver = "{RECEIVERS[platform]}"\nfollow_ups = "{follow_ups}"'
    config = load_config(write_config(tmp_path / "bot.toml", tmp_path, feeds, poller=route))
    store = Store(config.store_path())
    surface = Surface(platform, fakes, store)
    try:
        async with aiohttp.ClientSession() as session:
            receivers = {platform: surface.receiver}
            bot = CatalystBot(config, store, RuleEngine.from_settings(config.rules), receivers, session, clock=ManualClock(T0))
            await bot.run_once()
    finally:
        if platform == "discord":
            await surface.receiver.close()
        store.close()
    return surface


@pytest.mark.parametrize("late_first", [True, False], ids=["11:00 report handled first", "10:00 report handled first"])
@pytest.mark.parametrize("platform", list(RECEIVERS))
async def test_the_earlier_report_is_the_story_and_the_later_one_its_follow_up(tmp_path, feed_server, fakes, platform, late_first):
    surface = await play(tmp_path, feed_server, fakes, platform, "thread", late_first=late_first)
    assert [(headline, reply) for headline, reply, _ in surface.shown()] == [(EARLY[1], False), (LATE[1], True)]


@pytest.mark.parametrize(
    ("follow_ups", "expected"),
    [
        ("thread", [(EARLY[1], False, ()), (LATE[1], True, ())]),  # in the thread only, not in the list too
        ("edit", [(EARLY[1], False, ("ft",))]),  # in the list only, not as a reply too (the console cannot edit)
        ("both", [(EARLY[1], False, ("ft",)), (LATE[1], True, ())]),
    ],
)
@pytest.mark.parametrize("platform", list(RECEIVERS))
async def test_a_follow_up_found_before_the_first_message_is_posted_is_shown_once(tmp_path, feed_server, fakes, platform, follow_ups, expected):
    surface = await play(tmp_path, feed_server, fakes, platform, follow_ups, late_first=False)
    assert surface.shown() == expected
