"""Platform-neutral answers to chat and CLI commands such as `/catalysts BABA 7d`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.store import Store, StoredCatalyst

_TICKER = re.compile(r"^[A-Z][A-Z0-9.\-]{0,9}$")
MAX_DAYS = 365


class CommandError(ValueError):
    """A user's command had a bad argument; the message says how to fix it."""


@dataclass(frozen=True)
class CatalystHistory:
    """A ticker's recent catalysts, grouped by kind; kinds and entries newest first."""

    ticker: str
    days: int
    by_kind: dict[str, list[StoredCatalyst]]

    @property
    def count(self) -> int:
        return sum(len(entries) for entries in self.by_kind.values())


def parse_ticker(text: str) -> str:
    ticker = text.strip().lstrip("$").upper()
    if not _TICKER.match(ticker):
        raise CommandError(f"{text!r} is not a ticker symbol (try e.g. BABA or NVDA)")
    return ticker


def catalyst_history(store: Store, ticker: str, days: int, now: float) -> CatalystHistory:
    """The `/catalysts TICKER [Nd]` query."""
    if not 1 <= days <= MAX_DAYS:
        raise CommandError(f"days must be between 1 and {MAX_DAYS}, not {days}")
    ticker = parse_ticker(ticker)
    by_kind: dict[str, list[StoredCatalyst]] = {}
    for entry in store.catalysts_for(ticker, since=now - days * 86400):
        by_kind.setdefault(entry.kind, []).append(entry)
    return CatalystHistory(ticker=ticker, days=days, by_kind=by_kind)


def history_as_text(history: CatalystHistory) -> str:
    """Plain-text rendering for the terminal."""
    if not history.count:
        return f"No catalysts for {history.ticker} in the last {history.days} day(s)."
    lines = [f"{history.ticker}: {history.count} catalyst(s) in the last {history.days} day(s)"]
    for kind, entries in history.by_kind.items():
        lines.append(f"\n{kind} ({len(entries)})")
        for entry in entries:
            when = entry.published.strftime("%Y-%m-%d %H:%M UTC") if entry.published else "time unknown"
            arrow = {"positive": "▲", "negative": "▼"}.get(entry.direction or "", "•")
            lines.append(f"  {arrow} {when}  {entry.title}")
            lines.append(f"      {entry.feed}" + (f" · {entry.link}" if entry.link else ""))
    return "\n".join(lines)
