"""`catalyst-bot routes test`: which receivers an alert would reach, and why."""

from __future__ import annotations

import argparse

from bot.alerts.route_report import route_report
from bot.clock import system_clock
from bot.config import load_config
from bot.errors import CatalystBotError
from bot.models import Alert
from bot.store.database import Store
from bot.suggest import did_you_mean
from rules.packs import load_rules


def routes(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    kinds = set(load_rules(config.rules).kinds_by_id.values())
    if args.kind not in kinds:
        raise CatalystBotError(f"--kind: unknown kind {args.kind!r}{did_you_mean(args.kind, kinds)}; the kinds: {', '.join(sorted(kinds))}")
    alert = Alert(
        ticker=args.ticker.strip().upper(),
        kind=args.kind,
        rule="routes-test",
        severity=args.severity,
        direction=args.direction,
        evidence=(),
        title="(routes test)",
        link=None,
        source=args.source,
        published=None,
        item_id="routes-test",
        tags=tuple(tag.strip() for tag in args.tags.split(",") if tag.strip()),
    )
    store = Store.from_config(config)
    try:
        now = system_clock()
        watchlist = [*config.watchlist, *store.watched_tickers()]
        print("\n".join(route_report(alert, config, watchlist, store.active_mutes(now), now, store.story_messages)))
    finally:
        store.close()
    return 0
