"""Turn a feed's parsed items into stored catalysts and queued alerts, each story once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.alerts.queue import AlertQueue
from bot.alerts.stories import story_key
from bot.config import BotConfig
from bot.ingest.normalize import canonical_link, title_key
from bot.models import Alert, Catalyst, NewsItem
from bot.store.database import Store

_LOGGER = logging.getLogger(__name__)
Detect = Callable[[NewsItem], list[Catalyst]]  # the rule engine's detect, or a memo of it
TITLE_KEY_PREFIX = "title:"


@dataclass
class IngestResult:
    """What one batch of items produced."""

    new_items: int = 0
    catalysts: list[tuple[NewsItem, Catalyst]] = field(default_factory=list)
    queued: int = 0
    held_back: int = 0


def dedup_keys(item: NewsItem) -> list[str]:
    """Keys under which an item counts as seen: its id in its feed, its link, its title."""
    keys = [_id_key(item)]
    link = canonical_link(item.link)
    if link:
        keys.append(f"link:{link}")
    title = title_key(item.title)
    if title:
        keys.append(f"{TITLE_KEY_PREFIX}{title}")
    return keys


def _id_key(item: NewsItem) -> str:
    return f"id:{item.feed}:{item.id}"


def unseen(store: Store, items: list[NewsItem], *, mostly_seen: bool = True) -> list[tuple[NewsItem, list[str]]]:
    """The items none of whose keys is seen, each with its keys.

    Most items of a changed feed were seen on earlier polls (`mostly_seen`): their id key alone says
    so, cheaply. A baseline's items are new as a rule: all their keys are looked up at once.
    """
    if mostly_seen:
        known = store.seen_keys(_id_key(item) for item in items)
        items = [item for item in items if _id_key(item) not in known]
    candidates = [(item, dedup_keys(item)) for item in items]
    if not candidates:
        return []
    seen = store.seen_keys(key for _, keys in candidates for key in keys)
    return [(item, keys) for item, keys in candidates if not seen.intersection(keys)]


def decision_locks(store: Store, detect: Detect, config: BotConfig, items: list[NewsItem], *, alert: bool) -> set[str]:
    """The locks a worker on a shared database holds while it ingests `items`: one per key of each
    unseen item and, if `alert`, one per story (on every route) its alerts could start or join.

    Workers ingesting different stories then go ahead side by side; two deciding one story or one
    item take turns, so the second sees the first's outbox rows and seen keys. Read before the
    transaction, so that it can take all its locks at once, in one order (no deadlock).
    """
    names: set[str] = set()
    routes = config.route_table()
    for item, keys in unseen(store, items, mostly_seen=alert):
        names.update(f"seen:{key}" for key in keys)
        if not alert:
            continue
        for catalyst in detect(item):
            for ticker in catalyst.tickers:
                candidate = Alert.from_catalyst(item, catalyst, ticker)
                names.update(f"story:{story_key(route, candidate)}" for route in routes)
    return names


def ingest_items(
    store: Store,
    detect: Detect,
    config: BotConfig,
    items: list[NewsItem],
    now: float,
    *,
    alert: bool,
) -> IngestResult:
    """Mark unseen items seen and, if `alert`, record their catalysts and queue alerts.

    Call inside a store transaction so that seen marks, history and outbox land together; on a
    shared database, holding the `decision_locks` of the items (WriteBatcher takes them).
    """
    result = IngestResult()
    fresh = unseen(store, items, mostly_seen=alert)
    if not fresh:
        return result
    seen: set[str] = set()
    new: list[tuple[NewsItem, list[str]]] = []
    for item, keys in fresh:
        if not seen.intersection(keys):  # an earlier item of this batch had the same link or title
            seen.update(keys)
            new.append((item, keys))
    by_feed: dict[str, list[str]] = {}
    for item, keys in new:
        by_feed.setdefault(item.feed, []).extend(keys)
    for feed, keys in by_feed.items():  # one statement per feed, not per item
        store.mark_seen(keys, feed, now)
    result.new_items = len(new)
    if not alert or not new:
        return result
    watchlist = [*config.watchlist, *store.watched_tickers()]
    queue = AlertQueue(store, config)
    mutes = store.active_mutes(now)
    for item, _ in new:
        for catalyst in detect(item):
            if not catalyst.tickers:
                _LOGGER.debug("catalyst %s in %r names no ticker: not alerted", catalyst.rule, item.id)
                continue
            store.record_catalyst(item, catalyst, now)
            result.catalysts.append((item, catalyst))
            for ticker in catalyst.tickers:
                outcome = queue.queue(Alert.from_catalyst(item, catalyst, ticker), now, watchlist, mutes)
                result.queued += outcome.pop("pending", 0)
                result.held_back += outcome.total()
    return result
