"""`catalyst-bot feeds list|enable`: feed state, and re-enabling a feed disabled after failures."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from bot.app import CatalystBot
from bot.clock import system_clock
from bot.config import load_config
from bot.errors import CatalystBotError
from bot.store.database import Store
from bot.store.records import FeedState
from rules.universe import read_ciks

COLUMNS = ("NAME", "STATUS", "LAST POLL", "NEXT POLL", "ITEMS", "LAST ERROR")


def feeds(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    store = Store.from_config(config)
    try:
        feeds = CatalystBot.all_feeds(config, store, read_ciks(config.resolved_data_dir()))
        CatalystBot.sync_feeds(config, store, feeds, system_clock())
        if args.action == "enable":
            if not args.name:
                raise CatalystBotError("feeds enable needs a feed name")
            if not store.enable_feed(args.name, system_clock()):
                raise CatalystBotError(f"no feed named {args.name!r} in the config")
            print(f"feed {args.name} enabled; it is polled on the next tick")
            return 0
        seen = store.items_seen_by_feed()
        rows = [_row(state, seen.get(state.name, 0)) for state in store.feeds()]
        if args.json:
            for row in rows:
                print(json.dumps(row, ensure_ascii=False))
        else:
            _print_table([_cells(row) for row in rows])
        return 0
    finally:
        store.close()


def _row(state: FeedState, items_seen: int) -> dict[str, object]:
    return {
        "name": state.name,
        "url": state.url,
        "status": _status(state),
        "failures": state.failures,
        "last_poll": _iso(state.last_polled_at),
        "next_poll": None if state.disabled_reason else _iso(state.next_poll_at),
        "items_seen": items_seen,
        "last_error": state.disabled_reason or state.last_error,
    }


def _status(state: FeedState) -> str:
    if state.disabled_reason:
        return "disabled"
    if state.failures:
        return "failing"
    return "new" if state.last_polled_at is None else "ok"


def _iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _when(value: object, missing: str) -> str:
    return str(value).replace("T", " ").replace("+00:00", " UTC") if value else missing


def _cells(row: dict[str, object]) -> list[str]:
    failing = f" ({row['failures']} in a row)" if row["failures"] else ""
    return [
        str(row["name"]),
        f"{row['status']}{failing}",
        _when(row["last_poll"], "never"),
        _when(row["next_poll"], "-"),
        str(row["items_seen"]),
        str(row["last_error"] or "-"),
    ]


def _print_table(cells: list[list[str]]) -> None:
    table = [list(COLUMNS), *cells]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS) - 1)]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)) + "  " + line[-1])
