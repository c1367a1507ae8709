"""The deadline dispatcher: each feed polled when due, slots refilled at once, restarts spread, lag reported."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.clock import ManualClock
from bot.ingest.dispatch import Dispatcher, LagReport
from bot.store.records import FeedState


def feed(name: str, due: float, interval: float = 60.0, **fields) -> FeedState:
    values = dict(
        name=name, url=f"http://feeds.test/{name}", interval_s=interval, etag=None, last_modified=None,
        body_hash=None, failures=0, last_error=None, disabled_reason=None, baseline_done=True,
        last_polled_at=None, last_new_item_at=None, next_poll_at=due,
    )
    return FeedState(**(values | fields))


class Recorder:
    """A poll that records which feed started when and reschedules it one interval on."""

    def __init__(self, clock: ManualClock, release: asyncio.Event | None = None) -> None:
        self.clock, self.release, self.started = clock, release, []

    async def __call__(self, state: FeedState) -> FeedState:
        self.started.append((state.name, self.clock()))
        if self.release is not None:
            await self.release.wait()
        return replace(state, next_poll_at=self.clock() + state.interval_s)


async def test_overdue_feeds_are_spread_over_their_interval_in_the_order_they_fell_due():
    clock = ManualClock(1000.0)
    poll = Recorder(clock)
    dispatcher = Dispatcher(poll, concurrency=100, clock=clock)
    dispatcher.set_feeds([feed("c", 900.0), feed("a", 500.0), feed("b", 700.0), feed("later", 1030.0)])
    dispatcher.start_due()
    await dispatcher.drain()
    assert poll.started == [("a", 1000.0)]
    for _ in range(6):
        clock.advance(10)
        dispatcher.start_due()
        await dispatcher.drain()
    # a at +0, b at +20 (1/3 of 60 s), c at +40, "later" at its own time; then a again at +60
    assert poll.started == [("a", 1000.0), ("b", 1020.0), ("later", 1030.0), ("c", 1040.0), ("a", 1060.0)]


async def test_a_slot_goes_to_the_next_due_feed_the_moment_a_poll_ends():
    clock = ManualClock(1000.0)
    release = asyncio.Event()
    poll = Recorder(clock, release)
    dispatcher = Dispatcher(poll, concurrency=2, clock=clock)
    dispatcher.set_feeds([feed(name, 1000.0) for name in "abcd"], spread=False)
    running = asyncio.create_task(dispatcher.run())
    await asyncio.sleep(0.01)
    assert [name for name, _ in poll.started] == ["a", "b"] and dispatcher.in_flight == 2
    release.set()  # both polls end: their slots go to c and d with no tick in between
    await asyncio.sleep(0.01)
    assert [name for name, _ in poll.started] == ["a", "b", "c", "d"]
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)


async def test_a_feed_another_worker_owns_takes_no_slot_and_is_looked_at_again_one_interval_later():
    clock = ManualClock(1000.0)
    owned = {"a", "c"}
    poll = Recorder(clock)
    dispatcher = Dispatcher(poll, concurrency=2, clock=clock, owns=owned.__contains__)
    dispatcher.set_feeds([feed(name, 1000.0) for name in "abc"], spread=False)
    assert dispatcher.start_due() == 2  # b is skipped without a slot: a and c both start
    await dispatcher.drain()
    owned.add("b")  # b's owner died: it is polled the next time it comes round
    clock.advance(60)
    dispatcher.start_due()
    await dispatcher.drain()
    assert poll.started == [("a", 1000.0), ("c", 1000.0), ("a", 1060.0), ("b", 1060.0)]
    assert dispatcher.take_lag_report().samples == 4  # the skip of b was no poll


async def test_a_feed_handed_over_by_a_worker_that_left_is_due_when_its_last_owner_would_have_polled_it():
    clock = ManualClock(1000.0)
    owned = {"a"}
    poll = Recorder(clock)
    dispatcher = Dispatcher(poll, concurrency=2, clock=clock, owns=owned.__contains__)
    dispatcher.set_feeds([feed(name, 1000.0) for name in "ab"], spread=False)
    dispatcher.start_due()
    await dispatcher.drain()  # b is passed over until 1060; its owner polls it and stores 1045 next
    clock.advance(20)
    owned.add("b")  # its owner's heartbeat ran out
    assert dispatcher.owners_changed({"a": feed("a", 1060.0), "b": feed("b", 1045.0)}) == 1
    clock.advance(25)
    dispatcher.start_due()
    await dispatcher.drain()
    assert poll.started == [("a", 1000.0), ("b", 1045.0)]


async def test_a_crashing_poll_is_retried_after_its_interval_and_the_others_go_on():
    clock = ManualClock(1000.0)
    started = []

    async def poll(state: FeedState) -> FeedState:
        started.append(state.name)
        if state.name == "bad":
            raise RuntimeError("parser bug")
        return replace(state, next_poll_at=clock() + state.interval_s)

    dispatcher = Dispatcher(poll, concurrency=10, clock=clock)
    dispatcher.set_feeds([feed("bad", 1000.0), feed("good", 1000.0)], spread=False)
    dispatcher.start_due()
    await dispatcher.drain()
    clock.advance(60)
    dispatcher.start_due()
    await dispatcher.drain()
    assert started == ["bad", "good", "bad", "good"]


async def test_disabled_and_removed_feeds_are_not_polled():
    clock = ManualClock(1000.0)
    poll = Recorder(clock)
    dispatcher = Dispatcher(poll, concurrency=10, clock=clock)
    dispatcher.set_feeds([feed("off", 1000.0, disabled_reason="broken"), feed("gone", 1000.0), feed("kept", 1000.0)])
    dispatcher.set_feeds([feed("off", 1000.0, disabled_reason="broken"), feed("kept", 1000.0)])
    clock.advance(60)
    dispatcher.start_due()
    await dispatcher.drain()
    assert [name for name, _ in poll.started] == ["kept"]
    assert dispatcher.disabled() == ["off"]


async def test_lag_report_names_the_busy_slots_when_they_held_polls_back():
    clock = ManualClock(1000.0)
    release = asyncio.Event()
    dispatcher = Dispatcher(Recorder(clock, release), concurrency=1, clock=clock)
    dispatcher.set_feeds([feed(name, 1000.0) for name in "abc"], spread=False)
    for _ in range(3):
        dispatcher.start_due()
        clock.advance(20)  # each poll takes 20 s of a 60 s interval with one slot
        release.set()
        await dispatcher.drain()
        release.clear()
    report = dispatcher.take_lag_report()
    assert (report.samples, report.p95_seconds, report.behind) == (3, 40.0, True)
    advice = report.advice(concurrency=1, per_host_waits=0)
    assert "lag p95 40.0s is 67% of the poll interval" in advice
    assert "raise poller.concurrency" in advice
    assert dispatcher.take_lag_report().samples == 0


def test_lag_report_points_at_the_host_limit_or_the_cpu():
    report = LagReport(samples=100, p95_seconds=12.0, p95_share=0.2, interval=60.0, saturated_share=0.0)
    assert "raise poller.per_host" in report.advice(concurrency=10, per_host_waits=7)
    assert "short of CPU" in report.advice(concurrency=10, per_host_waits=0)
    assert not LagReport(100, 3.0, 0.05, 60.0, 0.0).behind


async def test_it_stops_when_cancelled_just_as_it_is_woken():
    clock = ManualClock(1000.0)
    feeds = [feed("later", 2000.0)]  # free slots and a feed due later: the dispatcher waits with a timer
    dispatcher = Dispatcher(Recorder(clock), concurrency=10, clock=clock)
    dispatcher.set_feeds(feeds)
    for steps in range(6):  # the cancel lands at each step of the wake-up in turn
        running = asyncio.create_task(dispatcher.run())
        await asyncio.sleep(0)
        dispatcher.set_feeds(feeds)  # wakes it, as every poll that ends does
        for _ in range(steps):
            await asyncio.sleep(0)
        running.cancel()
        done, _ = await asyncio.wait({running}, timeout=5)  # a guard against a hang, not a speed check
        assert done == {running} and running.cancelled()


async def test_feeds_polled_before_go_ahead_of_first_polls_and_only_they_count_as_lag():
    clock = ManualClock(1000.0)
    poll = Recorder(clock)
    dispatcher = Dispatcher(poll, concurrency=1, clock=clock)
    dispatcher.set_feeds(
        [feed("new", 900.0, baseline_done=False), feed("old", 950.0), feed("newer", 960.0, baseline_done=False)], spread=False
    )
    for _ in range(3):
        dispatcher.start_due()
        await dispatcher.drain()
        clock.advance(1)
    # "new" fell due first, but its first poll records a baseline: "old" may have alerts to send
    assert poll.started == [("old", 1000.0), ("new", 1001.0), ("newer", 1002.0)]
    report = dispatcher.take_lag_report()
    assert (report.samples, report.p95_seconds) == (1, 50.0)
