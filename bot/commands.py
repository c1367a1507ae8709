"""Platform-neutral answers to `/catalysts ...`: Slack, Discord and the terminal all call `dispatch`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.clock import Clock
from bot.config import BotConfig
from bot.durations import parse_duration
from bot.store.database import Store
from bot.store.records import StoredCatalyst
from bot.suggest import did_you_mean
from rules.engine import RuleEngine
from rules.tickers import normalise_ticker

_TICKER = re.compile(r"^[A-Z][A-Z0-9\-]{0,9}$")
_DAYS = re.compile(r"^(\d{1,3})d?$", re.IGNORECASE)
MAX_DAYS = 365
DEFAULT_DAYS = 7
TOP_LIMIT = 15
MAX_MUTE = 30 * 86400.0

HELP = (
    ("/catalysts TICKER [7d]", "the ticker's catalysts, grouped by kind, newest first"),
    ("/catalysts", "today's catalysts for the watchlist"),
    ("/catalysts mute TICKER[/KIND] 4h [reason]", "silence alerts for a while"),
    ("/catalysts mutes", "list active mutes"),
    ("/catalysts unmute ID", "end a mute"),
    ("/catalysts watch TICKER / unwatch TICKER", "add to or remove from the watchlist"),
    ("/catalysts rules", "the catalyst rules in use"),
    ("/catalysts help", "this help"),
)


class CommandError(ValueError):
    """A user's command had a bad argument; the message says how to fix it."""


@dataclass(frozen=True)
class ReplyEntry:
    text: str
    link: str | None = None
    when: datetime | None = None
    direction: str | None = None


@dataclass(frozen=True)
class ReplySection:
    heading: str
    entries: tuple[ReplyEntry, ...]


@dataclass(frozen=True)
class Reply:
    """What a command answers; adapters render it. `ephemeral` replies are shown to the asker only."""

    title: str
    sections: tuple[ReplySection, ...] = ()
    ephemeral: bool = False
    error: bool = False
    narrower: str | None = None  # how to ask for less when a chat cannot show everything

    def as_text(self) -> str:
        lines = [self.title]
        for section in self.sections:
            lines.append(f"\n{section.heading}")
            for entry in section.entries:
                arrow = {"positive": "▲", "negative": "▼"}.get(entry.direction or "", "•")
                when = f"{entry.when:%Y-%m-%d %H:%M UTC}  " if entry.when else ""
                lines.append(f"  {arrow} {when}{entry.text}")
                if entry.link:
                    lines.append(f"      {entry.link}")
        return "\n".join(lines)


