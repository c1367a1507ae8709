"""`catalyst-bot run`: build the receivers and the bot, then poll once or run until a signal."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections import Counter
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
from bot.durations import format_duration
from bot.ingest.fetch import poll_session
from bot.ingest.parsepool import make_parse_pool
from bot.ops.reload import ConfigReloader
from bot.ops.server import OpsServer
from bot.ops.single_holder import start_when_holding
from bot.store.database import Store
from bot.store.records import OutboxEntry
from bot.validation import validate_config
from rules.engine import RuleEngine
from rules.engine_cache import load_engine

_LOGGER = logging.getLogger(__name__)
EXIT_INCOMPLETE = 1  # `--once` could not do all of its job: a feed failed or an alert is undelivered


def run(args: argparse.Namespace) -> int:
    """`catalyst-bot run [--once]`: build the bot from the config and drive it."""
    config, once = load_config(args.config), args.once
    findings = validate_config(config)
    findings.raise_for_run(args.config or "built-in sample setup")
    for warning in findings.warnings:
        _LOGGER.warning("config: %s", warning)
    console_receiver = ConsoleReceiver()
    store = Store.from_config(config)
    try:
        engine = load_engine(config.rules, config.resolved_data_dir())
        commands = CatalystCommands.for_bot(config, store, engine, system_clock)
        receivers = build_receivers(config, console_receiver, commands)
        return asyncio.run(
            _run_bot(config, store, engine, receivers, console_receiver, once=once, max_wait=args.max_wait)
        )
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
    max_wait: float,
) -> int:
    # Parsing big bodies is CPU-bound: worker processes parse in parallel where threads would share the GIL.
    with make_parse_pool(os.cpu_count() or 1) as parse_pool:
        async with poll_session() as session:
            bot = CatalystBot(
                config, store, engine, receivers, session, on_notice=console_receiver.notice, parse_pool=parse_pool
            )
            async with _listening(receivers, listen=not once, bot=bot):
                return await (_once(bot, max_wait) if once else _drive(bot, config))


@contextlib.asynccontextmanager
async def _listening(receivers: dict[str, Receiver], *, listen: bool, bot: CatalystBot) -> AsyncIterator[None]:
    """Start the receivers that also listen (those with `async start()`, e.g. Slack's app) when `listen`;
    close every receiver that has `async close()` after (a Discord client logs in on first send even in --once).

    A receiver allowing one connection per token (`single_connection`, Discord's gateway) is started,
    on a shared database, only by the worker holding its lease (and `stop()`ped when it loses it).
    """
    async with contextlib.AsyncExitStack() as stack:
        for platform, receiver in receivers.items():
            if hasattr(receiver, "close"):
                stack.push_async_callback(receiver.close)
            if not (listen and hasattr(receiver, "start")):
                continue
            if getattr(receiver, "single_connection", False) and bot.store.shared:
                holder = start_when_holding(
                    bot.store, f"gateway:{platform}", bot.worker_id, receiver.start, receiver.stop, system_clock
                )
                task = asyncio.create_task(holder, name=f"lease-{platform}")
                stack.push_async_callback(_cancel, task)
            else:
                await receiver.start()
        yield


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _once(bot: CatalystBot, max_wait: float) -> int:
    """Poll every feed, deliver what was queued (waiting out rate limits for up to `max_wait`), say what is left."""
    started = system_clock()
    report = await _with_progress(bot)
    unsent = await _deliver_the_rest(bot, started, max_wait)
    print(report.summary())
    pending = [entry for entry in unsent if entry.status in ("pending", "sending")]
    failed = [entry for entry in unsent if entry.status == "failed"]
    for problem in report.problems:
        print(f"feed {problem}")
    if pending:
        print(f"{len(pending)} alert(s) still pending after waiting {format_duration(max_wait)}:")
    for entries, status in ((pending, "pending"), (failed, "not delivered")):
        reasons = Counter((e.receiver, e.reason or "waiting for the channel's rate limit") for e in entries)
        for (receiver, reason), count in reasons.items():
            print(f"  {count} {status} for {receiver}: {reason}")
    if report.failed or pending or failed:
        _LOGGER.error(
            "run --once incomplete: %d feed(s) failed, %d alert(s) pending, %d not delivered",
            report.failed, len(pending), len(failed),
        )
    return EXIT_INCOMPLETE if report.failed or pending or failed else 0


async def _deliver_the_rest(bot: CatalystBot, since: float, max_wait: float) -> list[OutboxEntry]:
    """Keep sending until nothing queued since `since` is pending, or `max_wait` is up; the rows not sent."""
    deadline = time.monotonic() + max_wait
    while True:
        entries = [e for e in bot.store.outbox_entries(since=since) if e.status in ("pending", "sending", "failed")]
        left = deadline - time.monotonic()
        if left <= 0 or not any(e.status != "failed" for e in entries):
            return entries
        await asyncio.sleep(min(0.5, left))
        await bot.deliverer.deliver_pending(flush=True)


async def _drive(bot: CatalystBot, config: BotConfig) -> int:
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
        print(f"catalyst-bot running: {len(config.feeds)} feed(s); Ctrl-C to stop", flush=True)
        await bot.run_forever(stop, reloader.reload_if_changed if reloader else None)
    return 0


async def _with_progress(bot: CatalystBot) -> CycleReport:
    if not sys.stderr.isatty():
        return await bot.run_once()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("polling feeds", total=None)
        return await bot.run_once(lambda done, total: progress.update(task, completed=done, total=total))
