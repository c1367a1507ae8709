"""`/catalysts` answers, shared by chat and the terminal: history, top, mutes, watchlist, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.commands import CatalystCommands
from bot.models import Catalyst, NewsItem
from bot.store.database import Store

KNOWN = {"BABA": "Alibaba Group", "NVDA": "NVIDIA", "AMD": "Advanced Micro Devices"}


@pytest.fixture
def setup(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    clock = ManualClock(1_760_000_000.0)
    commands = CatalystCommands(
        store=store,
        clock=clock,
        watchlist=["BABA"],
        known_tickers=KNOWN,
        rules=lambda: [("price_move.verb_percent", "price_move", "medium"), ("export.granted", "export_license", "high")],
    )
    yield store, clock, commands
    store.close()


def record(store: Store, at: float, item_id: str, title: str, kind: str, ticker: str = "BABA") -> None:
    item = NewsItem(
        id=item_id,
        title=title,
        link=f"https://news.example.com/{item_id}",
        published=datetime.fromtimestamp(at, UTC),
        feed="wire",
    )
    with store.transaction():
        store.record_catalyst(item, Catalyst(kind=kind, tickers=(ticker,), rule=f"{kind}.r", direction="positive"), at)


def test_history_groups_by_kind_newest_first(setup):
    store, clock, commands = setup
    record(store, clock() - 3 * 86400, "old", "Alibaba rises 6%", "price_move")
    record(store, clock() - 3600, "new", "Alibaba jumps 9%", "price_move")
    record(store, clock() - 7200, "ark", "Ark buys Alibaba", "fund_position")
    record(store, clock() - 20 * 86400, "ancient", "Alibaba soars 12%", "price_move")
    reply = commands.dispatch(["baba", "7d"], user="ana")
    assert reply.title == "BABA (Alibaba Group): 3 catalyst(s) in the last 7 day(s)"
    assert [s.heading for s in reply.sections] == ["price_move (2)", "fund_position (1)"]
    assert [e.text for e in reply.sections[0].entries] == ["Alibaba jumps 9%", "Alibaba rises 6%"]
    assert reply.sections[0].entries[0].link == "https://news.example.com/new"
    assert not reply.ephemeral


def test_no_args_gives_todays_watchlist_catalysts(setup):
    store, clock, commands = setup
    record(store, clock() - 600, "a", "Alibaba hits 52-week high", "52_week_high")
    record(store, clock() - 600, "b", "AMD rises 7%", "price_move", ticker="AMD")
    reply = commands.dispatch([], user="ana")
    assert [e.text for e in reply.sections[0].entries] == ["BABA 52_week_high: Alibaba hits 52-week high"]
    commands.dispatch(["watch", "amd"], user="ana")
    assert len(commands.dispatch([], user="ana").sections[0].entries) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ZZZZ"], "unknown ticker ZZZZ"),
        (["BA BA!"], "is not a ticker symbol"),
        (["BABA", "soon"], "is not a number of days"),
        (["BABA", "900d"], "is not a number of days"),
        (["mute", "BABA"], "usage: /catalysts mute"),
        (["mute", "BABA", "forever"], "not a duration"),
        (["unmute", "x"], "usage: /catalysts unmute ID"),
        (["unmute", "42"], "there is no mute #42"),
        (["unwatch", "BABA"], "in the config file"),
        (["BABA", "7d", "extra"], "too many arguments"),
        (["mute", "BABA/earnigs", "4h"], "unknown kind 'earnigs'"),
        (["mute", "BABA/price_moves", "4h"], "unknown kind 'price_moves' (did you mean 'price_move'?)"),
    ],
)
def test_bad_arguments_get_a_helpful_ephemeral_reply(setup, args, message):
    reply = setup[2].dispatch(args, user="ana")
    assert reply.error and reply.ephemeral
    assert message in reply.title


def test_mute_list_and_unmute(setup):
    store, clock, commands = setup
    reply = commands.dispatch(["mute", "BABA/price_move", "4h", "earnings", "noise"], user="ana")
    assert reply.title == "Muted BABA / price_move until 2025-10-09 12:53 UTC (mute #1)."
    (mute,) = store.active_mutes(clock())
    assert (mute.ticker, mute.kind, mute.created_by, mute.comment) == ("BABA", "price_move", "ana", "earnings noise")
    listed = commands.dispatch(["mutes"], user="bo")
    assert listed.sections[0].entries[0].text.startswith("#1 BABA/price_move until")
    clock.advance(4 * 3600)
    assert commands.dispatch(["mutes"], user="bo").title == "No active mutes."
    commands.dispatch(["mute", "*", "1h"], user="ana")
    assert commands.dispatch(["unmute", "2"], user="ana").title == "Mute #2 removed."
    assert store.active_mutes(clock()) == []


def test_watch_unwatch_and_rules_and_help(setup):
    _, _, commands = setup
    assert commands.dispatch(["watch", "$nvda"], user="ana").title == "NVDA added to the watchlist."
    assert commands.dispatch(["watch", "NVDA"], user="ana").title == "NVDA is already on the watchlist."
    assert commands.effective_watchlist() == ["BABA", "NVDA"]
    assert commands.dispatch(["unwatch", "NVDA"], user="ana").title == "NVDA removed from the watchlist."
    rules = commands.dispatch(["rules"], user="ana")
    assert [s.heading for s in rules.sections] == ["export_license", "price_move"]
    assert "mute TICKER" in commands.dispatch(["help"], user="ana").as_text()


def test_windows_are_by_publication_time_not_by_when_the_bot_found_it(setup):
    store, clock, commands = setup
    old_news = NewsItem(id="old", title="Alibaba rises 6% (last year's story)", link="https://n.example/old",
                        published=datetime.fromtimestamp(clock() - 300 * 86400, UTC), feed="wire")
    with store.transaction():
        store.record_catalyst(old_news, Catalyst(kind="price_move", tickers=("BABA",), rule="r", direction="positive"), clock())
    record(store, clock() - 600, "new", "Alibaba jumps 9%", "price_move")
    assert [e.text for e in commands.dispatch(["BABA", "7d"], user="ana").sections[0].entries] == ["Alibaba jumps 9%"]
    assert [e.text for e in commands.dispatch([], user="ana").sections[0].entries] == ["BABA price_move: Alibaba jumps 9%"]


def test_an_empty_window_says_what_was_found_in_it_but_published_earlier(setup):
    store, clock, commands = setup
    for item, days_ago in (("a", 300), ("b", 420)):
        old_news = NewsItem(id=item, title=f"Alibaba rises 6% ({item})", link=f"https://n.example/{item}",
                            published=datetime.fromtimestamp(clock() - days_ago * 86400, UTC), feed="wire")
        with store.transaction():
            store.record_catalyst(old_news, Catalyst(kind="price_move", tickers=("BABA",), rule="r"), clock() - 60)
    latest = datetime.fromtimestamp(clock() - 300 * 86400, UTC).date()
    assert commands.dispatch(["BABA", "7d"], user="ana").title == (
        "No catalysts for BABA (Alibaba Group) in the last 7 day(s). 2 found in that time were published earlier, "
        f"the latest on {latest} (windows count from publication)."
    )
    assert commands.dispatch([], user="ana").title == (
        "No catalysts today for the watchlist (BABA). 2 found in that time were published earlier, "
        f"the latest on {latest} (windows count from publication)."
    )
    assert commands.dispatch(["NVDA"], user="ana").title == "No catalysts for NVDA (NVIDIA) in the last 7 day(s)."
