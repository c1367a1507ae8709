"""Every held alert is in exactly one digest: first periods, reloads that add a digest, marks by id, a crash mid-send."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime

import pytest

from adapters.slack.receiver import SlackReceiver, slack_client
from bot.alerts.digest import queue_due_digests
from bot.alerts.queue import AlertQueue
from bot.clock import ManualClock
from bot.delivery.sender import Deliverer
from bot.store.database import Store
from tests.fakes import digest_worker
from tests.fakes.alertkit import RecordingReceiver, make_alert, make_config
from tests.paths import REPO

# Monday 2025-07-14 06:00 UTC; the route is quiet from 06:00 to 07:00 UTC and digests every hour at :30.
START = datetime(2025, 7, 14, 6, 0, tzinfo=UTC).timestamp()
QUIET = {"start": "06:00", "end": "07:00"}
PLAIN = {"name": "desk", "receiver": "slack:#desk", "group_wait": 0}
DIGESTING = {**PLAIN, "quiet_hours": QUIET, "digest": {"cron": "30 * * * *"}}


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


async def test_a_digest_killed_between_its_post_and_its_mark_is_neither_lost_nor_repeated(tmp_path, fake_slack):
    minute = 1_752_560_940.0  # 2025-07-15 06:29 UTC, in the route's quiet hours
    config = make_config([digest_worker.ROUTE])
    store = Store(tmp_path / "s.sqlite3")
    with store.transaction():
        for offset, title in [(1, "Alibaba wins licence"), (30, "Nvidia licence")]:
            alert = make_alert("BABA" if "Alibaba" in title else "NVDA", item=title, title=title)
            AlertQueue(store, config).queue(alert, minute + offset, [], [])
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.digest_worker", str(tmp_path / "s.sqlite3"), fake_slack.api_url, str(minute + 61), cwd=REPO
    )
    assert await asyncio.wait_for(worker.wait(), 30) == -signal.SIGKILL
    assert store.outbox_counts() == {"digested": 2, "sending": 1}

    clock = ManualClock(minute + 62)
    assert queue_due_digests(store, config, clock()) == 0, "the digest was queued once, with its marks"
    deliverer = Deliverer(store, {"slack": SlackReceiver(slack_client("xoxb-test", fake_slack.api_url))}, clock)
    clock.advance(deliverer.lease + 1)
    assert (await deliverer.deliver_pending()).sent == 1
    [message] = fake_slack.messages
    assert message.text.splitlines() == [
        "Digest (desk), 2025-07-15 06:29 to 2025-07-15 06:30 UTC: 2 alert(s)",
        "BABA",
        "  export_license x1, 1 held in quiet hours: Alibaba wins licence",
        "NVDA",
        "  export_license x1, 1 held in quiet hours: Nvidia licence",
    ]
    digest = next(entry for entry in store.outbox_entries() if entry.text is not None)
    assert (digest.status, digest.message_id) == ("sent", f"{message.channel}:{message.ts}")
    assert [(e.status, e.parent_id) for e in store.outbox_entries() if e.alert] == [("digested", digest.id)] * 2
    store.close()
