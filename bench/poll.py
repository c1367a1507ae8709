"""Benchmark polling against a farm of synthetic feeds on loopback.

Default: one poll cycle (fetch + parse) over N feeds. `--sustain SECONDS`: the real daemon
(`catalyst-bot run`, default poller settings) against the farm while `--change` of the feeds get a
new item each minute; then, against the same farm in the same run, a bare aiohttp client (the floor)
and, with `--peer-venv`, the `reader` library (the peer, bench/reader_peer.py in a venv of its own).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.ingest.fetch import Fetcher  # noqa: E402
from bot.ingest.normalize import parse_feed  # noqa: E402

_LOGGER = logging.getLogger(__name__)

_EPOCH = datetime(2025, 3, 1, tzinfo=timezone.utc)
# The peer, installed into --peer-venv (never a dependency of the bot), with the sgmllib its feedparser imports.
PEER = ("reader==3.26", "sgmllib3k")


# ---- the server (runs in its own process, as a remote feed host would) ----


def render_feed(index: int, generation: int, items: int, headlines: dict[int, str] | None = None) -> bytes:
    """A synthetic RSS feed; its items shift by one per generation (`headlines` replaces some titles)."""
    entries = []
    for number in range(generation, generation + items):
        when = format_datetime(_EPOCH + timedelta(minutes=number))
        title = (headlines or {}).get(number) or f"Feed {index} story {number}: Company &amp; Co raises outlook"
        entries.append(
            f"<item><guid isPermaLink='false'>f{index}-i{number}</guid>"
            f"<title>{title}</title>"
            f"<link>https://news{index % 97}.example.com/{index}/{number}?utm_source=rss</link>"
            f"<description>&lt;p&gt;Shares of &lt;b&gt;Company {number}&lt;/b&gt; rose after "
            f"the firm lifted its full-year guidance, citing demand.&lt;/p&gt;</description>"
            f"<pubDate>{when}</pubDate></item>"
        )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Synthetic feed {index}</title>{''.join(entries)}</channel></rss>"
    ).encode()


# Catalyst headlines for a share of the new items: each carries its publish time, read back from the daemon's output.
_CATALYST = "{company} wins U.S. export licences to resume chip sales to China (ref {ref:.3f})"
_COMPANIES = ("Nvidia", "AMD", "Intel", "Micron", "Qualcomm", "Broadcom", "Applied Materials", "Lam Research")
REF = re.compile(r"\(ref (\d+\.\d+)\)")


class Farm:
    """The feeds' state on the server: generations, catalyst headlines, and when each feed was polled."""

    def __init__(self, items: int) -> None:
        self.items = items
        self.generations: Counter[int] = Counter()
        self.headlines: dict[int, dict[int, str]] = {}
        self.last_request: dict[int, float] = {}
        self.gaps: list[float] = []
        self.requests = 0
        self.window_start: float | None = None
        self.bumped = 0
        self.churning: asyncio.Task[None] | None = None
        self.bodies: dict[int, tuple[int, bytes]] = {}  # rendered once per generation

    def body(self, index: int) -> bytes:
        generation = self.generations[index]
        cached = self.bodies.get(index)
        if cached is None or cached[0] != generation:
            cached = self.bodies[index] = (generation, render_feed(index, generation, self.items, self.headlines.get(index)))
        return cached[1]

    def bump(self, index: int, catalyst: bool) -> None:
        self.generations[index] += 1
        self.bumped += 1
        if catalyst:
            newest = self.generations[index] + self.items - 1
            company = _COMPANIES[self.bumped % len(_COMPANIES)]
            self.headlines.setdefault(index, {})[newest] = _CATALYST.format(company=company, ref=time.time())

    def polled(self, index: int) -> None:
        now = time.monotonic()
        if self.window_start is not None:
            self.requests += 1
            previous = self.last_request.get(index)
            if previous is not None and previous >= self.window_start:
                self.gaps.append(now - previous)
        self.last_request[index] = now


async def churn(farm: Farm, owned: list[int], change: float, catalyst_every: int) -> None:
    """Give `change` of this server's feeds a new item each minute, spread over the seconds."""
    rng = random.Random(11)
    owed = 0.0
    while True:
        await asyncio.sleep(1.0)
        owed += len(owned) * change / 60
        while owed >= 1:
            owed -= 1
            farm.bump(rng.choice(owned), catalyst=farm.bumped % catalyst_every == 0)


