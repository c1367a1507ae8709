"""Digests are APScheduler cron jobs at their cron time in their time zone, posted to Slack as it comes."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import aiohttp
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.slack.receiver import SlackReceiver, slack_client
from bot.alerts.queue import AlertQueue
from bot.app import CatalystBot
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.alertkit import make_alert, make_config

WEEKDAYS_9AM_NY = {"cron": "0 9 * * 1-5", "timezone": "America/New_York"}


def quiet_around(now: float) -> dict:
    """Quiet hours from an hour before `now` to an hour after it (UTC)."""
    moment = datetime.fromtimestamp(now, UTC)
    return {"start": f"{moment - timedelta(hours=1):%H:%M}", "end": f"{moment + timedelta(hours=1):%H:%M}"}


def build_bot(config, tmp_path, receivers, session, clock=time.time) -> CatalystBot:
    store = Store(tmp_path / "bot.sqlite3")
    return CatalystBot(config, store, RuleEngine.from_settings(config.rules), receivers, session, clock=clock)


def next_runs(scheduler: AsyncIOScheduler) -> list[tuple[str, str, str]]:
    """Each digest job: its id, its next run as local weekday and time, and its time zone."""
    return [
        (job.id, f"{job.next_run_time:%a %H:%M:%S}", str(job.next_run_time.tzinfo))
        for job in scheduler.get_jobs()
        if job.id.startswith("digest:")
    ]


async def test_each_digest_route_is_a_cron_job_in_its_time_zone_and_a_reload_reschedules_it(tmp_path):
    route = {"name": "desk", "receiver": "console", "digest": WEEKDAYS_9AM_NY}
    config = make_config([route], data_dir=str(tmp_path))
    async with aiohttp.ClientSession() as session:
        bot = build_bot(config, tmp_path, {}, session)
        scheduler = AsyncIOScheduler()
        bot._schedule_digests(scheduler)
        scheduler.start(paused=True)
        try:
            [(job_id, when, zone)] = next_runs(scheduler)
            assert (job_id, when[4:], zone) == ("digest:desk", "09:00:00", "America/New_York")
            assert when[:3] in {"Mon", "Tue", "Wed", "Thu", "Fri"}
            bot.config = make_config([{**route, "digest": {"cron": "30 7 * * 0"}}], data_dir=str(tmp_path))
            bot._schedule_digests(scheduler)
            assert next_runs(scheduler) == [("digest:desk", "Sun 07:30:00", "UTC")]
        finally:
            scheduler.shutdown(wait=False)
            bot.store.close()


async def test_a_per_minute_digest_reaches_slack_within_5s_of_its_minute_with_every_held_alert(tmp_path, fake_slack):
    if time.time() % 60 > 57:  # both alerts are to be held within one minute, before its end
        await asyncio.sleep(4)
    now = time.time()
    route = {
        "name": "desk",
        "receiver": "slack:#desk",
        "group_wait": 0,
        "quiet_hours": quiet_around(now),
        "digest": {"cron": "* * * * *"},
    }
    config = make_config([route], data_dir=str(tmp_path))
    receiver = SlackReceiver(slack_client("xoxb-test", fake_slack.api_url))
    async with aiohttp.ClientSession() as session:
        bot = build_bot(config, tmp_path, {"slack": receiver}, session)
        queue = AlertQueue(bot.store, config)
        with bot.store.transaction():  # held in the first second, before the bot starts its digest jobs
            queue.queue(make_alert("BABA", item="a", title="Alibaba wins licence"), now, [], [])
        stop = asyncio.Event()
        running = asyncio.create_task(bot.run_forever(stop))
        try:
            await asyncio.sleep(0.2)
            with bot.store.transaction():  # held while the bot runs
                queue.queue(make_alert("NVDA", item="b", title="Nvidia licence"), time.time(), [], [])
            minute = (int(time.time()) // 60 + 1) * 60
            [post] = await fake_slack.wait_for("chat.postMessage", timeout=minute - time.time() + 10)
            arrived = time.time()
        finally:
            stop.set()
            await running
            bot.store.close()
    assert 0 <= arrived - minute < 5, f"digest arrived {arrived - minute:.1f}s after its minute"
    lines = post.args["text"].splitlines()
    assert lines[0].startswith("Digest (desk), ") and lines[0].endswith(" UTC: 2 alert(s)")
    assert lines[1:] == [
        "BABA",
        "  export_license x1, 1 held in quiet hours: Alibaba wins licence",
        "NVDA",
        "  export_license x1, 1 held in quiet hours: Nvidia licence",
    ]
