"""Poll each feed when it is due: heaps of next-poll times and a slot refilled the moment a fetch ends."""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace

from bot.clock import Clock
from bot.store.records import FeedState

_LOGGER = logging.getLogger(__name__)

PollFeed = Callable[[FeedState], Awaitable[FeedState]]
# Lag samples kept for the p95 check; at 1,000 polls/s this is the last ~20 s.
_LAG_WINDOW = 20_000
LAG_WARN_SHARE = 0.10


@dataclass(frozen=True)
class LagReport:
    """How late polls started in the last window: p95 of lag, as seconds and as a share of the interval."""

    samples: int
    p95_seconds: float
    p95_share: float
    interval: float
    saturated_share: float

    @property
    def behind(self) -> bool:
        return self.samples > 0 and self.p95_share > LAG_WARN_SHARE

    def advice(self, concurrency: int, per_host_waits: int) -> str:
        """What an operator can change, from what held the polls back."""
        text = (
            f"polls start late: lag p95 {self.p95_seconds:.1f}s is {self.p95_share:.0%} of the poll interval"
            f" (~{self.interval:.0f}s) over the last {self.samples} polls."
        )
        if self.saturated_share >= 0.5:
            return text + (
                f" All {concurrency} poll slots were busy {self.saturated_share:.0%} of the time:"
                " raise poller.concurrency (slow feeds hold slots until poller.timeout; lower it too)."
            )
        if per_host_waits:
            return text + (
                f" {per_host_waits} fetch(es) waited for a host's limit: raise poller.per_host,"
                " or spread those feeds over more hosts."
            )
        return text + (
            " Slots were free, so the process is short of CPU: lengthen feed intervals, drop feeds,"
            " or give the bot more cores."
        )


