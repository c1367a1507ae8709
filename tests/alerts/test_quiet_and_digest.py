"""Quiet hours (time zones, midnight, weekends, DST) hold alerts for the digest; digests follow cron in a time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.alerts.digest import queue_due_digests
from bot.alerts.queue import AlertQueue
from bot.alerts.route_report import route_report
from bot.alerts.timewindows import in_quiet_hours, next_digest_at
from bot.clock import ManualClock
from bot.config import DigestConfig, QuietHoursConfig
from bot.delivery.sender import Deliverer
from tests.fakes.alertkit import RecordingReceiver, make_alert, make_config

NY_AFTER_HOURS = QuietHoursConfig(start="16:00", end="09:30", timezone="America/New_York", weekends=True)
LUNCH_UTC = QuietHoursConfig(start="12:00", end="13:00")


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("quiet", "moment", "expected"),
    [
        (NY_AFTER_HOURS, utc(2025, 7, 15, 14, 0), False),  # Tue 10:00 EDT: market open
        (NY_AFTER_HOURS, utc(2025, 7, 15, 13, 29), True),  # Tue 09:29 EDT
        (NY_AFTER_HOURS, utc(2025, 7, 15, 13, 30), False),  # Tue 09:30 EDT: end is exclusive
        (NY_AFTER_HOURS, utc(2025, 7, 15, 19, 59), False),  # Tue 15:59 EDT
        (NY_AFTER_HOURS, utc(2025, 7, 15, 20, 0), True),  # Tue 16:00 EDT: start is inclusive
        (NY_AFTER_HOURS, utc(2025, 7, 16, 3, 0), True),  # Tue 23:00 EDT: across midnight
        (NY_AFTER_HOURS, utc(2025, 7, 19, 15, 0), True),  # Saturday 11:00 EDT: weekend
        (NY_AFTER_HOURS, utc(2025, 1, 14, 14, 0), True),  # Tue 09:00 EST (winter: UTC-5)
        (NY_AFTER_HOURS, utc(2025, 1, 14, 14, 30), False),  # Tue 09:30 EST
        (LUNCH_UTC, utc(2025, 7, 19, 12, 30), True),
        (LUNCH_UTC, utc(2025, 7, 19, 13, 0), False),
        (LUNCH_UTC, utc(2025, 7, 19, 11, 59), False),
    ],
)
def test_quiet_hours(quiet, moment, expected):
    assert in_quiet_hours(quiet, moment) is expected


WEEKDAYS_9AM_NY = DigestConfig(cron="0 9 * * 1-5", timezone="America/New_York")


@pytest.mark.parametrize(
    ("digest", "after", "expected"),
    [
        (WEEKDAYS_9AM_NY, utc(2025, 7, 15, 12, 0), utc(2025, 7, 15, 13, 0)),  # Tue 08:00 EDT -> 09:00 EDT
        (WEEKDAYS_9AM_NY, utc(2025, 7, 15, 13, 0), utc(2025, 7, 16, 13, 0)),  # strictly after
        (WEEKDAYS_9AM_NY, utc(2025, 7, 18, 14, 0), utc(2025, 7, 21, 13, 0)),  # Fri -> Mon
        (WEEKDAYS_9AM_NY, utc(2025, 1, 14, 15, 0), utc(2025, 1, 15, 14, 0)),  # winter: 09:00 EST = 14:00 UTC
        (DigestConfig(cron="*/15 * * * *"), utc(2025, 7, 15, 12, 7), utc(2025, 7, 15, 12, 15)),
        # crontab weekdays: 0 and 7 are Sunday (APScheduler's own numbering starts at Monday = 0)
        (DigestConfig(cron="0 9 * * 0"), utc(2025, 7, 15, 0, 0), utc(2025, 7, 20, 9, 0)),
        (DigestConfig(cron="0 9 * * 7"), utc(2025, 7, 15, 0, 0), utc(2025, 7, 20, 9, 0)),
        (DigestConfig(cron="0 9 * * sat,1"), utc(2025, 7, 15, 0, 0), utc(2025, 7, 19, 9, 0)),
        (DigestConfig(cron="0 9 * * */3"), utc(2025, 7, 15, 0, 0), utc(2025, 7, 16, 9, 0)),  # sun, wed, sat
    ],
)
def test_digest_cron_in_its_time_zone(digest, after, expected):
    assert next_digest_at(digest, after) == expected


ROUTE = {
    "name": "desk",
    "receiver": "slack:#desk",
    "group_wait": 0,
    "quiet_hours": {"start": "16:00", "end": "09:30", "timezone": "America/New_York"},
    "digest": {"cron": "0 9 * * 1-5", "timezone": "America/New_York"},
}


async def test_quiet_hours_hold_alerts_for_the_digest_which_groups_by_ticker_and_kind(store):
    config = make_config([ROUTE])
    clock = ManualClock(utc(2025, 7, 14, 13, 0))  # Monday 09:00 EDT: the first period starts
    assert queue_due_digests(store, config, clock()) == 0
    receiver = RecordingReceiver()
    deliverer = Deliverer(store, {"slack": receiver}, clock)
    queue = AlertQueue(store, config)
    store.add_mute("TSM", None, clock(), clock() + 86400 * 2, "alice", "")
    day = [  # (UTC hour on Monday, alert)
        (15, make_alert("BABA", item="a", title="Alibaba wins licence")),  # 11:00 EDT: posted
        (21, make_alert("BABA", item="b", title="Alibaba licence confirmed", source="ft")),  # 17:00: held
        (22, make_alert("BABA", "price_move", item="c", title="Alibaba jumps 9%")),  # held
        (23, make_alert("NVDA", item="d", title="Nvidia licence")),  # held
        (23, make_alert("TSM", item="e", title="TSMC licence")),  # muted: not in the digest
    ]
    for hour, alert in day:
        clock.now = utc(2025, 7, 14, hour, 0)
        with store.transaction():
            queue.queue(alert, clock(), [], store.active_mutes(clock()))
        await deliverer.deliver_pending()
    assert [p.alert.title for p in receiver.posts] == ["Alibaba wins licence"]
    assert store.outbox_counts() == {"sent": 1, "held": 3, "muted": 1}

    clock.now = utc(2025, 7, 15, 12, 59)  # Tuesday 08:59 EDT: not yet
    assert queue_due_digests(store, config, clock()) == 0
    clock.now = utc(2025, 7, 15, 13, 0, 20)
    assert queue_due_digests(store, config, clock()) == 1
    assert queue_due_digests(store, config, clock()) == 0, "one digest per period"
    await deliverer.deliver_pending()
    digest = receiver.posts[-1]
    assert digest.target == "#desk" and digest.alert is None
    assert digest.text.splitlines() == [
        "Digest (desk), 2025-07-14 09:00 to 2025-07-15 09:00 America/New_York: 4 alert(s)",
        "BABA",
        "  export_license x2, 1 held in quiet hours: Alibaba wins licence; Alibaba licence confirmed",
        "  price_move x1, 1 held in quiet hours: Alibaba jumps 9%",
        "NVDA",
        "  export_license x1, 1 held in quiet hours: Nvidia licence",
    ]
    assert store.outbox_counts() == {"sent": 2, "digested": 3, "muted": 1}


async def test_an_empty_period_posts_no_digest(store):
    config = make_config([ROUTE])
    queue_due_digests(store, config, utc(2025, 7, 14, 13, 0))
    assert queue_due_digests(store, config, utc(2025, 7, 16, 13, 0)) == 0
    assert store.outbox_entries() == []
    assert store.digest_last_run("desk") == utc(2025, 7, 16, 13, 0)


def test_routes_test_and_the_queue_give_the_same_reason_in_quiet_hours(store):
    config = make_config([ROUTE])
    now = utc(2025, 7, 14, 21, 0)  # Monday 17:00 EDT
    alert = make_alert("BABA")
    with store.transaction():
        AlertQueue(store, config).queue(alert, now, [], [])
    reason = "quiet hours (16:00-09:30 America/New_York): held for the digest"
    assert store.outbox_entries()[0].reason == reason
    assert route_report(alert, config, [], [], now)[-1] == f"  slack:#desk: {reason}"
