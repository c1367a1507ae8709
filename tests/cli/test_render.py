"""`catalyst-bot render`: the exact console text, Slack body and Discord body an item's alert becomes."""

from __future__ import annotations

import json

from bot.cli.main import main
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
