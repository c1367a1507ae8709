"""`catalyst-bot scan`, `explain`, `link` and `backtest`: the rules over files, headlines and labelled items, offline."""

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
from rules.engine_cache import load_engine

ScanInput = tuple[str | None, NewsItem | None, str | None]  # (id, item, error)


def scan(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    engine = load_engine(config.rules, config.resolved_data_dir())
    for path in args.paths:
        write_scan(path, engine, sys.stdout)
    return 0


def backtest(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    engine = load_engine(config.rules, config.resolved_data_dir())
    from rules.backtest import (
        run_backtest,  # each offline command loads only what it uses
    )

    return run_backtest(args.path, engine, sys.stdout, min_precision=args.min_precision, min_recall=args.min_recall)


def explain(args: argparse.Namespace) -> int:
    item = item_from_args(args, "explain")
    config = load_config(args.config)
    engine = load_engine(config.rules, config.resolved_data_dir())
    from rules.explain import explain as explain_item

    return explain_item(item, engine, sys.stdout)


def item_from_args(args: argparse.Namespace, command: str) -> NewsItem:
    """The item given as a headline (with --summary) or as --item-json."""
    if args.item_json is not None:
        try:
            row = json.loads(args.item_json)
        except json.JSONDecodeError as exc:
            raise CatalystBotError(f"--item-json: not JSON: {exc}") from None
        if not isinstance(row, dict):
            raise CatalystBotError("--item-json: expected a JSON object")
        try:
            return NewsItem.from_json_row(row, default_id=command, feed=command)
        except ValueError as exc:
            raise CatalystBotError(f"--item-json: {exc}") from None
    if args.title:
        return NewsItem(id=command, title=args.title, summary=args.summary, feed=command)
    raise CatalystBotError(f"{command} needs a headline or --item-json")


def link(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    engine = load_engine(config.rules, config.resolved_data_dir())
    from rules.explain import explain_links
    from rules.text import clean

    return explain_links(clean(args.text), engine.linker, sys.stdout)


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
    """`path`'s items; `-` reads standard input."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise CatalystBotError(f"{path}: cannot read: {exc.strerror}") from None
    if path.suffix in {".jsonl", ".json", ".ndjson"} or data.lstrip()[:1] == b"{":
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            if line.strip():
                yield _json_line(line, number, path.name)
        return
    from bot.ingest.edgar import (  # feed parsers load only for a feed file
        is_edgar_body,
        parse_edgar,
    )
    from bot.ingest.normalize import parse_feed

    parsed = (parse_edgar if is_edgar_body(data) else parse_feed)(data, feed=path.name)
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
