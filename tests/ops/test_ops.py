"""Ops notices: a feed disabled after failures, or silent for too long, reaches the `[ops]` receiver once."""

from __future__ import annotations

from bot.app import CatalystBot
from bot.clock import ManualClock
from bot.config import load_config
from bot.delivery.sender import Deliverer
from bot.ops.notices import queue_silent_feed_notices
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.alertkit import RecordingReceiver


def write_config(tmp_path, feeds: dict[str, str]):
    lines = [f"data_dir = '{tmp_path}'", "[poller]", "max_failures = 2", "[ops]", "receiver = 'slack:#ops'",
             "silent_after = '6h'"]
    for name, url in feeds.items():
        lines += ["[[feeds]]", f"name = '{name}'", f"url = '{url}'", "interval = 60"]
    lines += ["silent_after = '1h'"]  # the last feed expects news every hour
    path = tmp_path / "bot.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return load_config(path)


async def test_a_disabled_feed_is_reported_to_the_ops_receiver(feed_server, tmp_path, http_session):
    config = write_config(tmp_path, {"down": feed_server.status("/down.xml", 500)})
    clock = ManualClock()
    notices: list[str] = []
    ops = RecordingReceiver()
    store = Store(config.store_path())
    bot = CatalystBot(config, store, RuleEngine.from_settings(config.rules), {"slack": ops}, http_session,
                      clock=clock, on_notice=notices.append)
    await bot.run_once()
    await bot.run_once()
    store.close()
    assert notices == [], "with an [ops] receiver, the notice goes there instead"
    assert len(ops.posts) == 1 and ops.posts[0].target == "#ops"
    assert ops.posts[0].text.startswith("feed down (") and "disabled after 2 consecutive failures" in ops.posts[0].text


async def test_a_silent_feed_is_reported_once_per_silence(tmp_path):
    config = write_config(tmp_path, {"quiet": "https://example.com/q.xml", "hourly": "https://example.com/h.xml"})
    clock = ManualClock()
    store = Store(config.store_path())
    CatalystBot.sync_feeds(config, store, config.feeds, clock())
    with store.transaction():
        store.update_feed("quiet", last_new_item_at=clock())
        store.update_feed("hourly", last_new_item_at=clock())
    clock.advance(3601)
    assert queue_silent_feed_notices(store, config, clock()) == 1
    clock.advance(6 * 3600)
    assert queue_silent_feed_notices(store, config, clock()) == 1, "quiet passes its 6h; hourly is not repeated"
    ops = RecordingReceiver()
    await Deliverer(store, {"slack": ops}, clock).deliver_pending()
    store.close()
    assert [p.text.split(" (")[0] for p in ops.posts] == ["feed hourly", "feed quiet"]
    assert "expected within 1.0h" in ops.posts[0].text and "expected within 6.0h" in ops.posts[1].text
