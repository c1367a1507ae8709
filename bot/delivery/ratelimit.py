"""Per-channel token buckets, so a burst of alerts never trips a chat API's own limit (shared by workers on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import RateLimitConfig
from bot.store.database import Store


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


def take_token(bucket: _Bucket | None, limit: RateLimitConfig, now: float) -> tuple[float, float]:
    """Refill the bucket to `now` and take a token: returns (tokens left, 0), or (tokens, seconds to wait)."""
    tokens = float(limit.burst) if bucket is None else min(
        float(limit.burst), bucket.tokens + (now - bucket.updated_at) * limit.per_second
    )
    if tokens >= 1:
        return tokens - 1, 0.0
    return tokens, (1 - tokens) / limit.per_second


class ChannelRateLimiter:
    """One bucket per channel (e.g. `slack:#desk`), refilled at its configured rate.

    With a `shared` store the buckets live in the database, so all workers together keep the limit.
    """

    def __init__(
        self, clock: Clock, limit_for: Callable[[str], RateLimitConfig | None], shared: Store | None = None
    ) -> None:
        self._clock = clock
        self._limit_for = limit_for
        self._shared = shared
        self._buckets: dict[str, _Bucket] = {}

    def wait_time(self, channel: str) -> float:
        """Take a token and return 0, or return the seconds until one is available (taking nothing)."""
        limit = self._limit_for(channel)
        if limit is None:
            return 0.0
        now = self._clock()
        if self._shared is not None:

            def step(tokens: float | None, updated_at: float | None) -> tuple[float, float]:
                bucket = None if tokens is None or updated_at is None else _Bucket(tokens, updated_at)
                return take_token(bucket, limit, now)

            return self._shared.update_bucket(channel, now, step)
        tokens, wait = take_token(self._buckets.get(channel), limit, now)
        self._buckets[channel] = _Bucket(tokens, now)
        return wait
