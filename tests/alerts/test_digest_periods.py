"""Every held alert is in exactly one digest: first periods, reloads that add a digest, held rows marked by id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.alerts.digest import queue_due_digests
from bot.alerts.queue import AlertQueue
from bot.clock import ManualClock
from bot.delivery.sender import Deliverer
from bot.store.sqlite import Store
from tests.fakes.alertkit import RecordingReceiver, make_alert, make_config

# Monday 2025-07-14 06:00 UTC; the route is quiet from 06:00 to 07:00 UTC and digests every hour at :30.
START = datetime(2025, 7, 14, 6, 0, tzinfo=UTC).timestamp()
QUIET = {"start": "06:00", "end": "07:00"}
PLAIN = {"name": "desk", "receiver": "slack:#desk", "group_wait": 0}
DIGESTING = {**PLAIN, "quiet_hours": QUIET, "digest": {"cron": "30 * * * *"}}


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    yield store
    store.close()


# Each step: (seconds after START, route settings in force, "queue" TITLE | "digest").
CASES = {
    "held in the first second, before the first digest check": [
        (0, DIGESTING, "queue Alibaba wins licence"),
        (1, DIGESTING, "digest"),
        (30 * 60, DIGESTING, "digest"),
    ],
    "held in the first seconds after a reload added the digest": [
        (0, PLAIN, "digest"),
        (5, DIGESTING, "queue Alibaba wins licence"),
        (9, DIGESTING, "queue Nvidia licence"),
        (20, DIGESTING, "digest"),
        (30 * 60 + 20, DIGESTING, "digest"),
    ],
    "held after the cron time but before the check: in the next digest": [
        (0, DIGESTING, "digest"),
        (10, DIGESTING, "queue Alibaba wins licence"),
        (30 * 60 + 5, DIGESTING, "queue Nvidia licence"),
        (30 * 60 + 25, DIGESTING, "digest"),
        (90 * 60, DIGESTING, "digest"),
    ],
}
EXPECTED = {
    "held in the first second, before the first digest check": [["Alibaba wins licence"]],
    "held in the first seconds after a reload added the digest": [["Alibaba wins licence", "Nvidia licence"]],
    "held after the cron time but before the check: in the next digest": [["Alibaba wins licence"], ["Nvidia licence"]],
}


@pytest.mark.parametrize("case", list(CASES))
async def test_every_held_alert_is_in_exactly_one_digest(store, case):
    clock = ManualClock(START)
    receiver = RecordingReceiver()
    deliverer = Deliverer(store, {"slack": receiver}, clock)
    for item, (offset, route, step) in enumerate(CASES[case]):
        clock.now = START + offset
        config = make_config([route])
        if step == "digest":
            queue_due_digests(store, config, clock())
        else:
            alert = make_alert("BABA", item=f"i-{item}", title=step.removeprefix("queue "))
            with store.transaction():
                AlertQueue(store, config).queue(alert, clock(), [], [])
        await deliverer.deliver_pending()

    digests = [post.text for post in receiver.posts if post.text is not None]
    listed = [[line.split(": ", 1)[1] for line in text.splitlines()[2:]] for text in digests]
    assert [sum((titles.split("; ") for titles in lines), []) for lines in listed] == EXPECTED[case]
    rows = [entry for entry in store.outbox_entries() if entry.alert is not None]
    digest_rows = [entry.id for entry in store.outbox_entries() if entry.text is not None]
    assert [(entry.status, entry.parent_id in digest_rows) for entry in rows] == [("digested", True)] * len(rows)


def test_mark_digested_marks_exactly_the_rows_listed(store):
    with store.transaction():
        listed = store.enqueue(make_alert(item="a"), "slack:#desk", START, route="desk", status="held", reason="quiet")
        other = store.enqueue(make_alert(item="b"), "slack:#desk", START, route="desk", status="held", reason="quiet")
        digest = store.enqueue_text("digest", "slack:#desk", "digest:desk:1", START + 60, route="desk")
        assert store.mark_digested([listed], digest) == 1
    assert [(entry.id, entry.status, entry.parent_id) for entry in store.outbox_entries()][:2] == [
        (listed, "digested", digest),
        (other, "held", None),
    ]


def test_the_first_digest_heading_starts_at_the_oldest_held_alert(store):
    config = make_config([DIGESTING])
    with store.transaction():
        AlertQueue(store, config).queue(make_alert(title="Alibaba wins licence"), START + 3, [], [])
    assert queue_due_digests(store, config, START + 10) == 0
    assert store.digest_last_run("desk") == START + 3
    assert queue_due_digests(store, config, START + 30 * 60) == 1
    [digest] = [entry for entry in store.outbox_entries() if entry.text is not None]
    assert digest.text.splitlines() == [
        "Digest (desk), 2025-07-14 06:00 to 2025-07-14 06:30 UTC: 1 alert(s)",
        "BABA",
        "  export_license x1, 1 held in quiet hours: Alibaba wins licence",
    ]
