"""Per-route digests: at each cron time, one message summarising the period's alerts by ticker and kind."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.alerts.timewindows import next_digest_at
from bot.config import BotConfig, RouteConfig
from bot.store.records import OutboxEntry
from bot.store.sqlite import Store

_LOGGER = logging.getLogger(__name__)
TITLES_PER_LINE = 2


def queue_due_digests(store: Store, config: BotConfig, now: float) -> int:
    """Queue the digest of every route whose cron time has come; returns how many were queued.

    A route's first call only starts its first period. A digest covers the alerts routed to it
    since the previous one (posted, held in quiet hours, grouped or in cooldown; not muted ones),
    and the alerts held for it are marked `digested`. An empty period posts nothing.
    """
    queued = 0
    for route in config.route_table():
        if route.digest is None:
            continue
        last = store.digest_last_run(route.name)
        if last is None:
            with store.transaction():
                store.set_digest_run(route.name, now)
            continue
        end = _last_fire_time(route, last, now)
        if end is None:
            continue
        with store.transaction():
            entries = [
                entry
                for entry in store.outbox_entries(route=route.name, since=last, until=end)
                if entry.alert is not None and entry.status != "muted"
            ]
            if entries:
                text = render_digest(route, entries, last, end)
                digest_id = store.enqueue_text(text, route.receiver, f"digest:{route.name}:{end:.0f}", now, route=route.name)
                if digest_id is not None:
                    store.mark_digested(route.name, end, digest_id)
                    queued += 1
            store.set_digest_run(route.name, end)
        _LOGGER.info("digest for route %s: %d alert(s) up to %s", route.name, len(entries), end)
    return queued


def render_digest(route: RouteConfig, entries: list[OutboxEntry], start: float, end: float) -> str:
    """Plain text: a heading with the period, then per ticker one line per kind with counts and titles."""
    assert route.digest is not None
    zone = ZoneInfo(route.digest.timezone)
    period = f"{datetime.fromtimestamp(start, zone):%Y-%m-%d %H:%M} to {datetime.fromtimestamp(end, zone):%Y-%m-%d %H:%M}"
    groups: dict[str, dict[str, list[OutboxEntry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        assert entry.alert is not None
        groups[entry.alert.ticker][entry.alert.kind].append(entry)
    lines = [f"Digest ({route.name}), {period} {route.digest.timezone}: {len(entries)} alert(s)"]
    for ticker in sorted(groups):
        lines.append(ticker)
        for kind, group in sorted(groups[ticker].items()):
            held = sum(entry.status in ("held", "digested") for entry in group)
            titles = list(dict.fromkeys(entry.alert.title for entry in group if entry.alert))
            shown = "; ".join(titles[:TITLES_PER_LINE]) + (f" (+{len(titles) - TITLES_PER_LINE} more)" if len(titles) > TITLES_PER_LINE else "")
            note = f", {held} held in quiet hours" if held else ""
            lines.append(f"  {kind} x{len(group)}{note}: {shown}")
    return "\n".join(lines)


def _last_fire_time(route: RouteConfig, last: float, now: float) -> float | None:
    """The latest cron time in (last, now], or None if none has come yet."""
    assert route.digest is not None
    fire = next_digest_at(route.digest, last)
    if fire > now:
        return None
    while (following := next_digest_at(route.digest, fire)) <= now:
        fire = following
    return fire
