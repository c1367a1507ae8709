"""Fault injection: 500s, 429 with Retry-After, hangs, a 404, and a sender killed with SIGKILL between send and mark."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

from bot.store.database import Store
from tests.fakes.alertkit import make_alert
from tests.fakes.chatfake import (
    ACCEPT_THEN_HANG,
    FAIL,
    GONE,
    HANG,
    RATE_LIMIT,
    RETRY_AFTER,
    FakeChat,
)
from tests.fakes.delivery_worker import SEND_TIMEOUT
from tests.paths import REPO

CHANNELS = ("#markets", "#chips", "#china")
SCRIPTS = {
    "story 3": [FAIL, FAIL],  # two 500s, then accepted
    "story 5": [RATE_LIMIT],  # 429 Retry-After: 1, then accepted
    "story 8": [HANG],  # no answer: the sender times out and retries
    "story 10": [ACCEPT_THEN_HANG],  # posted, but the sender dies before it can mark it sent
    "story 12": [FAIL] * 1000,  # never accepted: given up after the give-up time
}
GONE_TITLE = "story for a deleted channel"


async def start_worker(store_path: Path, url: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.delivery_worker", str(store_path), url, cwd=REPO
    )


async def test_every_alert_is_delivered_exactly_once_or_given_up_with_the_reason(tmp_path):
    store_path = tmp_path / "outbox.sqlite3"
    store = Store(store_path)
    now = time.time()
    with store.transaction():
        for n in range(30):
            alert = make_alert(f"T{n}", item=f"item-{n}", title=f"story {n}")
            store.enqueue(alert, f"slack:{CHANNELS[n % 3]}", now)
        store.enqueue(make_alert("GONE", item="gone", title=GONE_TITLE), "slack:#deleted", now)
    async with FakeChat({title: list(steps) for title, steps in SCRIPTS.items()} | {GONE_TITLE: [GONE]}) as chat:
        worker = await start_worker(store_path, chat.url)
        await asyncio.wait_for(chat.accepted_then_hung.wait(), 20)
        worker.send_signal(signal.SIGKILL)
        assert await worker.wait() == -signal.SIGKILL
        killed_mid_batch = store.outbox_counts()
        assert killed_mid_batch.get("sending", 0) >= 1 and killed_mid_batch.get("pending", 0) >= 1

        restarted = await start_worker(store_path, chat.url)
        assert await asyncio.wait_for(restarted.wait(), 60) == 0

    entries = store.outbox_entries()
    store.close()
    statuses = {entry.alert.title: entry.status for entry in entries}
    reasons = {entry.alert.title: entry.reason for entry in entries}
    failed = {title for title, status in statuses.items() if status == "failed"}
    assert failed == {"story 12", GONE_TITLE}
    assert set(statuses.values()) == {"sent", "failed"}
    assert reasons["story 12"].startswith("gave up after") and "HTTP 500" in reasons["story 12"]
    assert reasons[GONE_TITLE].startswith("permanent error: HTTP 404")

    # Exactly once: one message per sent alert, and each shown message belongs to one outbox row.
    shown = chat.by_key()
    assert len(chat.messages) == len(shown) == 29
    sent = [entry for entry in entries if entry.status == "sent"]
    assert sorted(m.title for m in chat.messages) == sorted(entry.alert.title for entry in sent)
    assert {entry.message_id for entry in sent} == {m.id for m in chat.messages}
    assert [m.channel for m in chat.messages if m.title == "story 4"] == ["chips"]

    # The story posted just before the kill was sent again after the restart, with the same key,
    # and the platform answered with the original message instead of posting a second one.
    killed = next(m for m in chat.messages if m.title == "story 10")
    assert chat.requests[killed.key] == 2
    assert next(e.message_id for e in sent if e.alert.title == "story 10") == killed.id

    # Retry-After was honoured, and the hang was cut off by the send timeout.
    rate_limited = next(m for m in chat.messages if m.title == "story 5").key
    first, second = chat.attempts_at[rate_limited][:2]
    assert second - first >= RETRY_AFTER * 0.95
    hung = next(m for m in chat.messages if m.title == "story 8").key
    assert chat.requests[hung] == 2 and chat.attempts_at[hung][1] - chat.attempts_at[hung][0] >= SEND_TIMEOUT * 0.9
