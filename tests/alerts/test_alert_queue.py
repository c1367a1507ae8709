"""Cooldown, grouping, follow-ups and mutes, from queued alert to what the channel shows, on a manual clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.alerts.queue import AlertQueue
from bot.clock import ManualClock
from bot.delivery.sender import Deliverer
from bot.models import Alert
from bot.store.database import Store
from tests.fakes.alertkit import (
    TUESDAY_10AM_NY,
    RecordingReceiver,
    make_alert,
    make_config,
)

ROUTE = {"receiver": "slack:#desk", "cooldown": "1h", "group_wait": "30s"}


@dataclass
class Run:
    statuses: list[str]
    posts: list[tuple[str, tuple[str, ...], str | None]]  # (source, other sources, reply_to)


async def play(store: Store, route: dict, events: list[tuple[float, Alert]]) -> Run:
    """Queue each alert at its time (seconds from the start), delivering after each; then let groups flush."""
    clock = ManualClock(TUESDAY_10AM_NY)
    queue = AlertQueue(store, make_config([route]))
    receiver = RecordingReceiver()
    deliverer = Deliverer(store, {"slack": receiver}, clock)
    for at, alert in events:
        clock.now = TUESDAY_10AM_NY + at
        with store.transaction():
            queue.queue(alert, clock(), [], store.active_mutes(clock()))
        await deliverer.deliver_pending()
    clock.advance(31)
    await deliverer.deliver_pending()
    posts = [(p.alert.source, tuple(s.source for s in p.alert.other_sources), p.reply_to) for p in receiver.posts]
    return Run([entry.status for entry in store.outbox_entries()], posts)


A = make_alert  # brevity in the table below


@pytest.mark.parametrize(
    ("case", "route", "events", "statuses", "posts"),
    [
        (
            "three outlets within group_wait make one message listing the other two",
            ROUTE,
            [(0, A(item="a", source="wire")), (10, A(item="b", source="reuters")), (29, A(item="c", source="ft"))],
            ["sent", "grouped", "grouped"],
            [("wire", ("reuters", "ft"), None)],
        ),
        (
            "the same outlet again after the message went out but within the cooldown is held back",
            ROUTE,
            [(0, A(item="a")), (600, A(item="b"))],
            ["sent", "cooldown"],
            [("wire", (), None)],
        ),
        (
            "another outlet ten minutes later is a follow-up in its thread, not in its list too",
            ROUTE,
            [(0, A(item="a")), (600, A(item="b", source="reuters"))],
            ["sent", "sent"],
            [("wire", (), None), ("reuters", (), "m-1")],
        ),
        (
            "after the cooldown the story is new again",
            ROUTE,
            [(0, A(item="a")), (3601, A(item="b", source="reuters"))],
            ["sent", "sent"],
            [("wire", (), None), ("reuters", (), None)],
        ),
        (
            "a direction flip within the cooldown is a follow-up, posted as a reply",
            ROUTE,
            [(0, A(item="a")), (600, A(item="b", source="reuters", direction="negative"))],
            ["sent", "sent"],
            [("wire", (), None), ("reuters", (), "m-1")],
        ),
        (
            "a severity rise is a follow-up; the same severity again is a repeat",
            ROUTE,
            [(0, A(item="a")), (60, A(item="b", source="ft", severity="high")), (120, A(item="c", severity="high"))],
            ["sent", "sent", "cooldown"],
            [("wire", (), None), ("ft", (), "m-1")],
        ),
        (
            "another kind of the same ticker is another story",
            ROUTE,
            [(0, A(item="a")), (5, A(item="a", kind="price_move"))],
            ["sent", "sent"],
            [("wire", (), None), ("wire", (), None)],
        ),
        (
            "a missing ticker never puts unrelated alerts in one cooldown",
            ROUTE,
            [(0, A("", item="a")), (60, A("", item="b", source="reuters"))],
            ["sent", "sent"],
            [("wire", (), None), ("reuters", (), None)],
        ),
        (
            "a cooldown on direction: alerts without one each stand alone",
            {**ROUTE, "cooldown_key": ["direction"]},
            [(0, A("BABA", item="a", direction=None)), (60, A("NVDA", item="b", direction=None)),
             (120, A("AMD", item="c")), (180, A("TSM", item="d"))],
            ["sent", "sent", "sent", "cooldown"],
            [("wire", (), None), ("wire", (), None), ("wire", (), None)],
        ),
        (
            "two items found in one poll but published months apart are two stories",
            ROUTE,
            [(0, A(item="a").model_copy(update={"published": datetime(2025, 7, 15, 9, tzinfo=UTC)})),
             (0, A(item="b", source="reuters").model_copy(update={"published": datetime(2025, 9, 30, 9, tzinfo=UTC)}))],
            ["sent", "sent"],
            [("wire", (), None), ("reuters", (), None)],
        ),
        (
            "items published within group_wait of each other are still one message",
            ROUTE,
            [(0, A(item="a").model_copy(update={"published": datetime(2025, 9, 30, 9, tzinfo=UTC)})),
             (0, A(item="b", source="reuters").model_copy(update={"published": datetime(2025, 9, 30, 9, 0, 20, tzinfo=UTC)}))],
            ["sent", "grouped"],
            [("wire", ("reuters",), None)],
        ),
        (
            "cooldown 0 and group_wait 0: every report is posted",
            {**ROUTE, "cooldown": 0, "group_wait": 0},
            [(0, A(item="a")), (1, A(item="b", source="reuters"))],
            ["sent", "sent"],
            [("wire", (), None), ("reuters", (), None)],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_cooldown_and_grouping(store, case, route, events, statuses, posts):
    run = await play(store, route, events)
    assert run.statuses == statuses, case
    assert run.posts == posts, case


def published_at(alert: Alert, minute: int, second: int = 0) -> Alert:
    return alert.model_copy(update={"published": datetime(2025, 9, 30, 10, minute, second, tzinfo=UTC)})


@pytest.mark.parametrize(
    ("case", "route", "events", "rows"),
    [
        (
            "the same outlet's earlier report takes the waiting first message; the later one is its repeat",
            ROUTE,
            [(0, published_at(A(item="late"), 30)), (0, published_at(A(item="early"), 0))],
            [(1, "sent", "early", (), None, None), (2, "cooldown", "late", (), 1, "repeat of #1 from wire within the 3600s cooldown")],
        ),
        (
            "another outlet's report 20 s earlier, within group_wait: the first message shows it and lists the later one",
            ROUTE,
            [(0, published_at(A(item="late"), 0, 20)), (5, published_at(A(item="early", source="reuters"), 0))],
            [(1, "sent", "early", ("wire",), None, None), (2, "grouped", "late", (), 1, "grouped into #1")],
        ),
        (
            "a first message already posted stays; the earlier report follows it",
            {**ROUTE, "group_wait": 0},
            [(0, published_at(A(item="late"), 30)), (60, published_at(A(item="early", source="reuters"), 0))],
            [(1, "sent", "late", (), None, None), (2, "sent", "early", (), 1, None)],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_the_earliest_published_report_is_the_story(store, case, route, events, rows):
    await play(store, route, events)
    shown = [
        (e.id, e.status, e.alert.item_id, tuple(s.source for s in e.alert.other_sources), e.parent_id, e.reason)
        for e in store.outbox_entries()
    ]
    assert shown == rows, case


async def test_suppressed_repeats_are_counted_and_stay_in_history(store):
    await play(store, ROUTE, [(0, A(item="a")), (60, A(item="b")), (120, A(item="c"))])
    entries = store.outbox_entries()
    assert [e.reason for e in entries[1:]] == [f"repeat of #{entries[0].id} from wire within the 3600s cooldown"] * 2
    assert store.outbox_counts() == {"sent": 1, "cooldown": 2}


@pytest.mark.parametrize(
    ("case", "mute", "alert", "status"),
    [
        ("a ticker mute silences every kind", ("BABA", None, 0, 3600), A("BABA"), "muted"),
        ("other tickers pass", ("BABA", None, 0, 3600), A("NVDA"), "sent"),
        ("a ticker/kind mute silences that kind", ("BABA", "price_move", 0, 3600), A("BABA", "price_move"), "muted"),
        ("and only that kind", ("BABA", "price_move", 0, 3600), A("BABA", "export_license"), "sent"),
        ("an all-tickers mute of a kind", (None, "price_move", 0, 3600), A("NVDA", "price_move"), "muted"),
        ("an expired mute does nothing", ("BABA", None, -7200, -3600), A("BABA"), "sent"),
        ("a mute that has not started does nothing", ("BABA", None, 600, 3600), A("BABA"), "sent"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_mutes_at_queue_time(store, case, mute, alert, status):
    ticker, kind, start, end = mute
    store.add_mute(ticker, kind, TUESDAY_10AM_NY + start, TUESDAY_10AM_NY + end, "alice", "earnings")
    run = await play(store, ROUTE, [(0, alert)])
    assert run.statuses == [status], case
    assert len(run.posts) == (0 if status == "muted" else 1)
    if status == "muted":
        assert store.outbox_entries()[0].reason == "muted by #1 (alice: earnings)"


async def test_a_mute_made_while_an_alert_waits_for_its_group_stops_it_at_send_time(store):
    clock = ManualClock(TUESDAY_10AM_NY)
    receiver = RecordingReceiver()
    with store.transaction():
        AlertQueue(store, make_config([ROUTE])).queue(A(), clock(), [], [])
    mute = store.add_mute("BABA", None, clock(), clock() + 3600, "bob", "")
    clock.advance(30)
    report = await Deliverer(store, {"slack": receiver}, clock).deliver_pending()
    assert report.muted == 1 and receiver.posts == []
    entry = store.outbox_entries()[0]
    assert (entry.status, entry.reason) == ("muted", f"muted by #{mute.id} (bob)")
