"""End to end: two feeds report one story minutes apart; the fake Slack shows one alert with the second outlet in its thread and list."""

from __future__ import annotations

import aiohttp

from adapters.slack.receiver import SlackReceiver, slack_client
from bot.app import CatalystBot
from bot.clock import ManualClock
from bot.config import load_config
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.feedserver import EXPORT_NEWS, ORDINARY_NEWS, rss, write_config
from tests.fakes.slackview import texts

SECOND_REPORT = ("ft-7", "Nvidia wins export licences from Washington for H20 sales to China", "Shipments restart soon.")
ROUTE = '[[routes]]\nreceiver = "slack:C0DESK"\ngroup_wait = "0s"\nfollow_ups = "both"'


async def test_a_second_outlet_lands_in_the_first_alerts_thread_and_list(feed_server, fake_slack, tmp_path):
    wire = feed_server.feed("/wire.xml", rss(EXPORT_NEWS))
    ft = feed_server.feed("/ft.xml", rss(ORDINARY_NEWS))
    config = load_config(write_config(tmp_path / "bot.toml", tmp_path, {"wire": wire, "ft": ft}, poller=ROUTE))
    clock = ManualClock(1_752_560_000.0)
    store = Store(config.store_path())
    receiver = SlackReceiver(slack_client("xoxb-test", fake_slack.api_url))
    async with aiohttp.ClientSession() as session:
        bot = CatalystBot(config, store, RuleEngine.from_settings(config.rules), {"slack": receiver}, session, clock=clock)
        await bot.run_once()
        clock.advance(300)
        feed_server.feed("/ft.xml", rss(ORDINARY_NEWS, SECOND_REPORT))
        await bot.run_once()
    store.close()

    first, reply = fake_slack.messages
    assert (first.thread_ts, reply.thread_ts) == (None, first.ts)
    assert reply.text == f"▲ NVDA · export_license · positive: {SECOND_REPORT[1]}"
    assert first.text == f"▲ NVDA · export_license · positive: {EXPORT_NEWS[1]}"
    [update] = fake_slack.called("chat.update")
    assert update.args["ts"] == first.ts
    [also] = [block for block in texts(first.blocks) if block.startswith("*Also reported by*")]
    assert also == f"*Also reported by*\n• ft [https://news.example.com/ft-7]: {SECOND_REPORT[1]}"
