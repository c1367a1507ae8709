"""End to end through the real poller, rules and store: feeds in, alerts out, each story once."""

from __future__ import annotations

from pathlib import Path

from bot.cli.main import main
from bot.clock import ManualClock
from bot.config import load_config
from tests.fakes.feedserver import EXPORT_NEWS, ORDINARY_NEWS, rss, write_config


def make_config(tmp_path: Path, feeds: dict[str, str], *, baseline: bool = False, max_failures: int = 3):
    path = write_config(
        tmp_path / "bot.toml", tmp_path, feeds, interval=60, baseline=baseline, poller=f"max_failures = {max_failures}"
    )
    return load_config(path)


async def test_poll_alerts_catalysts_and_not_ordinary_items(feed_server, tmp_path, make_bot):
    url = feed_server.feed("/wire.xml", rss(EXPORT_NEWS, ORDINARY_NEWS))
    bot, receiver = make_bot(make_config(tmp_path, {"wire": url}))
    report = await bot.run_once()
    assert (report.feeds, report.changed, report.new_items) == (1, 1, 2)
    assert [(a.ticker, a.kind, a.direction) for a in receiver.alerts] == [("NVDA", "export_license", "positive")]
    alert = receiver.alerts[0]
    assert alert.title == EXPORT_NEWS[1]
    assert alert.link == "https://news.example.com/ex-1"
    assert alert.source == "wire"
    assert (alert.rule, alert.evidence) == ("export_license.controls", ("Nvidia wins U.S. export licences",))
    history = bot.store.catalysts_for("NVDA", since=0)
    assert [(c.kind, c.title) for c in history] == [("export_license", EXPORT_NEWS[1])]


async def test_second_poll_uses_conditional_get_and_alerts_nothing(feed_server, tmp_path, make_bot):
    url = feed_server.feed("/wire.xml", rss(EXPORT_NEWS), last_modified="Tue, 15 Jul 2025 06:30:00 GMT")
    bot, receiver = make_bot(make_config(tmp_path, {"wire": url}))
    await bot.run_once()
    report = await bot.run_once()
    assert (report.changed, report.not_modified) == (0, 1)
    sent = feed_server.stats["/wire.xml"].headers[-1]
    assert sent["If-None-Match"].startswith('"')
    assert sent["If-Modified-Since"] == "Tue, 15 Jul 2025 06:30:00 GMT"
    assert len(receiver.alerts) == 1


async def test_first_poll_of_a_new_feed_is_a_baseline(feed_server, tmp_path, make_bot):
    url = feed_server.feed("/wire.xml", rss(EXPORT_NEWS))
    bot, receiver = make_bot(make_config(tmp_path, {"wire": url}, baseline=True))
    report = await bot.run_once()
    assert report.new_items == 1 and receiver.alerts == []
    later = ("ex-2", "Nvidia says U.S. revoked its export licence for H20 chips to China", "A new rule bars shipments.")
    feed_server.feed("/wire.xml", rss(later, EXPORT_NEWS))
    await bot.run_once()
    assert [(a.item_id, a.kind, a.direction) for a in receiver.alerts] == [("ex-2", "export_license", "negative")]


async def test_restart_does_not_realert_seen_items(feed_server, tmp_path, make_bot):
    url = feed_server.feed("/wire.xml", rss(EXPORT_NEWS), etag=None)
    config = make_config(tmp_path, {"wire": url})
    bot, first = make_bot(config)
    await bot.run_once()
    bot.store.close()
    feed_server.feed("/wire.xml", rss(EXPORT_NEWS, ORDINARY_NEWS), etag=None)  # body changed, story did not
    restarted, second = make_bot(config)
    report = await restarted.run_once()
    assert len(first.alerts) == 1
    assert report.new_items == 1 and second.alerts == []


async def test_same_story_in_two_feeds_is_alerted_once(feed_server, tmp_path, make_bot):
    reworded = ("other-guid", EXPORT_NEWS[1].upper() + "!", "Another outlet's copy of the same story.")
    url_a = feed_server.feed("/a.xml", rss(EXPORT_NEWS))
    url_b = feed_server.feed("/b.xml", rss(reworded))
    bot, receiver = make_bot(make_config(tmp_path, {"a": url_a, "b": url_b}))
    report = await bot.run_once()
    assert report.new_items == 1
    assert len(receiver.alerts) == 1


async def test_failing_feed_backs_off_then_is_disabled_with_a_notice(feed_server, tmp_path, make_bot):
    url = feed_server.status("/down.xml", 500)
    clock = ManualClock()
    notices: list[str] = []
    bot, _ = make_bot(make_config(tmp_path, {"down": url}, max_failures=3), clock=clock, notices=notices)
    delays = []
    for _ in range(3):
        report = await bot.run_once()
        assert report.failed == 1
        state = bot.store.feed("down")
        delays.append(state.next_poll_at - clock.now)
    assert state.failures == 3 and "HTTP 500" in state.last_error
    assert state.disabled_reason.startswith("disabled after 3 consecutive failures")
    assert all(0 <= delay <= 3600 for delay in delays)
    assert len(notices) == 1 and "down" in notices[0] and "feeds enable down" in notices[0]
    assert (await bot.run_once()).feeds == 0
    assert feed_server.stats["/down.xml"].count == 3


