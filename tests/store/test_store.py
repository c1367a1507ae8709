"""The store on each engine: migrations, feed sync, seen keys, history and the outbox survive reopening."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from bot.errors import StoreError
from bot.models import Alert, Catalyst, NewsItem
from bot.store.database import MIGRATIONS, Store

NOW = 1_750_000_000.0


def make_item(**overrides) -> NewsItem:
    values = dict(
        id="wire-1",
        title="Alibaba shares rise 8.1%",
        link="https://example.com/a",
        published=datetime(2025, 7, 15, 20, 5, tzinfo=UTC),
        feed="wire",
    )
    return NewsItem(**(values | overrides))


def make_catalyst(**overrides) -> Catalyst:
    values = dict(kind="price_move", tickers=("BABA",), rule="price-move", direction="positive", evidence=("rose 8.1%",))
    return Catalyst(**(values | overrides))


def test_new_store_is_migrated_to_the_latest_version(open_store):
    assert open_store().schema_version == len(MIGRATIONS)
    assert open_store().migrate() == []


def test_sqlite_store_uses_wal(tmp_path):
    Store(tmp_path / "s.sqlite3").close()
    mode = sqlite3.connect(tmp_path / "s.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_store_from_a_newer_version_is_refused(open_store, store_url):
    store = open_store()
    store.migrate()
    with store.transaction():
        store._db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="schema version 99, newer than"):
        Store(store_url)


def test_sync_feeds_adds_updates_and_drops(open_store):
    store = open_store()
    store.sync_feeds([("a", "https://x/a", 60), ("b", "https://x/b", 60)], NOW)
    with store.transaction():
        store.update_feed("a", etag='"v1"', failures=3)
    store.sync_feeds([("a", "https://x/a", 120), ("c", "https://x/c", 60)], NOW + 5)
    feeds = {feed.name: feed for feed in store.feeds()}
    assert set(feeds) == {"a", "c"}
    assert feeds["a"].etag == '"v1"' and feeds["a"].interval_s == 120
    store.sync_feeds([("a", "https://y/a", 120)], NOW + 10)
    moved = store.feed("a")
    assert moved.etag is None and moved.failures == 0 and moved.next_poll_at == NOW + 10


def test_only_due_enabled_feeds_can_be_claimed(open_store):
    store = open_store()
    store.sync_feeds([("a", "u", 60), ("b", "u", 60), ("c", "u", 60)], NOW)
    with store.transaction():
        store.update_feed("b", next_poll_at=NOW + 100)
        store.update_feed("c", disabled_reason="broken")
    assert [name for name in "abc" if store.claim_feed(name, "w1", NOW, lease=30)] == ["a"]
    assert store.enable_feed("c", NOW)
    assert store.claim_feed("c", "w1", NOW, lease=30).name == "c"


def test_seen_keys_persist_across_reopen(open_store):
    store = open_store()
    with store.transaction():
        store.mark_seen(["id:wire:1", "title:alibaba"], "wire", NOW)
    store.close()
    store = open_store()
    assert store.seen_keys(["id:wire:1", "id:wire:2", "title:alibaba"]) == {"id:wire:1", "title:alibaba"}
    assert store.forget_seen_before(NOW + 1, prefix="title:") == 1
    assert store.seen_keys(["id:wire:1", "title:alibaba"]) == {"id:wire:1"}


def test_catalyst_history_is_per_ticker_newest_first(open_store):
    store = open_store()
    with store.transaction():
        store.record_catalyst(make_item(), make_catalyst(tickers=("BABA", "NVDA")), NOW)
        store.record_catalyst(make_item(id="wire-2", title="later"), make_catalyst(kind="52_week_high"), NOW + 60)
    history = store.catalysts_for("baba", since=NOW - 1)
    assert [(c.kind, c.title) for c in history] == [("52_week_high", "later"), ("price_move", "Alibaba shares rise 8.1%")]
    assert history[1].evidence == ("rose 8.1%",)
    assert history[1].published == datetime(2025, 7, 15, 20, 5, tzinfo=UTC)
    assert [c.kind for c in store.catalysts_for("NVDA", since=NOW - 1)] == ["price_move"]
    assert store.catalysts_for("BABA", since=NOW + 30)[0].title == "later"


def test_outbox_enqueues_once_and_tracks_delivery(open_store):
    store = open_store()
    alert = Alert.from_catalyst(make_item(), make_catalyst(), "BABA")
    with store.transaction():
        assert store.enqueue(alert, "console", NOW)
        assert not store.enqueue(alert, "console", NOW)
        assert store.enqueue(alert, "slack:#desk", NOW)
    pending = store.pending_deliveries(NOW)
    assert [(d.receiver, d.alert) for d in pending] == [("console", alert), ("slack:#desk", alert)]
    store.mark_sent(pending[0].id, "m-1", NOW + 1)
    store.mark_retry(pending[1].id, "HTTP 500", NOW + 30)
    assert [d.receiver for d in store.pending_deliveries(NOW + 1)] == []
    assert [d.attempts for d in store.pending_deliveries(NOW + 30)] == [1]
    store.mark_given_up(pending[1].id, "gave up")
    assert store.outbox_counts() == {"sent": 1, "failed": 1}


def test_transaction_rolls_back_on_error(open_store):
    store = open_store()
    with pytest.raises(RuntimeError), store.transaction():
        store.mark_seen(["k"], "wire", NOW)
        raise RuntimeError("crash mid-batch")
    assert store.seen_keys(["k"]) == set()


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot"):
        Store(blocker / "sub" / "s.sqlite3")
