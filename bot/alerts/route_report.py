"""Explain in words which receivers an alert would reach, and why (`catalyst-bot routes test`)."""

from __future__ import annotations

from collections.abc import Callable

from bot.alerts.queue import held_back
from bot.alerts.routing import explain_routes
from bot.alerts.stories import StoryDecision, decide_story, story_key, story_window
from bot.config import BotConfig, RouteConfig
from bot.durations import format_duration
from bot.models import Alert
from bot.store.records import Mute, OutboxEntry

StoryLookup = Callable[[str, float], list[OutboxEntry]]
_FOLLOW_UPS = {
    "thread": "posted in the thread of {msg}",
    "edit": "listed in {msg}'s \"also reported by\" (an edit; a thread reply where the platform cannot edit)",
    "both": "listed in {msg}'s \"also reported by\" and posted in its thread",
    "none": "held back",
}


def route_report(
    alert: Alert,
    config: BotConfig,
    watchlist: list[str],
    mutes: list[Mute],
    now: float,
    story_messages: StoryLookup = lambda key, since: [],
) -> list[str]:
    """One line per route (matched or not, and why), then what would happen now to each chosen receiver.

    `story_messages` (the store's) shows where the alert would land in a story already under way.
    """
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
        if hold:
            fate = hold[1]
        else:
            key = story_key(route, alert)
            fate = _story_fate(route, decide_story(route, alert, story_messages(key, now - story_window(route)), now))
        lines.append(f"  {route.receiver}: {fate}")
    return lines


def _story_fate(route: RouteConfig, decision: StoryDecision) -> str:
    head = decision.head
    if decision.action == "cooldown":
        return f"held back, kept in history: {decision.why}"
    if head is None:
        follow = _FOLLOW_UPS[route.follow_ups].format(msg="the first message")
        return (
            f"posted after up to {format_duration(route.group_wait)} of grouping; within {format_duration(route.follow_up_seconds)} other "
            f"outlets' reports of the same {'/'.join(route.cooldown_key)} are {follow}; repeats within "
            f"{format_duration(route.cooldown)} are held back"
        )
    if decision.action == "lead":
        return f"published before the report #{head.id} shows, which is not posted yet: #{head.id} shows this one instead, and the other follows it"
    if decision.action == "group":
        return f"added to #{head.id} as another outlet (it is still waiting to be posted)"
    if decision.action == "news":
        where = f"the thread of #{head.id}" + (" and in the channel" if route.news_to_channel else "")
        return f"posted in {where}: it is news (direction or severity)"
    return f"another outlet: {_FOLLOW_UPS[route.follow_ups].format(msg=f'#{head.id}')}"
