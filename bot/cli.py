"""The `catalyst-bot` command line: run, check, scan, catalysts, feeds, backtest, explain, universe."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import asyncio
import json
import logging
import os
import signal
from concurrent.futures import ProcessPoolExecutor
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import aiohttp
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress

from adapters.console import ConsoleReceiver
from adapters.registry import build_receivers
from bot.app import CatalystBot
from bot.clock import system_clock
from bot.commands import CatalystCommands
from bot.config import BotConfig, load_config
from bot.heartbeat import heartbeat_age
from bot.logs import configure_logging
from bot.ops_server import OpsServer
from bot.reload import ConfigReloader
from bot.errors import CatalystBotError
from bot.models import Alert, NewsItem
from bot.route_report import route_report
from bot.normalize import parse_feed
from bot.store import Store
from rules import universe as rules_universe
from rules.backtest import item_from_row, run_backtest
from rules.engine import RuleEngine, validate
from rules.explain import explain

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
    config = load_config(args.config)
    console_receiver = ConsoleReceiver()
    store = Store(config.store_path())
    try:
        engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
        commands = CatalystCommands.for_bot(config, store, engine, system_clock)
        receivers = build_receivers(config, console_receiver, commands)
        return asyncio.run(_run_bot(args, config, store, engine, receivers, console_receiver))
    finally:
        store.close()


async def _run_bot(args, config: BotConfig, store: Store, engine: RuleEngine, receivers, console_receiver) -> int:
    # feedparser is CPU-bound: worker processes parse in parallel where threads would share the GIL.
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as parse_pool:
        async with aiohttp.ClientSession() as session:
            bot = CatalystBot(
                config, store, engine, receivers, session, on_notice=console_receiver.notice, parse_pool=parse_pool
            )
            async with _listening(receivers, listen=not args.once):
                return await _drive(bot, args, config)


@contextlib.asynccontextmanager
async def _listening(receivers: dict, *, listen: bool) -> AsyncIterator[None]:
    """Start the receivers that also listen (those with `async start()`, e.g. Slack's app) when `listen`;
    close every receiver that has `async close()` after (a Discord client logs in on first send even in --once)."""
    async with contextlib.AsyncExitStack() as stack:
        for receiver in receivers.values():
            if hasattr(receiver, "close"):
                stack.push_async_callback(receiver.close)
            if listen and hasattr(receiver, "start"):
                await receiver.start()
        yield


async def _drive(bot: CatalystBot, args: argparse.Namespace, config: BotConfig) -> int:
    if args.once:
        report = await _with_progress(bot)
        print(report.summary(), file=sys.stderr)
        return 0
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    reloader = ConfigReloader(config.source, bot) if config.source else None
    if reloader is not None:
        loop.add_signal_handler(signal.SIGHUP, reloader.reload)
    async with contextlib.AsyncExitStack() as stack:
        if config.http.enabled:
            server = OpsServer(bot.metrics, bot.health_checks, host=config.http.host, port=config.http.port)
            await server.start()
            stack.push_async_callback(server.close)
        print(f"catalyst-bot running: {len(config.feeds)} feed(s); Ctrl-C to stop", file=sys.stderr)
        await bot.run_forever(stop, reloader)
    return 0


async def _with_progress(bot: CatalystBot):
    if not sys.stderr.isatty():
        return await bot.run_once()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("polling feeds", total=None)
        return await bot.run_once(lambda done, total: progress.update(task, completed=done, total=total))


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


def write_scan(path: Path, engine: RuleEngine, out: TextIO) -> None:
    """Print one JSON object per input item, in input order (a contract other tools rely on)."""
    for item_id, item, error in _scan_items(path):
        record: dict[str, object] = {"id": item_id, "catalysts": []}
        if item is None:
            record["error"] = error
        else:
            record["catalysts"] = [catalyst.to_scan_json() for catalyst in engine.detect(item)]
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _scan_items(path: Path) -> Iterator[tuple[str | None, NewsItem | None, str | None]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalystBotError(f"{path}: cannot read: {exc.strerror}") from None
    if path.suffix in {".jsonl", ".json", ".ndjson"} or data.lstrip()[:1] == b"{":
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            if line.strip():
                yield _json_line_item(line, number, path.name)
        return
    parsed = parse_feed(data, feed=path.name)
    if parsed.problem and not parsed.items:
        raise CatalystBotError(f"{path}: {parsed.problem}")
    for item in parsed.items:
        yield item.id, item, None


def _json_line_item(line: str, number: int, source: str) -> tuple[str | None, NewsItem | None, str | None]:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"line {number}: not JSON: {exc}"
    if not isinstance(raw, dict):
        return None, None, f"line {number}: expected a JSON object"
    item_id = str(raw.get("id") or f"line-{number}")
    try:
        published = raw.get("published")
        item = NewsItem(
            id=item_id,
            title=str(raw.get("title") or ""),
            summary=str(raw.get("summary") or ""),
            link=raw.get("link"),
            published=_utc(published) if published else None,
            feed=str(raw.get("source") or source),
        )
    except (ValueError, ValidationError) as exc:
        return item_id, None, f"line {number}: {exc}"
    return item_id, item, None


def _utc(text: str) -> datetime:
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


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
        item = item_from_row(row)
    elif args.title:
        item = NewsItem(id="explain", title=args.title, summary=args.summary)
    else:
        raise CatalystBotError("explain needs a headline or --item-json")
    config = load_config(args.config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    return explain(item, engine, sys.stdout)


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
