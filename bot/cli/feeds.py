"""`catalyst-bot feeds list|enable`: feed state, and re-enabling a feed disabled after failures."""

from __future__ import annotations

import argparse

from bot.app import CatalystBot
from bot.clock import system_clock
from bot.config import load_config
from bot.errors import CatalystBotError
from bot.store.sqlite import Store


def feeds(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    store = Store.from_config(config)
    try:
        CatalystBot.sync_feeds(config, store, system_clock())
        if args.action == "enable":
            if not args.name:
                raise CatalystBotError("feeds enable needs a feed name")
            if not store.enable_feed(args.name, system_clock()):
                raise CatalystBotError(f"no feed named {args.name!r} in the config")
            print(f"feed {args.name} enabled; it is polled on the next tick")
            return 0
        for state in store.feeds():
            status = f"DISABLED: {state.disabled_reason}" if state.disabled_reason else (
                f"failing ({state.failures}): {state.last_error}" if state.failures else "ok"
            )
            print(f"{state.name}\t{state.url}\t{status}")
        return 0
    finally:
        store.close()
