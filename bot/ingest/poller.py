"""Poll one feed: fetch, parse (in-process or in the pool), and queue its state and items for the next store batch."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace

from bot.alerts.intake import Detect, decision_locks, dedup_keys, ingest_items
from bot.clock import Clock
from bot.config import BotConfig, FeedConfig
from bot.ingest.edgar import parse_edgar
from bot.ingest.edgar_form4 import needs_trades, submission_url, with_trades
from bot.ingest.edgar_urls import is_edgar_feed
from bot.ingest.fetch import Fetcher, FetchResult
from bot.ingest.parsepool import parse_body
from bot.models import NewsItem
from bot.ops.metrics import Metrics
from bot.ops.notices import queue_ops_notice
from bot.retry import backoff_delay
from bot.store.batch import WriteBatcher
from bot.store.database import Store
from bot.store.records import FeedState
from rules.engine import RuleEngine

_LOGGER = logging.getLogger(__name__)

NoticeHook = Callable[[str], None]
OpsHook = Callable[[str, str], None]  # (message, dedup key): tell the operator once


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


class FeedPoller:
    """Polls a feed and returns its next state; every store write goes through the batcher.

    EDGAR feeds are parsed as filings, their Form 4s completed from the filing's XML, and a 403
    stops all EDGAR polling (`edgar_blocked` says why) until the `[edgar]` settings change.
    """

    def __init__(
        self,
        config: BotConfig,
        engine: RuleEngine,
        feeds: list[FeedConfig],
        fetcher: Fetcher,
        store: Store,
        batcher: WriteBatcher,
        metrics: Metrics,
        *,
        clock: Clock,
        rng: random.Random,
        parse_pool: Executor | None,
        on_notice: NoticeHook,
        notify_ops: OpsHook,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.use(config, engine, feeds)
        self.fetcher = fetcher
        self.edgar_blocked: str | None = None
        self._store = store
        self._batcher = batcher
        self._metrics = metrics
        self._clock = clock
        self._rng = rng
        self._parse_pool = parse_pool
        self._on_notice = on_notice
        self._notify_ops = notify_ops
        self._on_queued = on_queued

    def use(self, config: BotConfig, engine: RuleEngine, feeds: list[FeedConfig]) -> None:
        """Poll with this (validated) config, engine and feed list (watchlist filings included) from now on."""
        self.config = config
        self.engine = engine
        self._feeds = {feed.name: feed for feed in feeds}

    async def poll(self, state: FeedState, report: CycleReport | None = None) -> FeedState:
        """Fetch and process one feed; returns its state for the next poll."""
        report = report if report is not None else CycleReport()
        edgar = is_edgar_feed(state.url)
        if edgar and self.edgar_blocked:
            return replace(state, next_poll_at=self._clock() + state.interval_s)
        result = await self.fetcher.fetch(
            state.url, etag=state.etag, last_modified=state.last_modified, previous_hash=state.body_hash
        )
        report.feeds += 1
        self._metrics.feeds.poll(state.name, result.status)
        if result.status == "failed":
            report.failed += 1
            if edgar and result.http_status == 403:
                self._block_edgar(state.url, report)
                return replace(state, next_poll_at=self._clock() + state.interval_s)
            return self._record_failure(state, result, report)
        fields = self._success_fields(state, result)
        if result.status != "changed":
            report.not_modified += 1
            self._batcher.update_feed(state.name, fields)
            return replace(state, **fields)
        report.changed += 1
        feed = self._feeds.get(state.name)
        tags = tuple(feed.tags) if feed else ()
        body = result.body or b""
        baseline = not state.baseline_done and self._baseline_for(state.name)
        if edgar:
            parsed = parse_edgar(body, feed=state.name, tags=tags, base_url=state.url)
        else:  # a baseline alerts on nothing: its summaries are never read
            parsed = await parse_body(
                self._parse_pool, body, feed=state.name, tags=tags, base_url=state.url, summaries=not baseline
            )
        if parsed.problem:
            _LOGGER.warning("feed %s: %s", state.name, parsed.problem)
            report.problems.append(f"{state.name}: {parsed.problem}")
        items = parsed.items
        if edgar and self.config.edgar.fetch_form4 and not baseline:
            items, unread = await self._with_form4_trades(items, report)
            if unread:  # forget the body so the next poll parses it again and retries those Form 4s
                fields.update(body_hash=None, etag=None, last_modified=None)
        fields["baseline_done"] = 1
        detect = _once_per_item(self.engine.detect)  # for the locks (a shared database) and the intake
        self._batcher.add(
            lambda store: self._ingest(store, state.name, items, fields, baseline, report, detect),
            locks=lambda store: decision_locks(store, detect, self.config, items, alert=not baseline),
        )
        return replace(state, **{**fields, "baseline_done": True})

    async def _with_form4_trades(self, items: list[NewsItem], report: CycleReport) -> tuple[list[NewsItem], int]:
        """Unseen Form 4s completed from their XML (transaction codes and values), within the EDGAR pace.

        A Form 4 whose XML could not be fetched is left out (not marked seen); the count says how many.
        """
        seen = self._store.seen_keys(key for item in items for key in dedup_keys(item))
        wanted = [i for i, item in enumerate(items) if needs_trades(item.filing) and not seen.intersection(dedup_keys(item))]

        async def complete(index: int) -> None:
            item = items[index]
            url = submission_url(item.filing)
            result = await self.fetcher.fetch(url) if url and not self.edgar_blocked else None
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
        if self.edgar_blocked:
            return
        self.edgar_blocked = (
            f"EDGAR polling stopped: sec.gov refused {url} with HTTP 403, its answer to clients that "
            "do not declare themselves or go faster than 10 requests per second. Set [edgar] user_agent "
            '(or $CATALYST_BOT_SEC_USER_AGENT) to "Your Name you@example.com", keep '
            "[edgar] max_requests_per_second at 10 or less and make sure no other program on this "
            "address polls sec.gov; then change the [edgar] section (the reload resumes polling) or restart."
        )
        _LOGGER.error(self.edgar_blocked)
        self._notify_ops(self.edgar_blocked, f"edgar-403:{self._clock():.0f}")

    def _ingest(
        self,
        store: Store,
        name: str,
        items: list[NewsItem],
        fields: dict[str, object],
        baseline: bool,
        report: CycleReport,
        detect: Detect,
    ) -> None:
        now = self._clock()
        outcome = ingest_items(store, detect, self.config, items, now, alert=not baseline)
        if outcome.new_items:
            fields = {**fields, "last_new_item_at": now}
        store.update_feed(name, **fields)
        if baseline:
            _LOGGER.debug("feed %s: baseline of %d item(s) recorded, no alerts", name, outcome.new_items)
        self._metrics.feeds.items_seen(name, outcome.new_items)
        for _, catalyst in outcome.catalysts:
            self._metrics.catalysts.labels(catalyst.kind).inc()
        report.new_items += outcome.new_items
        report.catalysts += len(outcome.catalysts)
        report.queued += outcome.queued
        report.held_back += outcome.held_back
        if outcome.queued:
            self._on_queued()

    def _baseline_for(self, name: str) -> bool:
        feed = self._feeds.get(name)
        if feed is not None and feed.baseline is not None:
            return feed.baseline
        return self.config.poller.baseline

    def _success_fields(self, state: FeedState, result: FetchResult) -> dict[str, object]:
        now = self._clock()
        jitter = self.config.poller.jitter
        fields: dict[str, object] = {
            "failures": 0,
            "last_error": None,
            "last_polled_at": now,
            # up to `jitter` early, never late: polls spread out and no feed waits longer than its interval
            "next_poll_at": now + state.interval_s * (1 - self._rng.uniform(0.0, jitter)),
        }
        if result.status != "not_modified":
            fields.update(body_hash=result.body_hash, etag=result.etag, last_modified=result.last_modified)
        return fields

    def _record_failure(self, state: FeedState, result: FetchResult, report: CycleReport) -> FeedState:
        poller = self.config.poller
        now = self._clock()
        failures = state.failures + 1
        error = result.error or "unknown error"
        fields: dict[str, object] = {
            "failures": failures,
            "last_error": error,
            "last_polled_at": now,
            "next_poll_at": now + backoff_delay(failures, base=poller.backoff_base, cap=poller.backoff_cap, rng=self._rng),
        }
        _LOGGER.warning("feed %s failed (%d in a row): %s", state.name, failures, error, extra={"feed": state.name})
        report.problems.append(f"{state.name}: {error}")
        if failures < poller.max_failures:
            self._batcher.update_feed(state.name, fields)
        else:
            fields["disabled_reason"] = f"disabled after {failures} consecutive failures; last: {error}"
            notice = (
                f"feed {state.name} ({state.url}) {fields['disabled_reason']}. "
                f"Fix it, then run `catalyst-bot feeds enable {state.name}`."
            )
            _LOGGER.error(notice, extra={"feed": state.name})
            # the notice is queued in the same transaction as the state change, or not at all
            self._batcher.add(lambda store: self._disable(store, state.name, fields, notice, now))
        return replace(state, **fields)

    def _disable(self, store: Store, name: str, fields: dict[str, object], notice: str, now: float) -> None:
        store.update_feed(name, **fields)
        if not queue_ops_notice(store, self.config, notice, f"disabled:{name}:{now:.0f}", now):
            self._on_notice(notice)


def _once_per_item(detect: Detect) -> Detect:
    """``detect``, run once per item of one poll however often it is asked (the items outlive the memo)."""
    found: dict[int, list] = {}

    def memo(item: NewsItem) -> list:
        if id(item) not in found:
            found[id(item)] = detect(item)
        return found[id(item)]

    return memo
