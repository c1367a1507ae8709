"""Grouping and cooldown: is an alert a new story, more sources for one being gathered, a follow-up, or a repeat?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.config import SEVERITY_RANK, RouteConfig
from bot.models import Alert, SourceRef
from bot.store.records import OutboxEntry

StoryAction = Literal["new", "group", "follow_up", "cooldown"]


@dataclass(frozen=True)
class StoryDecision:
    """What to do with an alert; `head` is the story's first message (None for a new story)."""

    action: StoryAction
    head: OutboxEntry | None = None


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
    return max(route.cooldown, route.group_wait)


def decide_story(route: RouteConfig, alert: Alert, messages: list[OutboxEntry], now: float) -> StoryDecision:
    """Decide from the story's recent messages (oldest first, within `story_window`).

    - within `group_wait` of the first message, while it is still waiting: add the source to it;
    - within `cooldown`: a repeat is suppressed, unless it changes the direction or raises the
      severity, which makes it a follow-up (posted as a reply to the first message);
    - otherwise (or if the first message was given up): a new story.
    """
    heads = [m for m in messages if m.parent_id is None and m.status != "failed"]
    if not heads:
        return StoryDecision("new")
    head = heads[-1]
    age = _age(alert, head, now)
    if age < route.group_wait and head.status == "pending":
        return StoryDecision("group", head)
    if age >= route.cooldown:
        return StoryDecision("new")
    latest = [m for m in messages if m.id == head.id or m.parent_id == head.id][-1].alert
    if latest is not None and _is_news(alert, latest):
        return StoryDecision("follow_up", head)
    return StoryDecision("cooldown", head)


def _age(alert: Alert, head: OutboxEntry, now: float) -> float:
    """How far apart the two reports are: since the first was queued, or further apart when both have a
    publication time that says so (two items found in the same poll can be months apart)."""
    queued = now - head.created_at
    first = head.alert
    if alert.published is None or first is None or first.published is None:
        return queued
    return max(queued, abs(alert.published.timestamp() - first.published.timestamp()))


def with_source(story: Alert, other: Alert) -> Alert:
    """The story's alert listing `other`'s outlet among its sources."""
    ref = SourceRef(source=other.source, title=other.title, link=other.link)
    return story.model_copy(update={"other_sources": (*story.other_sources, ref)})


def _is_news(alert: Alert, earlier: Alert) -> bool:
    flipped = alert.direction is not None and alert.direction != earlier.direction
    return flipped or SEVERITY_RANK[alert.severity] > SEVERITY_RANK[earlier.severity]