class Dispatcher:
    """Keeps every enabled feed's next poll time in a heap and starts each poll when it is due.

    At most `concurrency` polls run at once; when one ends its slot goes to the next due feed at
    once (no tick, no per-tick cap). `poll` returns the feed's new state (its `next_poll_at`
    decides when it comes round again; a disabled feed leaves the heap). A due feed that `owns`
    says another worker polls takes no slot: it is looked at again one interval later, or as soon
    as the stored schedule says once `owners_changed` hands it to this worker.

    Feeds never polled yet (their first poll records a baseline, three times the work of a later
    poll and nothing to alert on) wait in a second heap: when both have feeds due, the feeds polled
    before go first, so a first start with many feeds does not delay the alerts of the others. Only
    those polls count towards the lag report.
    """

    def __init__(
        self,
        poll: PollFeed,
        *,
        concurrency: int,
        clock: Clock,
        observe_lag: Callable[[float], None] = lambda lag: None,
        owns: Callable[[str], bool] = lambda name: True,
    ) -> None:
        self._poll = poll
        self._owns = owns
        self._observe_lag = observe_lag
        self.concurrency = concurrency
        self._clock = clock
        self._states: dict[str, FeedState] = {}
        self._polled_before: list[tuple[float, str]] = []
        self._never_polled: list[tuple[float, str]] = []
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._elsewhere: set[str] = set()  # feeds passed over as another worker's
        self._wake: asyncio.Event | None = None
        self._lags: deque[tuple[float, float]] = deque(maxlen=_LAG_WINDOW)
        self._saturated_starts = 0

    # -- the feeds --------------------------------------------------------------------

    def set_feeds(self, states: Iterable[FeedState], *, spread: bool = True) -> None:
        """Adopt the stored feed rows; known feeds keep their state (it is newer) unless re-enabled or moved.

        With `spread`, overdue feeds (first start, restart after a pause, feeds just added) are
        spread over their interval in the order they fell due, instead of all being due now.
        """
        now = self._clock()
        wanted = {state.name: state for state in states}
        for name in self._states.keys() - wanted.keys():
            del self._states[name]
        overdue = []
        for name, state in wanted.items():
            known = self._states.get(name)
            reenabled = known is not None and known.disabled_reason is not None and state.disabled_reason is None
            if known is not None and known.url == state.url and not reenabled:
                self._states[name] = replace(known, interval_s=state.interval_s)
                continue
            if state.disabled_reason is not None:
                self._states[name] = state
            elif spread and state.next_poll_at <= now:
                overdue.append(state)
            else:
                self._schedule(state)
        overdue.sort(key=lambda state: (state.next_poll_at, state.name))
        for position, state in enumerate(overdue):
            self._schedule(replace(state, next_poll_at=now + state.interval_s * position / len(overdue)))
        self._nudge()

    def owners_changed(self, stored: dict[str, FeedState]) -> int:
        """The live workers changed: feeds passed over as another's that are now this worker's are
        due when their `stored` rows say (the last owner's schedule), not an interval after they
        were passed over. Returns how many were rescheduled."""
        moved = [name for name in self._elsewhere if self._owns(name) and name in stored and name in self._states]
        for name in moved:
            self._elsewhere.discard(name)
            if name not in self._tasks:
                self._schedule(replace(self._states[name], next_poll_at=stored[name].next_poll_at))
        self._nudge()
        return len(moved)

    def disabled(self) -> list[str]:
        return [name for name, state in self._states.items() if state.disabled_reason is not None]

    def _schedule(self, state: FeedState) -> None:
        self._states[state.name] = state
        if state.disabled_reason is None:
            heap = self._polled_before if state.baseline_done else self._never_polled
            heapq.heappush(heap, (state.next_poll_at, state.name))

    # -- running ------------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def start_due(self) -> int:
        """Start polls of due feeds while slots are free; returns how many were started."""
        now = self._clock()
        started = 0
        while len(self._tasks) < self.concurrency:
            heap = self._due_heap(now)
            if heap is None:
                break
            due, name = heapq.heappop(heap)
            state = self._states.get(name)
            if state is None or state.next_poll_at != due or state.disabled_reason or name in self._tasks:
                continue  # a stale heap entry: the feed was removed, rescheduled or is being polled
            if not self._owns(name):
                self._schedule(replace(state, next_poll_at=now + state.interval_s))  # another worker polls it
                self._elsewhere.add(name)
                continue
            self._elsewhere.discard(name)
            if heap is self._polled_before:
                self._lags.append((now - due, state.interval_s))
                self._observe_lag(now - due)
                if len(self._tasks) + 1 >= self.concurrency:
                    self._saturated_starts += 1
            self._tasks[name] = task = asyncio.create_task(self._run_poll(state))
            task.add_done_callback(lambda _, name=name: self._finished(name))
            started += 1
        return started

    def _due_heap(self, now: float) -> list[tuple[float, str]] | None:
        """The heap whose first feed is due, feeds polled before first; None when none is due."""
        for heap in (self._polled_before, self._never_polled):
            if heap and heap[0][0] <= now:
                return heap
        return None

    async def _run_poll(self, state: FeedState) -> None:
        try:
            new_state = await self._poll(state)
        except asyncio.CancelledError:
            raise
        except Exception:
            _LOGGER.exception("poll of feed %s crashed; it is retried after its interval", state.name)
            new_state = replace(state, next_poll_at=self._clock() + state.interval_s)
        current = self._states.get(state.name)
        if current is None:
            return  # removed from the config meanwhile
        if current.url != state.url:
            self._schedule(current)  # its URL changed meanwhile: the new URL is polled afresh
        else:
            self._schedule(replace(new_state, interval_s=current.interval_s))

    def _finished(self, name: str) -> None:
        del self._tasks[name]
        self._nudge()

    def _nudge(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def run(self) -> None:
        """Start polls as they fall due, until cancelled (then cancel the polls in flight)."""
        self._wake = wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            while True:
                wake.clear()
                self.start_due()
                timer = None
                heads = [heap[0][0] for heap in (self._polled_before, self._never_polled) if heap]
                if heads and len(self._tasks) < self.concurrency:
                    timer = loop.call_later(max(min(heads) - self._clock(), 0.0), wake.set)
                # Not asyncio.wait_for: on Python 3.11 it swallows a cancel that comes as the event is set
                # (under load, all the time), and the daemon would never stop.
                try:
                    await wake.wait()
                finally:
                    if timer is not None:
                        timer.cancel()
        finally:
            self._wake = None
            for task in list(self._tasks.values()):
                task.cancel()
            await self.drain()

    async def drain(self) -> None:
        """Wait for the polls in flight to end."""
        while self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    # -- lag -------------------------------------------------------------------------------

    def take_lag_report(self) -> LagReport:
        """The p95 poll lag since the last report (then start a new window)."""
        lags, self._lags = sorted(self._lags, key=_share), deque(maxlen=_LAG_WINDOW)
        saturated, self._saturated_starts = self._saturated_starts, 0
        if not lags:
            return LagReport(0, 0.0, 0.0, 0.0, 0.0)
        lag, interval = lags[min(len(lags) - 1, int(len(lags) * 0.95))]
        return LagReport(len(lags), lag, _share((lag, interval)), interval, saturated / len(lags))


def _share(sample: tuple[float, float]) -> float:
    lag, interval = sample
    return lag / interval if interval > 0 else 0.0
