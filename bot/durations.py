"""Parse human durations such as ``90``, ``"30s"``, ``"5m"``, ``"4h"`` and ``"7d"`` into seconds."""

from __future__ import annotations

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)


def parse_duration(value: int | float | str) -> float:
    """Return the duration in seconds; a bare number means seconds.

    Raises:
        ValueError: the value is negative or not of the form ``<number>[s|m|h|d|w]``.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"not a duration: {value!r} (use e.g. 90, '30s', '5m', '4h', '7d')")
        seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds < 0:
        raise ValueError(f"duration must not be negative: {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """The way a person writes it: the largest unit that divides it exactly (14400 -> "4h", 90 -> "90s")."""
    for unit in ("w", "d", "h", "m"):
        size = _UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
