"""`catalyst-bot scan`, `explain` and `backtest`: the rules over files, headlines and labelled items, offline."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.config import load_config
from bot.errors import CatalystBotError
from bot.models import NewsItem
from rules.engine import RuleEngine

ScanInput = tuple[str | None, NewsItem | None, str | None]  # (id, item, error)


def scan(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    write_scan(args.path, engine, sys.stdout)
    return 0


def backtest(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    from rules.backtest import run_backtest

    return run_backtest(args.path, engine, sys.stdout)


def explain(args: argparse.Namespace) -> int:
    if args.item_json is not None:
        try:
            row = json.loads(args.item_json)
        except json.JSONDecodeError as exc:
            raise CatalystBotError(f"--item-json: not JSON: {exc}") from None
        if not isinstance(row, dict):
            raise CatalystBotError("--item-json: expected a JSON object")
        item = NewsItem.from_json_row(row, default_id="explain")
    elif args.title:
        item = NewsItem(id="explain", title=args.title, summary=args.summary)
    else:
        raise CatalystBotError("explain needs a headline or --item-json")
    config = load_config(args.config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    from rules.explain import explain as explain_item

    return explain_item(item, engine, sys.stdout)


def write_scan(path: Path, engine: RuleEngine, out: TextIO) -> None:
    """Print one JSON object per input item, in input order (a contract other tools rely on).

    No dedup, no baseline, nothing stored. An unreadable JSON line still yields its object,
    with an `error` and no catalysts.
    """
    for item_id, item, error in read_scan_input(path):
        record: dict[str, object] = {"id": item_id, "catalysts": []}
        if item is None:
            record["error"] = error
        else:
            record["catalysts"] = [catalyst.to_scan_json() for catalyst in engine.detect(item)]
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_scan_input(path: Path) -> Iterator[ScanInput]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalystBotError(f"{path}: cannot read: {exc.strerror}") from None
    if path.suffix in {".jsonl", ".json", ".ndjson"} or data.lstrip()[:1] == b"{":
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            if line.strip():
                yield _json_line(line, number, path.name)
        return
    from bot.ingest.normalize import parse_feed  # feed parsers load only for a feed file

    parsed = parse_feed(data, feed=path.name)
    if parsed.problem and not parsed.items:
        raise CatalystBotError(f"{path}: {parsed.problem}")
    for item in parsed.items:
        yield item.id, item, None


def _json_line(line: str, number: int, source: str) -> ScanInput:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"line {number}: not JSON: {exc}"
    if not isinstance(row, dict):
        return None, None, f"line {number}: expected a JSON object"
    item_id = str(row.get("id") or f"line-{number}")
    try:
        return item_id, NewsItem.from_json_row(row, default_id=item_id, feed=source), None
    except ValueError as exc:
        return item_id, None, f"line {number}: {exc}"
