"""Per-channel token buckets, so a burst of alerts never trips a chat API's own limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import RateLimitConfig


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


class ChannelRateLimiter:
    """One bucket per channel (e.g. `slack:#desk`), refilled at its configured rate."""

    def __init__(self, clock: Clock, limit_for: Callable[[str], RateLimitConfig | None]) -> None:
        self._clock = clock
        self._limit_for = limit_for
        self._buckets: dict[str, _Bucket] = {}

    def wait_time(self, channel: str) -> float:
        """Take a token and return 0, or return the seconds until one is available (taking nothing)."""
        limit = self._limit_for(channel)
        if limit is None:
            return 0.0
        now = self._clock()
        bucket = self._buckets.setdefault(channel, _Bucket(float(limit.burst), now))
        bucket.tokens = min(float(limit.burst), bucket.tokens + (now - bucket.updated_at) * limit.per_second)
        bucket.updated_at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / limit.per_second
