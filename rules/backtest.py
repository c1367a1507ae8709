"""Replay labelled items through the engine: precision/recall per kind, ticker accuracy, misses."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.errors import CatalystBotError
from bot.models import NewsItem
from rules.engine import RuleEngine
from rules.text import clean
from rules.tickers import normalise_ticker

_LOGGER = logging.getLogger(__name__)

Pair = tuple[str, str]


@dataclass
class KindScore:
    """Counts of (kind, ticker) pairs for one kind."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    labelled: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.labelled if self.labelled else 1.0


@dataclass
class Report:
    """The outcome of a backtest run."""

    kinds: dict[str, KindScore] = field(default_factory=lambda: defaultdict(KindScore))
    ticker_checks: int = 0
    ticker_correct: int = 0
    mistakes: list[str] = field(default_factory=list)
    items: int = 0
    unlabelled: int = 0
    unlabelled_alarms: int = 0
    labelled_tickers: int = 0
    linked_tickers: int = 0
    linking: list[str] = field(default_factory=list)

    @property
    def ticker_accuracy(self) -> float:
        return self.ticker_correct / self.ticker_checks if self.ticker_checks else 1.0


def score(rows: list[dict], engine: RuleEngine) -> Report:
    """Compare the engine's (kind, ticker) pairs with each row's labels."""
    report = Report()
    for row in rows:
        report.items += 1
        item = NewsItem.from_json_row(row)
        catalysts = engine.detect(item)
        found = {(c.kind, t) for c in catalysts for t in c.tickers}
        evidence = {(c.kind, t): f"{c.rule}: {' | '.join(c.evidence)}" for c in catalysts for t in c.tickers}
        labels = _pairs(row.get("labels"))
        optional = _pairs(row.get("optional"))
        _count(report, row, found, labels, optional, evidence)
        _count_linking(report, row, item, engine, found, labels, optional)
    return report


def _pairs(labels: list[dict] | None) -> set[Pair]:
    """Labelled (kind, ticker) pairs, tickers in the engine's form ("BRK.B" is "BRK-B")."""
    return {(x["kind"], normalise_ticker(x["ticker"])) for x in labels or []}


def _count_linking(
    report: Report,
    row: dict,
    item: NewsItem,
    engine: RuleEngine,
    found: set[Pair],
    labels: set[Pair],
    optional: set[Pair],
) -> None:
    """Linking on its own: labelled companies the linker never found, and kinds found with
    another company than the labelled one; unlabelled items that raised any catalyst."""
    if not labels:
        report.unlabelled += 1
        report.unlabelled_alarms += bool(found - optional)
        return
    text = clean(item.title) + "\n" + clean(item.summary)
    linked = {m.ticker for m in engine.linker.link(text)}
    wanted = {t for _, t in labels}
    report.labelled_tickers += len(wanted)
    report.linked_tickers += len(wanted & linked)
    for ticker in sorted(wanted - linked):
        shown = ", ".join(sorted(linked)) or "nothing"
        report.linking.append(f"NOT LINKED {row.get('id')} {ticker} (linked: {shown}): {row.get('title')}")
    for kind in sorted({k for k, _ in labels}):
        want = {t for k, t in labels if k == kind}
        got = {t for k, t in found if k == kind} - {t for k, t in optional if k == kind}
        if got and got != want:
            report.linking.append(
                f"WRONG TICKER {row.get('id')} {kind}: {','.join(sorted(got))} for "
                f"{','.join(sorted(want))}: {row.get('title')}"
            )


def _count(
    report: Report,
    row: dict,
    found: set[Pair],
    labels: set[Pair],
    optional: set[Pair],
    evidence: dict[Pair, str],
) -> None:
    for kind, ticker in labels:
        report.kinds[kind].labelled += 1
        if (kind, ticker) in found:
            report.kinds[kind].true_positives += 1
        else:
            report.kinds[kind].false_negatives += 1
            report.mistakes.append(f"MISS {row.get('id')} {kind} {ticker}: {row.get('title')}")
    for pair in sorted(found - labels - optional):
        report.kinds[pair[0]].false_positives += 1
        report.mistakes.append(
            f"FALSE {row.get('id')} {pair[0]} {pair[1]}: {row.get('title')}\n    {evidence[pair]}"
        )
    labelled_kinds = {k for k, _ in labels}
    for kind in labelled_kinds & {k for k, _ in found}:
        report.ticker_checks += 1
        want = {t for k, t in labels if k == kind}
        got = {t for k, t in found if k == kind} - {t for k, t in optional if k == kind}
        report.ticker_correct += want == got


def render(report: Report, out: TextIO) -> None:
    """Print the per-kind table, ticker accuracy and every mistake."""
    out.write(f"{'kind':<16} {'labelled':>8} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}\n")
    for kind in sorted(report.kinds):
        s = report.kinds[kind]
        out.write(
            f"{kind:<16} {s.labelled:>8} {s.true_positives:>4} {s.false_positives:>4} "
            f"{s.false_negatives:>4} {s.precision:>9.3f} {s.recall:>7.3f}\n"
        )
    out.write(
        f"ticker accuracy: {report.ticker_accuracy:.3f} "
        f"({report.ticker_correct}/{report.ticker_checks} item-kinds) over {report.items} items\n"
    )
    alarm_rate = report.unlabelled_alarms / report.unlabelled if report.unlabelled else 0.0
    out.write(
        f"false alarms on unlabelled items: {alarm_rate:.1%} "
        f"({report.unlabelled_alarms}/{report.unlabelled})\n"
    )
    link_rate = report.linked_tickers / report.labelled_tickers if report.labelled_tickers else 1.0
    out.write(
        f"linking: {report.linked_tickers}/{report.labelled_tickers} labelled companies linked "
        f"({link_rate:.3f}); {len(report.linking)} linking mistakes\n"
    )
    for line in report.linking + report.mistakes:
        out.write(line + "\n")


def load_rows(path: Path) -> list[dict]:
    """Rows of a JSON-lines file, skipping blank lines; a bad line is an error naming it."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalystBotError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CatalystBotError(f"{path}: line {number}: not JSON: {exc}") from None
        if not isinstance(row, dict):
            raise CatalystBotError(f"{path}: line {number}: expected a JSON object")
        rows.append(row)
    return rows


def below_minimum(report: Report, min_precision: float, min_recall: float) -> list[str]:
    """Each kind whose precision or recall is under the minimum, as `kind: precision 0.800 < 0.900`."""
    failures = []
    for kind in sorted(report.kinds):
        scores = report.kinds[kind]
        for name, value, minimum in (("precision", scores.precision, min_precision), ("recall", scores.recall, min_recall)):
            if value < minimum:
                failures.append(f"{kind}: {name} {value:.3f} < {minimum:.3f}")
    return failures


def run_backtest(
    path: Path, engine: RuleEngine, out: TextIO, *, min_precision: float = 0.0, min_recall: float = 0.0
) -> int:
    """``catalyst-bot backtest FILE.jsonl``: print the report; 1 when a kind is below a minimum."""
    report = score(load_rows(Path(path)), engine)
    render(report, out)
    failures = below_minimum(report, min_precision, min_recall)
    for failure in failures:
        out.write(f"below the minimum: {failure}\n")
    return 1 if failures else 0
