"""Benchmark 1, 2 and 3 workers on one PostgreSQL against a local farm of feeds: polls/s, per-feed gaps, CPU shares, alerts once after a SIGKILL."""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402
import psycopg  # noqa: E402
from aiohttp import web  # noqa: E402

from tests.fakes.chatfake import FakeChat  # noqa: E402
from tests.fakes.feedserver import ORDINARY_NEWS, rss  # noqa: E402
from tests.postgres import POSTGRES_URL_ENV  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
STORIES = [("Tesla", "TSLA"), ("Apple", "AAPL"), ("Microsoft", "MSFT"), ("Nvidia", "NVDA"), ("Amazon", "AMZN")]
TICKS = os.sysconf("SC_CLK_TCK")


def story_title(company: str, ticker: str) -> str:
    return f"{company} (NASDAQ: {ticker}) shares rise 9% after deliveries beat"


STORY_TITLES = {story_title(company, ticker) for company, ticker in STORIES}


def farm(port_out: multiprocessing.Queue, feeds: int, started_at: float) -> None:
    """A process serving /fN.xml (304 to a matching ETag) and keeping each request's time; /stats, /publish."""
    plain = rss(ORDINARY_NEWS).encode()
    polled: list[list[float]] = [[] for _ in range(feeds)]
    published = {"on": False}

    def story_body(n: int) -> bytes:
        company, ticker = STORIES[n]
        item = (f"move-{ticker}", story_title(company, ticker), "Strong quarter.")
        return rss(item, ORDINARY_NEWS).encode()

    async def feed(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        polled[n].append(time.monotonic() - started_at)
        body, etag = plain, '"plain"'
        if published["on"] and n < len(STORIES):
            body, etag = story_body(n), '"story"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag}, content_type="application/rss+xml")

    async def publish(request: web.Request) -> web.Response:
        published["on"] = True
        return web.json_response({})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(polled)

    async def serve() -> None:
        app = web.Application()
        app.router.add_get("/f{n}.xml", feed)
        app.router.add_post("/publish", publish)
        app.router.add_get("/stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        port_out.put(site._server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(serve())


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])  # utime stime cutime cstime
    return total / TICKS


def server_pids(server_url: str) -> list[int]:
    """The benchmark server's postmaster and its processes (not other clusters on this machine).

    A backend that exits hands its CPU time to the postmaster's children time, which `cpu_seconds` counts.
    """
    with psycopg.connect(server_url) as conn:
        data_dir = conn.execute("SHOW data_directory").fetchone()[0]
    postmaster = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    pids = [postmaster]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return pids


def write_config(folder: Path, url: str, farm_port: int, feeds: int, interval: float) -> Path:
    lines = [
        f"data_dir = '{folder}'",
        "[poller]", "tick = 0.5", "jitter = 0.1", "baseline = false", "per_host = 200", "concurrency = 200",
        "[store]", f"url = '{url}'",
        "[[routes]]", "receiver = 'slack:#desk'", "group_wait = 0",
    ]
    for n in range(feeds):
        lines += ["[[feeds]]", f"name = 'f{n}'", f"url = 'http://127.0.0.1:{farm_port}/f{n}.xml'", f"interval = {interval}"]
    path = folder / "bot.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def start_worker(config: Path, chat_url: str) -> asyncio.subprocess.Process:
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.bot_worker", str(config), chat_url, cwd=REPO, stdout=asyncio.subprocess.PIPE
    )
    assert worker.stdout is not None
    await asyncio.wait_for(worker.stdout.readline(), 300)
    return worker


