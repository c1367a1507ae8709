"""Operational notices for the ops receiver: a feed disabled after failures, or silent for too long."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.config import BotConfig
from bot.store.database import Store

_LOGGER = logging.getLogger(__name__)


def queue_ops_notice(store: Store, config: BotConfig, text: str, dedup_key: str, now: float) -> bool:
    """Queue a notice for `[ops] receiver` once per `dedup_key`; False if there is no ops receiver or it was queued.

    Call inside a store transaction.
    """
    if config.ops is None:
        return False
    return store.enqueue_text(text, config.ops.receiver, f"ops:{dedup_key}", now) is not None


def queue_silent_feed_notices(store: Store, config: BotConfig, now: float) -> int:
    """One notice per silence: an enabled feed whose last new item is older than its `silent_after`."""
    if config.ops is None:
        return 0
    expected = {feed.name: feed.silent_after or config.ops.silent_after for feed in config.feeds}
    queued = 0
    with store.transaction():
        for state in store.feeds():
            limit = expected.get(state.name)
            if limit is None or state.disabled_reason or state.last_new_item_at is None:
                continue
            silent_for = now - state.last_new_item_at
            if silent_for <= limit:
                continue
            since = datetime.fromtimestamp(state.last_new_item_at, UTC)
            text = (
                f"feed {state.name} ({state.url}) has had no new items since {since:%Y-%m-%d %H:%M UTC} "
                f"({silent_for / 3600:.1f}h; expected within {limit / 3600:.1f}h)"
            )
            if queue_ops_notice(store, config, text, f"silent:{state.name}:{state.last_new_item_at:.0f}", now):
                _LOGGER.warning(text)
                queued += 1
    return queued
