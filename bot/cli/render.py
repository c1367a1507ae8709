"""`catalyst-bot render`: what an item's alerts would look like on the console, in Slack and in Discord."""

from __future__ import annotations

import argparse

from adapters.preview import SURFACES, payload
from bot.cli.rules import item_from_args
from bot.config import load_config
from bot.models import Alert
from bot.ops.logs import tell
from rules.engine_cache import load_engine


def render(args: argparse.Namespace) -> int:
    """Print each alert the rules make of the item, as each chosen surface gets it; 1 if there is none."""
    item = item_from_args(args, "render")
    config = load_config(args.config)
    engine = load_engine(config.rules, config.resolved_data_dir())
    alerts = [Alert.from_catalyst(item, c, ticker) for c in engine.detect(item) for ticker in c.tickers]
    if not alerts:
        tell("render: the rules find no catalyst in this item, so nothing would be posted")
        return 1
    surfaces = SURFACES if args.surface == "all" else (args.surface,)
    for alert in alerts:
        for surface in surfaces:
            if len(surfaces) > 1:
                print(f"--- {surface}: {alert.ticker} {alert.kind}")
            print(payload(alert, surface))
    return 0
