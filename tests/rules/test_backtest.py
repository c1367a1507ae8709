"""Backtest: scoring of labelled items and the quality bar on the shared dev sets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.errors import CatalystBotError
from rules.backtest import load_rows, run_backtest, score
from rules.engine import RuleEngine
from rules.settings import RulesSettings
from tests.paths import REPO, SHARED
from tests.stderr import said

# Our own-words items in the styles of sources the packs were never tuned on.
PROBE = REPO / "tests" / "rules" / "data" / "probe_styles.jsonl"


@pytest.fixture(scope="module")
def engine() -> RuleEngine:
    return RuleEngine.from_settings(RulesSettings())


def test_scores_hits_misses_and_optional_pairs(engine: RuleEngine, tmp_path: Path) -> None:
    rows = [
        {"id": "1", "title": "Intel jumps 12% on a new chief executive",
         "labels": [{"kind": "price_move", "ticker": "INTC"}]},
        {"id": "2", "title": "Intel cut to Sell at a big bank", "labels": []},
        {"id": "3", "title": "Qualcomm slides 9% on weak guidance", "labels": [],
         "optional": [{"kind": "price_move", "ticker": "QCOM"}]},
        {"id": "4", "title": "Apple wins a design award",
         "labels": [{"kind": "leaderboard", "ticker": "AAPL"}]},
    ]
    report = score(rows, engine)
    assert report.kinds["price_move"].true_positives == 1
    assert report.kinds["price_move"].false_positives == 0
    assert report.kinds["leaderboard"].false_negatives == 1
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    out = io.StringIO()
    assert run_backtest(path, engine, out) == 0
    assert "MISS 4 leaderboard AAPL" in out.getvalue()


def test_a_label_scores_in_any_ticker_spelling(engine: RuleEngine) -> None:
    rows = [{"id": "1", "title": "Berkshire Hathaway Class B shares hit a record high",
             "labels": [{"kind": "52_week_high", "ticker": "BRK.B"}]}]
    report = score(rows, engine)
    assert report.kinds["52_week_high"].true_positives == 1
    assert report.ticker_accuracy == 1.0
    assert report.linking == []


def test_unreadable_file_is_an_error(engine: RuleEngine, tmp_path: Path) -> None:
    with pytest.raises(CatalystBotError, match="missing.jsonl: cannot read"):
        run_backtest(tmp_path / "missing.jsonl", engine, io.StringIO())


def test_a_bad_line_is_named(engine: RuleEngine, tmp_path: Path, capsys) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "1", "title": "Intel jumps 12%", "labels": []}\n\n{"id": 2,\n')
    assert main(["backtest", str(path)]) == 2
    assert said(capsys.readouterr().err)[0].startswith(f"{path}: line 3: not JSON: ")


def test_backtest_fails_below_the_minimum_precision_or_recall(engine: RuleEngine, tmp_path: Path, capsys) -> None:
    rows = [
        {"id": "1", "title": "Intel jumps 12% on a new chief executive", "labels": [{"kind": "price_move", "ticker": "INTC"}]},
        {"id": "2", "title": "Apple wins a design award", "labels": [{"kind": "leaderboard", "ticker": "AAPL"}]},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    assert main(["backtest", str(path), "--min-precision", "0.9"]) == 0
    capsys.readouterr()
    assert main(["backtest", str(path), "--min-precision", "0.9", "--min-recall", "0.5"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "below the minimum: leaderboard: recall 0.000 < 0.500"


KINDS = {"price_move", "analyst_upgrade", "fund_position", "export_license", "ai_model", "leaderboard", "52_week_high"}


def assert_meets_the_bar(report) -> None:
    """P >= 0.95 and R >= 0.90 for every kind with 10 labelled pairs or more, ticker accuracy
    >= 0.97, false alarms on unlabelled items <= 1 %."""
    for kind, counts in report.kinds.items():
        if counts.labelled >= 10:
            assert counts.precision >= 0.95, kind
            assert counts.recall >= 0.90, kind
    assert report.ticker_accuracy >= 0.97
    assert report.unlabelled_alarms <= 0.01 * report.unlabelled


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not present")
@pytest.mark.parametrize("name", ["dev_real.jsonl", "dev_real2.jsonl", "dev_curated.jsonl"])
def test_dev_sets_meet_the_bar(engine: RuleEngine, name: str) -> None:
    assert_meets_the_bar(score(load_rows(SHARED / "eval" / name), engine))


def test_the_own_words_probe_set_meets_the_bar_for_every_kind(engine: RuleEngine) -> None:
    report = score(load_rows(PROBE), engine)
    assert {kind for kind, counts in report.kinds.items() if counts.labelled >= 10} == KINDS
    assert_meets_the_bar(report)
