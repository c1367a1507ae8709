"""The engine flags the seed stories' catalysts, told here in our own words."""

from __future__ import annotations

import pytest

from bot.models import NewsItem
from rules.engine import RuleEngine
from rules.settings import RulesSettings


@pytest.fixture(scope="module")
def engine() -> RuleEngine:
    return RuleEngine.from_settings(RulesSettings())


def pairs(engine: RuleEngine, title: str, summary: str = "") -> set[tuple[str, str]]:
    item = NewsItem(id="t", title=title, summary=summary)
    return {(c.kind, t) for c in engine.detect(item) for t in c.tickers}


def test_alibaba_rally_story(engine: RuleEngine) -> None:
    found = pairs(
        engine,
        "Alibaba stock pushes through its 52-week high",
        "Alibaba Group (NYSE:BABA) shares closed roughly 5% higher on Monday. Its Qwen3-Omni"
        " model climbed to the top of the Hugging Face trending list. Brokers at two banks"
        " published upward revisions to Alibaba's cloud estimates. Cathie Wood's Ark"
        " Investment Management reopened positions in Alibaba's ADRs.",
    )
    assert {
        ("52_week_high", "BABA"),
        ("price_move", "BABA"),
        ("leaderboard", "BABA"),
        ("analyst_upgrade", "BABA"),
        ("fund_position", "BABA"),
    } <= found


def test_alibaba_jumps_on_nvidia_chip_news(engine: RuleEngine) -> None:
    found = pairs(
        engine,
        "Alibaba shares climb 8.1%",
        "Alibaba Group shares rose 8.1% on Tuesday. Nvidia said it will resume shipping H20"
        " chips to China after Washington signalled it would grant the licences.",
    )
    assert ("price_move", "BABA") in found
    assert ("export_license", "NVDA") in found
    assert ("export_license", "BABA") not in found
