"""`catalyst-bot render`: the exact console text, Slack body and Discord body an item's alert becomes."""

from __future__ import annotations

import json

from adapters.discord.receiver import CatalystClient, DiscordReceiver
from adapters.slack.receiver import SlackReceiver, slack_client
from bot.cli.main import main
from bot.clock import ManualClock
from bot.commands import CatalystCommands
from bot.config import load_config
from bot.models import Alert, NewsItem
from rules.engine import RuleEngine
from tests.fakes.discordfake import discord_api  # noqa: F401 - the fixture
from tests.stderr import said

ITEM = json.dumps({
    "title": "Nvidia wins *export* licence to sell H20 chips to China",
    "link": "https://news.example.com/h20",
    "published": "2025-08-12T14:00:00Z",
})


def test_render_prints_the_console_text(capsys):
    assert main(["render", "--item-json", ITEM, "--surface", "console"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "▲ NVDA  export_license  (positive, high)",
        "  Nvidia wins *export* licence to sell H20 chips to China",
        "  render · 2025-08-12 14:00 UTC",
        "  https://news.example.com/h20",
        "  why: “Nvidia wins *export* licence”  [export_license.licence_to_sell]",
    ]


def test_render_prints_the_slack_and_discord_bodies_as_json(capsys):
    assert main(["render", "--item-json", ITEM, "--surface", "slack"]) == 0
    slack = json.loads(capsys.readouterr().out)
    assert slack["text"] == "▲ NVDA · export_license · positive: Nvidia wins ∗export∗ licence to sell H20 chips to China"
    assert slack["blocks"][1]["text"]["text"] == (
        "*<https://news.example.com/h20|Nvidia wins ∗export∗ licence to sell H20 chips to China>*"
    )
    assert main(["render", "--item-json", ITEM, "--surface", "discord"]) == 0
    discord = json.loads(capsys.readouterr().out)
    assert discord["allowed_mentions"] == {"parse": []}
    (embed,) = discord["embeds"]
    assert (embed["title"], embed["url"]) == (
        "Nvidia wins \\*export\\* licence to sell H20 chips to China", "https://news.example.com/h20"
    )


def test_render_of_an_item_without_a_catalyst_says_so_and_exits_1(capsys):
    assert main(["render", "Local bakery wins a prize for its bread"]) == 1
    assert said(capsys.readouterr().err) == ["render: the rules find no catalyst in this item, so nothing would be posted"]


async def test_render_shows_the_bodies_the_adapters_really_post(capsys, fake_slack, discord_api, store):  # noqa: F811
    assert main(["render", "--item-json", ITEM, "--surface", "slack"]) == 0
    slack_body = json.loads(capsys.readouterr().out)
    assert main(["render", "--item-json", ITEM, "--surface", "discord"]) == 0
    discord_body = json.loads(capsys.readouterr().out)
    [alert] = render_alerts()

    await SlackReceiver(slack_client("xoxb-test", fake_slack.api_url)).send(alert, "C0DESK")
    [post] = fake_slack.called("chat.postMessage")
    routing = {"channel", "thread_ts", "metadata"}
    assert {name: value for name, value in post.args.items() if name not in routing} == slack_body

    commands = CatalystCommands(store=store, clock=ManualClock(), watchlist=[], known_tickers={})
    bot = DiscordReceiver(CatalystClient(commands), "bot-token-for-tests")
    try:
        await bot.send(alert, "1200000000000000001")
    finally:
        await bot.close()
    [sent] = discord_api.called("POST", r"/channels/\d+/messages")
    shown = {name: sent.json[name] for name in discord_body}
    assert shown == discord_body


def render_alerts() -> list[Alert]:
    """The alerts `render` makes of ITEM, built as the command builds them."""
    config = load_config(None)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    item = NewsItem.from_json_row(json.loads(ITEM), default_id="render", feed="render")
    return [Alert.from_catalyst(item, c, ticker) for c in engine.detect(item) for ticker in c.tickers]
