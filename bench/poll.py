"""Benchmark one poll cycle (fetch + parse) over N synthetic feeds served from loopback."""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import resource
import sys
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


# ---- the server (runs in its own process, as a remote feed host would) ----


def render_feed(index: int, generation: int, items: int) -> bytes:
    """A synthetic RSS feed; its items shift by one per generation."""
    entries = []
    for number in range(generation, generation + items):
        when = format_datetime(_EPOCH + timedelta(minutes=number))
        entries.append(
            f"<item><guid isPermaLink='false'>f{index}-i{number}</guid>"
            f"<title>Feed {index} story {number}: Company &amp; Co raises outlook</title>"
            f"<link>https://news{index % 97}.example.com/{index}/{number}?utm_source=rss</link>"
            f"<description>&lt;p&gt;Shares of &lt;b&gt;Company {number}&lt;/b&gt; rose after "
            f"the firm lifted its full-year guidance, citing demand.&lt;/p&gt;</description>"
            f"<pubDate>{when}</pubDate></item>"
        )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Synthetic feed {index}</title>{''.join(entries)}</channel></rss>"
    ).encode()


def build_app(items: int) -> web.Application:
    generations: Counter[int] = Counter()

    async def feed(request: web.Request) -> web.Response:
        index = int(request.match_info["index"])
        etag = f'"{index}-{generations[index]}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = render_feed(index, generations[index], items)
        return web.Response(body=body, headers={"ETag": etag}, content_type="application/rss+xml")

    async def bump(request: web.Request) -> web.Response:
        feeds, every = int(request.query["feeds"]), int(request.query["every"])
        for index in range(0, feeds, every):
            generations[index] += 1
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/feed/{index}.xml", feed)
    app.router.add_post("/_bump", bump)
    return app


async def serve(hosts: list[str], items: int, ready: multiprocessing.connection.Connection) -> None:
    runner = web.AppRunner(build_app(items), access_log=None)
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
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING)
    hosts = [f"127.0.0.{number}" for number in range(1, args.hosts + 1)]
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.get_context("fork").Process(
        target=run_server, args=(hosts, args.items, send), daemon=True
    )
    server.start()
    try:
        asyncio.run(bench(args, receive.recv(), hosts))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
