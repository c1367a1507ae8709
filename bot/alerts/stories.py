"""A story's life: is an alert a new story, an earlier report taking a waiting story's lead, a source for one gathering, news, another outlet's follow-up, or a repeat?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.config import SEVERITY_RANK, RouteConfig
from bot.models import Alert, SourceRef
from bot.store.records import OutboxEntry

StoryAction = Literal["new", "lead", "group", "news", "follow_up", "cooldown"]


@dataclass(frozen=True)
class StoryDecision:
    """What to do with an alert; `head` is the story's first message (None for a new story); `why` for a cooldown."""

    action: StoryAction
    head: OutboxEntry | None = None
    why: str = ""


def story_key(route: RouteConfig, alert: Alert) -> str:
    """The alert's identity for grouping and cooldown on one receiver: the route's `cooldown_key` fields.

    A field the alert lacks (no direction, an empty ticker) is replaced by the item id, so a
    missing value never makes unrelated alerts share one cooldown.
    """
    parts = [f"{name}={getattr(alert, name) or ''}" for name in route.cooldown_key]
    if any(part.endswith("=") for part in parts):
        parts.append(f"item={alert.item_id}")
    return "|".join([route.receiver, *parts])


def story_window(route: RouteConfig) -> float:
    """How far back earlier messages of a story matter."""
    return max(route.cooldown, route.group_wait, route.follow_up_seconds)


def decide_story(route: RouteConfig, alert: Alert, messages: list[OutboxEntry], now: float) -> StoryDecision:
    """Decide from the story's recent messages (oldest first, within `story_window`).

    - a report of the story published before the one its first message shows, while that message
      was never tried: it takes the first message's place, and the report it replaces is decided
      anew (two reports found in one poll are in publication order, whichever was handled first);
    - within `group_wait` of the first message, while it is still waiting: add the source to it;
    - within `cooldown`, a flipped direction or a higher severity is news: a reply in its thread;
    - another outlet within `follow_up_window` (unless `follow_ups = "none"`): a follow-up, in the
      thread and/or as an edit of the first message's "also reported by" list (with "edit", added to
      the list of a first message never tried, as a group);
    - anything else within `cooldown` (the same outlet again, or past the follow-up rules): a repeat;
    - otherwise (or if the first message was given up): a new story.
    """
    heads = [m for m in messages if m.parent_id is None and m.status != "failed"]
    if not heads:
        return StoryDecision("new")
    head = heads[-1]
    decision = _join(route, alert, head, messages, now)
    if decision.action != "new" and _never_tried(head) and _published_before(alert, head):
        return StoryDecision("lead", head)
    return decision


def _join(route: RouteConfig, alert: Alert, head: OutboxEntry, messages: list[OutboxEntry], now: float) -> StoryDecision:
    assert head.alert is not None
    age = _age(alert, head, now)
    if age < route.group_wait and head.status == "pending":
        return StoryDecision("group", head)
    reports = [m.alert for m in messages if m.alert is not None and head.id in (m.id, m.parent_id)]
    if age < route.cooldown and _is_news(alert, reports[-1]):
        return StoryDecision("news", head)
    outlets = {head.alert.source, *(ref.source for ref in head.alert.other_sources), *(r.source for r in reports)}
    new_outlet = alert.source not in outlets
    if new_outlet and route.follow_ups != "none" and age < route.follow_up_seconds:
        if route.follow_ups == "edit" and _never_tried(head):  # the list it would be edited into is not posted yet
            return StoryDecision("group", head)
        return StoryDecision("follow_up", head)
    if age >= route.cooldown:
        return StoryDecision("new")
    if not new_outlet:
        why = f"repeat of #{head.id} from {alert.source} within the {route.cooldown:g}s cooldown"
    elif route.follow_ups == "none":
        why = f"another outlet's report of #{head.id} within the {route.cooldown:g}s cooldown (follow_ups = \"none\")"
    else:
        why = (
            f"another outlet's report of #{head.id} after the {route.follow_up_seconds:g}s follow-up window, "
            f"within the {route.cooldown:g}s cooldown"
        )
    return StoryDecision("cooldown", head, why)


def _age(alert: Alert, head: OutboxEntry, now: float) -> float:
    """How far apart the two reports are: since the first was queued, or further apart when both have a
    publication time that says so (two items found in the same poll can be months apart)."""
    queued = now - head.created_at
    first = head.alert
    if alert.published is None or first is None or first.published is None:
        return queued
    return max(queued, abs(alert.published.timestamp() - first.published.timestamp()))


def _never_tried(head: OutboxEntry) -> bool:
    """Whether the first message is certainly not posted yet: pending, and no attempt failed."""
    return head.status == "pending" and head.reason is None


def _published_before(alert: Alert, head: OutboxEntry) -> bool:
    first = head.alert
    return alert.published is not None and first is not None and first.published is not None and alert.published < first.published


def with_source(story: Alert, other: Alert) -> Alert:
    """The story's alert listing `other`'s outlet among its sources."""
    ref = SourceRef(source=other.source, title=other.title, link=other.link)
    return story.model_copy(update={"other_sources": (*story.other_sources, ref)})


def _is_news(alert: Alert, earlier: Alert) -> bool:
    flipped = alert.direction is not None and alert.direction != earlier.direction
    return flipped or SEVERITY_RANK[alert.severity] > SEVERITY_RANK[earlier.severity]
