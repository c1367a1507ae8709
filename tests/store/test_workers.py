"""Workers on one PostgreSQL database: three real processes, one SIGKILLed mid-run (every alert posted once, feeds taken
over), and a poll outlasting its lease (renewed, so no second worker polls the feed)."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from aiohttp import web

from bot.app import CLAIM_RETRY_SECONDS, CatalystBot
from bot.config import load_config
from bot.models import NewsItem
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.chatfake import FakeChat
from tests.fakes.feedserver import ORDINARY_NEWS, FeedServer, rss
from tests.paths import REPO
from tests.postgres import fresh_schema_url

INTERVAL = 2.0
LEASE = 2.0
FEEDS = 12
COMPANIES = [
    ("Tesla", "TSLA"), ("Apple", "AAPL"), ("Microsoft", "MSFT"), ("Nvidia", "NVDA"), ("Amazon", "AMZN"),
    ("Intel", "INTC"), ("Netflix", "NFLX"), ("Oracle", "ORCL"), ("Adobe", "ADBE"), ("Cisco", "CSCO"),
]


def move(n: int) -> tuple[str, str, str]:
    company, ticker = COMPANIES[n]
    return (f"move-{ticker}", f"{company} (NASDAQ: {ticker}) shares rise 9% after deliveries beat", "Strong quarter.")


class Farm:
    """Feeds whose bodies the test changes while the workers poll them; every request's time is kept."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.items: dict[str, list[tuple[str, str, str]]] = {f"/f{n}.xml": [ORDINARY_NEWS] for n in range(FEEDS)}
        self.polled_at: dict[str, list[float]] = defaultdict(list)
        for path in self.items:
            server.route(path, self._handler(path))

    def _handler(self, path: str):
        async def handle(request: web.Request) -> web.Response:
            self.polled_at[path].append(time.monotonic())
            return web.Response(text=rss(*self.items[path]), content_type="application/rss+xml")

        return handle

    def publish(self, n: int, item: tuple[str, str, str]) -> None:
        self.items[f"/f{n}.xml"] = [item, *self.items[f"/f{n}.xml"]]


def write_config(tmp_path: Path, store_url: str, farm: Farm) -> Path:
    lines = [
        f"data_dir = '{tmp_path}'",
        "[poller]", "tick = 0.2", "jitter = 0", "baseline = false",
        "[store]", f"url = '{store_url}'", f"feed_lease = {LEASE}",
        "[delivery]", "send_timeout = 2",
        "[[routes]]", "receiver = 'slack:#desk'", "group_wait = 0",
    ]
    for path in farm.items:
        lines += ["[[feeds]]", f"name = '{path.strip('/')}'", f"url = '{farm.server.url(path)}'", f"interval = {INTERVAL}"]
    config = tmp_path / "bot.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


async def start_worker(config: Path, chat_url: str) -> asyncio.subprocess.Process:
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.bot_worker", str(config), chat_url, cwd=REPO, stdout=asyncio.subprocess.PIPE
    )
    assert worker.stdout is not None
    assert b"ready" in await asyncio.wait_for(worker.stdout.readline(), 60)
    return worker


async def stop_workers(workers: list[asyncio.subprocess.Process], timeout: float = 30) -> None:
    """SIGTERM each worker still running and wait for it; one that does not stop in time is killed, then the test fails."""
    running = [worker for worker in workers if worker.returncode is None]
    for worker in running:
        worker.send_signal(signal.SIGTERM)
    stuck = []
    for worker in running:
        try:
            await asyncio.wait_for(worker.wait(), timeout)
        except TimeoutError:
            stuck.append(worker.pid)
            worker.kill()
            await worker.wait()
    assert not stuck, f"worker(s) {stuck} did not stop within {timeout:g}s of SIGTERM"