def build_app(farm: Farm) -> web.Application:
    async def feed(request: web.Request) -> web.Response:
        index = int(request.match_info["index"])
        farm.polled(index)
        generation = farm.generations[index]
        etag = f'"{index}-{generation}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=farm.body(index), headers={"ETag": etag}, content_type="application/rss+xml")

    async def bump(request: web.Request) -> web.Response:
        feeds, every = int(request.query["feeds"]), int(request.query["every"])
        for index in range(0, feeds, every):
            farm.bump(index, catalyst=False)
        return web.Response(text="ok")

    async def churn_start(request: web.Request) -> web.Response:
        query = request.query
        feeds, hosts, servers, server = (int(query[key]) for key in ("feeds", "hosts", "servers", "server"))
        owned = [index for index in range(feeds) if (index % hosts) % servers == server]
        farm.churning = asyncio.create_task(churn(farm, owned, float(query["change"]), int(query["catalyst_every"])))
        return web.Response(text="ok")

    async def mark(request: web.Request) -> web.Response:
        farm.window_start, farm.requests, farm.gaps = time.monotonic(), 0, []
        return web.Response(text="ok")

    async def stats(request: web.Request) -> web.Response:
        window = time.monotonic() - (farm.window_start or time.monotonic())
        start = farm.window_start or 0.0
        fresh = sum(1 for when in farm.last_request.values() if when >= start)
        return web.json_response(
            {"requests": farm.requests, "window": window, "gaps": farm.gaps, "feeds_polled": fresh, "ever_polled": len(farm.last_request)}
        )

    app = web.Application()
    app.router.add_get("/feed/{index}.xml", feed)
    app.router.add_post("/_bump", bump)
    app.router.add_post("/_churn", churn_start)
    app.router.add_post("/_mark", mark)
    app.router.add_get("/_stats", stats)
    return app


async def serve(hosts: list[str], items: int, ready: multiprocessing.connection.Connection) -> None:
    runner = web.AppRunner(build_app(Farm(items)), access_log=None)
    await runner.setup()
    first = web.TCPSite(runner, hosts[0], 0, backlog=4096)
    await first.start()
    port = runner.addresses[0][1]
    for host in hosts[1:]:
        await web.TCPSite(runner, host, port, backlog=4096).start()
    ready.send(port)
    await asyncio.Event().wait()


def run_server(hosts: list[str], items: int, ready: multiprocessing.connection.Connection) -> None:
    asyncio.run(serve(hosts, items, ready))


# ---- the client: what the scheduler does per cycle ----


