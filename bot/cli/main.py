"""The `catalyst-bot` command line: parse the arguments, then import and call only the chosen command's module."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
from pathlib import Path

from bot.durations import parse_duration
from bot.errors import CatalystBotError
from bot.ops.logs import configure_logging, tell

CONFIG_ENV = "CATALYST_BOT_CONFIG"
EXIT_CODES = """exit codes:
  0  done: every feed polled, every alert delivered (check: the config is valid)
  1  the command ran but could not do all of its job: a feed failed or an alert is undelivered
     (run --once), precision or recall below the minimum (backtest), the daemon unhealthy (health)
  2  invalid config, rules or arguments, or a secret's environment variable not set: nothing was done
"""
SEC_USER_AGENT_ENV = "CATALYST_BOT_SEC_USER_AGENT"



class _Version(argparse.Action):
    """``--version``, reading the installed version only when asked (importlib.metadata is slow to import)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from importlib.metadata import version

        from rules.compiled import describe

        print(f"{parser.prog} {version('catalyst-bot')} ({describe()})")
        parser.exit()

def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose, quiet=args.handler != "run:run")
    module_name, function_name = args.handler.split(":")
    try:
        handler = getattr(importlib.import_module(f"bot.cli.{module_name}"), function_name)
        return handler(args)
    except CatalystBotError as exc:
        # One form for every error: `catalyst-bot: FILE: rule ID: reason`, one line each when there are several.
        for line in getattr(exc, "errors", None) or [str(exc)]:
            tell(line)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`scan ... | head`): stop quietly, as tools killed by SIGPIPE do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except Exception:
        if sys.stderr.isatty():
            raise
        # Off a terminal the traceback, too, is one JSON line (in "exc"), not dozens of plain ones.
        logging.getLogger("catalyst-bot").critical("crashed: an unexpected error (a bug; please report it)", exc_info=True)
        return 1


class _Parser(argparse.ArgumentParser):
    """argparse, whose usage errors are one JSON line like every other stderr line when not on a terminal."""

    def error(self, message: str):  # noqa: ANN201 - argparse's signature: never returns
        if sys.stderr.isatty():
            super().error(message)
        tell(f"{self.prog}: {message} (see {self.prog} --help)")
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="catalyst-bot", description="Watch news feeds for stock catalysts.", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    # The global flags are accepted after the command too (`run --once -v`); SUPPRESS keeps the earlier value.
    global_flags = _Parser(add_help=False)
    global_flags.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, handler: str, help_text: str, *, config: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, help=help_text, description=help_text, parents=[global_flags], epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=handler)
        if config:
            sub.add_argument(
                "-c",
                "--config",
                type=Path,
                default=os.environ.get(CONFIG_ENV),
                help=f"TOML config file (default: ${CONFIG_ENV}, else the built-in sample setup)",
            )
        return sub

    run = command("run", "run:run", "poll feeds and post alerts until stopped")
    run.add_argument("--once", action="store_true", help="poll every feed once, deliver, then exit")
    run.add_argument(
        "--max-wait", type=parse_duration, default=120.0, metavar="DURATION",
        help="with --once: how long to wait out rate limits and retries before giving up (default 2m)",
    )

    check = command("check", "check:check", "find every problem `run` would refuse to start with", config=False)
    check.add_argument(
        "config", type=Path, nargs="?", default=os.environ.get(CONFIG_ENV),
        help=f"TOML config file (default: ${CONFIG_ENV}, else the built-in sample setup)",
    )
    check.add_argument("--strict", action="store_true", help="missing secrets and warnings are errors too (for CI)")

    history = command(
        "catalysts", "catalysts:catalysts", "a ticker's recent catalysts, or any /catalysts command (mute, mutes, watch, ...)"
    )
    history.add_argument("args", nargs="*", metavar="ARG", help="e.g. BABA, or: mute BABA 4h reason")
    history.add_argument("--days", type=int, help="how far back for a ticker (default 7)")

    scan = command("scan", "rules:scan", "apply the rules to an RSS/Atom or JSON-lines file; print JSON lines")
    scan.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="files to scan in turn; - for standard input")

    command("health", "health:health", "exit 0 if the running daemon ticked recently (for container health checks)")

    feeds = command("feeds", "feeds:feeds", "list feeds and their state, or re-enable a disabled feed")
    feeds.add_argument("action", choices=["list", "enable"])
    feeds.add_argument("name", nargs="?")
    feeds.add_argument("--json", action="store_true", help="list: one JSON object per feed")

    routes = command("routes", "routes:routes", "show which receivers an alert would reach, and why")
    routes.add_argument("action", choices=["test"])
    routes.add_argument("--ticker", required=True)
    routes.add_argument("--kind", required=True)
    routes.add_argument("--severity", choices=["low", "medium", "high"], default="medium")
    routes.add_argument("--direction", choices=["positive", "negative", "neutral"])
    routes.add_argument("--tags", default="", help="comma-separated feed tags, e.g. press-release,sample")
    routes.add_argument("--source", default="routes-test", help="the reporting outlet: a follow-up of a story, or a repeat?")

    backtest = command("backtest", "rules:backtest", "run the rules over labelled JSON lines; print precision and recall")
    backtest.add_argument("path", type=Path)
    backtest.add_argument("--min-precision", type=float, default=0.0, metavar="P", help="exit 1 if a kind's precision is below P")
    backtest.add_argument("--min-recall", type=float, default=0.0, metavar="R", help="exit 1 if a kind's recall is below R")

    why = command("explain", "rules:explain", "show, rule by rule, what matched a headline and what blocked it")
    why.add_argument("title", nargs="?", default="", help="the headline")
    why.add_argument("--summary", default="", help="the item's summary text")
    why.add_argument("--item-json", help='a whole item as JSON, e.g. \'{"title": "...", "summary": "..."}\'')

    link = command("link", "rules:link", "show each candidate company in a text and why it was kept or dropped")
    link.add_argument("text", help="a headline or any text")

    database = command("db", "db:db", "the store's schema: migrate it, show its status, or copy it to another database")
    database.add_argument("action", choices=["migrate", "status", "copy"])
    database.add_argument("source", nargs="?", metavar="FROM_URL", help="for copy: e.g. sqlite:///path/catalyst-bot.sqlite3")
    database.add_argument("target", nargs="?", metavar="TO_URL", help="for copy: e.g. postgresql://bot@db:5432/catalyst")
    database.add_argument("--password-env", help="for copy: the variable holding TO_URL's password (or set PGPASSWORD)")

    preview = command("render", "render:render", "show the exact console text, Slack blocks and Discord embed of an item's alerts")
    preview.add_argument("title", nargs="?", default="", help="the headline")
    preview.add_argument("--summary", default="", help="the item's summary text")
    preview.add_argument("--item-json", help='a whole item as JSON (title, summary, link, published, ...)')
    preview.add_argument("--surface", choices=["all", "console", "slack", "discord"], default="all",
                         help="only this surface's payload (slack and discord: the JSON body, nothing else)")

    universe = command("universe", "universe:universe", "import the SEC company_tickers.json from a file, or download it")
    universe.add_argument("action", choices=["import", "update"])
    universe.add_argument("file", nargs="?", type=Path, help="for import: a company_tickers.json file")
    universe.add_argument("--url", help="for update (default: the SEC's)")
    universe.add_argument(
        "--user-agent",
        default=os.environ.get(SEC_USER_AGENT_ENV, ""),
        help=f'for update: "Name email@example.com", as the SEC asks (default: ${SEC_USER_AGENT_ENV})',
    )
    return parser
