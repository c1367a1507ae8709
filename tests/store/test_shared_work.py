"""Work shared between workers on one database: feed claims, job leases, rate buckets and `db copy`, on each engine."""

from __future__ import annotations

import pytest

from bot.cli.main import main
from bot.config import RateLimitConfig
from bot.delivery.ratelimit import ChannelRateLimiter
from bot.models import Alert
from bot.store.batch import WriteBatcher
from bot.store.database import Store
from tests.store.test_store import NOW, make_catalyst, make_item


def test_a_due_feed_is_claimed_by_one_worker_until_its_poll_ends_or_its_lease_runs_out(open_store):
    first, second = open_store(), open_store()
    first.sync_feeds([(name, f"https://x/{name}", 60) for name in "ab"], NOW)
    assert [first.claim_feed(name, "w1", NOW, lease=30).name for name in "ab"] == ["a", "b"]
    assert second.claim_feed("a", "w2", NOW, lease=30) is None
    with first.transaction():
        first.update_feed("a", next_poll_at=NOW + 60)
    # w1 died holding b: once the lease ends, w2 takes it; a polled feed waits for its interval.
    assert second.claim_feed("b", "w2", NOW + 29, lease=30) is None
    assert second.claim_feed("b", "w2", NOW + 31, lease=30).name == "b"
    assert second.claim_feed("a", "w2", NOW + 31, lease=30) is None
    assert second.claim_feed("a", "w2", NOW + 60, lease=30).name == "a"


def test_a_poll_written_in_a_batch_releases_its_claim_so_a_feed_faster_than_the_lease_stays_on_time(open_store):
    store = open_store()
    store.sync_feeds([("fast", "https://x/fast", 10)], NOW)
    assert store.claim_feed("fast", "w1", NOW, lease=30)
    batcher = WriteBatcher(store)
    batcher.update_feed("fast", {"etag": '"e1"', "next_poll_at": NOW + 10})
    batcher.flush()
    assert open_store().claim_feed("fast", "w2", NOW + 10, lease=30).etag == '"e1"'


def test_a_worker_renews_the_claims_of_its_polls_in_flight_but_not_those_it_already_lost(open_store):
    first, second = open_store(), open_store()
    first.sync_feeds([(name, f"https://x/{name}", 60) for name in "ab"], NOW)
    first.claim_feed("a", "w1", NOW, lease=30)
    first.claim_feed("b", "w1", NOW, lease=30)
    with first.transaction():
        first.update_feed("b", next_poll_at=NOW + 60)  # b's poll ended: nothing to renew
    assert first.renew_feed_claims("w1", NOW + 20, lease=30) == 1
    assert second.claim_feed("a", "w2", NOW + 40, lease=30) is None
    # w1 stalled past its renewed lease: w2 takes the feed, and w1's late renewal leaves it alone.
    assert second.claim_feed("a", "w2", NOW + 51, lease=30).name == "a"
    assert first.renew_feed_claims("w1", NOW + 52, lease=30) == 0
    assert first.claim_feed("a", "w1", NOW + 60, lease=30) is None


def test_a_sender_holding_an_old_read_of_an_alert_does_not_claim_it_once_another_tried_it(open_store):
    first, second = open_store(), open_store()
    with first.transaction():
        first.enqueue(make_alert(), "slack:#desk", NOW)
    (read_early,) = first.pending_deliveries(NOW)
    taken = second.claim(read_early, NOW, 30)
    second.mark_retry(read_early.id, "HTTP 502 after the post may have landed", NOW, taken.claim)
    assert first.claim(read_early, NOW, 30) is None, "its attempts say 0: its resend would not check"
    (fresh,) = first.pending_deliveries(NOW)
    assert fresh.attempts == 1 and first.claim(fresh, NOW, 30) is not None


def test_a_job_lease_has_one_holder_until_it_expires(open_store):
    first, second = open_store(), open_store()
    assert first.acquire_lease("digests", "w1", NOW, ttl=90)
    assert not second.acquire_lease("digests", "w2", NOW + 10, ttl=90)
    assert first.acquire_lease("digests", "w1", NOW + 60, ttl=90)
    assert not second.acquire_lease("digests", "w2", NOW + 100, ttl=90)
    assert second.acquire_lease("digests", "w2", NOW + 151, ttl=90)
    assert not first.acquire_lease("digests", "w1", NOW + 152, ttl=90)
    second.release_lease("digests", "w2")
    assert first.acquire_lease("digests", "w1", NOW + 153, ttl=90)


