"""`[edgar] watchlist = true`: one EDGAR company feed per watchlist ticker, its CIK from the SEC list."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.config import BotConfig, FeedConfig
from bot.ingest.edgar import company_feed_url

_LOGGER = logging.getLogger(__name__)

FEED_PREFIX = "edgar:"


def watchlist_feeds(config: BotConfig, tickers: Iterable[str], ciks: dict[str, str]) -> list[FeedConfig]:
    """The company feeds to poll for ``tickers`` (none unless `[edgar] watchlist`), CIKs from ``ciks``; tickers without one are logged."""
    if not config.edgar.watchlist:
        return []
    by_ticker: dict[str, str] = {}
    for cik, ticker in ciks.items():
        by_ticker.setdefault(ticker, cik)
    taken = {feed.name for feed in config.feeds}
    feeds, unknown = [], []
    for ticker in dict.fromkeys(t.upper() for t in tickers):
        cik = by_ticker.get(ticker)
        if cik is None:
            unknown.append(ticker)
        elif FEED_PREFIX + ticker not in taken:
            url = company_feed_url(config.edgar.base_url, cik, config.edgar.forms)
            feeds.append(FeedConfig(name=FEED_PREFIX + ticker, url=url, interval=config.edgar.interval, tags=["edgar"]))
    if unknown:
        _LOGGER.warning(
            "[edgar] watchlist: no CIK for %s (run `catalyst-bot universe update` to load the SEC list)", ", ".join(unknown)
        )
    return feeds
