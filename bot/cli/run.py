"""`catalyst-bot run`: build the receivers and the bot, then poll once or run until a signal."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator

from rich.console import Console
from rich.progress import Progress

from adapters.console import ConsoleReceiver
from adapters.registry import build_receivers
from bot.app import CatalystBot, CycleReport
from bot.clock import system_clock
from bot.commands import CatalystCommands
from bot.config import BotConfig, load_config
from bot.delivery.receiver import Receiver
from bot.ingest.fetch import poll_session
from bot.ingest.parsepool import make_parse_pool
from bot.ops.reload import ConfigReloader
from bot.ops.server import OpsServer
from bot.store.sqlite import Store
from rules.engine import RuleEngine


def run(args: argparse.Namespace) -> int:
    """`catalyst-bot run [--once]`: build the bot from the config and drive it."""
    config, once = load_config(args.config), args.once
    console_receiver = ConsoleReceiver()
    store = Store(config.store_path())
    try:
        engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
        commands = CatalystCommands.for_bot(config, store, engine, system_clock)
        receivers = build_receivers(config, console_receiver, commands)
        return asyncio.run(_run_bot(config, store, engine, receivers, console_receiver, once=once))
    finally:
        store.close()


async def _run_bot(
    config: BotConfig,
    store: Store,
    engine: RuleEngine,
    receivers: dict[str, Receiver],
    console_receiver: ConsoleReceiver,
    *,
    once: bool,
) -> int:
    # Parsing big bodies is CPU-bound: worker processes parse in parallel where threads would share the GIL.
    with make_parse_pool(os.cpu_count() or 1) as parse_pool:
        async with poll_session() as session:
            bot = CatalystBot(
                config, store, engine, receivers, session, on_notice=console_receiver.notice, parse_pool=parse_pool
            )
            async with _listening(receivers, listen=not once):
                return await _drive(bot, config, once=once)


@contextlib.asynccontextmanager
async def _listening(receivers: dict[str, Receiver], *, listen: bool) -> AsyncIterator[None]:
    """Start the receivers that also listen (those with `async start()`, e.g. Slack's app) when `listen`;
    close every receiver that has `async close()` after (a Discord client logs in on first send even in --once)."""
    async with contextlib.AsyncExitStack() as stack:
        for receiver in receivers.values():
            if hasattr(receiver, "close"):
                stack.push_async_callback(receiver.close)
            if listen and hasattr(receiver, "start"):
                await receiver.start()
        yield


async def _drive(bot: CatalystBot, config: BotConfig, *, once: bool) -> int:
    if once:
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
        await bot.run_forever(stop, reloader.reload_if_changed if reloader else None)
    return 0


async def _with_progress(bot: CatalystBot) -> CycleReport:
    if not sys.stderr.isatty():
        return await bot.run_once()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("polling feeds", total=None)
        return await bot.run_once(lambda done, total: progress.update(task, completed=done, total=total))
