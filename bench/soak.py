"""Soak test: run the bot as a subprocess for N minutes against a local feed farm and a flaky fake Slack."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.ingest.normalize import parse_feed  # noqa: E402
from bot.store.database import Store  # noqa: E402
from rules.engine import RuleEngine  # noqa: E402

HOST = "127.0.0.1"
ITEM_PERIOD = 40.0  # seconds between new items on one feed, on average
WINDOW = 40  # items a feed shows: at ITEM_PERIOD, nothing scrolls away during a run
HANG_SECONDS = 6.0  # a hanging host answers after this (the bot's poll timeout is 3 s)
FEED_SHARES = {"flaky": 0.10, "dead-500": 0.03, "dead-hang": 0.03}  # the rest are ok
FLAKY_ODDS = {"500": 0.10, "hang": 0.05}
SLACK_ODDS = {"429": 0.04, "429-long": 0.01, "500": 0.02}
DRAIN_LIMIT = 120.0
SHUTDOWN_LIMIT = 40.0
SAMPLE_EVERY = 2.0
SCRAPE_EVERY = 5.0
CHANNEL_ID = "CSOAK"

BROKERS = ["Morgan Stanley", "Goldman Sachs", "Jefferies", "Bernstein", "Mizuho", "Needham"]
FUNDS = ["Ark Invest", "Berkshire Hathaway", "Pershing Square", "Tiger Global", "Coatue"]
CATALYST_TEMPLATES = [
    "{name} shares jump {pct}% after {reason}",
    "{name} stock falls {pct}% as {worry}",
    "{broker} upgrades {name} to buy, sees {pct}% upside",
    "{name} shares hit a 52-week high after {reason}",
    "{fund} buys {count},000 shares of {name}",
    "{name} releases new reasoning model for developers",
]
ORDINARY_TEMPLATES = [
    "{name} to hold annual shareholder meeting in {city}",
    "{name} names new head of investor relations",
    "City of {city} approves budget for new tram line",
    "Weather: heavy rain expected across {city} this weekend",
]
REASONS = ["strong quarterly demand", "a new supply deal", "upbeat guidance", "a partnership announcement"]
WORRIES = ["rivals cut prices", "a regulator opens a probe", "demand cools", "a key supplier stumbles"]
CITIES = ["Lisbon", "Osaka", "Denver", "Lyon", "Perth", "Quebec"]


# ---- the feed farm: feeds that change, fail now and then, or are dead ----


@dataclass
class Story:
    serial: int
    title: str
    published: datetime

    @property
    def link(self) -> str:
        return f"https://news.example.com/soak/{self.serial}"

    def rss(self) -> str:
        return (
            f"<item><guid isPermaLink='false'>soak-{self.serial}</guid><title>{escape(self.title)}</title>"
            f"<link>{self.link}</link><pubDate>{format_datetime(self.published)}</pubDate></item>"
        )


@dataclass
class Feed:
    index: int
    behaviour: str  # ok, flaky (fails at times), dead-500 or dead-hang (always fails)
    stories: list[Story] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return not self.behaviour.startswith("dead")

    def body(self, window: int | None = WINDOW) -> bytes:
        shown = self.stories[-window:] if window else self.stories
        items = "".join(story.rss() for story in reversed(shown))
        return (
            f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Soak feed {self.index}</title>{items}</channel></rss>"
        ).encode()


class FeedFarm:
    """Serves `/feed/<i>.xml` with ETag/304; `publish()` adds a generated story to a live feed."""

    def __init__(self, feeds: int, seed: int) -> None:
        rng = random.Random(seed)
        self.feeds = [Feed(index, kind) for index, kind in enumerate(behaviours(feeds, rng))]
        self.served: Counter[str] = Counter()
        self._live = [feed for feed in self.feeds if feed.live]
        self._failures = random.Random(seed + 1)
        self._stories = random.Random(seed + 2)
        self._companies = builtin_companies()
        self._serial = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/feed/{index}.xml", self._feed)
        return app

    def publish(self) -> None:
        serial = next(self._serial)
        story = Story(serial, headline(self._stories, self._companies, serial), datetime.now(UTC))
        self._stories.choice(self._live).stories.append(story)

    def published(self) -> int:
        return sum(len(feed.stories) for feed in self.feeds)

    async def _feed(self, request: web.Request) -> web.Response:
        feed = self.feeds[int(request.match_info["index"])]
        failure = self._failure(feed)
        self.served[failure or "200"] += 1
        if failure == "hang":
            await asyncio.sleep(HANG_SECONDS)
        if failure:
            return web.Response(status=500, text="internal error")
        etag = f'"{feed.index}-{len(feed.stories)}"'
        if request.headers.get("If-None-Match") == etag:
            self.served["200"] -= 1
            self.served["304"] += 1
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=feed.body(), headers={"ETag": etag}, content_type="application/rss+xml")

    def _failure(self, feed: Feed) -> str | None:
        if feed.behaviour == "dead-500":
            return "500"
        if feed.behaviour == "dead-hang":
            return "hang"
        if feed.behaviour == "flaky":
            roll = self._failures.random()
            return "500" if roll < FLAKY_ODDS["500"] else "hang" if roll < sum(FLAKY_ODDS.values()) else None
        return None


def behaviours(feeds: int, rng: random.Random) -> list[str]:
    """Each feed's behaviour, in fixed shares (at least one feed of each kind), shuffled."""
    kinds = [kind for kind, share in FEED_SHARES.items() for _ in range(max(1, round(feeds * share)))]
    kinds = (kinds + ["ok"] * feeds)[:feeds]
    rng.shuffle(kinds)
    return kinds


