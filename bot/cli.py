"""The `catalyst-bot` command line: run, check, scan, catalysts, feeds, backtest, explain, link, universe."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from pathlib import Path

import aiohttp

from bot.app import CatalystBot
from bot.clock import system_clock
from bot.commands import CatalystCommands
from bot.config import load_config
from bot.daemon import run
from bot.errors import CatalystBotError
from bot.heartbeat import heartbeat_age
from bot.logs import configure_logging
from bot.models import Alert, NewsItem
from bot.route_report import route_report
from bot.scan import write_scan
from bot.store import Store
from rules import universe as rules_universe
from rules.backtest import run_backtest
from rules.engine import RuleEngine, validate
from rules.explain import explain, explain_links
from rules.text import clean

_LOGGER = logging.getLogger(__name__)
CONFIG_ENV = "CATALYST_BOT_CONFIG"
SEC_USER_AGENT_ENV = "CATALYST_BOT_SEC_USER_AGENT"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose, quiet=args.handler is not _run)
    try:
        return args.handler(args)
    except CatalystBotError as exc:
        print(f"catalyst-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catalyst-bot", description="Watch news feeds for stock catalysts.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, handler, help_text: str, *, config: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
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

    run = command("run", _run, "poll feeds and post alerts until stopped")
    run.add_argument("--once", action="store_true", help="poll every feed once, deliver, then exit")

    check = command("check", _check, "validate a config file without running", config=False)
    check.add_argument("config", type=Path)

    history = command(
        "catalysts", _catalysts, "a ticker's recent catalysts, or any /catalysts command (mute, mutes, watch, ...)"
    )
    history.add_argument("args", nargs="*", metavar="ARG", help="e.g. BABA, or: mute BABA 4h reason")
    history.add_argument("--days", type=int, help="how far back for a ticker (default 7)")

    scan = command("scan", _scan, "apply the rules to an RSS/Atom or JSON-lines file; print JSON lines")
    scan.add_argument("path", type=Path)

    command("health", _health, "exit 0 if the running daemon ticked recently (for container health checks)")

    feeds = command("feeds", _feeds, "list feeds and their state, or re-enable a disabled feed")
    feeds.add_argument("action", choices=["list", "enable"])
    feeds.add_argument("name", nargs="?")

    routes = command("routes", _routes, "show which receivers an alert would reach, and why")
    routes.add_argument("action", choices=["test"])
    routes.add_argument("--ticker", required=True)
    routes.add_argument("--kind", required=True)
    routes.add_argument("--severity", choices=["low", "medium", "high"], default="medium")
    routes.add_argument("--direction", choices=["positive", "negative", "neutral"])
    routes.add_argument("--tags", default="", help="comma-separated feed tags, e.g. press-release,sample")

    backtest = command("backtest", _backtest, "run the rules over labelled JSON lines; print precision and recall")
    backtest.add_argument("path", type=Path)

    why = command("explain", _explain, "show, rule by rule, what matched a headline and what blocked it")
    why.add_argument("title", nargs="?", default="", help="the headline")
    why.add_argument("--summary", default="", help="the item's summary text")
    why.add_argument("--item-json", help='a whole item as JSON, e.g. \'{"title": "...", "summary": "..."}\'')

    link = command("link", _link, "show each candidate company in a text and why it was kept or dropped")
    link.add_argument("text", help="a headline or any text")

    universe = command("universe", _universe, "import the SEC company_tickers.json from a file, or download it")
    universe.add_argument("action", choices=["import", "update"])
    universe.add_argument("file", nargs="?", type=Path, help="for import: a company_tickers.json file")
    universe.add_argument("--url", default=rules_universe.SEC_URL, help="for update (default: the SEC's)")
    universe.add_argument(
        "--user-agent",
        default=os.environ.get(SEC_USER_AGENT_ENV, ""),
        help=f'for update: "Name email@example.com", as the SEC asks (default: ${SEC_USER_AGENT_ENV})',
    )
    return parser


def _run(args: argparse.Namespace) -> int:
    return run(load_config(args.config), once=args.once)


def _check(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    problems = validate(config.rules)
    if problems:
        print(f"{args.config}: rule errors", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(f"{args.config}: OK ({len(config.feeds)} feed(s), {len(config.routes)} route(s))")
    return 0


def _catalysts(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    store = Store(config.store_path())
    try:
        engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
        commands = CatalystCommands.for_bot(config, store, engine, system_clock)
        words = list(args.args) + ([f"{args.days}d"] if args.days is not None else [])
        reply = commands.dispatch(words, user=getpass.getuser())
    finally:
        store.close()
    print(reply.as_text(), file=sys.stderr if reply.error else sys.stdout)
    return 2 if reply.error else 0


def _scan(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    write_scan(args.path, engine, sys.stdout)
    return 0


def _backtest(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    return run_backtest(args.path, engine, sys.stdout)


def _explain(args: argparse.Namespace) -> int:
    if args.item_json is not None:
        try:
            row = json.loads(args.item_json)
        except json.JSONDecodeError as exc:
            raise CatalystBotError(f"--item-json: not JSON: {exc}") from None
        if not isinstance(row, dict):
            raise CatalystBotError("--item-json: expected a JSON object")
        item = NewsItem.from_json_row(row, default_id="explain")
    elif args.title:
        item = NewsItem(id="explain", title=args.title, summary=args.summary)
    else:
        raise CatalystBotError("explain needs a headline or --item-json")
    config = load_config(args.config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    return explain(item, engine, sys.stdout)


def _link(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    return explain_links(clean(args.text), engine.linker, sys.stdout)


def _universe(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if args.action == "import":
        if args.file is None:
            raise CatalystBotError("universe import needs a company_tickers.json file")
        return rules_universe.import_sec(args.file, config.resolved_data_dir(), sys.stdout)
    return rules_universe.update(args.url, args.user_agent, config.resolved_data_dir(), sys.stdout)


def _health(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if config.http.enabled:
        return asyncio.run(_probe_healthz(f"http://{config.http.host}:{config.http.port}/healthz"))
    age = heartbeat_age(config.resolved_data_dir(), system_clock())
    limit = max(3 * config.poller.tick, 60.0)
    if age is None:
        print("unhealthy: the daemon has not ticked yet", file=sys.stderr)
        return 1
    if age > limit:
        print(f"unhealthy: last tick {age:.0f}s ago (limit {limit:.0f}s)", file=sys.stderr)
        return 1
    print(f"healthy: last tick {age:.0f}s ago")
    return 0


async def _probe_healthz(url: str) -> int:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            async with session.get(url) as response:
                print(await response.text())
                return 0 if response.status == 200 else 1
    except (aiohttp.ClientError, TimeoutError) as exc:
        print(f"unhealthy: cannot reach {url}: {exc}", file=sys.stderr)
        return 1


def _routes(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    alert = Alert(
        ticker=args.ticker.strip().upper(),
        kind=args.kind,
        rule="routes-test",
        severity=args.severity,
        direction=args.direction,
        evidence=(),
        title="(routes test)",
        link=None,
        source="routes-test",
        published=None,
        item_id="routes-test",
        tags=tuple(tag.strip() for tag in args.tags.split(",") if tag.strip()),
    )
    store = Store(config.store_path())
    try:
        now = system_clock()
        watchlist = [*config.watchlist, *store.watched_tickers()]
        print("\n".join(route_report(alert, config, watchlist, store.active_mutes(now), now)))
    finally:
        store.close()
    return 0


def _feeds(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    store = Store(config.store_path())
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
