"""Queue an alert for each selected route: mutes, quiet hours, grouping and cooldown decide how."""

from __future__ import annotations

import functools
import logging
from collections import Counter

from bot.alerts.routing import selected_routes
from bot.alerts.stories import (
    StoryDecision,
    decide_story,
    story_key,
    story_window,
    with_source,
)
from bot.alerts.timewindows import in_quiet_hours
from bot.config import BotConfig, RouteConfig
from bot.models import Alert
from bot.store.database import Store
from bot.store.records import Mute

_LOGGER = logging.getLogger(__name__)


def mute_reason(mute: Mute) -> str:
    return f"muted by #{mute.id} ({mute.created_by}{': ' + mute.comment if mute.comment else ''})"


def held_back(alert: Alert, route: RouteConfig, now: float, mutes: list[Mute]) -> tuple[str, str] | None:
    """Why the route does not post the alert now: ("muted", reason) or ("held", reason); None to post it."""
    mute = next((m for m in mutes if m.matches(alert, now)), None)
    if mute is not None:
        return "muted", mute_reason(mute)
    quiet = route.quiet_hours
    if quiet is not None and in_quiet_hours(quiet, now):
        return "held", f"quiet hours ({quiet.start:%H:%M}-{quiet.end:%H:%M} {quiet.timezone}): held for the digest"
    return None


class AlertQueue:
    """Writes every routed alert to the outbox: as pending, or with the status saying why not.

    Statuses: `pending` (to post: a new story, a reply in a story's thread or an edit of its first
    message), `muted`, `held` (quiet hours, for the digest), `grouped` (added as a source to an
    earlier alert), `cooldown` (a repeat). Call inside a store transaction.
    """

    def __init__(self, store: Store, config: BotConfig) -> None:
        self._store = store
        self._config = config

    def queue(self, alert: Alert, now: float, watchlist: list[str], mutes: list[Mute]) -> Counter[str]:
        """Record the alert for each of its routes; returns how many rows got each status."""
        outcome: Counter[str] = Counter()
        for route in selected_routes(alert, self._config, watchlist):
            status = self._queue_for_route(alert, route, now, mutes)
            if status:
                outcome[status] += 1
        return outcome

    def _queue_for_route(self, alert: Alert, route: RouteConfig, now: float, mutes: list[Mute], copy: str = "") -> str | None:
        """`copy` names the row of an alert whose first row now shows another (a report that lost the lead)."""
        record = functools.partial(self._store.enqueue, copy=copy)
        hold = held_back(alert, route, now, mutes)
        if hold is not None:
            status, reason = hold
            return status if record(alert, route.receiver, now, route=route.name, status=status, reason=reason) else None
        key = story_key(route, alert)
        decision = decide_story(route, alert, self._store.story_messages(key, now - story_window(route)), now)
        head = decision.head
        if decision.action == "new":
            queued = record(alert, route.receiver, now, route=route.name, story_key=key, send_at=now + route.group_wait)
            return "pending" if queued else None
        assert head is not None and head.alert is not None
        if decision.action == "lead":
            self._store.replace_alert(head.id, alert.model_copy(update={"other_sources": head.alert.other_sources}))
            displaced = head.alert.model_copy(update={"other_sources": ()})
            _LOGGER.debug("%s %s for %s: #%d now shows the earlier report %r", alert.ticker, alert.kind, route.receiver, head.id, alert.item_id)
            return self._queue_for_route(displaced, route, now, mutes, copy="later")
        if decision.action in ("news", "follow_up"):
            return "pending" if self._follow(alert, route, key, decision, now, copy) else None
        if decision.action == "group":
            status, reason = "grouped", f"grouped into #{head.id}"
        else:
            status, reason = "cooldown", decision.why
        if not record(alert, route.receiver, now, route=route.name, story_key=key, status=status, reason=reason, parent_id=head.id):
            return None
        if status == "grouped":
            self._store.replace_alert(head.id, with_source(head.alert, alert))
        _LOGGER.debug("%s %s for %s: %s", alert.ticker, alert.kind, route.receiver, reason)
        return status

    def _follow(self, alert: Alert, route: RouteConfig, key: str, decision: StoryDecision, now: float, copy: str) -> bool:
        """Queue news (a reply, and a channel copy with `news_to_channel`) or another outlet's follow-up.

        A follow-up queues a reply (`thread`), or adds the outlet to the first message's sources and
        queues an edit of it (`edit`; a reply where the receiver cannot edit), or both. Shown once:
        `thread` leaves the list alone, so a first message posted after the follow-up was queued
        does not list the report its thread shows.
        """
        head = decision.head
        assert head is not None and head.alert is not None
        store, receiver = self._store, route.receiver
        reply = functools.partial(store.enqueue, alert, receiver, now, route=route.name, story_key=key, parent_id=head.id, copy=copy)
        if decision.action == "news":
            queued = reply() is not None
            if route.news_to_channel:
                queued = store.enqueue(alert, receiver, now, route=route.name, copy="channel") is not None or queued
            return queued
        mode = route.follow_ups
        queued = mode in ("thread", "both") and reply() is not None
        if mode in ("edit", "both"):
            store.replace_alert(head.id, with_source(head.alert, alert))
            queued = reply(action="edit" if mode == "both" else "edit-or-reply") is not None or queued
        return queued
