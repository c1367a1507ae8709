"""Local-time rules: whether a moment falls in a route's quiet hours, and when its digest is next due."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.config import DigestConfig, QuietHoursConfig
from bot.crontab import crontab_trigger

_SATURDAY = 5


def in_quiet_hours(quiet: QuietHoursConfig, now: float) -> bool:
    """True inside the daily window [start, end) in the window's time zone (it may span midnight).

    With `weekends`, Saturday and Sunday are quiet all day.
    """
    local = datetime.fromtimestamp(now, ZoneInfo(quiet.timezone))
    if quiet.weekends and local.weekday() >= _SATURDAY:
        return True
    moment = local.time().replace(tzinfo=None)
    if quiet.start <= quiet.end:
        return quiet.start <= moment < quiet.end
    return moment >= quiet.start or moment < quiet.end


def next_digest_at(digest: DigestConfig, after: float) -> float:
    """The first cron fire time strictly after `after` (epoch seconds)."""
    trigger = crontab_trigger(digest.cron, digest.timezone)
    start = datetime.fromtimestamp(after, UTC)
    fire = trigger.get_next_fire_time(start, start)
    if fire is not None and fire.timestamp() <= after:
        fire = trigger.get_next_fire_time(fire, datetime.fromtimestamp(after + 1, UTC))
    if fire is None:  # pragma: no cover - a crontab always fires again
        raise ValueError(f"digest cron {digest.cron!r} never fires again")
    return fire.timestamp()
