"""`catalyst-bot catalysts ...`: the `/catalysts` chat command, answered in the terminal."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.clock import system_clock
from bot.commands import CatalystCommands
from bot.config import load_config
from bot.store.database import Store
from rules.engine import RuleEngine


def catalysts(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    store = Store.from_config(config)
    try:
        engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
        commands = CatalystCommands.for_bot(config, store, engine, system_clock)
        words = list(args.args) + ([f"{args.days}d"] if args.days is not None else [])
        reply = commands.dispatch(words, user=getpass.getuser())
    finally:
        store.close()
    print(reply.as_text(), file=sys.stderr if reply.error else sys.stdout)
    return 2 if reply.error else 0
