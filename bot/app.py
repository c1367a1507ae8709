"""Wire poller, rules, store and delivery together and drive them with APScheduler."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace

import aiohttp
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.alerts.digest import queue_due_digests
from bot.alerts.intake import TITLE_KEY_PREFIX, dedup_keys, ingest_items
from bot.clock import Clock, system_clock
from bot.config import BotConfig, FeedConfig, PollerConfig
from bot.crontab import crontab_trigger
from bot.delivery.receiver import ConnectionAware, Receiver
from bot.delivery.sender import Deliverer
from bot.ingest.edgar import parse_edgar
from bot.ingest.edgar_access import EdgarAccess
from bot.ingest.edgar_form4 import needs_trades, submission_url, with_trades
from bot.ingest.edgar_urls import is_edgar_feed
from bot.ingest.edgar_watchlist import watchlist_feeds
from bot.ingest.fetch import Fetcher, FetchResult
from bot.ingest.normalize import parse_feed
from bot.models import NewsItem
from bot.ops.heartbeat import touch_heartbeat
from bot.ops.metrics import Metrics
from bot.ops.notices import queue_ops_notice, queue_silent_feed_notices
from bot.retry import backoff_delay
from bot.store.records import FeedState
from bot.store.sqlite import Store
from rules.engine import RuleEngine

_LOGGER = logging.getLogger(__name__)
TITLE_KEY_TTL = 2 * 86400.0
SEEN_KEY_TTL = 90 * 86400.0
RELOAD_CHECK_SECONDS = 5
DIGEST_JOB_PREFIX = "digest:"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
# Digests, silent-feed checks and ops notices are produced by whichever worker holds this lease.
SCHEDULED_JOBS_LEASE = "scheduled-jobs"

NoticeHook = Callable[[str], None]
ProgressHook = Callable[[int, int], None]


@dataclass
class CycleReport:
    """Counts for one poll cycle, printed by `run --once`."""

    feeds: int = 0
    changed: int = 0
    not_modified: int = 0
    failed: int = 0
    new_items: int = 0
    catalysts: int = 0
    queued: int = 0
    held_back: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.feeds} feed(s) polled: {self.changed} changed, {self.not_modified} unchanged, "
            f"{self.failed} failed; {self.new_items} new item(s), {self.catalysts} catalyst(s), "
            f"{self.queued} alert(s) queued"
            + (f", {self.held_back} held back (muted, grouped, repeat or quiet hours)" if self.held_back else "")
        )


class CatalystBot:
    """One bot instance: polls due feeds, finds catalysts, queues and delivers alerts."""

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
        self._rng = rng or random.Random()
        self._parse_pool = parse_pool
        self._on_notice = on_notice or (lambda message: None)
        self._in_flight: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._scheduler: AsyncIOScheduler | None = None
        self._last_tick: float | None = None
        self._edgar = EdgarAccess(config)
        self._edgar_blocked: str | None = None
        self._use_poller_settings(config.poller)
        self.deliverer = self._make_deliverer(config)
        self._adopt(config, engine)

    def _adopt(self, config: BotConfig, engine: RuleEngine) -> None:
        self.config = config
        self.engine = engine
        self._edgar.configure(config)
        self._feeds = {feed.name: feed for feed in self.all_feeds(config, self.store)}
        self.sync_feeds(config, self.store, self._clock())

    def _use_poller_settings(self, poller: PollerConfig) -> None:
        self._fetcher = Fetcher(
            self._session,
            timeout=poller.timeout,
            max_bytes=poller.max_bytes,
            per_host=poller.per_host,
            allow_file=poller.allow_file,
            policies=[self._edgar],
        )
        self._slots = asyncio.Semaphore(poller.concurrency)

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
            self._use_poller_settings(config.poller)
        if config.delivery != self.config.delivery:
            self.deliverer = self._make_deliverer(config)
        if config.edgar != self.config.edgar and self._edgar_blocked:
            _LOGGER.info("config reload: [edgar] changed, EDGAR polling resumes")
            self._edgar_blocked = None
        self._adopt(config, engine)
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
    def all_feeds(config: BotConfig, store: Store) -> list[FeedConfig]:
        """The configured feeds and, with `[edgar] watchlist`, a company feed per watchlist ticker."""
        return [*config.feeds, *watchlist_feeds(config, [*config.watchlist, *store.watched_tickers()])]

    @classmethod
    def sync_feeds(cls, config: BotConfig, store: Store, now: float) -> None:
        """Bring the store's feed rows in line with the config (new feeds are due now).

        On a shared database every worker should run the same feed set: a difference is logged.
        """
        feeds = cls.all_feeds(config, store)
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
        states = [state for state in self.store.feeds() if state.disabled_reason is None]
        report = CycleReport()
        done = 0

        async def poll_and_count(state: FeedState) -> None:
            nonlocal done
            await self._poll(state, report)
            done += 1
            if progress:
                progress(done, len(states))

        await asyncio.gather(*(poll_and_count(state) for state in states))
        await self.deliverer.deliver_pending(flush=True)
        return report

    async def tick(self) -> None:
        """Start polls for the feeds that are due and not already being polled."""
        self._last_tick = self._clock()
        touch_heartbeat(self.config.resolved_data_dir())
        free = self.config.poller.concurrency - len(self._in_flight)
        if free <= 0:
            return
        lease = self.config.store.feed_lease
        for state in self.store.claim_due_feeds(self.worker_id, self._clock(), free, lease):
            if state.name in self._in_flight:
                continue
            self._in_flight.add(state.name)
            task = asyncio.create_task(self._poll(state, CycleReport()))
            self._tasks.add(task)
            task.add_done_callback(lambda t, name=state.name: self._finished(t, name))

    def _finished(self, task: asyncio.Task[None], name: str) -> None:
        self._tasks.discard(task)
        self._in_flight.discard(name)
        if not task.cancelled() and task.exception() is not None:
            _LOGGER.error("poll of feed %s crashed", name, exc_info=task.exception())

    async def deliver(self) -> None:
        await self.deliverer.deliver_pending()

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
        """Run the scheduler until `stop` is set, then stop polling and flush the outbox (bounded in time)."""
        scheduler = self._scheduler = AsyncIOScheduler()
        defaults = JOB_DEFAULTS
        scheduler.add_job(self.tick, "interval", seconds=self.config.poller.tick, id="tick", **defaults)
        scheduler.add_job(self.deliver, "interval", seconds=2, id="deliver", **defaults)
        scheduler.add_job(self.housekeeping, "interval", hours=1, id="housekeeping", **defaults)
        scheduler.add_job(self.queue_ops_notices, "interval", seconds=30, id="ops-notices", **defaults)
        self._schedule_digests(scheduler)
        if reload_if_changed is not None and self.config.daemon.reload_on_change:
            scheduler.add_job(reload_if_changed, "interval", seconds=RELOAD_CHECK_SECONDS, id="reload", **defaults)
        scheduler.start()
        await self.tick()
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            self._scheduler = None
            await self._shut_down()

    async def _shut_down(self) -> None:
        """Cancel polls in flight (they are redone on the next start) and send what is due, within the timeout."""
        for task in list(self._tasks):
            task.cancel()
        await self.drain()
        self.store.release_feeds(self.worker_id)  # other workers may poll them at once
        timeout = self.config.daemon.shutdown_timeout
        try:
            report = await asyncio.wait_for(self.deliverer.deliver_pending(), timeout)
        except TimeoutError:
            _LOGGER.warning("shutdown: outbox not flushed within %gs; unsent alerts are sent on the next start", timeout)
        else:
            _LOGGER.info("shutdown: flushed %d alert(s)", report.sent)

    async def drain(self) -> None:
        """Wait for the polls started by `tick` to finish."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _poll(self, state: FeedState, report: CycleReport) -> None:
        edgar = is_edgar_feed(state.url)
        if edgar and self._edgar_blocked:
            return
        async with self._slots:
            result = await self._fetcher.fetch(
                state.url, etag=state.etag, last_modified=state.last_modified, previous_hash=state.body_hash
            )
            report.feeds += 1
            self.metrics.polls.labels(state.name, result.status).inc()
            if result.status == "failed":
                report.failed += 1
                if edgar and result.http_status == 403:
                    self._block_edgar(state.url, report)
                else:
                    self._record_failure(state, result, report)
                return
            if result.status != "changed":
                report.not_modified += 1
                with self.store.transaction():
                    self.store.update_feed(state.name, **self._success_fields(state, result))
                return
            report.changed += 1
            feed = self._feeds.get(state.name)
            tags = tuple(feed.tags) if feed else ()
            parser = parse_edgar if edgar else parse_feed
            parse = functools.partial(parser, result.body or b"", feed=state.name, tags=tags, base_url=state.url)
            parsed = await asyncio.get_running_loop().run_in_executor(self._parse_pool, parse)
            if parsed.problem:
                _LOGGER.warning("feed %s: %s", state.name, parsed.problem)
                report.problems.append(f"{state.name}: {parsed.problem}")
            items = parsed.items
            if edgar and self.config.edgar.fetch_form4 and (state.baseline_done or not self._baseline_for(state.name)):
                items, unread = await self._with_form4_trades(items, report)
                if unread:  # forget the body so the next poll parses it again and retries those Form 4s
                    result = replace(result, body_hash=None, etag=None, last_modified=None)
            self._ingest(state, result, items, report)

    async def _with_form4_trades(self, items: list[NewsItem], report: CycleReport) -> tuple[list[NewsItem], int]:
        """Unseen Form 4s completed from their XML (transaction codes and values), within the EDGAR pace.

        A Form 4 whose XML could not be fetched is left out (not marked seen); the count says how many.
        """
        seen = self.store.seen_keys(key for item in items for key in dedup_keys(item))
        wanted = [i for i, item in enumerate(items) if needs_trades(item.filing) and not seen.intersection(dedup_keys(item))]

        async def complete(index: int) -> None:
            item = items[index]
            url = submission_url(item.filing)
            result = await self._fetcher.fetch(url) if url and not self._edgar_blocked else None
            if result is not None and result.status == "changed":
                items[index] = item.model_copy(update={"filing": with_trades(item.filing, result.body or b"")})
                return
            if result is not None and result.http_status == 403:
                self._block_edgar(url, report)
            elif result is not None:
                _LOGGER.warning("Form 4 %s: cannot read %s: %s", item.filing.accession, url, result.error)
            if url:
                unread.add(index)

        items, unread = list(items), set()
        await asyncio.gather(*(complete(index) for index in wanted))
        return [item for index, item in enumerate(items) if index not in unread], len(unread)

    def _block_edgar(self, url: str, report: CycleReport) -> None:
        """EDGAR answered 403 (undeclared or too fast): stop every EDGAR request and tell the operator what to fix."""
        report.problems.append(f"EDGAR refused {url} with HTTP 403")
        if self._edgar_blocked:
            return
        self._edgar_blocked = (
            f"EDGAR polling stopped: sec.gov refused {url} with HTTP 403, its answer to clients that "
            "do not declare themselves or go faster than 10 requests per second. Set [edgar] user_agent "
            '(or $CATALYST_BOT_SEC_USER_AGENT) to "Your Name you@example.com", keep '
            "[edgar] max_requests_per_second at 10 or less and make sure no other program on this "
            "address polls sec.gov; then change the [edgar] section (the reload resumes polling) or restart."
        )
        _LOGGER.error(self._edgar_blocked)
        self.notify_ops(self._edgar_blocked, f"edgar-403:{self._clock():.0f}")

    def _ingest(self, state: FeedState, result: FetchResult, items: list[NewsItem], report: CycleReport) -> None:
        now = self._clock()
        baseline = not state.baseline_done and self._baseline_for(state.name)
        with self.store.transaction():
            outcome = ingest_items(self.store, self.engine, self.config, items, now, alert=not baseline)
            fields = self._success_fields(state, result)
            fields["baseline_done"] = 1
            if outcome.new_items:
                fields["last_new_item_at"] = now
            self.store.update_feed(state.name, **fields)
        if baseline:
            _LOGGER.info("feed %s: baseline of %d item(s) recorded, no alerts", state.name, outcome.new_items)
        self.metrics.items_seen.labels(state.name).inc(outcome.new_items)
        for _, catalyst in outcome.catalysts:
            self.metrics.catalysts.labels(catalyst.kind).inc()
        report.new_items += outcome.new_items
        report.catalysts += len(outcome.catalysts)
        report.queued += outcome.queued
        report.held_back += outcome.held_back

    def _baseline_for(self, name: str) -> bool:
        feed = self._feeds.get(name)
        if feed is not None and feed.baseline is not None:
            return feed.baseline
        return self.config.poller.baseline

    def _next_poll(self, state: FeedState) -> float:
        jitter = self.config.poller.jitter
        return self._clock() + state.interval_s * (1 + self._rng.uniform(-jitter, jitter))

    def _success_fields(self, state: FeedState, result: FetchResult) -> dict[str, object]:
        fields: dict[str, object] = {
            "failures": 0,
            "last_error": None,
            "last_polled_at": self._clock(),
            "next_poll_at": self._next_poll(state),
        }
        if result.status != "not_modified":
            fields.update(body_hash=result.body_hash, etag=result.etag, last_modified=result.last_modified)
        return fields

    def _record_failure(self, state: FeedState, result: FetchResult, report: CycleReport) -> None:
        poller = self.config.poller
        failures = state.failures + 1
        error = result.error or "unknown error"
        fields: dict[str, object] = {
            "failures": failures,
            "last_error": error,
            "last_polled_at": self._clock(),
            "next_poll_at": self._clock()
            + backoff_delay(failures, base=poller.backoff_base, cap=poller.backoff_cap, rng=self._rng),
        }
        if failures >= poller.max_failures:
            fields["disabled_reason"] = f"disabled after {failures} consecutive failures; last: {error}"
        notice = (
            f"feed {state.name} ({state.url}) {fields['disabled_reason']}. "
            f"Fix it, then run `catalyst-bot feeds enable {state.name}`."
            if "disabled_reason" in fields
            else None
        )
        with self.store.transaction():  # the notice is queued with the state change, or not at all
            self.store.update_feed(state.name, **fields)
            queued = notice is not None and queue_ops_notice(
                self.store, self.config, notice, f"disabled:{state.name}:{self._clock():.0f}", self._clock()
            )
        _LOGGER.warning("feed %s failed (%d in a row): %s", state.name, failures, error, extra={"feed": state.name})
        report.problems.append(f"{state.name}: {error}")
        if notice is not None:
            _LOGGER.error(notice, extra={"feed": state.name})
            if not queued:
                self._on_notice(notice)
