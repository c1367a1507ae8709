"""Rule-engine throughput on one core: built-in packs, then 10x the rules, full default universe
(with the packaged SEC list); in the same run, as peers, the index-only universe, feedparser
parsing the same items from one RSS document and, with --compare, another checkout's own bench
run in turns with this engine."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `rules` package: put the repository root before it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.models import NewsItem  # noqa: E402
from rules.compiled import describe  # noqa: E402
from rules.engine import RuleEngine  # noqa: E402
from rules.packs import load_rules  # noqa: E402
from rules.schema import Rule  # noqa: E402
from rules.settings import RulesSettings  # noqa: E402
from rules.tickers import builtin_universe  # noqa: E402
from rules.universe import load_sec  # noqa: E402

_LOGGER = logging.getLogger(__name__)

SHARED = Path(__file__).resolve().parents[2] / "shared"
OWN_ITEMS = [
    ("Intel shares leap 11% after a surprise foundry customer win", ""),
    ("Jefferies upgrades Starbucks to Buy on China recovery", ""),
    ("Walmart touches an all-time high after upbeat holiday update", ""),
    ("Berkshire Hathaway builds a new stake in Domino's", ""),
    ("Micron gets a US export licence to ship memory to a Chinese customer", ""),
    ("Meta unveils Llama 4, its latest open-weight language model", ""),
    ("Oracle to hold an analyst meeting next month", "The company will discuss its plans."),
    ("Fed officials see little reason to rush rate cuts", "Treasury yields were steady."),
]


def load_items(path: Path | None) -> list[NewsItem]:
    """Items from a JSON-lines file (title/summary), or a few of our own."""
    if path is not None and path.exists():
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        pairs = [(r["title"], r.get("summary") or "") for r in rows]
    else:
        pairs = OWN_ITEMS
    return [NewsItem(id=str(i), title=t, summary=s) for i, (t, s) in enumerate(pairs)]


def multiply(rules: list[Rule], factor: int) -> list[Rule]:
    """``factor`` times the rules: copies with their own ids and their own trigger phrases."""
    out = list(rules)
    for copy in range(1, factor):
        for rule in rules:
            update = {
                "id": f"{rule.id}.copy{copy}",
                "any": [f"{p.rstrip('*')} variant{copy}" for p in rule.any],
                "triggers": [f"{p.rstrip('*')} variant{copy}" for p in rule.triggers],
            }
            out.append(rule.model_copy(update=update))
    return out


def per_second(work, count: int, seconds: float) -> tuple[float, float]:
    """Call ``work`` (which handles ``count`` items) in rounds of 0.2 s for about ``seconds`` of
    this process's CPU time; the best round's and the mean items per CPU second. CPU time leaves
    out other work on a shared machine; the best round also leaves out rounds a virtual CPU was
    slowed by its host."""
    done, rates, start = 0, [], time.process_time()
    while time.process_time() - start < seconds:
        handled, begun = 0, time.process_time()
        while time.process_time() - begun < 0.2:
            work()
            handled += count
        rates.append(handled / (time.process_time() - begun))
        done += handled
    return max(rates), done / (time.process_time() - start)


def items_per_second(
    engine: RuleEngine, items: list[NewsItem], seconds: float
) -> tuple[float, float]:
    """``detect`` over ``items``, as ``per_second`` measures it."""
    return per_second(lambda: [engine.detect(item) for item in items], len(items), seconds)


def rss(items: list[NewsItem]) -> bytes:
    """The items as one RSS 2.0 document, title and description each."""
    entries = "".join(
        f"<item><guid>{i.id}</guid><title>{escape(i.title)}</title>"
        f"<description>{escape(i.summary)}</description></item>"
        for i in items
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>bench</title>{entries}</channel></rss>".encode()


def other_checkout(directory: Path, items: Path, seconds: float) -> float:
    """Items/s of the built-in packs as ``directory``'s own bench/rules.py measures them."""
    run = subprocess.run(
        [sys.executable, "bench/rules.py", "--items", str(items.resolve()), "--seconds", str(seconds)],
        cwd=directory, env={**os.environ, "PYTHONPATH": str(directory.resolve())},
        check=True, capture_output=True, text=True,
    )
    found = re.search(r"built-in packs \(\d+ rules\): ([\d,]+) items/s", run.stdout)
    if found is None:
        sys.exit(f"{directory}/bench/rules.py printed no 'built-in packs' line:\n{run.stdout}")
    return float(found[1].replace(",", ""))


def compare(engine: RuleEngine, items: list[NewsItem], args: argparse.Namespace) -> None:
    """This engine and ``args.compare``'s in turns, three rounds each: the medians and their ratio."""
    ours, theirs = [], []
    for _ in range(3):
        ours.append(items_per_second(engine, items, args.seconds)[0])
        theirs.append(other_checkout(args.compare, args.items, args.seconds))
    mine, other = statistics.median(ours), statistics.median(theirs)
    print(
        f"in turns with {args.compare}: {mine:,.0f} items/s here, {other:,.0f} there (medians of 3);"
        f" {mine / other:.2f}x its rate"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=Path, default=SHARED / "eval" / "dev_curated.jsonl")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--compare", type=Path, help="another checkout of the bot (an older commit, say)")
    args = parser.parse_args()
    items = load_items(args.items)
    settings = RulesSettings()
    rules = load_rules(settings).rules
    index_only = builtin_universe().linker()
    universe = builtin_universe()
    load_sec(universe, None)
    linker = universe.linker()
    chars = sum(len(i.title) + len(i.summary) for i in items) / len(items)
    print(f"{len(items)} items, {chars:.0f} characters on average, {len(linker.universe.names)} names; {describe()}")
    document = rss(items)
    parsed, _ = per_second(lambda: feedparser.parse(document), len(items), args.seconds)
    print(f"feedparser parsing the same items: {parsed:,.0f} items/s")
    peer, _ = items_per_second(RuleEngine(rules, index_only, 5.0), items, args.seconds)
    print(f"index-only universe ({len(index_only.universe.names)} names): {peer:,.0f} items/s")
    base, base_mean = items_per_second(RuleEngine(rules, linker, 5.0), items, args.seconds)
    print(
        f"built-in packs ({len(rules)} rules): {base:,.0f} items/s (mean {base_mean:,.0f});"
        f" {base / parsed:.1f}x feedparser's rate; {peer / base:.2f}x the index-only time"
    )
    if args.compare:
        compare(RuleEngine(rules, linker, 5.0), items, args)
    many = multiply(rules, 10)
    scaled, scaled_mean = items_per_second(RuleEngine(many, linker, 5.0), items, args.seconds)
    print(
        f"10x rules ({len(many)} rules): {scaled:,.0f} items/s (mean {scaled_mean:,.0f});"
        f" slowdown {base / scaled:.2f}x"
    )


if __name__ == "__main__":
    main()
