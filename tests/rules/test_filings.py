"""The filings pack: catalysts from filing forms, 8-K items and Form 4 trades; the labelled filing set."""

from __future__ import annotations

import json
from pathlib import Path

from bot.models import Filing, FilingParty, InsiderTrade, NewsItem
from rules.backtest import score
from rules.engine import RuleEngine
from rules.packs import load_rules
from rules.settings import RulesSettings
from rules.universe import ciks_of, parse_sec
from tests.paths import REPO

LABELLED = REPO / "tests" / "rules" / "data" / "filings_labelled.jsonl"
ACME = FilingParty(name="Acme Robotics Inc", cik="0000111111")
FUND = FilingParty(name="Harbor Lane Capital LP", cik="0000901234")
CIKS = {"0000111111": "ACMR", "0000901234": "HLCP"}


def engine(**settings) -> RuleEngine:
    built = RuleEngine.from_settings(RulesSettings(**settings))
    built.ciks = CIKS
    return built


def detect(filing: Filing, **settings) -> list[tuple[str, tuple[str, ...], str | None, tuple[str, ...]]]:
    item = NewsItem(id=filing.accession, title="ignored headline", filing=filing)
    return [(c.kind, c.tickers, c.direction, c.evidence) for c in engine(**settings).detect(item)]


def test_the_labelled_filing_set_scores_perfectly():
    rows = [json.loads(line) for line in LABELLED.read_text().splitlines()]
    report = score(rows, engine())
    assert report.mistakes == []
    assert {kind: (s.true_positives, s.labelled) for kind, s in report.kinds.items()} == {
        "fund_position": (3, 3), "insider_trade": (2, 2), "offering": (8, 8), "sec_8k": (2, 2),
    }


def test_passive_13g_names_the_filer_and_its_ticker_from_the_cik():
    assert detect(Filing(form="SC 13G", accession="a-1", filer=FUND, subject=ACME)) == [
        ("fund_position", ("ACMR",), "positive", ("Form SC 13G", "passive", "filed by Harbor Lane Capital LP (HLCP)")),
    ]


def test_8k_item_with_a_kind_goes_there_and_the_other_items_to_sec_8k():
    filing = Filing(
        form="8-K",
        accession="a-2",
        filer=ACME,
        subject=ACME,
        items=(("3.02", "Unregistered Sales of Equity Securities"), ("8.01", "Other Events"), ("9.01", "Exhibits")),
    )
    assert detect(filing) == [
        ("offering", ("ACMR",), "negative", ("Form 8-K", "Item 3.02 Unregistered Sales of Equity Securities")),
        ("sec_8k", ("ACMR",), None, ("Form 8-K", "Item 8.01 Other Events")),
    ]


def test_insider_sale_above_the_threshold_is_negative_and_summed_over_rows():
    trades = (InsiderTrade(code="S", shares=30000, price=20.0), InsiderTrade(code="S", shares=30000, price=20.0))
    filing = Filing(form="4", accession="a-3", filer=FUND, subject=ACME, trades=trades, owner_role="10% owner")
    assert detect(filing) == [
        ("insider_trade", ("ACMR",), "negative", (
            "Form 4", "filed by Harbor Lane Capital LP (HLCP, 10% owner)", "open-market sale of 60,000 shares worth $1,200,000",
        )),
    ]


def test_filing_rules_can_be_disabled_and_overridden(tmp_path: Path):
    filing = Filing(form="8-K", accession="a-4", filer=ACME, subject=ACME, items=(("1.01", "Agreement"),))
    assert detect(filing, disable=["filings.8k_*"]) == []
    pack = tmp_path / "mine.toml"
    pack.write_text('[[filing]]\nid = "filings.8k_items"\nkind = "sec_8k"\nforms = ["8-K"]\nitems = ["5.02"]\n')
    assert detect(filing, packs=[pack]) == []


def test_an_invalid_filing_table_is_reported_with_its_file_and_id(tmp_path: Path):
    pack = tmp_path / "bad.toml"
    pack.write_text('[[filing]]\nid = "mine.no_forms"\nkind = "sec_8k"\nforms = []\n')
    (error,) = load_rules(RulesSettings(packs=[pack])).errors
    assert error.startswith(f"{pack}: filing mine.no_forms: forms:")


def test_cik_map_keeps_each_companys_first_ticker():
    raw = json.dumps({"0": {"cik_str": 111111, "ticker": "acmr", "title": "Acme"}, "1": {"cik_str": 111111, "ticker": "ACMR-PA", "title": "Acme"}})
    assert ciks_of(parse_sec(raw)) == {"0000111111": "ACMR"}
