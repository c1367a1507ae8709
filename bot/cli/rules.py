"""`catalyst-bot scan`: the rules over an RSS/Atom or JSON-lines file, one JSON object per input item."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.errors import CatalystBotError
from bot.models import NewsItem
from bot.ingest.normalize import parse_feed
from rules.engine import RuleEngine

ScanInput = tuple[str | None, NewsItem | None, str | None]  # (id, item, error)


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
