"""Running it for real: /metrics and /healthz, hot reload, SIGHUP and graceful SIGTERM shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import aiohttp

from bot.clock import ManualClock
from bot.config import load_config
from bot.ops.reload import ConfigReloader
from bot.ops.server import OpsServer
from bot.store.database import Store
from tests.fakes.feedserver import EXPORT_NEWS, ORDINARY_NEWS, rss, write_config
from tests.paths import REPO

DAEMON_SETTINGS = "[daemon]\nreload_on_change = false\n[[routes]]\nreceiver = 'console'\ngroup_wait = 0"


async def test_metrics_move_after_a_poll_cycle_and_healthz_reports_checks(feed_server, tmp_path, make_bot):
    url = feed_server.feed("/wire.xml", rss(EXPORT_NEWS, ORDINARY_NEWS))
    clock = ManualClock()
    bot, _ = make_bot(load_config(write_config(tmp_path / "bot.toml", tmp_path, {"wire": url})), clock=clock)
    server = OpsServer(bot.metrics, bot.health_checks, port=0)
    await server.start()
    try:
        async with aiohttp.ClientSession() as client:
            async with client.get(f"http://127.0.0.1:{server.port}/healthz") as response:
                assert response.status == 503
                assert (await response.json())["checks"]["scheduler"] == {"ok": False, "detail": "has not ticked yet"}
            await bot.run_once()
            clock.advance(2)
            await bot.tick()
            await bot.drain()
            async with client.get(f"http://127.0.0.1:{server.port}/metrics") as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("text/plain")
                metrics = await response.text()
            async with client.get(f"http://127.0.0.1:{server.port}/healthz") as response:
                health = await response.json()
    finally:
        await server.close()
    assert 'catalyst_bot_polls_total{feed="wire",outcome="changed"} 1.0' in metrics
    assert 'catalyst_bot_polls_total{feed="wire",outcome="not_modified"} 1.0' in metrics
    assert 'catalyst_bot_items_seen_total{feed="wire"} 2.0' in metrics
    assert 'catalyst_bot_catalysts_total{kind="export_license"} 1.0' in metrics
    assert 'catalyst_bot_alerts_total{outcome="sent",receiver="console"} 1.0' in metrics
    assert "catalyst_bot_outbox_depth 0.0" in metrics
    assert "catalyst_bot_delivery_latency_seconds_count 1.0" in metrics
    assert "catalyst_bot_publish_to_post_seconds_count 1.0" in metrics
    assert health["status"] == "ok"
    assert health["checks"]["store"] == {"ok": True, "detail": "writable"}


async def test_reload_adds_and_drops_feeds_and_keeps_unchanged_state(feed_server, tmp_path, make_bot):
    urls = {name: feed_server.feed(f"/{name}.xml", rss(ORDINARY_NEWS)) for name in ("a", "b", "c")}
    path = write_config(tmp_path / "bot.toml", tmp_path, {"a": urls["a"], "b": urls["b"]})
    bot, _ = make_bot(load_config(path))
    reloader = ConfigReloader(path, bot)
    await bot.run_once()
    etag_b = bot.store.feed("b").etag
    assert not reloader.reload_if_changed()

    write_config(path, tmp_path, {"b": urls["b"], "c": urls["c"]}, poller="max_failures = 2")
    assert reloader.reload_if_changed()
    assert [feed.name for feed in bot.store.feeds()] == ["b", "c"]
    assert bot.store.feed("b").etag == etag_b
    assert bot.config.poller.max_failures == 2
    report = await bot.run_once()
    assert (report.changed, report.not_modified) == (1, 1)


def reloading_bot(feed_server, tmp_path, make_bot, notices: list[str] | None = None):
    """A bot on a config of one feed, the reloader watching that config, and its path."""
    url = feed_server.feed("/a.xml", rss(ORDINARY_NEWS))
    path = write_config(tmp_path / "bot.toml", tmp_path, {"a": url})
    bot, _ = make_bot(load_config(path), notices=notices)
    return bot, ConfigReloader(path, bot), path


async def test_an_invalid_file_keeps_the_old_config_and_says_why_once(feed_server, tmp_path, make_bot, caplog):
    notices: list[str] = []
    bot, reloader, path = reloading_bot(feed_server, tmp_path, make_bot, notices)
    path.write_text(path.read_text() + "[[feeds]]\nname = 'b'\nurl = 'gopher://x'\n", encoding="utf-8")
    assert not reloader.reload()
    assert [feed.name for feed in bot.config.feeds] == ["a"]
    reports = [r.getMessage() for r in caplog.records if "reload refused" in r.getMessage()] + notices
    assert len(reports) == 1, "one report on the terminal, not a log line and a notice"
    assert reports[0].startswith("config reload refused, still running the previous config:")
    assert "feeds[1].url: unsupported URL scheme 'gopher'" in reports[0]


async def test_a_reload_runs_the_checks_of_check_and_refuses_in_one_line_naming_each_problem(
    feed_server, tmp_path, make_bot, caplog
):
    bot, reloader, path = reloading_bot(feed_server, tmp_path, make_bot)
    path.write_text(path.read_text() + '[[routes]]\nreceiver = "slack:#markets"\nkinds = ["nope"]\n', encoding="utf-8")
    assert not reloader.reload()
    assert [route.receiver for route in bot.config.routes] != ["slack:#markets"]
    [report] = [r.getMessage() for r in caplog.records if "reload refused" in r.getMessage()]
    assert report == (
        f"config reload refused, still running the previous config: {path}: routes[0].receiver 'slack:#markets': add an "
        f"enabled [adapters.slack] section, or these alerts can never be posted; {path}: routes[0].kinds: unknown kind 'nope'"
    )


def read_until(process: subprocess.Popen, needle: str, deadline: float) -> str:
    seen = ""
    while needle not in seen:
        if time.monotonic() > deadline or process.poll() is not None:
            raise AssertionError(f"did not see {needle!r}; output so far:\n{seen}")
        seen += process.stdout.readline()
    return seen


def test_daemon_reloads_on_sighup_and_shuts_down_cleanly_on_sigterm(tmp_path):
    wire = tmp_path / "wire.xml"
    wire.write_text(rss(EXPORT_NEWS), encoding="utf-8")
    other = tmp_path / "other.xml"
    other.write_text(rss(("ot-1", "Cathie Wood's Ark Invest buys more Alibaba shares", "A new stake.")), encoding="utf-8")
    path = write_config(tmp_path / "bot.toml", tmp_path / "data", {"wire": str(wire)}, poller=DAEMON_SETTINGS)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(path)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        read_until(process, "NVDA  export_license", time.monotonic() + 60)
        write_config(path, tmp_path / "data", {"wire": str(wire), "other": str(other)}, poller=DAEMON_SETTINGS)
        process.send_signal(signal.SIGHUP)
        read_until(process, "BABA  fund_position", time.monotonic() + 60)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in stderr
    assert '"msg": "config reloaded: 2 feed(s)' in stderr
    assert '"msg": "shutdown: flushed' in stderr
    store = Store(tmp_path / "data" / "catalyst-bot.sqlite3")
    try:
        assert store.outbox_counts() == {"sent": 2}
    finally:
        store.close()


async def test_reload_keeps_the_sender_and_fetcher_unless_their_settings_change(feed_server, tmp_path, make_bot):
    url = feed_server.feed("/a.xml", rss(ORDINARY_NEWS))
    path = write_config(tmp_path / "bot.toml", tmp_path, {"a": url})
    bot, _ = make_bot(load_config(path))
    reloader = ConfigReloader(path, bot)
    sender = bot.deliverer
    write_config(path, tmp_path, {"a": url, "b": url.replace("/a.xml", "/b.xml")})
    assert reloader.reload()
    assert bot.deliverer is sender, "a channel's Retry-After and rate-limit tokens survive the reload"
    path.write_text(path.read_text() + "[delivery]\nsend_timeout = 5\n", encoding="utf-8")
    assert reloader.reload()
    assert bot.deliverer is not sender and bot.deliverer.lease == 2 * 5 + 5
