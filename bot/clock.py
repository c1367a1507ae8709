"""The injectable clock: everything time-dependent takes a `Clock` instead of calling time()."""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]
system_clock: Clock = time.time


class ManualClock:
    """A clock for tests and replays that moves only when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
