"""Prometheus metrics of one bot instance, in a registry of its own."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.store.database import Store

_LAG_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 300)
_LATENCY_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600)
# Outbox statuses as the alerts counter reports them.
_OUTCOMES = {
    "sent": "sent",
    "failed": "failed",
    "muted": "suppressed",
    "held": "suppressed",
    "digested": "suppressed",
    "grouped": "suppressed",
    "cooldown": "suppressed",
}

_CLUSTER_GAUGES = {
    "due_feeds": "Feeds due for a poll now, across all workers",
    "claimed_feeds": "Due feeds a worker is polling now",
    "poll_lag_seconds": "How long the most overdue feed has been due",
}


class Metrics:
    """Counters and histograms the poller, pipeline and sender update; `render()` is `/metrics`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.feeds = FeedCounters()
        self.registry.register(self.feeds)
        self.catalysts = Counter("catalyst_bot_catalysts", "Catalysts found", ["kind"], registry=self.registry)
        self.delivery_latency = Histogram(
            "catalyst_bot_delivery_latency_seconds",
            "From queueing an alert to the chat API accepting it",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.publish_to_post = Histogram(
            "catalyst_bot_publish_to_post_seconds",
            "From the item's published time to its alert being posted",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.poll_lag = Histogram(
            "catalyst_bot_poll_lag_seconds",
            "From a feed's due time to the start of its poll",
            buckets=_LAG_BUCKETS,
            registry=self.registry,
        )
        self.feed_claims = Counter(
            "catalyst_bot_feed_claims",
            "Claims of due feeds on a shared database, by whether this worker won them",
            ["result"],
            registry=self.registry,
        )
        self.poll_lag_p95 = Gauge(
            "catalyst_bot_poll_lag_p95_seconds", "p95 poll lag over the last check window", registry=self.registry
        )

    def watch_outbox(self, store: Store) -> None:
        """Report alert outcomes and outbox depth from the store itself, so they survive restarts."""
        self.registry.register(_OutboxCollector(store))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class FeedCounters(Collector):
    """Per-feed poll and new-item counts in plain dicts: a labelled Counter child costs ~640 bytes a series
    (~90 MiB for 50,000 feeds with two outcomes and an item count each), a dict entry ~140."""

    def __init__(self) -> None:
        self._polls: dict[tuple[str, str], int] = {}
        self._items: dict[str, int] = {}

    def poll(self, feed: str, outcome: str) -> None:
        key = (feed, outcome)
        self._polls[key] = self._polls.get(key, 0) + 1

    def items_seen(self, feed: str, count: int) -> None:
        self._items[feed] = self._items.get(feed, 0) + count

    def collect(self) -> Iterator[CounterMetricFamily]:
        polls = CounterMetricFamily("catalyst_bot_polls", "Feed polls by outcome", labels=["feed", "outcome"])
        for (feed, outcome), count in list(self._polls.items()):
            polls.add_metric([feed, outcome], count)
        yield polls
        items = CounterMetricFamily("catalyst_bot_items_seen", "New items seen", labels=["feed"])
        for feed, count in list(self._items.items()):
            items.add_metric([feed], count)
        yield items


class _OutboxCollector(Collector):
    def __init__(self, store: Store) -> None:
        self._store = store

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        alerts = CounterMetricFamily(
            "catalyst_bot_alerts", "Alerts by receiver and outcome (sent, suppressed, failed)", labels=["receiver", "outcome"]
        )
        totals: dict[tuple[str, str], int] = {}
        depth = 0
        for receiver, status, count in self._store.outbox_counts_by_receiver():
            if status in ("pending", "sending"):
                depth += count
            elif status in _OUTCOMES:
                key = (receiver, _OUTCOMES[status])
                totals[key] = totals.get(key, 0) + count
        for (receiver, outcome), count in sorted(totals.items()):
            alerts.add_metric([receiver, outcome], count)
        yield alerts
        yield GaugeMetricFamily("catalyst_bot_outbox_depth", "Alerts waiting to be sent", value=depth)
        # Figures for the whole database, the same on every worker sharing it.
        by_status = GaugeMetricFamily("catalyst_bot_outbox_rows", "Outbox rows by status", labels=["status"])
        for status, count in sorted(self._store.outbox_counts().items()):
            by_status.add_metric([status], count)
        yield by_status
        for name, value in self._store.cluster_gauges(time.time()).items():
            yield GaugeMetricFamily(f"catalyst_bot_{name}", _CLUSTER_GAUGES[name], value=value)
