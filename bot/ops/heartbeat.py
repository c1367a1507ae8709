"""A heartbeat file the daemon touches on every tick, so a container health check can see it is alive."""

from __future__ import annotations

from pathlib import Path

HEARTBEAT_FILE = "heartbeat"


def touch_heartbeat(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / HEARTBEAT_FILE).touch()


def heartbeat_age(data_dir: Path, now: float) -> float | None:
    """Seconds since the last tick, or None if the daemon never ticked here."""
    try:
        return now - (data_dir / HEARTBEAT_FILE).stat().st_mtime
    except FileNotFoundError:
        return None