async def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def expected_titles(config_path: Path, items: list[tuple[str, str, str]]) -> set[str]:
    """The titles the rules alert on, found by running the same engine in this process."""
    engine = RuleEngine.from_settings(load_config(config_path).rules)
    return {
        title
        for guid, title, summary in items
        if any(c.tickers for c in engine.detect(NewsItem(id=guid, title=title, summary=summary, feed="f")))
    }


async def test_three_workers_post_every_alert_once_and_take_over_a_killed_workers_feeds(tmp_path):
    with fresh_schema_url() as store_url:
        async with FeedServer() as server, FakeChat() as chat:
            farm = Farm(server)
            config = write_config(tmp_path, store_url, farm)
            workers = [await start_worker(config, chat.url) for _ in range(3)]
            try:
                assert await wait_until(lambda: all(len(farm.polled_at[p]) >= 2 for p in farm.items), 30)
                # One story on two feeds, and a distinct story on six more: each must be posted once.
                shared = move(0)
                farm.publish(0, shared)
                farm.publish(1, shared)
                for n in range(2, 8):
                    farm.publish(n, move(n - 1))
                before_kill = {move(n)[1] for n in range(7)}
                assert await wait_until(lambda: before_kill <= {m.title for m in chat.messages}, 30)

                workers[0].send_signal(signal.SIGKILL)
                assert await workers[0].wait() == -signal.SIGKILL
                killed_at = time.monotonic()
                for n in range(8, 11):
                    farm.publish(n, move(n - 1))
                after_kill = {move(n)[1] for n in range(7, 10)}
                assert await wait_until(lambda: after_kill <= {m.title for m in chat.messages}, 40)
                await asyncio.sleep(3 * INTERVAL)  # room for a late duplicate to show up
            finally:
                await stop_workers(workers)

    published = [move(n) for n in range(10)]
    assert before_kill | after_kill == expected_titles(config, published)
    assert Counter(m.title for m in chat.messages) == {title: 1 for title in before_kill | after_kill}
    gaps = [b - a for times in farm.polled_at.values() for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.75 * min(INTERVAL, LEASE)
    takeover = [min(t for t in times if t > killed_at) - killed_at for times in farm.polled_at.values()]
    assert max(takeover) <= INTERVAL + LEASE + 1.5


async def test_a_poll_longer_than_the_lease_keeps_its_claim_so_no_other_worker_polls_the_feed(tmp_path, http_session):
    slow_requests: list[float] = []

    async def slow_feed(request: web.Request) -> web.Response:
        slow_requests.append(time.monotonic())
        await asyncio.sleep(4 * CLAIM_RETRY_SECONDS / 3)  # past the lease, and past the other worker's retry
        return web.Response(text=rss(ORDINARY_NEWS), content_type="application/rss+xml")

    with fresh_schema_url() as store_url:
        async with FeedServer() as server:
            server.route("/slow.xml", slow_feed)
            config_path = tmp_path / "bot.toml"
            config_path.write_text(
                f"data_dir = '{tmp_path}'\n[poller]\ntick = 0.2\njitter = 0\nbaseline = false\n"
                f"[store]\nurl = '{store_url}'\nfeed_lease = 1\n"
                f"[[feeds]]\nname = 'slow'\nurl = '{server.url('/slow.xml')}'\ninterval = 600\n",
                encoding="utf-8",
            )
            config = load_config(config_path)
            engine = RuleEngine.from_settings(config.rules)
            stop = asyncio.Event()
            stores = [Store.from_config(config) for _ in range(2)]
            bots = [CatalystBot(config, store, engine, {}, http_session) for store in stores]
            running = [asyncio.create_task(bots[0].run_forever(stop))]
            try:
                assert await wait_until(lambda: slow_requests, 10)
                running.append(asyncio.create_task(bots[1].run_forever(stop)))
                assert await wait_until(lambda: stores[0].feed("slow").last_polled_at is not None, 15)  # the poll ended
                await asyncio.sleep(1.0)
            finally:
                stop.set()
                await asyncio.gather(*running, return_exceptions=True)
                for store in stores:
                    store.close()
    assert len(slow_requests) == 1
