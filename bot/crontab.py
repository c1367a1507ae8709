"""Standard crontab lines as APScheduler triggers (whose weekday numbers differ from crontab's)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_trigger(expression: str, timezone: str = "UTC") -> CronTrigger:
    """A trigger for a standard 5-field crontab line, in `timezone`.

    APScheduler numbers weekdays from Monday = 0, crontab from Sunday = 0 (7 is Sunday too), so
    the day-of-week field is translated to day names first: `1-5` means Monday to Friday.

    Raises:
        ValueError: not five fields, or a field APScheduler refuses.
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=_weekday_names(weekday), timezone=ZoneInfo(timezone)
    )


def _weekday_names(field: str) -> str:
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (_day_number(end) for end in span.split("-", 1))
        else:
            first = last = _day_number(span)
        if last < first:
            raise ValueError(f"weekday range {span!r} runs backwards")
        days.update(day % 7 for day in range(first, last + 1, int(step) if step else 1))
    return ",".join(_CRON_DAYS[day] for day in sorted(days))


def _day_number(text: str) -> int:
    if text[:3] in _CRON_DAYS:
        return _CRON_DAYS.index(text[:3])
    if not text.isdigit() or int(text) > 7:
        raise ValueError(f"not a weekday: {text!r} (0-7 or sun-sat)")
    return int(text)