@dataclass
class FeedState:
    """The small per-feed row the store keeps between polls."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


def parse_items(body: bytes, feed: str, base_url: str) -> list:
    """Parse in a worker and send the NewsItems back (what the scheduler needs)."""
    return parse_feed(body, feed=feed, base_url=base_url).items


async def poll_cycle(
    fetcher: Fetcher, states: list[FeedState], executor: Executor | None, concurrency: int
) -> tuple[Counter[str], int]:
    statuses: Counter[str] = Counter()
    items = 0
    loop = asyncio.get_running_loop()
    pending = iter(states)

    async def worker() -> None:
        nonlocal items
        for state in pending:
            result = await fetcher.fetch(
                state.url,
                etag=state.etag,
                last_modified=state.last_modified,
                previous_hash=state.body_hash,
            )
            statuses[result.status] += 1
            if result.status == "failed":
                _LOGGER.warning("%s: %s", state.url, result.error)
                continue
            state.etag, state.last_modified = result.etag, result.last_modified
            state.body_hash = result.body_hash
            if result.status == "changed":
                if executor is None:
                    parsed = parse_items(result.body, state.url, state.url)
                else:
                    parsed = await loop.run_in_executor(
                        executor, parse_items, result.body, state.url, state.url
                    )
                items += len(parsed)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statuses, items


# ---- memory: peak RSS per scenario (Linux lets a process reset its high-water mark) ----


def reset_peak_rss(pids: list[int]) -> None:
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            pass


def peak_rss_mib(pid: int | None = None) -> float:
    try:
        status = Path(f"/proc/{pid or 'self'}/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def worker_pids(executor: Executor | None) -> list[int]:
    if isinstance(executor, ProcessPoolExecutor):
        return list(executor._processes)  # noqa: SLF001 - only to read their memory
    return []


def make_executor(kind: str, workers: int) -> Executor | None:
    if kind == "process":
        context = multiprocessing.get_context("forkserver")
        return ProcessPoolExecutor(workers, mp_context=context)
    if kind == "thread":
        return ThreadPoolExecutor(workers)
    return None


async def warm_up(executor: Executor | None, workers: int) -> None:
    if executor is not None:
        loop = asyncio.get_running_loop()
        body = render_feed(0, 0, 2)
        jobs = (loop.run_in_executor(executor, parse_items, body, "w", "http://x/") for _ in range(workers * 2))
        await asyncio.gather(*jobs)


async def bench(args: argparse.Namespace, port: int, hosts: list[str]) -> None:
    states = [
        FeedState(f"http://{hosts[index % len(hosts)]}:{port}/feed/{index}.xml")
        for index in range(args.feeds)
    ]
    executor = make_executor(args.parse, args.workers)
    connector = aiohttp.TCPConnector(limit=args.concurrency, limit_per_host=0, ttl_dns_cache=300)
    async with aiohttp.ClientSession(connector=connector) as session:
        await warm_up(executor, args.workers)
        fetcher = Fetcher(session, per_host=args.per_host, timeout=30.0)
        print(
            f"feeds={args.feeds} items/feed={args.items} hosts={len(hosts)} "
            f"per_host={args.per_host} concurrency={args.concurrency} "
            f"parse={args.parse} workers={args.workers} cpus={os.cpu_count()}"
        )
        await run_scenario("all changed", fetcher, states, executor, args)
        if args.changed > 0:
            bump = f"http://{hosts[0]}:{port}/_bump?feeds={args.feeds}&every={round(1 / args.changed)}"
            async with session.post(bump) as response:
                response.raise_for_status()
        await run_scenario(f"{args.changed:.0%} changed", fetcher, states, executor, args)
    if executor is not None:
        executor.shutdown()


async def run_scenario(
    label: str,
    fetcher: Fetcher,
    states: list[FeedState],
    executor: Executor | None,
    args: argparse.Namespace,
) -> None:
    workers = worker_pids(executor)
    reset_peak_rss([os.getpid(), *workers])
    started = time.perf_counter()
    statuses, items = await poll_cycle(fetcher, states, executor, args.concurrency)
    elapsed = time.perf_counter() - started
    worker_peak = max((peak_rss_mib(pid) for pid in workers), default=0.0)
    print(
        f"{label:>12}: {len(states) / elapsed:8.0f} feeds/s {items / elapsed:9.0f} items/s "
        f"{elapsed:6.2f}s  {dict(statuses)}  peak RSS main {peak_rss_mib():.0f} MiB"
        + (f", per parse worker {worker_peak:.0f} MiB" if workers else "")
    )


# ---- sustain: the real daemon against the farm, then a bare aiohttp client as the floor ----


def write_sustain_config(path: Path, data_dir: Path, urls: list[str], interval: float) -> None:
    """Default poller settings; one console route that posts at once (no grouping wait, no cooldown across feeds)."""
    lines = [
        f"data_dir = '{data_dir}'",
        "[[routes]]",
        "receiver = 'console'",
        "group_wait = '0s'",
        "cooldown = '1s'",
        "cooldown_key = ['ticker', 'kind', 'source', 'rule']",
    ]
    for index, url in enumerate(urls):
        lines += ["[[feeds]]", f"name = 'f{index}'", f"url = '{url}'", f"interval = {interval:g}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cpu_ticks(stat_path: str) -> int:
    fields = Path(stat_path).read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def _rss_mib(pid: int) -> float:
    try:
        line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


class DaemonSampler:
    """Once a second: the event loop's (main thread's) CPU, the CPU of the daemon and its workers, their RSS."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            try:
                self.peak_rss = max(self.peak_rss, sum(map(_rss_mib, [self.pid, *_children(self.pid)])))
            except OSError:
                return

    def cpu(self) -> tuple[float, float, float, float]:
        """(wall time, main-thread CPU seconds, CPU seconds of the daemon and its children,
        seconds the main thread was ready to run but waited for a CPU: other programs' load)."""
        tick = os.sysconf("SC_CLK_TCK")
        loop = _cpu_ticks(f"/proc/{self.pid}/task/{self.pid}/stat")
        total = _cpu_ticks(f"/proc/{self.pid}/stat")
        for child in _children(self.pid):
            try:
                total += _cpu_ticks(f"/proc/{child}/stat")
            except OSError:
                continue
        waited = int(Path(f"/proc/{self.pid}/task/{self.pid}/schedstat").read_text().split()[1]) / 1e9
        return time.monotonic(), loop / tick, total / tick, waited

    def stop(self) -> None:
        self._stop.set()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def floor_client(urls: list[str], seconds: float, concurrency: int) -> tuple[float, float]:
    """A bare aiohttp client doing conditional GETs round-robin: (GETs/s, CPU ms per GET)."""
    etags: dict[str, str] = {}
    done = 0
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300)
    async with aiohttp.ClientSession(connector=connector) as session:
        pending = iter(urls * 1000)

        async def worker() -> None:
            nonlocal done
            for url in pending:
                if time.monotonic() > deadline:
                    return
                headers = {"If-None-Match": etags[url]} if url in etags else None
                async with session.get(url, headers=headers) as response:
                    await response.read()
                    etags[url] = response.headers.get("ETag", "")
                done += 1

        cpu, started = time.process_time(), time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    return done / elapsed, 1000 * cpu / max(done, 1)