@dataclass
class CatalystCommands:
    """The command set, bound to a store, the config's watchlist and the rule list."""

    store: Store
    clock: Clock
    watchlist: list[str] = field(default_factory=list)
    known_tickers: Mapping[str, str] = field(default_factory=dict)
    rules: Callable[[], list[tuple[str, str, str]]] = list

    @classmethod
    def for_bot(cls, config: BotConfig, store: Store, engine: RuleEngine, clock: Clock) -> CatalystCommands:
        return cls(
            store=store,
            clock=clock,
            watchlist=config.watchlist,
            known_tickers=engine.linker.universe.tickers,
            rules=lambda: [(rule.id, rule.kind, rule.severity) for rule in engine.rules],
        )

    def dispatch(self, args: list[str], user: str) -> Reply:
        """Answer `/catalysts` with its arguments already split on whitespace."""
        verb = args[0].lower() if args else ""
        handlers = {
            "help": lambda rest: self.help(),
            "rules": lambda rest: self.rule_list(),
            "mutes": lambda rest: self.mutes(),
            "mute": lambda rest: self.mute(rest, user),
            "unmute": lambda rest: self.unmute(rest),
            "watch": lambda rest: self.watch(rest, user),
            "unwatch": lambda rest: self.unwatch(rest),
        }
        try:
            if not args:
                return self.top()
            if verb in handlers:
                return handlers[verb](args[1:])
            if len(args) > 2:
                raise CommandError("too many arguments: try `/catalysts BABA 7d` or `/catalysts help`")
            return self.history(args[0], parse_days(args[1]) if len(args) > 1 else DEFAULT_DAYS)
        except CommandError as exc:
            return Reply(title=str(exc), ephemeral=True, error=True)

    def history(self, ticker_text: str, days: int) -> Reply:
        ticker = self._known(ticker_text)
        since = self.clock() - days * 86400
        found = self.store.catalysts_for(ticker, since=since)
        entries = [c for c in found if _happened_at(c) >= since]
        name = self.known_tickers.get(ticker)
        label = f"{ticker} ({name})" if name and name != ticker else ticker
        if not entries:
            return Reply(title=f"No catalysts for {label} in the last {days} day(s).{_older_news(found)}")
        by_kind: dict[str, list[StoredCatalyst]] = {}
        for entry in entries:
            by_kind.setdefault(entry.kind, []).append(entry)
        sections = tuple(
            ReplySection(f"{kind} ({len(group)})", tuple(_entry(catalyst) for catalyst in group))
            for kind, group in by_kind.items()
        )
        return Reply(
            title=f"{label}: {len(entries)} catalyst(s) in the last {days} day(s)",
            sections=sections,
            narrower=f"ask for fewer days, e.g. `/catalysts {ticker} 1d`",
        )

    def top(self) -> Reply:
        tickers = self.effective_watchlist()
        if not tickers:
            return Reply(title="The watchlist is empty: add a ticker with `/catalysts watch TICKER`.", ephemeral=True)
        since = self.clock() - 86400
        recent = self.store.recent_catalysts(tickers, since=since, limit=TOP_LIMIT)
        found = [c for c in recent if _happened_at(c) >= since]
        if not found:
            return Reply(title=f"No catalysts today for the watchlist ({', '.join(tickers)}).{_older_news(recent, capped=len(recent) == TOP_LIMIT)}")
        section = ReplySection(
            "Watchlist, last 24 hours", tuple(_entry(c, prefix=f"{c.ticker} {c.kind}: ") for c in found)
        )
        return Reply(title=f"Today's top catalysts for {len(tickers)} watched ticker(s)", sections=(section,))

    def mute(self, args: list[str], user: str) -> Reply:
        if len(args) < 2:
            raise CommandError("usage: /catalysts mute TICKER[/KIND] DURATION [reason], e.g. `mute BABA 4h earnings`")
        ticker_text, _, kind = args[0].partition("/")
        ticker = None if ticker_text == "*" else self._known(ticker_text)
        kinds = {rule_kind for _, rule_kind, _ in self.rules()}
        if kind and kinds and kind not in kinds:
            raise CommandError(f"unknown kind {kind!r}{did_you_mean(kind, kinds)}: see `/catalysts rules`")
        seconds = _mute_duration(args[1])
        now = self.clock()
        mute = self.store.add_mute(ticker, kind or None, now, now + seconds, user, " ".join(args[2:]))
        until = datetime.fromtimestamp(mute.ends_at, UTC)
        what = f"{ticker or 'all tickers'}" + (f" / {kind}" if kind else "")
        return Reply(title=f"Muted {what} until {until:%Y-%m-%d %H:%M UTC} (mute #{mute.id}).")

    def mutes(self) -> Reply:
        active = self.store.active_mutes(self.clock())
        if not active:
            return Reply(title="No active mutes.", ephemeral=True)
        entries = tuple(
            ReplyEntry(
                f"#{m.id} {m.ticker or 'all tickers'}{'/' + m.kind if m.kind else ''} until "
                f"{datetime.fromtimestamp(m.ends_at, UTC):%Y-%m-%d %H:%M UTC} by {m.created_by}"
                + (f": {m.comment}" if m.comment else "")
            )
            for m in active
        )
        return Reply(title=f"{len(active)} active mute(s)", sections=(ReplySection("Mutes", entries),), ephemeral=True)

    def unmute(self, args: list[str]) -> Reply:
        if len(args) != 1 or not args[0].lstrip("#").isdigit():
            raise CommandError("usage: /catalysts unmute ID (see `/catalysts mutes` for the ids)")
        mute_id = int(args[0].lstrip("#"))
        if not self.store.remove_mute(mute_id):
            raise CommandError(f"there is no mute #{mute_id}")
        return Reply(title=f"Mute #{mute_id} removed.")

    def watch(self, args: list[str], user: str) -> Reply:
        ticker = self._known(_single(args, "watch TICKER"))
        added = self.store.watch(ticker, user, self.clock())
        return Reply(title=f"{ticker} {'added to' if added else 'is already on'} the watchlist.")

    def unwatch(self, args: list[str]) -> Reply:
        ticker = parse_ticker(_single(args, "unwatch TICKER"))
        if ticker in self.watchlist:
            raise CommandError(f"{ticker} is on the watchlist in the config file; remove it there")
        if not self.store.unwatch(ticker):
            raise CommandError(f"{ticker} is not on the watchlist")
        return Reply(title=f"{ticker} removed from the watchlist.")

    def rule_list(self) -> Reply:
        by_kind: dict[str, list[ReplyEntry]] = {}
        for rule_id, kind, severity in self.rules():
            by_kind.setdefault(kind, []).append(ReplyEntry(f"{rule_id} ({severity})"))
        sections = tuple(ReplySection(kind, tuple(entries)) for kind, entries in sorted(by_kind.items()))
        return Reply(title=f"{sum(len(e) for e in by_kind.values())} rule(s) in use", sections=sections, ephemeral=True)

    def help(self) -> Reply:
        entries = tuple(ReplyEntry(f"{usage}: {meaning}") for usage, meaning in HELP)
        return Reply(title="catalyst-bot commands", sections=(ReplySection("Usage", entries),), ephemeral=True)

    def effective_watchlist(self) -> list[str]:
        return sorted(set(self.watchlist) | set(self.store.watched_tickers()))

    def _known(self, text: str) -> str:
        ticker = parse_ticker(text)
        if self.known_tickers and ticker not in self.known_tickers and ticker not in self.watchlist:
            raise CommandError(f"unknown ticker {ticker}: check the symbol (e.g. BABA, NVDA)")
        return ticker


