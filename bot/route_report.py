"""Explain in words which receivers an alert would reach, and why (`catalyst-bot routes test`)."""

from __future__ import annotations

from bot.alerts import mute_reason
from bot.config import BotConfig
from bot.models import Alert
from bot.routing import explain_routes
from bot.store import Mute
from bot.timewindows import in_quiet_hours


def route_report(alert: Alert, config: BotConfig, watchlist: list[str], mutes: list[Mute], now: float) -> list[str]:
    """One line per route (matched or not, and why), then what would happen now to each chosen receiver."""
    lines = [
        f"{alert.ticker} {alert.kind} (severity {alert.severity}, direction {alert.direction or 'unknown'}, "
        f"tags {', '.join(alert.tags) or 'none'})"
    ]
    chosen = []
    for check in explain_routes(alert, config, watchlist):
        mark = "+" if check.selected else "-"
        lines.append(f"  {mark} {check.route.name} -> {check.route.receiver}: {check.why}")
        if check.selected:
            chosen.append(check.route)
    if not chosen:
        lines.append("No receiver would get it: no route matched and there is no default_route.")
        return lines
    lines.append("Now:")
    mute = next((m for m in mutes if m.matches(alert, now)), None)
    for route in chosen:
        if mute is not None:
            fate = mute_reason(mute)
        elif route.quiet_hours is not None and in_quiet_hours(route.quiet_hours, now):
            fate = f"held for the digest (quiet hours {route.quiet_hours.start:%H:%M}-{route.quiet_hours.end:%H:%M} "
            fate += f"{route.quiet_hours.timezone})"
        else:
            fate = (
                f"posted after up to {route.group_wait:g}s of grouping; repeats of the same "
                f"{'/'.join(route.cooldown_key)} within {route.cooldown:g}s are held back"
            )
        lines.append(f"  {route.receiver}: {fate}")
    return lines
