"""Explain in words which receivers an alert would reach, and why (`catalyst-bot routes test`)."""

from __future__ import annotations

from bot.alerts.queue import held_back
from bot.alerts.routing import explain_routes
from bot.config import BotConfig
from bot.durations import format_duration
from bot.models import Alert
from bot.store.records import Mute


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
    for route in chosen:
        hold = held_back(alert, route, now, mutes)
        fate = hold[1] if hold else (
            f"posted after up to {format_duration(route.group_wait)} of grouping; repeats of the same "
            f"{'/'.join(route.cooldown_key)} within {format_duration(route.cooldown)} are held back"
        )
        lines.append(f"  {route.receiver}: {fate}")
    return lines