def sustain(args: argparse.Namespace, ports: list[int], hosts: list[str]) -> None:
    """Host j is served by farm process j % len(ports), so each feed's state lives in one process."""
    servers = len(ports)
    urls = []
    for index in range(args.feeds):
        host = index % len(hosts)
        urls.append(f"http://{hosts[host]}:{ports[host % servers]}/feed/{index}.xml")
    farms = [f"http://{hosts[server]}:{ports[server]}" for server in range(servers)]
    needed = args.feeds / args.interval
    with tempfile.TemporaryDirectory(prefix="catalyst-bench-") as folder:
        config = Path(folder) / "bot.toml"
        write_sustain_config(config, Path(folder) / "data", urls, args.interval)
        log = (Path(folder) / "daemon.log").open("w")
        repo = Path(__file__).resolve().parents[1]
        run = "import sys; from bot.cli.main import main; sys.exit(main())"
        if args.profile:
            run = f"import cProfile, sys; from bot.cli.main import main; cProfile.run('main()', {str(args.profile)!r})"
        daemon = subprocess.Popen(
            [sys.executable, "-c", run, "run", "--config", str(config)],
            stdout=subprocess.PIPE, stderr=log, text=True, cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)},
        )
        latencies: list[float] = []

        def read_alerts() -> None:
            for line in daemon.stdout:
                match = REF.search(line)
                if match:
                    latencies.append(time.time() - float(match.group(1)))

        threading.Thread(target=read_alerts, daemon=True).start()
        sampler = DaemonSampler(daemon.pid)
        print(f"sustain: feeds={args.feeds} interval={args.interval:g}s change={args.change:.0%}/min hosts={len(hosts)} farm processes={servers} "
              f"cpus={os.cpu_count()} load average {load_average()} at the start")
        print(f"  warm-up: the first full cycle (every feed's baseline poll, all bodies new), at most {args.max_warmup:g}s; "
              "then the measured window of --sustain seconds")
        started, warm_cpu = time.monotonic(), sampler.cpu()
        while time.monotonic() - started < args.max_warmup:
            time.sleep(2.0)
            if sum(get_json(f"{farm}/_stats")["ever_polled"] for farm in farms) >= args.feeds:
                break
        first_cycle, warmed_cpu = time.monotonic() - started, sampler.cpu()
        polled = sum(get_json(f"{farm}/_stats")["ever_polled"] for farm in farms)
        if polled >= args.feeds:
            print(f"  first full cycle {first_cycle:8.0f} s, {args.feeds / first_cycle:.0f} feeds/s "
                  f"(spread over the {args.interval:g}s interval: {args.interval:g}s at best); "
                  f"event loop busy {(warmed_cpu[1] - warm_cpu[1]) / first_cycle:.0%} "
                  f"(waiting for a CPU {(warmed_cpu[3] - warm_cpu[3]) / first_cycle:.0%}), "
                  f"{(warmed_cpu[2] - warm_cpu[2]) / first_cycle:.2f} cores (daemon + parse workers)")
        else:
            print(f"  first full cycle NOT done after {first_cycle:.0f}s: {polled} of {args.feeds} feeds polled "
                  f"({polled / first_cycle:.0f} baseline polls/s); the figures below are still the baseline")
        time.sleep(5.0)
        for server, farm in enumerate(farms):
            post(f"{farm}/_mark")
            post(f"{farm}/_churn?feeds={args.feeds}&hosts={len(hosts)}&servers={servers}&server={server}"
                 f"&change={args.change}&catalyst_every={args.catalyst_every}")
        before = sampler.cpu()
        time.sleep(args.sustain)
        after = sampler.cpu()
        parts = [get_json(f"{farm}/_stats") for farm in farms]
        stats = {
            "requests": sum(part["requests"] for part in parts),
            "window": max(part["window"] for part in parts),
            "gaps": [gap for part in parts for gap in part["gaps"]],
            "feeds_polled": sum(part["feeds_polled"] for part in parts),
        }
        daemon.terminate()
        daemon.wait(timeout=60)
        sampler.stop()
        log.close()
        logged = (Path(folder) / "daemon.log").read_text().splitlines()
        warnings = [line.strip() for line in logged if "polls start late" in line]
        failures = [line.strip() for line in logged if " failed (" in line]
    wall = after[0] - before[0]
    polls = stats["requests"] / stats["window"]
    gaps = stats["gaps"]
    bot_cpu_per_poll = 1000 * (after[2] - before[2]) / max(stats["requests"], 1)
    print(f"  measured window  {stats['window']:8.0f} s, load average {load_average()} at its end")
    print(f"  polls/s          {polls:8.0f} of {needed:.0f} needed ({polls / needed:.0%}); "
          f"{stats['feeds_polled']} of {args.feeds} feeds polled in the window")
    print(f"  per-feed gap     p50 {percentile(gaps, 0.5):.1f}s  p95 {percentile(gaps, 0.95):.1f}s  max {max(gaps, default=float('nan')):.1f}s"
          f"  ({len(gaps)} gaps between two polls inside the window; interval {args.interval:g}s, polls up to 10% early)")
    print(f"  event loop busy  {(after[1] - before[1]) / wall:8.0%}  (the daemon's main-thread CPU / wall, in the window; "
          f"ready but waiting for a CPU {(after[3] - before[3]) / wall:.0%}: the machine's other load)")
    print(f"  CPU              {(after[2] - before[2]) / wall:8.2f} cores (daemon + parse workers, in the window), {bot_cpu_per_poll:.2f} ms per poll")
    print(f"  peak RSS         {sampler.peak_rss:8.0f} MiB (daemon + parse workers, whole run: warm-up included)")
    print(f"  publish->post    p50 {percentile(latencies, 0.5):.1f}s  p95 {percentile(latencies, 0.95):.1f}s  ({len(latencies)} alerts: "
          "from the catalyst item's appearance on the farm to its alert on the console)")
    print(f"  lag warnings     {len(warnings)} in the whole run" + (f"; the last: {warnings[-1][-400:]}" if warnings else ""))
    print(f"  failed polls     {len(failures)}" + (f": {failures[-1][-200:]}" if failures else ""))
    floor_rate, floor_cpu = asyncio.run(floor_client(urls, args.floor_seconds, 256))
    print(f"  floor            bare aiohttp client, {args.floor_seconds:g}s: {floor_rate:.0f} conditional GETs/s, {floor_cpu:.2f} ms CPU per GET; "
          f"bot CPU per poll = {bot_cpu_per_poll / floor_cpu:.1f}x the floor's CPU per GET")
    if args.peer_venv:
        peer = run_peer(args, urls[: args.peer_feeds])
        first = peer["first"]
        again = peer["again"]
        print(f"  peer             reader {peer['version']} ({peer['workers']} threads) over {peer['feeds']} of the feeds: "
              f"first pass {first['feeds_per_s']:.0f} feeds/s ({first['cpu_ms_per_feed']:.2f} ms CPU/feed; "
              f"the bot's first cycle {args.feeds / first_cycle / first['feeds_per_s']:.1f}x as fast), "
              f"second pass {again['feeds_per_s']:.0f} feeds/s ({again['cpu_ms_per_feed']:.2f} ms CPU/feed, {again['errors']} errors); "
              f"at that rate it keeps ~{again['feeds_per_s'] * args.interval:.0f} feeds at {args.interval:g}s; "
              f"its CPU per feed = {again['cpu_ms_per_feed'] / bot_cpu_per_poll:.1f}x the bot's per poll")