async def run(
    server_url: str, workers: int, feeds: int, interval: float, duration: float, kill: bool, settle: float
) -> dict:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    url = f"{server_url}{'&' if '?' in server_url else '?'}options=-csearch_path%3D{schema}"
    started_at = time.monotonic()
    ports: multiprocessing.Queue = multiprocessing.Queue()
    farm_process = multiprocessing.Process(target=farm, args=(ports, feeds, started_at), daemon=True)
    farm_process.start()
    port = ports.get(timeout=30)
    try:
        with tempfile.TemporaryDirectory() as folder:
            config = write_config(Path(folder), url, port, feeds, interval)
            async with FakeChat() as chat:
                procs = [await start_worker(config, chat.url) for _ in range(workers)]
                # Every feed is due at once at the start; measure after one interval of catching up.
                await asyncio.sleep(interval)
                pids = [p.pid for p in procs]
                cpu_before = (cpu_seconds(pids), cpu_seconds(server_pids(server_url)), cpu_seconds([farm_process.pid]))
                window_start, wall_before = time.monotonic() - started_at, time.monotonic()
                if kill:
                    async with aiohttp.ClientSession() as session:
                        await session.post(f"http://127.0.0.1:{port}/publish")
                    await asyncio.sleep(min(5.0, duration / 4))
                    killed_cpu = cpu_seconds(pids[:1])
                    procs[0].send_signal(signal.SIGKILL)
                    await procs[0].wait()
                await asyncio.sleep(duration - (min(5.0, duration / 4) if kill else 0))
                wall = time.monotonic() - wall_before
                worker_cpu_after = cpu_seconds(pids[1:] if kill else pids) + (killed_cpu if kill else 0.0)
                cpu_after = (worker_cpu_after, cpu_seconds(server_pids(server_url)), cpu_seconds([farm_process.pid]))
                window_end = time.monotonic() - started_at
                async with aiohttp.ClientSession() as session:
                    async with session.get(f"http://127.0.0.1:{port}/stats") as response:
                        polled = await response.json()
                if kill:  # the stories' feeds come round (late when the workers fall behind), the dead worker's claims expire
                    deadline = time.monotonic() + settle
                    while len({m.title for m in chat.messages} & STORY_TITLES) < len(STORIES) and time.monotonic() < deadline:
                        await asyncio.sleep(1)
                    await asyncio.sleep(10)  # room for a late duplicate
                for proc in procs:
                    if proc.returncode is None:
                        proc.send_signal(signal.SIGTERM)
                claims = Counter()
                for proc in procs:
                    claims.update(claim_counts((await proc.stdout.read()).decode()))
                    await proc.wait()
                posted = Counter(message.title for message in chat.messages)
    finally:
        farm_process.kill()
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
    in_window = [t for times in polled for t in times if window_start <= t < window_end]
    gaps = sorted(b - a for times in polled for a, b in zip(times, times[1:]) if window_start <= b < window_end)
    polls = len(in_window)
    worker_cpu, db_cpu, farm_cpu = (after - before for after, before in zip(cpu_after, cpu_before, strict=True))
    return {
        "workers": workers,
        "polls_per_s": polls / wall,
        "target_per_s": feeds / interval,
        "gap_p50": statistics.median(gaps) if gaps else None,
        "gap_p95": gaps[int(0.95 * (len(gaps) - 1))] if gaps else None,
        "window_end": window_end,
        "round_s": feeds * wall / polls if polls else float("inf"),
        "worker_cpu": worker_cpu / wall,
        "db_cpu": db_cpu / wall,
        "farm_cpu": farm_cpu / wall,
        "db_ms_per_poll": 1000 * db_cpu / polls if polls else float("nan"),
        "posted": posted,
        "claims": claims,
    }


def claim_counts(output: str) -> Counter:
    """The claims a worker won and lost, from the line it prints when it stops (none from a killed worker)."""
    for line in output.splitlines():
        if line.startswith("claims won "):
            _, _, won, _, lost = line.split()
            return Counter(won=int(won), lost=int(lost))
    return Counter()


