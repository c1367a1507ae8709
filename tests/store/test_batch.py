"""Batched store writes: many polls' feed states in one transaction, a bad write losing only itself."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.batch import WriteBatcher
from bot.store.database import Store

NOW = 1_750_000_000.0


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    store.sync_feeds([(name, f"http://feeds.test/{name}", 60.0) for name in "abc"], NOW)
    yield store
    store.close()


def count_transactions(store: Store) -> list[str]:
    begun: list[str] = []
    store._db._db.set_trace_callback(lambda sql: begun.append(sql) if sql.startswith("BEGIN") else None)  # noqa: SLF001
    return begun


async def test_writes_wait_for_the_batch_to_fill_then_land_in_one_transaction(store):
    batcher = WriteBatcher(store, max_rows=3, max_delay=60)
    begun = count_transactions(store)
    batcher.update_feed("a", {"etag": '"a1"', "next_poll_at": NOW + 60})
    batcher.update_feed("b", {"etag": '"b1"', "next_poll_at": NOW + 61})
    assert store.feed("a").etag is None and begun == []
    batcher.add(lambda s: s.mark_seen(["id:c:1"], "c", NOW))
    assert (store.feed("a").etag, store.feed("b").etag, store.feed("b").next_poll_at) == ('"a1"', '"b1"', NOW + 61)
    assert store.seen_keys(["id:c:1"]) == {"id:c:1"}
    assert len(begun) == 1


async def test_later_updates_of_a_feed_win_within_a_batch(store):
    batcher = WriteBatcher(store)
    batcher.update_feed("a", {"etag": '"old"', "failures": 0})
    batcher.update_feed("a", {"etag": '"new"'})
    batcher.flush()
    assert (store.feed("a").etag, store.feed("a").failures) == ('"new"', 0)


async def test_a_failing_write_is_dropped_and_the_rest_of_its_batch_lands(store, caplog):
    batcher = WriteBatcher(store)
    batcher.update_feed("a", {"etag": '"a1"'})
    batcher.add(lambda s: s.update_feed("b", no_such_column=1))
    batcher.update_feed("c", {"etag": '"c1"'})
    batcher.flush()
    assert (store.feed("a").etag, store.feed("c").etag) == ('"a1"', '"c1"')
    assert "a store write failed and was dropped" in caplog.text


async def test_in_the_event_loop_a_batch_is_written_after_its_delay(store):
    batcher = WriteBatcher(store, max_delay=0.01)
    batcher.update_feed("a", {"etag": '"a1"'})
    assert store.feed("a").etag is None
    await asyncio.sleep(0.05)
    assert store.feed("a").etag == '"a1"'


def test_without_an_event_loop_writes_land_at_once(store):
    WriteBatcher(store).update_feed("a", {"etag": '"a1"'})
    assert store.feed("a").etag == '"a1"'
