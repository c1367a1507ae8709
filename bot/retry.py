"""Exponential backoff with full jitter, shared by feed polling and alert delivery."""

from __future__ import annotations

import random


def backoff_delay(
    failures: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait after ``failures`` consecutive failures (exponential, full jitter).

    The delay is uniform in ``[0, min(cap, base * 2 ** (failures - 1))]``.
    """
    if failures < 1:
        raise ValueError(f"failures must be >= 1, got {failures}")
    ceiling = min(cap, base * 2.0 ** min(failures - 1, 1000))
    return (rng or random).uniform(0.0, ceiling)
