"""Wire poller, rules, store and delivery together and drive them with APScheduler."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace

import aiohttp
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.alerts.digest import queue_due_digests
from bot.alerts.intake import TITLE_KEY_PREFIX
from bot.clock import Clock, system_clock
from bot.config import BotConfig, FeedConfig, PollerConfig
from bot.crontab import crontab_trigger
from bot.delivery.receiver import ConnectionAware, Receiver
from bot.delivery.sender import Deliverer
from bot.ingest.dispatch import Dispatcher
from bot.ingest.edgar_access import EdgarAccess
from bot.ingest.edgar_watchlist import watchlist_feeds
from bot.ingest.fetch import Fetcher
from bot.ingest.ownership import FeedOwnership
from bot.ingest.poller import CycleReport, FeedPoller
from bot.ops.heartbeat import touch_heartbeat
from bot.ops.metrics import Metrics
from bot.ops.notices import queue_ops_notice, queue_silent_feed_notices
from bot.store.batch import WriteBatcher
from bot.store.database import Store
from bot.store.records import FeedState
from rules.engine import RuleEngine

_LOGGER = logging.getLogger(__name__)
TITLE_KEY_TTL = 2 * 86400.0
SEEN_KEY_TTL = 90 * 86400.0
RELOAD_CHECK_SECONDS = 5
LAG_CHECK_SECONDS = 60.0
# On a shared database, a due feed another worker holds is looked at again this soon (or after its interval).
CLAIM_RETRY_SECONDS = 5.0
DIGEST_JOB_PREFIX = "digest:"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
# Digests, silent-feed checks and ops notices are produced by whichever worker holds this lease.
SCHEDULED_JOBS_LEASE = "scheduled-jobs"
__all__ = ["CatalystBot", "CycleReport"]

NoticeHook = Callable[[str], None]
ProgressHook = Callable[[int, int], None]


class CatalystBot:
    """One bot instance: polls feeds as they fall due, finds catalysts, queues and delivers alerts."""

    def __init__(
        self,
        config: BotConfig,
        store: Store,
        engine: RuleEngine,
        receivers: dict[str, Receiver],
        session: aiohttp.ClientSession,
        *,
        clock: Clock = system_clock,
        on_notice: NoticeHook | None = None,
        rng: random.Random | None = None,
        parse_pool: Executor | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.metrics = metrics or Metrics()
        self.metrics.watch_outbox(store)
        self._receivers = receivers
        self._session = session
        self._clock = clock
        self._on_notice = on_notice or (lambda message: None)
        self._scheduler: AsyncIOScheduler | None = None
        self._last_tick: float | None = None
        self._last_lag_check = clock()
        self._delivering = asyncio.Lock()
        self._delivery_kick: asyncio.Task[None] | None = None
        self._batcher = WriteBatcher(store)
        self._edgar = EdgarAccess(config)
        feeds = self.all_feeds(config, store, engine.ciks)
        self._poller = FeedPoller(
            config,
            engine,
            feeds,
            self._make_fetcher(config.poller),
            store,
            self._batcher,
            self.metrics,
            clock=clock,
            rng=rng or random.Random(),
            parse_pool=parse_pool,
            on_notice=self._on_notice,
            notify_ops=self.notify_ops,
            on_queued=self._deliver_soon,
        )
        # On a shared database each worker polls the feeds that hash to it; the feed's claim is the safety net.
        self._ownership = FeedOwnership(store, self.worker_id, config.store.feed_lease) if store.shared else None
        self._dispatcher = Dispatcher(
            self._poll_if_claimed,
            concurrency=config.poller.concurrency,
            clock=clock,
            observe_lag=self.metrics.poll_lag.observe,
            owns=self._ownership.owns if self._ownership else lambda name: True,
        )
        self.deliverer = self._make_deliverer(config)
        self._adopt(config, engine, feeds)

    def _adopt(self, config: BotConfig, engine: RuleEngine, feeds: list[FeedConfig]) -> None:
        self.config = config
        self.engine = engine
        self._edgar.configure(config)
        self._poller.use(config, engine, feeds)
        self._batcher.flush()
        self.sync_feeds(config, self.store, feeds, self._clock())
        self._dispatcher.set_feeds(self.store.feeds())

    def _make_fetcher(self, poller: PollerConfig) -> Fetcher:
        return Fetcher(
            self._session,
            timeout=poller.timeout,
            max_bytes=poller.max_bytes,
            per_host=poller.per_host,
            allow_file=poller.allow_file,
            policies=[self._edgar],
        )

    def _make_deliverer(self, config: BotConfig) -> Deliverer:
        return Deliverer.from_config(self.store, self._receivers, self._clock, config.delivery, self.metrics)

    def reload(self, config: BotConfig, engine: RuleEngine) -> None:
        """Swap in a config and engine that were already validated.

        Feeds added or removed are scheduled or dropped; unchanged feeds keep their state. The
        fetcher and the sender are rebuilt only when their settings changed, so per-host limits,
        a channel's Retry-After and its rate-limit tokens carry over. Adapters and the store are
        not rebuilt: changes to them need a restart.
        """
        if config.adapters != self.config.adapters or config.store != self.config.store:
            _LOGGER.warning("config reload: adapter or store settings changed; restart to apply them")
        if config.poller != self.config.poller:
            self._poller.fetcher = self._make_fetcher(config.poller)
            self._dispatcher.concurrency = config.poller.concurrency
        if config.delivery != self.config.delivery:
            self.deliverer = self._make_deliverer(config)
        if config.edgar != self.config.edgar and self._poller.edgar_blocked:
            _LOGGER.info("config reload: [edgar] changed, EDGAR polling resumes")
            self._poller.edgar_blocked = None
        self._adopt(config, engine, self.all_feeds(config, self.store, engine.ciks))
        if self._scheduler is not None:
            self._scheduler.reschedule_job("tick", trigger="interval", seconds=config.poller.tick)
            self._schedule_digests(self._scheduler)
        _LOGGER.info("config reloaded: %d feed(s), %d route(s)", len(config.feeds), len(config.routes))

    def notify_ops(self, message: str, dedup_key: str, *, echo: bool = True) -> None:
        """Tell the operator: through `[ops] receiver` when configured, else on the terminal (if `echo`)."""
        with self.store.transaction():
            queued = queue_ops_notice(self.store, self.config, message, dedup_key, self._clock())
        if not queued and echo:
            self._on_notice(message)

    async def health_checks(self) -> dict[str, tuple[bool, str]]:
        """Scheduler alive, store writable, each listening adapter connected."""
        checks: dict[str, tuple[bool, str]] = {}
        limit = max(3 * self.config.poller.tick, 30.0)
        if self._last_tick is None:
            checks["scheduler"] = (False, "has not ticked yet")
        else:
            age = self._clock() - self._last_tick
            checks["scheduler"] = (age <= limit, f"last tick {age:.0f}s ago (limit {limit:.0f}s)")
        problem = self.store.check_writable()
        checks["store"] = (problem is None, problem or "writable")
        for platform, receiver in self._receivers.items():
            if isinstance(receiver, ConnectionAware):
                connected = await receiver.is_connected()
                checks[f"adapter:{platform}"] = (connected, "connected" if connected else "not connected")
        return checks

    @staticmethod
    def all_feeds(config: BotConfig, store: Store, ciks: dict[str, str]) -> list[FeedConfig]:
        """The configured feeds and, with `[edgar] watchlist`, a company feed per watchlist ticker (CIKs from `ciks`)."""
        return [*config.feeds, *watchlist_feeds(config, [*config.watchlist, *store.watched_tickers()], ciks)]

    @staticmethod
    def sync_feeds(config: BotConfig, store: Store, feeds: list[FeedConfig], now: float) -> None:
        """Bring the store's feed rows in line with `feeds` (new feeds are due now).

        On a shared database every worker should run the same feed set: a difference is logged.
        """
        changes = store.sync_feeds(((feed.name, config.feed_location(feed), feed.interval) for feed in feeds), now)
        if changes and changes.before and store.shared:
            _LOGGER.warning(
                "this config's feeds differ from the shared database's: %d added, %d removed, %d changed;"
                " other workers with the old config will undo this on their next reload",
                changes.added,
                changes.removed,
                changes.changed,
            )

    async def run_once(self, progress: ProgressHook | None = None) -> CycleReport:
        """Poll every enabled feed now, whatever its schedule, then deliver what was queued."""
        self._batcher.flush()
        states = [state for state in self.store.feeds() if state.disabled_reason is None]
        report = CycleReport()
        slots = asyncio.Semaphore(self.config.poller.concurrency)
        done = 0

        async def poll_and_count(state: FeedState) -> None:
            nonlocal done
            async with slots:
                await self._poller.poll(state, report)
            done += 1
            if progress:
                progress(done, len(states))

        await asyncio.gather(*(poll_and_count(state) for state in states))
        self._batcher.flush()
        self._dispatcher.set_feeds([])  # forget the states polled before: the store has the new ones
        self._dispatcher.set_feeds(self.store.feeds(), spread=False)
        await self.deliverer.deliver_pending(flush=True)
        return report

    async def tick(self) -> None:
        """Heartbeat; start what is due; pick up feeds re-enabled from the CLI; warn when polls start late."""
        now = self._last_tick = self._clock()
        touch_heartbeat(self.config.resolved_data_dir())
        self._adopt_reenabled()
        self._dispatcher.start_due()
        if now - self._last_lag_check >= LAG_CHECK_SECONDS:
            self._last_lag_check = now
            self._check_lag()

    async def _poll_if_claimed(self, state: FeedState) -> FeedState:
        """Poll a due feed; on a shared database only once this worker wins its claim, else adopt the stored row."""
        if not self.store.shared:
            return await self._poller.poll(state)
        now = self._clock()
        claimed = self.store.claim_feed(state.name, self.worker_id, now, self.config.store.feed_lease)
        self.metrics.feed_claims.labels("won" if claimed else "lost").inc()
        if claimed is not None:
            return await self._poller.poll(claimed)
        current = self.store.feed(state.name) or state  # polled by another worker, or being polled
        if current.next_poll_at > now:
            return current
        return replace(current, next_poll_at=now + min(CLAIM_RETRY_SECONDS, current.interval_s))

    def renew_claims(self) -> None:
        """Renew this worker's heartbeat and see which workers are live; keep the claims of polls still in flight
        (a slow feed, EDGAR's Form 4s) past their first lease."""
        now = self._clock()
        if self._ownership is not None:
            before = self._ownership.workers
            self._ownership.refresh(now)
            if self._ownership.workers != before:
                self._dispatcher.owners_changed({state.name: state for state in self.store.feeds()})
        self.store.renew_feed_claims(self.worker_id, now, self.config.store.feed_lease)

    def _adopt_reenabled(self) -> None:
        disabled = self._dispatcher.disabled()
        if not disabled:
            return
        self._batcher.flush()
        enabled = [state for state in map(self.store.feed, disabled) if state and state.disabled_reason is None]
        if enabled:
            self._dispatcher.set_feeds(self.store.feeds())

    def _check_lag(self) -> None:
        report = self._dispatcher.take_lag_report()
        self.metrics.poll_lag_p95.set(report.p95_seconds)
        if not report.behind:
            return
        advice = report.advice(self._dispatcher.concurrency, self._poller.fetcher.take_host_waits())
        _LOGGER.warning(advice)
        self.notify_ops(advice, f"poll-lag:{self._clock() // 3600:.0f}")  # at most one notice an hour

    async def deliver(self) -> None:
        async with self._delivering:
            await self.deliverer.deliver_pending()

    def _deliver_soon(self) -> None:
        """Send newly queued alerts now rather than at the next delivery tick (only while running)."""
        if self._scheduler is not None and self._delivery_kick is None and not self._delivering.locked():
            self._delivery_kick = asyncio.create_task(self.deliver())
            self._delivery_kick.add_done_callback(lambda _: setattr(self, "_delivery_kick", None))

    def _holds_scheduled_jobs(self) -> bool:
        """True if this worker produces the digests and ops notices (it holds or renews their lease)."""
        return self.store.acquire_lease(SCHEDULED_JOBS_LEASE, self.worker_id, self._clock(), ttl=90.0)

    def queue_ops_notices(self) -> None:
        """Queue notices about feeds gone silent (one worker does)."""
        if self._holds_scheduled_jobs():
            queue_silent_feed_notices(self.store, self.config, self._clock())

    async def post_digests(self) -> None:
        """Queue the digests whose cron time has come (one worker does), and send them now."""
        if self._holds_scheduled_jobs():
            queue_due_digests(self.store, self.config, self._clock())
        await self.deliver()

    def _schedule_digests(self, scheduler: AsyncIOScheduler) -> None:
        """One cron job per digest route, at its cron time in its time zone (replacing the previous config's).

        A period missed while the bot was down is queued now; new digest routes start their first period.
        """
        if self._holds_scheduled_jobs():
            queue_due_digests(self.store, self.config, self._clock())
        for job in scheduler.get_jobs():
            if job.id.startswith(DIGEST_JOB_PREFIX):
                job.remove()
        for route in self.config.route_table():
            if route.digest is not None:
                trigger = crontab_trigger(route.digest.cron, route.digest.timezone)
                scheduler.add_job(self.post_digests, trigger, id=f"{DIGEST_JOB_PREFIX}{route.name}", **JOB_DEFAULTS)

    def housekeeping(self) -> None:
        """Forget old seen keys: titles after two days (roundup titles repeat), the rest after 90."""
        now = self._clock()
        forgotten = self.store.forget_seen_before(now - SEEN_KEY_TTL)
        forgotten += self.store.forget_seen_before(now - TITLE_KEY_TTL, prefix=TITLE_KEY_PREFIX)
        _LOGGER.info("housekeeping: forgot %d seen key(s)", forgotten)

    async def run_forever(self, stop: asyncio.Event, reload_if_changed: Callable[[], object] | None = None) -> None:
        """Run the dispatcher and the scheduler until `stop` is set, then stop polling and flush the outbox (bounded in time)."""
        scheduler = self._scheduler = AsyncIOScheduler()
        defaults = JOB_DEFAULTS
        scheduler.add_job(self.tick, "interval", seconds=self.config.poller.tick, id="tick", **defaults)
        scheduler.add_job(self.deliver, "interval", seconds=2, id="deliver", **defaults)
        scheduler.add_job(self.housekeeping, "interval", hours=1, id="housekeeping", **defaults)
        scheduler.add_job(self.queue_ops_notices, "interval", seconds=30, id="ops-notices", **defaults)
        if self.store.shared:
            lease = self.config.store.feed_lease
            scheduler.add_job(self.renew_claims, "interval", seconds=lease / 3, id="renew-claims", **defaults)
        self._schedule_digests(scheduler)
        if reload_if_changed is not None and self.config.daemon.reload_on_change:
            scheduler.add_job(reload_if_changed, "interval", seconds=RELOAD_CHECK_SECONDS, id="reload", **defaults)
        scheduler.start()
        if self.store.shared:
            self.renew_claims()  # join the live workers before the first poll
        await self.tick()
        dispatching = asyncio.create_task(self._dispatcher.run())
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            self._scheduler = None
            dispatching.cancel()
            await asyncio.gather(dispatching, return_exceptions=True)
            await self._shut_down()

    async def _shut_down(self) -> None:
        """Write the state of finished polls (those in flight were cancelled: they are redone on the next start)
        and send what is due, within the timeout."""
        await self.drain()
        self.store.release_feeds(self.worker_id)  # other workers may poll them at once
        if self._ownership is not None:
            self._ownership.leave()
        timeout = self.config.daemon.shutdown_timeout
        try:
            report = await asyncio.wait_for(self.deliverer.deliver_pending(), timeout)
        except TimeoutError:
            _LOGGER.warning("shutdown: outbox not flushed within %gs; unsent alerts are sent on the next start", timeout)
        else:
            _LOGGER.info("shutdown: flushed %d alert(s)", report.sent)

    async def drain(self) -> None:
        """Wait for the polls in flight to finish and write their results."""
        await self._dispatcher.drain()
        self._batcher.flush()