def builtin_companies() -> list[str]:
    """Company names from the curated part of the built-in ticker universe."""
    curated = tomllib.loads((ROOT / "rules" / "data" / "aliases.toml").read_text(encoding="utf-8"))
    return [entry["name"] for entry in curated["companies"].values()]


def headline(rng: random.Random, companies: list[str], serial: int) -> str:
    """Half meant as catalysts the built-in rules flag, half ordinary news; the serial keeps titles unique."""
    templates = CATALYST_TEMPLATES if rng.random() < 0.5 else ORDINARY_TEMPLATES
    text = rng.choice(templates).format(
        name=rng.choice(companies),
        pct=f"{rng.uniform(5.5, 15):.1f}",
        reason=rng.choice(REASONS),
        worry=rng.choice(WORRIES),
        broker=rng.choice(BROKERS),
        fund=rng.choice(FUNDS),
        count=rng.randint(10, 900),
        city=rng.choice(CITIES),
    )
    return f"{text} (wire {serial})"


# ---- the fake Slack Web API: rate-limits and fails at random, records what it accepted ----


@dataclass(frozen=True)
class Post:
    key: tuple[str, str, str]  # (item link, ticker, kind): one alert
    at: float
    ts: str
    metadata: dict | None


class FlakySlack:
    """`/api/<method>`: auth.test, chat.postMessage, and the conversations.list and conversations.history
    a resend may look in; all but auth.test answer 429 or 500 at random. `posts` are the accepted posts."""

    def __init__(self, seed: int) -> None:
        self.posts: list[Post] = []
        self.calls: Counter[str] = Counter()
        self.served: Counter[str] = Counter()
        self._rng = random.Random(seed + 3)
        self._last_ts = 0.0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        return app

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls[method] += 1
        args = (
            await request.json()
            if request.content_type == "application/json"
            else {**request.query, **await request.post()}
        )
        if method == "auth.test":
            return web.json_response({"ok": True, "user": "catalyst-bot", "team": "Soak", "user_id": "UBOT"})
        refusal = self._refusal()
        if refusal is not None:
            return refusal
        if method == "chat.postMessage":
            return web.json_response(self._post(args))
        if method == "conversations.list":
            return web.json_response({"ok": True, "channels": [{"id": CHANNEL_ID, "name": "soak"}]})
        if method == "conversations.history":
            return web.json_response(self._history(args))
        return web.json_response({"ok": False, "error": "unknown_method"})

    def _refusal(self) -> web.Response | None:
        roll = self._rng.random()
        limits = SLACK_ODDS["429"], SLACK_ODDS["429"] + SLACK_ODDS["429-long"]
        if roll < limits[1]:
            self.served["429"] += 1
            retry_after = "1" if roll < limits[0] else "8"
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": retry_after}
            )
        if roll < limits[1] + SLACK_ODDS["500"]:
            self.served["500"] += 1
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        return None

    def _post(self, args: dict) -> dict:
        self._last_ts = max(time.time(), self._last_ts + 1e-6)
        ts = f"{self._last_ts:.6f}"
        self.posts.append(Post(alert_key(args), time.monotonic(), ts, args.get("metadata")))
        return {"ok": True, "channel": CHANNEL_ID, "ts": ts}

    def _history(self, args: dict) -> dict:
        """Newest first, after `oldest`, paged by an offset cursor."""
        oldest, limit, offset = float(args.get("oldest", 0)), int(args.get("limit", 100)), int(args.get("cursor") or 0)
        found = [post for post in reversed(self.posts) if float(post.ts) > oldest]
        page = [
            {"type": "message", "ts": post.ts, "metadata": post.metadata} for post in found[offset : offset + limit]
        ]
        more = offset + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(offset + limit) if more else ""},
        }


