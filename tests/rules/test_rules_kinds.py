"""Per-kind unit tests: positives and the traps CATALYSTS.md lists, in our own words."""

from __future__ import annotations

import pytest

from bot.models import NewsItem
from rules.engine import RuleEngine
from rules.settings import RulesSettings


@pytest.fixture(scope="module")
def engine() -> RuleEngine:
    return RuleEngine.from_settings(RulesSettings())


def found(engine: RuleEngine, title: str, summary: str = "") -> set[tuple[str, str]]:
    catalysts = engine.detect(NewsItem(id="t", title=title, summary=summary))
    return {(c.kind, t) for c in catalysts for t in c.tickers}


POSITIVES = [
    ("Intel shares leap 11% after surprise foundry customer win", "", "price_move", "INTC"),
    ("Oracle slides 7.5% as cloud margins disappoint", "", "price_move", "ORCL"),
    ("Tesla Inc (NASDAQ:TSLA) stock finished about 6% lower on Friday", "", "price_move", "TSLA"),
    ("Walmart touches an all-time high after upbeat holiday update", "", "52_week_high", "WMT"),
    ("Costco shares hit a 52-week high", "", "52_week_high", "COST"),
    ("Netflix climbs to a record close on subscriber gains", "", "52_week_high", "NFLX"),
    ("Jefferies upgrades Starbucks to Buy", "", "analyst_upgrade", "SBUX"),
    ("Adobe upgraded to Outperform at Bernstein", "", "analyst_upgrade", "ADBE"),
    ("Barclays lifts its price target on Salesforce to $400", "", "analyst_upgrade", "CRM"),
    ("UBS starts coverage of Uber with a Buy rating", "", "analyst_upgrade", "UBER"),
    ("Berkshire Hathaway builds a new stake in Domino's", "", "fund_position", "DPZ"),
    ("Ark dumps Tesla shares as the stock runs up", "", "fund_position", "TSLA"),
    ("Microsoft's new Phi-4 model ranks first on a reasoning leaderboard", "", "leaderboard", "MSFT"),
    ("Amazon's Nova model outperforms rivals on several benchmarks", "", "leaderboard", "AMZN"),
    ("Meta unveils Llama 4, its latest open-weight language model", "", "ai_model", "META"),
    ("Micron gets a US export licence to ship memory to a Chinese customer", "", "export_license", "MU"),
    ("Washington adds restrictions: Nvidia must obtain an export licence for H20 sales", "", "export_license", "NVDA"),
]

TRAPS = [
    ("S&P 500 jumps 6% in its best day in years", "", "price_move"),
    ("Alphabet advertising revenue climbs 14%", "", "price_move"),
    ("Nvidia edges up 1.2% in quiet trade", "", "price_move"),
    ("Palantir is up 150% so far this year", "", "price_move"),
    ("Boeing stock sinks to a 52-week low", "", "52_week_high"),
    ("Apple posts record revenue from services", "", "52_week_high"),
    ("Stocks that set new 52-week highs on Tuesday", "", "52_week_high"),
    ("Goldman downgrades Intel to Sell", "", "analyst_upgrade"),
    ("Citi cuts its price target on Nike to $70", "", "analyst_upgrade"),
    ("Evercore keeps Outperform on Amazon but lowers price target", "", "analyst_upgrade"),
    ("Apple ships a software upgrade for older iPhones", "", "analyst_upgrade"),
    ("Will analysts upgrade Microsoft after its earnings?", "", "analyst_upgrade"),
    ("Wedbush initiates Tesla at Neutral", "", "analyst_upgrade"),
    ("Berkshire Hathaway's book value per share climbs", "", "fund_position"),
    ("Ark Innovation ETF gains 12% in a month", "", "fund_position"),
    ("Scheffler tops the leaderboard after a 64 at the Open", "", "leaderboard"),
    ("Microsoft CEO tops ranking of best-paid executives", "", "leaderboard"),
    ("Walmart tops earnings estimates", "", "leaderboard"),
    ("Salesforce CEO says AI will change every job", "", "ai_model"),
    ("Qualcomm signs a patent licensing deal with a phone maker", "", "export_license"),
    ("US chip exports rose 12% last quarter", "", "export_license"),
    ("Apple faces new import tariffs on China-made phones", "", "export_license"),
]


@pytest.mark.parametrize(("title", "summary", "kind", "ticker"), POSITIVES)
def test_positive(engine: RuleEngine, title: str, summary: str, kind: str, ticker: str) -> None:
    assert (kind, ticker) in found(engine, title, summary)


@pytest.mark.parametrize(("title", "summary", "kind"), TRAPS)
def test_trap(engine: RuleEngine, title: str, summary: str, kind: str) -> None:
    assert kind not in {k for k, _ in found(engine, title, summary)}


def test_catalyst_goes_to_the_company_the_sentence_is_about(engine: RuleEngine) -> None:
    pairs = found(
        engine,
        "Chip shares rally",
        "Analysts said the move helps Alibaba. Nvidia will resume H20 sales to China.",
    )
    assert ("export_license", "NVDA") in pairs
    assert ("export_license", "BABA") not in pairs


def test_evidence_and_direction(engine: RuleEngine) -> None:
    item = NewsItem(id="t", title="Meta Platforms shares sink 9% after the outlook disappoints")
    (catalyst,) = [c for c in engine.detect(item) if c.kind == "price_move"]
    assert catalyst.direction == "negative"
    assert catalyst.rule == "price_move.verb_percent"
    assert any("9%" in e for e in catalyst.evidence)


def test_threshold_comes_from_settings() -> None:
    strict = RuleEngine.from_settings(RulesSettings(price_move_threshold=10))
    item = NewsItem(id="t", title="Intel shares jump 8% on foundry hopes")
    assert not strict.detect(item)