def test_workers_share_one_token_bucket_per_channel(open_store):
    clock_now = [NOW]
    limit = RateLimitConfig(per_second=1.0, burst=2)
    limiters = [ChannelRateLimiter(lambda: clock_now[0], lambda channel: limit, shared=open_store()) for _ in range(3)]
    waits = [limiter.wait_time("slack:#desk") for limiter in limiters]
    assert waits == [0.0, 0.0, 1.0]
    clock_now[0] = NOW + 1
    assert limiters[2].wait_time("slack:#desk") == 0.0
    assert limiters[0].wait_time("slack:#desk") == 1.0


def make_alert(item_id: str = "wire-1") -> Alert:
    return Alert.from_catalyst(make_item(id=item_id), make_catalyst(), "BABA")


def test_db_copy_moves_history_mutes_and_pending_alerts(open_store, store_url, tmp_path, capsys):
    source_url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    source = Store(source_url)
    source.sync_feeds([("wire", "https://x/wire", 60)], NOW)
    with source.transaction():
        source.mark_seen(["id:wire:1"], "wire", NOW)
        source.record_catalyst(make_item(), make_catalyst(), NOW)
        pending = source.enqueue(make_alert(), "slack:#desk", NOW)
    mute = source.add_mute("BABA", None, NOW, NOW + 3600, "ana", "earnings week")
    source.watch("NVDA", "ana", NOW)
    source.close()
    assert main(["db", "copy", source_url, store_url]) == 0
    target = open_store()
    assert "outbox: 1 row(s)" in capsys.readouterr().out
    assert target.seen_keys(["id:wire:1", "id:wire:2"]) == {"id:wire:1"}
    assert [c.title for c in target.catalysts_for("BABA", NOW)] == [make_item().title]
    assert [d.id for d in target.pending_deliveries(NOW)] == [pending]
    assert target.active_mutes(NOW) == [mute]
    assert target.watched_tickers() == ["NVDA"]
    assert target.feed("wire").url == "https://x/wire"
    with target.transaction():
        assert target.enqueue(make_alert(item_id="wire-2"), "slack:#desk", NOW) == pending + 1
    # A second copy into the now-filled target is refused and changes nothing.
    assert main(["db", "copy", source_url, store_url]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert target.table_counts()["outbox"] == 2


def test_a_stopping_worker_releases_its_claims(open_store):
    store = open_store()
    store.sync_feeds([("a", "https://x/a", 60), ("b", "https://x/b", 60)], NOW)
    assert all(store.claim_feed(name, "w1", NOW, lease=30) for name in "ab")
    store.release_feeds("w1")
    assert all(store.claim_feed(name, "w2", NOW + 1, lease=30) for name in "ab")


def test_cluster_gauges_count_due_and_claimed_feeds_and_the_lag(open_store):
    store = open_store()
    store.sync_feeds([("a", "https://x/a", 60), ("b", "https://x/b", 60), ("c", "https://x/c", 60)], NOW)
    with store.transaction():
        store.update_feed("c", next_poll_at=NOW + 100)
    store.claim_feed("a", "w1", NOW + 5, lease=30)
    assert store.cluster_gauges(NOW + 10) == {"due_feeds": 2, "claimed_feeds": 1, "poll_lag_seconds": 10.0}


def test_a_lost_postgresql_connection_fails_the_health_check_then_reconnects(store_url):
    if not store_url.startswith("postgresql"):
        pytest.skip("a SQLite file has no connection to lose")
    import psycopg

    store = Store(store_url)
    try:
        assert store.check_writable() is None
        pid = store._db.execute("SELECT pg_backend_pid()").fetchone()[0]
        with psycopg.connect(store_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        problem = store.check_writable()
        assert problem is not None and "terminat" in problem
        assert store.check_writable() is None
    finally:
        store.close()


def test_a_worker_whose_feed_set_differs_from_the_shared_databases_says_how(open_store, store_url, caplog):
    from bot.app import CatalystBot
    from bot.config import BotConfig

    store = open_store()
    store.sync_feeds([("wire", "https://x/wire", 300), ("desk", "https://x/desk", 300)], NOW)
    config = BotConfig.model_validate({"feeds": [{"name": "wire", "url": "https://x/wire"}, {"name": "new", "url": "https://x/new"}]})
    CatalystBot.sync_feeds(config, store, config.feeds, NOW)
    warned = "this config's feeds differ from the shared database's: 1 added, 1 removed, 0 changed"
    assert (warned in caplog.text) == store_url.startswith("postgresql")  # one process per SQLite file: nothing to warn
    assert [feed.name for feed in store.feeds()] == ["new", "wire"]