def write_floor(url: str, polls: int = 1000) -> float:
    """Milliseconds per poll's state write (one transaction, one UPDATE) from one process: a worker's floor."""
    from bot.store.database import Store

    store = Store(url)
    try:
        store.sync_feeds([(f"f{n}", f"http://x/f{n}", 60) for n in range(100)], 0.0)
        started = time.perf_counter()
        for n in range(polls):
            with store.transaction():
                store.update_feed(f"f{n % 100}", failures=0, last_polled_at=float(n), next_poll_at=float(n + 60))
        return 1000 * (time.perf_counter() - started) / polls
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=os.environ.get(POSTGRES_URL_ENV), help=f"server URL (default ${POSTGRES_URL_ENV})")
    parser.add_argument("--feeds", type=int, default=100_000)
    parser.add_argument("--interval", type=float, default=60.0)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured per run, after one interval")
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument(
        "--settle", type=float, default=300.0, help="after a SIGKILL, seconds to wait at most for every story to be posted"
    )
    args = parser.parse_args()
    if not args.db:
        print(f"no PostgreSQL: pass --db or set ${POSTGRES_URL_ENV} (.ci/postgres start DIR prints one)", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    print(f"{args.feeds} feeds every {args.interval:g}s (target {args.feeds / args.interval:.0f} polls/s), {cores} core(s)")
    schema = f"floor_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.db, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        pg_ms = write_floor(f"{args.db}{'&' if '?' in args.db else '?'}options=-csearch_path%3D{schema}")
    finally:
        with psycopg.connect(args.db, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
    with tempfile.TemporaryDirectory() as folder:
        sqlite_ms = write_floor(f"sqlite:///{folder}/floor.sqlite3")
    print(
        f"one poll's state write from one process: PostgreSQL {pg_ms:.3f} ms, SQLite {sqlite_ms:.3f} ms"
        f" ({pg_ms / sqlite_ms:.1f}x); a single-threaded loop tops out near {1000 / pg_ms:.0f} polls/s on PostgreSQL"
    )
    print(
        "workers  polls/s    round  gap p50  gap p95  worker CPU  DB CPU  farm CPU  DB ms/poll  claims lost/won"
        "  alerts posted (after SIGKILL)"
    )
    costs = []
    for count in map(int, args.workers.split(",")):
        kill = count > 1
        r = asyncio.run(run(args.db, count, args.feeds, args.interval, args.duration, kill, args.settle))
        costs.append(r["db_ms_per_poll"])
        once = "-"
        if kill:
            once = f"{len(r['posted'])} of {len(STORIES)} stories, max {max(r['posted'].values(), default=0)}x each"
        # No gap means no feed came round twice before the measurement ended.
        p50, p95 = (f"{r[key]:6.1f}s" if r[key] is not None else f">{r['window_end']:.0f}s".rjust(7) for key in ("gap_p50", "gap_p95"))
        print(
            f"{count:>7}  {r['polls_per_s']:7.0f}  {r['round_s']:6.0f}s  {p50}  {p95}  {r['worker_cpu']:9.2f}c"
            f"  {r['db_cpu']:5.2f}c  {r['farm_cpu']:7.2f}c  {r['db_ms_per_poll']:10.3f}"
            f"  {r['claims']['lost']:>7}/{r['claims']['won']:<7}  {once}"
        )
        if kill and (len(r["posted"]) != len(STORIES) or max(r["posted"].values(), default=0) != 1):
            print("an alert was lost or doubled", file=sys.stderr)
            return 1
    print(
        "round = time to poll every feed once at that rate; c = CPU cores in use on average;"
        " DB ms/poll = PostgreSQL CPU time per poll, all its processes; claims lost/won = over the whole run,"
        " by the workers that stopped cleanly (not the one killed)"
    )
    if costs:
        per_core = args.interval * 1000 / max(costs)
        print(
            f"at the highest DB cost measured ({max(costs):.3f} ms/poll), one PostgreSQL core serves about"
            f" {per_core:,.0f} feeds every {args.interval:g}s, whatever the number of worker machines"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