def load_average() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def run_peer(args: argparse.Namespace, urls: list[str]) -> dict:
    """bench/reader_peer.py in `--peer-venv` (made, with reader installed, when it is not there yet)."""
    python = args.peer_venv / "bin" / "python"
    if not python.exists() or subprocess.run([str(python), "-c", "import reader, sgmllib"], capture_output=True).returncode:
        subprocess.run([sys.executable, "-m", "venv", str(args.peer_venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER], check=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="peer-urls-") as listing:
        listing.write("\n".join(urls))
        listing.flush()
        script = Path(__file__).with_name("reader_peer.py")
        output = subprocess.run(
            [str(python), str(script), listing.name, "--workers", str(args.peer_workers)], check=True, capture_output=True, text=True
        ).stdout
    return json.loads(output.splitlines()[-1])


def post(url: str) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as session, session.post(url) as response:
            response.raise_for_status()

    asyncio.run(go())


def get_json(url: str) -> dict:
    async def go() -> dict:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return await response.json()

    return asyncio.run(go())


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20, help="items per feed")
    parser.add_argument("--hosts", type=int, default=64, help="loopback addresses to spread feeds on")
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=256, help="fetches in flight")
    parser.add_argument("--parse", choices=["process", "thread", "inline"], default="process")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--changed", type=float, default=0.05, help="changed share, 2nd cycle")
    parser.add_argument("--sustain", type=float, metavar="SECONDS", help="run the real daemon this long after a warm-up")
    parser.add_argument("--interval", type=float, default=60.0, help="sustain: every feed's poll interval")
    parser.add_argument("--change", type=float, default=0.05, help="sustain: share of the feeds with a new item a minute")
    parser.add_argument("--catalyst-every", type=int, default=10, help="sustain: every Nth new item is a catalyst")
    parser.add_argument("--max-warmup", type=float, default=300.0, help="sustain: longest wait for the first cycle")
    parser.add_argument("--farm-processes", type=int, default=2, help="sustain: server processes of the farm")
    parser.add_argument("--profile", type=Path, help="sustain: write the daemon's cProfile stats to this file")
    parser.add_argument("--floor-seconds", type=float, default=10.0, help="sustain: how long the bare client runs")
    parser.add_argument("--peer-venv", type=Path, help=f"sustain: run the reader peer from this venv (made with {' '.join(PEER)} if missing)")
    parser.add_argument("--peer-feeds", type=int, default=2000, help="sustain: how many of the feeds the peer updates")
    parser.add_argument("--peer-workers", type=int, default=16, help="sustain: the peer's update threads")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING)
    hosts = [f"127.0.0.{number}" for number in range(1, args.hosts + 1)]
    count = args.farm_processes if args.sustain else 1
    servers, ports = [], []
    for number in range(count):
        receive, send = multiprocessing.Pipe(duplex=False)
        server = multiprocessing.get_context("fork").Process(
            target=run_server, args=(hosts[number::count], args.items, send), daemon=True
        )
        server.start()
        servers.append(server)
        ports.append(receive.recv())
    try:
        if args.sustain:
            sustain(args, ports, hosts)
        else:
            asyncio.run(bench(args, ports[0], hosts))
    finally:
        for server in servers:
            server.terminate()
            server.join()


if __name__ == "__main__":
    main()
