"""Per-route digests: at each cron time, one message summarising the period's alerts by ticker and kind."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.alerts.timewindows import next_digest_at
from bot.config import BotConfig, RouteConfig
from bot.store.database import Store
from bot.store.records import OutboxEntry

_LOGGER = logging.getLogger(__name__)
TITLES_PER_LINE = 2


def open_digest_periods(store: Store, config: BotConfig, now: float) -> None:
    """Start the first period of each digest route that has none: at its oldest held alert, else now.

    Called at start-up, after a reload and before each digest, so an alert held in a route's
    first seconds (or before a reload gave the route its digest) is in its first digest.
    """
    with store.transaction():
        for route in config.route_table():
            if route.digest is not None and store.digest_last_run(route.name) is None:
                oldest = store.oldest_held(route.name)
                store.set_digest_run(route.name, now if oldest is None else min(now, oldest))


def queue_due_digests(store: Store, config: BotConfig, now: float) -> int:
    """Queue the digest of every route whose cron time has come; returns how many were queued.

    A digest covers the alerts routed to it since the previous one (posted, grouped or in
    cooldown; not muted ones) and every alert held for it that is in no digest yet. It is an
    outbox row, queued in the transaction that marks exactly the held rows it lists as
    `digested`: each held alert is in exactly one digest, whatever crashes. An empty period posts nothing.
    """
    open_digest_periods(store, config, now)
    queued = 0
    for route in config.route_table():
        last = store.digest_last_run(route.name) if route.digest is not None else None
        end = None if last is None else _last_fire_time(route, last, now)
        if last is None or end is None:
            continue
        with store.transaction():
            held = store.held_for_digest(route.name, end)
            entries = _unique_alerts(
                [
                    *held,
                    *(
                        entry
                        for entry in store.outbox_entries(route=route.name, since=last, until=end)
                        if entry.alert is not None and entry.status not in ("muted", "held", "digested")
                    ),
                ]
            )
            if entries:
                start = min([last, *(entry.created_at for entry in held)])
                text = render_digest(route, entries, start, end)
                digest_id = store.enqueue_text(text, route.receiver, f"digest:{route.name}:{end:.0f}", now, route=route.name)
                if digest_id is not None:
                    store.mark_digested([entry.id for entry in held], digest_id)
                    queued += 1
                else:
                    _LOGGER.warning("digest for route %s up to %s was queued before; not queued again", route.name, end)
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


def _unique_alerts(entries: list[OutboxEntry]) -> list[OutboxEntry]:
    """Each alert once, in queue order (a story's follow-up edit and its thread reply are one report)."""
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for entry in sorted(entries, key=lambda entry: entry.id):
        assert entry.alert is not None
        key = (entry.alert.item_id, entry.alert.ticker, entry.alert.kind)
        if key not in seen:
            seen.add(key)
            unique.append(entry)
    return unique


def _last_fire_time(route: RouteConfig, last: float, now: float) -> float | None:
    """The latest cron time in (last, now], or None if none has come yet."""
    assert route.digest is not None
    fire = next_digest_at(route.digest, last)
    if fire > now:
        return None
    while (following := next_digest_at(route.digest, fire)) <= now:
        fire = following
    return fire