async def test_malformed_and_oversized_feeds_do_not_stop_the_others(feed_server, tmp_path, make_bot):
    feeds = {
        "broken": feed_server.feed("/broken.xml", "<rss><channel><item><title>Unclosed"),
        "huge": feed_server.huge("/huge.xml", 8_000_000),
        "good": feed_server.feed("/good.xml", rss(EXPORT_NEWS)),
    }
    bot, receiver = make_bot(make_config(tmp_path, feeds))
    report = await bot.run_once()
    assert report.feeds == 3 and report.failed == 1
    assert any("huge" in problem and "larger than" in problem for problem in report.problems)
    assert [a.ticker for a in receiver.alerts] == ["NVDA"]


async def test_tick_polls_only_due_feeds(feed_server, tmp_path, make_bot):
    url = feed_server.feed("/wire.xml", rss(ORDINARY_NEWS))
    clock = ManualClock()
    bot, _ = make_bot(make_config(tmp_path, {"wire": url}), clock=clock)
    await bot.tick()
    await bot.drain()
    await bot.tick()
    await bot.drain()
    assert feed_server.stats["/wire.xml"].count == 1
    clock.advance(60 * 1.2)
    await bot.tick()
    await bot.drain()
    assert feed_server.stats["/wire.xml"].count == 2


def alert_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("▲", "▼", "●"))]


def test_run_once_on_the_default_config_shows_the_sample_catalysts(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path))
    assert main(["run", "--once"]) == 0
    out = capsys.readouterr()
    shown = {tuple(line.split()[1:3]) for line in alert_lines(out.out)}
    assert shown == {
        ("NVDA", "export_license"),
        ("BABA", "price_move"),
        ("BABA", "leaderboard"),
        ("BABA", "52_week_high"),
        ("BABA", "analyst_upgrade"),
        ("BABA", "fund_position"),
    }
    for ordinary in ("grocer", "bike lanes", "October", "golfer"):
        assert ordinary not in out.out
    assert "10 new item(s)" in out.out.splitlines()[-1]  # the summary is the last line on stdout

    assert main(["run", "--once"]) == 0
    again = capsys.readouterr()
    assert alert_lines(again.out) == []
    assert "0 new item(s)" in again.out

    assert main(["catalysts", "baba", "--days", "1"]) == 0
    # The sample's stories came out in September 2025: found today, they are not "the last day".
    assert capsys.readouterr().out == (
        "No catalysts for BABA (Alibaba Group Holding) in the last 1 day(s). 6 found in that time were published "
        "earlier, the latest on 2025-09-30 (windows count from publication).\n"
    )


async def test_unchanged_feeds_are_written_in_one_transaction_not_one_per_poll(feed_server, tmp_path, make_bot):
    feeds = {f"wire{number}": feed_server.feed(f"/wire{number}.xml", rss(ORDINARY_NEWS)) for number in range(20)}
    clock = ManualClock()
    config = load_config(write_config(tmp_path / "bot.toml", tmp_path, feeds, interval=60, poller="jitter = 0"))
    bot, _ = make_bot(config, clock=clock)
    await bot.run_once()
    begun: list[str] = []
    bot.store._db._db.set_trace_callback(lambda sql: begun.append(sql) if sql.startswith("BEGIN") else None)  # noqa: SLF001
    clock.advance(60)
    await bot.tick()
    await bot.drain()
    assert sum(stats.count for stats in feed_server.stats.values()) == 40
    assert len(begun) == 1
    assert {bot.store.feed(name).last_polled_at for name in feeds} == {clock()}


async def test_polls_starting_late_are_reported_with_what_to_change(feed_server, tmp_path, make_bot):
    feeds = {f"wire{number}": feed_server.feed(f"/wire{number}.xml", rss(ORDINARY_NEWS)) for number in range(5)}
    clock, notices = ManualClock(), []
    config = load_config(write_config(tmp_path / "bot.toml", tmp_path, feeds, interval=60, poller="jitter = 0"))
    bot, _ = make_bot(config, clock=clock, notices=notices)
    await bot.run_once()
    clock.advance(90)  # every feed was due 30 s ago: half its interval late
    await bot.tick()
    await bot.drain()
    assert notices == [
        "polls start late: lag p95 30.0s is 50% of the poll interval (~60s) over the last 5 polls."
        " Slots were free, so the process is short of CPU: lengthen feed intervals, drop feeds, or give the bot more cores."
    ]


async def test_a_feed_disabled_by_the_daemon_and_enabled_from_the_cli_is_polled_again(feed_server, tmp_path, make_bot):
    url = feed_server.status("/down.xml", 500)
    clock = ManualClock()
    bot, _ = make_bot(make_config(tmp_path, {"down": url}, max_failures=1), clock=clock, notices=[])
    await bot.tick()
    await bot.drain()
    assert bot.store.feed("down").disabled_reason.startswith("disabled after 1 consecutive failures")
    clock.advance(7200)
    await bot.tick()
    await bot.drain()
    assert feed_server.stats["/down.xml"].count == 1
    assert bot.store.enable_feed("down", clock())  # what `catalyst-bot feeds enable down` does, from another process
    await bot.tick()
    await bot.drain()
    assert feed_server.stats["/down.xml"].count == 2
