"""`catalyst-bot universe import|update`: load the SEC company list from a file or from the SEC."""

from __future__ import annotations

import argparse
import sys

from bot.cli.main import SEC_USER_AGENT_ENV
from bot.config import load_config
from bot.errors import CatalystBotError
from rules import universe as rules_universe


def universe(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if args.action == "import":
        if args.file is None:
            raise CatalystBotError("universe import needs a company_tickers.json file")
        return rules_universe.import_sec(args.file, config.resolved_data_dir(), sys.stdout)
    if not args.user_agent.strip():
        raise CatalystBotError(
            'universe update: the SEC asks every client to name itself: give --user-agent "Name email@example.com" '
            f"or set ${SEC_USER_AGENT_ENV}"
        )
    return rules_universe.update(args.url or rules_universe.SEC_URL, args.user_agent, config.resolved_data_dir(), sys.stdout)
