"""`catalyst-bot check`: find every problem `run` would refuse to start with, without running."""

from __future__ import annotations

import argparse
import logging

from bot.config import load_config
from bot.ops.logs import tell
from bot.validation import store_errors, validate_config


def check(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    name = args.config or "built-in sample setup"
    findings = validate_config(config)
    findings.errors += store_errors(config)
    warnings = findings.missing_secrets + findings.warnings
    errors, warnings = (findings.errors + warnings, []) if args.strict else (findings.errors, warnings)
    for warning in warnings:
        tell(f"{name}: warning: {warning}", logging.WARNING)
    for error in errors:
        tell(f"{name}: {error}")
    if errors:
        return 2
    print(f"{name}: OK ({len(config.feeds)} feed(s), {len(config.route_table())} route(s))")
    return 0