def alert_key(payload: dict) -> tuple[str, str, str]:
    """(link, ticker, kind) from a posted alert: the header says `ARROW TICKER · KIND · ...`, the headline links."""
    header = payload["blocks"][0]["text"]["text"]
    ticker, kind = header.split(" · ")[0].split(" ", 1)[1], header.split(" · ")[1]
    link = re.search(r"<([^|>]+)\|", payload["blocks"][1]["text"]["text"])
    return (link.group(1) if link else "", ticker, kind)


# ---- the bot under test ----


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def bot_config(work: Path, farm: FeedFarm, farm_port: int, slack_port: int, http_port: int) -> str:
    rng = random.Random(len(farm.feeds))
    feeds = "".join(
        f'[[feeds]]\nname = "feed-{feed.index:04d}"\nurl = "http://{HOST}:{farm_port}/feed/{feed.index}.xml"\n'
        f'interval = "{rng.choice((3, 4, 5, 6))}s"\n\n'
        for feed in farm.feeds
    )
    return f"""data_dir = "{work / "data"}"

{feeds}[poller]
tick = "1s"
timeout = "3s"
per_host = 64
baseline = false
backoff_base = "2s"
backoff_cap = "30s"

[[routes]]
receiver = "slack:#soak"
cooldown = 0
group_wait = 0

[delivery]
backoff_base = "1s"
backoff_cap = "10s"
send_timeout = "10s"

[delivery.rate_limits]
slack = {{ per_second = 20.0, burst = 20 }}

[http]
enabled = true
host = "{HOST}"
port = {http_port}

[daemon]
shutdown_timeout = "20s"

[adapters.console]
enabled = false

[adapters.slack]
mode = "http"
api_url = "http://{HOST}:{slack_port}/api/"
http_host = "{HOST}"
http_port = {free_port()}
"""


class Bot:
    """`python -m bot run` in its own process group, so a SIGKILL takes its parse workers too."""

    def __init__(self, config: Path, log: Path) -> None:
        self._config = config
        self._log = log.open("ab")
        self.process: asyncio.subprocess.Process | None = None
        self.stopping = False  # True from our SIGKILL or SIGTERM on: an exit then is no crash
        self.env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-soak-dummy",
            "SLACK_SIGNING_SECRET": "soak-dummy-secret",
            "CATALYST_BOT_DATA_DIR": str(config.parent / "data"),
        }

    async def start(self) -> None:
        self.stopping = False
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(self._config),
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )

    async def kill(self) -> None:
        self.stopping = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> tuple[int | None, float]:
        """SIGTERM, then wait for the flush; the exit code (None if it had to be killed) and the seconds taken."""
        started = time.monotonic()
        self.stopping = True
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), SHUTDOWN_LIMIT)
        except TimeoutError:
            await self.kill()
            code = None
        self._log.close()
        return code, time.monotonic() - started


def rss_kib(pid: int) -> tuple[int, int]:
    """VmRSS of `pid`, and of `pid` plus its children (the parse workers), in KiB."""

    def vmrss(one: int) -> int:
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            return 0
        return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)

    try:
        children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        children = []
    main = vmrss(pid)
    return main, main + sum(vmrss(child) for child in children)


@dataclass
class Observations:
    rss: list[tuple[float, int, int]] = field(default_factory=list)  # (t, main KiB, with workers KiB)
    polls: dict[int, Counter[str]] = field(default_factory=dict)  # per bot start: outcome -> count
    crash: str | None = None  # how the bot exited on its own, if it did


async def sample_rss(bot: Bot, seen: Observations, stop: asyncio.Event) -> None:
    while not stop.is_set():
        if bot.process.returncode is None:
            main, total = rss_kib(bot.process.pid)
            if main:
                seen.rss.append((time.monotonic(), main, total))
        elif not bot.stopping and seen.crash is None:
            seen.crash = f"the bot exited on its own with code {bot.process.returncode}"
        await sleep_unless(stop, SAMPLE_EVERY)


