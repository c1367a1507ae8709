"""Feeds shared out by rendezvous hashing over the live workers of one PostgreSQL database: each due feed is
tried by one worker only, and a worker whose heartbeat runs out hands its feeds to the others."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from bot.app import CatalystBot
from bot.clock import ManualClock
from bot.config import load_config
from bot.ingest.ownership import owner
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.feedserver import ORDINARY_NEWS, rss
from tests.postgres import fresh_schema_url

FEEDS = [f"f{n}" for n in range(30)]
INTERVAL = 60
LEASE = 30


class CountingStore(Store):
    """A real store that remembers which worker tried to claim which feed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.claims: list[tuple[str, str]] = []

    def claim_feed(self, name: str, worker: str, now: float, lease: float):
        self.claims.append((name, worker))
        return super().claim_feed(name, worker, now, lease)


def test_a_workers_leaving_moves_only_its_own_feeds():
    before = {feed: owner(feed, ["a", "b", "c"]) for feed in FEEDS}
    after = {feed: owner(feed, ["b", "c"]) for feed in FEEDS}
    assert set(before.values()) == {"a", "b", "c"}
    assert {feed: worker for feed, worker in after.items() if before[feed] != "a"} == {
        feed: worker for feed, worker in before.items() if worker != "a"
    }


async def round_of_polls(bots: list[CatalystBot], stores: list[CountingStore]) -> dict[str, list[str]]:
    """Let each bot start its due feeds and finish the polls; returns who tried to claim each feed."""
    for store in stores:
        store.claims.clear()
    for bot in bots:
        await bot.tick()
        await bot.drain()
    tried: dict[str, list[str]] = defaultdict(list)
    for store in stores:
        for name, worker in store.claims:
            tried[name].append(worker)
    return tried


@contextmanager
def three_workers(tmp_path, feed_url: str, http_session) -> Iterator[tuple[list[CatalystBot], list[CountingStore], ManualClock]]:
    """Three workers on one fresh PostgreSQL schema, each with its own store, sharing FEEDS and a clock."""
    with fresh_schema_url() as store_url:
        config_path = tmp_path / "bot.toml"
        lines = [
            f"data_dir = '{tmp_path}'", "[poller]", "jitter = 0", "baseline = false",
            "[store]", f"url = '{store_url}'", f"feed_lease = {LEASE}",
        ]
        for name in FEEDS:
            lines += ["[[feeds]]", f"name = '{name}'", f"url = '{feed_url}?{name}'", f"interval = {INTERVAL}"]
        config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        config = load_config(config_path)
        engine = RuleEngine.from_settings(config.rules)
        clock = ManualClock()
        stores = [CountingStore(store_url) for _ in range(3)]
        try:
            bots = [CatalystBot(config, store, engine, {}, http_session, clock=clock) for store in stores]
            for bot in bots + bots:  # every worker's heartbeat written, then every worker sees all three
                bot.renew_claims()
            clock.advance(INTERVAL)  # every feed due (a first start spreads them over one interval)
            yield bots, stores, clock
        finally:
            for store in stores:
                store.close()


async def test_three_live_workers_each_try_their_own_feeds_and_a_dead_workers_feeds_move_to_the_others(
    tmp_path, feed_server, http_session
):
    url = feed_server.feed("/news.xml", rss(ORDINARY_NEWS))
    with three_workers(tmp_path, url, http_session) as (bots, stores, clock):
        first = await round_of_polls(bots, stores)
        assert set(first) == set(FEEDS)
        assert all(len(workers) == 1 for workers in first.values()), first
        assert {workers[0] for workers in first.values()} == {bot.worker_id for bot in bots}
        assert all(stores[0].feed(name).last_polled_at == clock() for name in FEEDS)

        # The first worker dies: the others keep renewing their heartbeats, its own runs out after the lease.
        clock.advance(INTERVAL)
        for bot in bots[1:] + bots[1:]:
            bot.renew_claims()
        second = await round_of_polls(bots[1:], stores[1:])
    dead = bots[0].worker_id
    assert set(second) == set(FEEDS)
    assert all(len(workers) == 1 for workers in second.values()), second
    assert {workers[0] for workers in second.values()} == {bot.worker_id for bot in bots[1:]}
    # A survivor keeps the feeds it had; only the dead worker's feeds changed hands.
    assert {name: first[name] for name in FEEDS if first[name] != [dead]} == {
        name: second[name] for name in FEEDS if first[name] != [dead]
    }


async def test_a_worker_that_dies_just_before_its_polls_has_them_taken_over_once_its_heartbeat_ends(
    tmp_path, feed_server, http_session
):
    url = feed_server.feed("/news.xml", rss(ORDINARY_NEWS))
    with three_workers(tmp_path, url, http_session) as (bots, stores, clock):
        first = await round_of_polls(bots, stores)
        dead = bots[0].worker_id
        its_feeds = {name for name, workers in first.items() if workers == [dead]}
        clock.advance(INTERVAL)  # all due again: the first worker renews its heartbeat, then dies unpolled
        for bot in bots:
            bot.renew_claims()
        passed_over = await round_of_polls(bots[1:], stores[1:])
        assert its_feeds and its_feeds.isdisjoint(passed_over)
        clock.advance(LEASE + 1)  # its heartbeat has run out: the survivors see it at their next renewal
        for bot in bots[1:]:
            bot.renew_claims()
        taken_over = await round_of_polls(bots[1:], stores[1:])
    assert set(taken_over) == its_feeds, "polled now, not an interval after they were passed over"