def parse_ticker(text: str) -> str:
    ticker = normalise_ticker(text.strip().lstrip("$"))
    if not _TICKER.match(ticker):
        raise CommandError(f"{text!r} is not a ticker symbol (try e.g. BABA or NVDA)")
    return ticker


def parse_days(text: str) -> int:
    match = _DAYS.match(text.strip())
    if not match or not 1 <= int(match.group(1)) <= MAX_DAYS:
        raise CommandError(f"{text!r} is not a number of days from 1 to {MAX_DAYS} (e.g. 7d)")
    return int(match.group(1))


def _mute_duration(text: str) -> float:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if not 0 < seconds <= MAX_MUTE:
        raise CommandError(f"a mute lasts from 1 second to 30 days, not {text!r}")
    return seconds


def _single(args: list[str], usage: str) -> str:
    if len(args) != 1:
        raise CommandError(f"usage: /catalysts {usage}")
    return args[0]


def _happened_at(catalyst: StoredCatalyst) -> float:
    """When the news came out: its publication time, else when the bot found it. Windows are by this time
    (the store is asked by found time, which is never earlier, so its answer holds every candidate)."""
    return catalyst.published.timestamp() if catalyst.published else catalyst.found_at


def _older_news(found: list[StoredCatalyst], *, capped: bool = False) -> str:
    """For an empty window: the catalysts found in it whose news came out before it, so none seems lost."""
    if not found:
        return ""
    latest = max(_happened_at(c) for c in found)
    count = f"{len(found)} or more" if capped else str(len(found))
    return (
        f" {count} found in that time {'was' if count == '1' else 'were'} published earlier, the latest on "
        f"{datetime.fromtimestamp(latest, UTC):%Y-%m-%d} (windows count from publication)."
    )


def _entry(catalyst: StoredCatalyst, prefix: str = "") -> ReplyEntry:
    return ReplyEntry(
        text=f"{prefix}{catalyst.title}",
        link=catalyst.link,
        when=catalyst.published or datetime.fromtimestamp(catalyst.found_at, UTC),
        direction=catalyst.direction,
    )