async def scrape_metrics(
    session: aiohttp.ClientSession, url: str, bot: Bot, seen: Observations, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        polls = await poll_counts(session, url)
        if polls is not None:
            seen.polls[bot.process.pid] = polls
        await sleep_unless(stop, SCRAPE_EVERY)


async def poll_counts(session: aiohttp.ClientSession, url: str) -> Counter[str] | None:
    """`catalyst_bot_polls_total` summed by outcome, or None when /metrics does not answer."""
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
            text = await response.text()
    except (aiohttp.ClientError, TimeoutError):
        return None
    counts: Counter[str] = Counter()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "catalyst_bot_polls_total":
                counts[sample.labels["outcome"]] += int(sample.value)
    return counts


async def sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


async def wait_ready(session: aiohttp.ClientSession, url: str, bot: Bot, log: Path, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while await poll_counts(session, url) is None:
        if bot.process.returncode is not None or time.monotonic() > deadline:
            await bot.stop()
            raise SystemExit(f"soak: the bot did not start serving {url}; see {log}")
        await asyncio.sleep(0.5)


# ---- the run and the verdict ----


def expected_alerts(farm: FeedFarm, config_path: Path) -> tuple[set[tuple[str, str, str]], int]:
    """What the built-in rules flag in every story published on a live feed: alert keys, and catalyst items."""
    config = load_config(config_path)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    keys: set[tuple[str, str, str]] = set()
    flagged = 0
    for feed in farm.feeds:
        for item in parse_feed(feed.body(window=None), feed=f"feed-{feed.index:04d}").items:
            found = {(item.link or "", ticker, c.kind) for c in engine.detect(item) for ticker in c.tickers}
            keys |= found
            flagged += bool(found)
    return keys, flagged


async def publish(farm: FeedFarm, seconds: float) -> None:
    rate = len(farm.feeds) / ITEM_PERIOD
    started, published = time.monotonic(), 0
    while (elapsed := time.monotonic() - started) < seconds:
        for _ in range(int(rate * elapsed) - published):
            farm.publish()
        published = int(rate * elapsed)
        await asyncio.sleep(0.1)


async def drain(slack: FlakySlack, expected: set[tuple[str, str, str]]) -> float:
    """Wait until every expected alert was posted, at most DRAIN_LIMIT; the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_LIMIT and not expected <= {post.key for post in slack.posts}:
        await asyncio.sleep(1.0)
    return time.monotonic() - started


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, HOST, 0).start()
    return runner, runner.addresses[0][1]


async def soak(args: argparse.Namespace, work: Path) -> int:
    farm, slack = FeedFarm(args.feeds, args.seed), FlakySlack(args.seed)
    for feed in farm.feeds:
        if feed.live:
            farm.publish()
    (farm_runner, farm_port), (slack_runner, slack_port) = await serve(farm.app()), await serve(slack.app())
    http_port = free_port()
    config = work / "soak.toml"
    config.write_text(bot_config(work, farm, farm_port, slack_port, http_port))
    bot, seen, stop = Bot(config, work / "bot.log"), Observations(), asyncio.Event()
    metrics_url = f"http://{HOST}:{http_port}/metrics"
    seconds = args.minutes * 60
    async with aiohttp.ClientSession() as session:
        await bot.start()
        await wait_ready(session, metrics_url, bot, work / "bot.log")
        started = time.monotonic()
        watchers = [
            asyncio.create_task(sample_rss(bot, seen, stop)),
            asyncio.create_task(scrape_metrics(session, metrics_url, bot, seen, stop)),
        ]
        publishing = asyncio.create_task(publish(farm, seconds))
        killed_at = None
        if args.kill_at > 0:
            await asyncio.sleep(seconds * args.kill_at)
            await bot.kill()
            killed_at = time.monotonic()
            await bot.start()
        await publishing
        expected, flagged = expected_alerts(farm, config)
        drained = await drain(slack, expected)
        stop.set()
        await asyncio.gather(*watchers)
        exit_code, shutdown_took = await bot.stop()
        elapsed = time.monotonic() - started
    await slack_runner.cleanup()
    await farm_runner.cleanup()
    store = Store(work / "data" / "catalyst-bot.sqlite3")
    try:
        report = Report(args, farm, slack, seen, expected, flagged, store)
        return report.print(started, killed_at, elapsed, drained, exit_code, shutdown_took, work / "bot.log")
    finally:
        store.close()


@dataclass
class Report:
    args: argparse.Namespace
    farm: FeedFarm
    slack: FlakySlack
    seen: Observations
    expected: set[tuple[str, str, str]]
    flagged: int
    store: Store

    def print(
        self,
        started: float,
        killed_at: float | None,
        elapsed: float,
        drained: float,
        exit_code: int | None,
        shutdown_took: float,
        log: Path,
    ) -> int:
        """Print the figures; 0 when every expected alert was posted exactly once, else 1."""
        posted = Counter(post.key for post in self.slack.posts)
        delivered = set(posted)
        duplicated = {key: n for key, n in posted.items() if n > 1}
        missing = self.expected - delivered
        behaviours = Counter(feed.behaviour for feed in self.farm.feeds)
        kill = f"killed (SIGKILL) and restarted at {(killed_at - started) / 60:.1f} min" if killed_at else "not killed"
        print(
            f"soak: {self.args.minutes:g} min of publishing, {len(self.farm.feeds)} feeds {dict(behaviours)}, "
            f"seed {self.args.seed}; bot {kill}"
        )
        print(
            f"farm: {self.farm.published()} items published, {self.flagged} catalyst items by the built-in rules; "
            f"feed requests served {dict(self.farm.served)}"
        )
        print(
            f"slack: {len(self.slack.posts)} posts accepted; calls {dict(self.slack.calls)}; "
            f"served 429 x{self.slack.served['429']}, 500 x{self.slack.served['500']}"
        )
        print(
            f"alerts: expected {len(self.expected)}, delivered {len(delivered & self.expected)}, "
            f"duplicated {len(duplicated)} ({sum(duplicated.values()) - len(duplicated)} extra posts), "
            f"missing {len(missing)}, unexpected {len(delivered - self.expected)}; "
            f"all in {drained:.0f}s after publishing stopped"
        )
        self._print_problems(duplicated, missing, killed_at)
        print(f"outbox: {self.store.outbox_counts()}")
        polls = sum((counts for counts in self.seen.polls.values()), Counter())
        print(f"polls: {polls.total()} in {elapsed:.0f}s = {polls.total() / elapsed:.1f} feeds/s {dict(polls)}")
        print(f"memory: {memory_verdict(self.seen.rss)}")
        print(f"shutdown: SIGTERM -> exit code {exit_code} in {shutdown_took:.1f}s; {log_summary(log)}")
        if self.seen.crash:
            print(f"crash: {self.seen.crash}")
        passed = not missing and not duplicated and not self.seen.crash
        print("result: PASS" if passed else f"result: FAIL (the bot's log and store are in {log.parent})")
        return 0 if passed else 1

    def _print_problems(self, duplicated: dict, missing: set, killed_at: float | None) -> None:
        for key, count in sorted(duplicated.items())[:10]:
            times = [post.at for post in self.slack.posts if post.key == key]
            when = ", ".join(f"{t - killed_at:+.1f}s" for t in times) if killed_at else ""
            print(f"  duplicated x{count}: {key}" + (f" (posted at {when} from the kill)" if when else ""))
        statuses = {
            (entry.alert.link or "", entry.alert.ticker, entry.alert.kind): entry.status
            for entry in self.store.outbox_entries()
            if entry.alert is not None
        }
        if missing:
            print(f"  missing by outbox status: {dict(Counter(statuses.get(key, 'not queued') for key in missing))}")
        for key in sorted(missing)[:10]:
            print(f"  missing: {key} ({statuses.get(key, 'not queued')})")


def memory_verdict(samples: list[tuple[float, int, int]]) -> str:
    """Peak RSS, and whether the bot grew: the last third's average against the middle third's."""
    if len(samples) < 6:
        return "too few samples"
    first, last = samples[0][0], samples[-1][0]
    third = (last - first) / 3
    middle = [main for t, main, _ in samples if first + third <= t < first + 2 * third]
    final = [main for t, main, _ in samples if t >= first + 2 * third]
    middle_mib, final_mib = sum(middle) / len(middle) / 1024, sum(final) / len(final) / 1024
    grew = final_mib > 1.2 * middle_mib and final_mib - middle_mib > 20
    return (
        f"peak RSS {max(s[1] for s in samples) / 1024:.0f} MiB (with parse workers {max(s[2] for s in samples) / 1024:.0f} MiB); "
        f"average {middle_mib:.0f} MiB in the middle third, {final_mib:.0f} MiB in the last: "
        f"{'GREW' if grew else 'no growth'} ({final_mib - middle_mib:+.1f} MiB)"
    )


def log_summary(log: Path) -> str:
    levels: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        levels[event.get("level", "?")] += 1
        if event.get("level") in ("error", "critical"):
            errors[re.sub(r"\d+", "N", str(event.get("msg")))[:70]] += 1
    top = "; ".join(f"{count}x {msg}" for msg, count in errors.most_common(3))
    return f"bot log lines by level {dict(levels)}" + (f"; errors: {top}" if top else "")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the farm publishes")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--kill-at", type=float, default=0.2, help="SIGKILL and restart the bot at this share of the run (0: never)"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="catalyst-soak-"))
    code = asyncio.run(soak(args, work))
    if code == 0:
        shutil.rmtree(work)
    sys.exit(code)


if __name__ == "__main__":
    main()
