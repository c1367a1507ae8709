"""`catalyst-bot catalysts ...`: the `/catalysts` chat command, answered in the terminal."""

from __future__ import annotations

import argparse
import getpass

from bot.clock import system_clock
from bot.commands import CatalystCommands
from bot.config import load_config
from bot.ops.logs import tell
from bot.store.database import Store
from rules.engine_cache import load_engine


def catalysts(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    store = Store.from_config(config)
    try:
        engine = load_engine(config.rules, config.resolved_data_dir())
        commands = CatalystCommands.for_bot(config, store, engine, system_clock)
        words = list(args.args) + ([f"{args.days}d"] if args.days is not None else [])
        reply = commands.dispatch(words, user=getpass.getuser())
    finally:
        store.close()
    if reply.error:
        tell(reply.as_text())
        return 2
    print(reply.as_text())
    return 0
