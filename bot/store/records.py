"""The store's records (feed state, catalysts, mutes, outbox rows) and their conversion from database rows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from bot.models import Alert

# Outbox rows that are (or will be) a message; the others record why an alert was not posted.
POSTING_STATUSES = ("pending", "sending", "sent", "failed")
# What a row does: post a message; or update the story's first message (`parent_id`) to list one
# more outlet, where the receiver can edit (`edit-or-reply` posts the report as a reply elsewhere).
EDIT_ACTIONS = ("edit", "edit-or-reply")


@dataclass(frozen=True)
class FeedState:
    """A feed's polling state, one row of `feeds`."""

    name: str
    url: str
    interval_s: float
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    failures: int
    last_error: str | None
    disabled_reason: str | None
    baseline_done: bool
    last_polled_at: float | None
    last_new_item_at: float | None
    next_poll_at: float


@dataclass(frozen=True)
class StoredCatalyst:
    """A catalyst found earlier, as `/catalysts TICKER` lists it."""

    ticker: str
    kind: str
    rule: str
    severity: str
    direction: str | None
    evidence: tuple[str, ...]
    title: str
    link: str | None
    feed: str
    published: datetime | None
    found_at: float


@dataclass(frozen=True)
class Mute:
    """A silence: alerts matching its ticker and kind (None = any) are held back until `ends_at`."""

    id: int
    ticker: str | None
    kind: str | None
    starts_at: float
    ends_at: float
    created_by: str
    comment: str

    def matches(self, alert: Alert, now: float) -> bool:
        return (
            self.starts_at <= now < self.ends_at
            and self.ticker in (None, alert.ticker)
            and self.kind in (None, alert.kind)
        )


@dataclass(frozen=True)
class Delivery:
    """One alert (or text notice, when `alert` is None) waiting in the outbox for one receiver.

    `claim` is set once a sender owns the row; `reclaimed` means an earlier sender claimed it
    and vanished, so the message may already have been posted.
    """

    id: int
    receiver: str
    alert: Alert | None
    attempts: int
    created_at: float
    text: str | None = None
    parent_id: int | None = None
    claim: str | None = None
    reclaimed: bool = False
    action: str = "post"


@dataclass(frozen=True)
class OutboxEntry:
    """An outbox row as a user sees it: what happened to one alert for one receiver, and why."""

    id: int
    receiver: str
    route: str | None
    status: str
    reason: str | None
    alert: Alert | None
    text: str | None
    message_id: str | None
    parent_id: int | None
    created_at: float
    action: str = "post"


_FEED_COLUMNS = frozenset(field.name for field in fields(FeedState))


def feed_state(row: Mapping[str, Any]) -> FeedState:
    values = {key: row[key] for key in row.keys() if key in _FEED_COLUMNS}
    values["baseline_done"] = bool(values["baseline_done"])
    return FeedState(**values)


def delivery(row: Mapping[str, Any]) -> Delivery:
    return Delivery(
        id=row["id"],
        receiver=row["receiver"],
        alert=Alert.model_validate_json(row["alert"]) if row["alert"] else None,
        attempts=row["attempts"],
        created_at=row["created_at"],
        text=row["text_body"],
        parent_id=row["parent_id"],
        reclaimed=row["status"] == "sending",
        action=row["action"],
    )


def outbox_entry(row: Mapping[str, Any]) -> OutboxEntry:
    return OutboxEntry(
        id=row["id"],
        receiver=row["receiver"],
        route=row["route"],
        status=row["status"],
        reason=row["last_error"],
        alert=Alert.model_validate_json(row["alert"]) if row["alert"] else None,
        text=row["text_body"],
        message_id=row["message_id"],
        parent_id=row["parent_id"],
        created_at=row["created_at"],
        action=row["action"],
    )


def stored_catalyst(row: Mapping[str, Any]) -> StoredCatalyst:
    return StoredCatalyst(
        ticker=row["ticker"],
        kind=row["kind"],
        rule=row["rule"],
        severity=row["severity"],
        direction=row["direction"],
        evidence=tuple(json.loads(row["evidence"])),
        title=row["title"],
        link=row["link"],
        feed=row["feed"],
        published=datetime.fromisoformat(row["published"]) if row["published"] else None,
        found_at=row["found_at"],
    )
