"""`catalyst-bot check`: validate a config file and its rules without running."""

from __future__ import annotations

import argparse
import sys

from bot.config import load_config
from bot.ingest.edgar_access import edgar_problems
from rules.engine import validate


def check(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    problems = validate(config.rules)
    if problems:
        print(f"{args.config}: rule errors", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    refusals = edgar_problems(config)
    if refusals:
        print(f"{args.config}: edgar", file=sys.stderr)
        for problem in refusals:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(f"{args.config}: OK ({len(config.feeds)} feed(s), {len(config.routes)} route(s))")
    return 0
