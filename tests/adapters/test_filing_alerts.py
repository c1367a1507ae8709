"""A filing's alert shows its form, filer, 8-K items and filing-index link on the console, Slack and Discord."""

from __future__ import annotations

import json

from adapters.console import render_alert
from adapters.discord.embeds import to_discord_embed
from adapters.slack.blocks import to_slack_blocks
from bot.ingest.edgar import parse_edgar
from bot.models import Alert
from rules.engine import RuleEngine
from rules.settings import RulesSettings
from tests.fakes.edgarfake import FakeFiling, Party, latest_atom
from tests.fakes.slackview import mrkdwn_texts, visible

ACME = Party("Acme Robotics Inc", 111111)
INDEX = "https://www.sec.gov/Archives/edgar/data/111111/000011111126000077/0000111111-26-000077-index.htm"
SHOWN = ("8-K", "Acme Robotics Inc", "Item 1.01 Entry into a Material Definitive Agreement", "Item 5.02 Departure of Directors or Certain Officers", INDEX)


def filing_alert() -> Alert:
    filing = FakeFiling(
        "8-K", "0000111111-26-000077", ACME, ACME,
        items=[("1.01", "Entry into a Material Definitive Agreement"), ("5.02", "Departure of Directors or Certain Officers")],
    )
    body = latest_atom([filing], "https://www.sec.gov")
    (item,) = parse_edgar(body.encode(), feed="sec-latest").items
    engine = RuleEngine.from_settings(RulesSettings())
    engine.ciks = {"0000111111": "ACMR"}
    (catalyst,) = engine.detect(item)
    return Alert.from_catalyst(item, catalyst, "ACMR")


def test_console_shows_form_company_items_and_link():
    text = render_alert(filing_alert()).plain
    assert all(part in text for part in SHOWN)
    assert "ACMR  sec_8k" in text


def test_slack_blocks_show_form_company_items_and_link():
    seen = "\n".join(visible(raw) for raw in mrkdwn_texts(to_slack_blocks(filing_alert())))
    assert all(part in seen for part in SHOWN)


def test_discord_embed_shows_form_company_items_and_link():
    embed = json.dumps(to_discord_embed(filing_alert()).to_dict())
    assert all(part in embed for part in SHOWN)
