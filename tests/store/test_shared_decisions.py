"""Two workers ingesting at once on PostgreSQL: different stories go ahead side by side, one story is decided once."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from bot.alerts.intake import decision_locks, ingest_items
from bot.config import BotConfig
from bot.models import NewsItem
from bot.store.batch import WriteBatcher
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.store.test_store import NOW

CONFIG = BotConfig.model_validate({"routes": [{"receiver": "console", "group_wait": 60}]})
TESLA = NewsItem(id="t1", feed="wire", title="Tesla (NASDAQ: TSLA) shares rise 9% after deliveries beat", link="https://a.example/t1")
TESLA_ELSEWHERE = NewsItem(
    id="t2", feed="desk", title="Tesla (NASDAQ: TSLA) shares rise 9% as deliveries top forecasts", link="https://b.example/t2"
)
APPLE = NewsItem(id="a1", feed="desk", title="Apple (NASDAQ: AAPL) shares rise 7% after record iPhone sales", link="https://b.example/a1")


def ingest(store: Store, engine: RuleEngine, item: NewsItem, then=lambda: None) -> None:
    """One worker's batch: the item's intake, holding its locks, then `then()` before the transaction ends."""

    def write(target: Store) -> None:
        ingest_items(target, engine.detect, CONFIG, [item], NOW, alert=True)
        then()

    WriteBatcher(store).add(write, locks=lambda target: decision_locks(target, engine.detect, CONFIG, [item], alert=True))


def waiting_for_a_lock(server_url: str, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    with psycopg.connect(server_url, autocommit=True) as admin:
        while time.monotonic() < deadline:
            if admin.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def test_different_stories_are_decided_side_by_side_and_one_story_once(open_store, store_url):
    if not store_url.startswith("postgresql"):
        pytest.skip("a SQLite database has one writer at a time")
    engine = RuleEngine.from_settings(CONFIG.rules)
    first, second, third = open_store(), open_store(), open_store()
    inside, finish = threading.Event(), threading.Event()
    holder = threading.Thread(target=ingest, args=(first, engine, TESLA, lambda: (inside.set(), finish.wait(30))))
    holder.start()
    try:
        assert inside.wait(10)
        # While the first worker's transaction is open, another story goes through...
        apple = threading.Thread(target=ingest, args=(second, engine, APPLE))
        apple.start()
        apple.join(10)
        assert not apple.is_alive()
        # ...and another outlet's report of the same story waits for the first worker's decision.
        tesla = threading.Thread(target=ingest, args=(third, engine, TESLA_ELSEWHERE))
        tesla.start()
        assert waiting_for_a_lock(store_url)
    finally:
        finish.set()
        holder.join(10)
    tesla.join(10)
    rows = [(entry.alert.item_id, entry.status, entry.reason) for entry in first.outbox_entries()]
    head = next(entry.id for entry in first.outbox_entries() if entry.alert.item_id == "t1")
    assert sorted(rows) == [("a1", "pending", None), ("t1", "pending", None), ("t2", "grouped", f"grouped into #{head}")]
