"""EDGAR fair access measured: requests per second a local fake EDGAR sees with and without the limiter."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import BotConfig, EdgarConfig  # noqa: E402
from bot.ingest.edgar import company_feed_url  # noqa: E402
from bot.ingest.edgar_access import EdgarAccess  # noqa: E402
from bot.ingest.fetch import Fetcher  # noqa: E402
from tests.fakes.edgarfake import FakeEdgar, FakeFiling, Party  # noqa: E402


async def measure(feeds: int, limited: bool, ceiling: int) -> tuple[float, int, float]:
    """(seconds for all fetches, most requests the fake saw in one second, mean requests/s)."""
    async with FakeEdgar() as fake:
        fake.filings = [FakeFiling("8-K", f"0000{n:06d}-26-000001", Party(f"C{n}", n), Party(f"C{n}", n)) for n in range(1, feeds + 1)]
        edgar = EdgarConfig(user_agent="bench bench@example.com", base_url=fake.base_url, max_requests_per_second=ceiling)
        access = EdgarAccess(BotConfig(edgar=edgar))
        async with aiohttp.ClientSession() as session:
            fetcher = Fetcher(session, per_host=200, policies=[access] if limited else [], user_agent=access.headers["User-Agent"])
            started = time.perf_counter()
            results = await asyncio.gather(*(fetcher.fetch(company_feed_url(fake.base_url, str(n))) for n in range(1, feeds + 1)))
            elapsed = time.perf_counter() - started
        assert all(r.status == "changed" for r in results), {r.error for r in results}
        return elapsed, fake.most_requests_in_a_second(), feeds / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=60)
    parser.add_argument("--ceiling", type=int, default=10)
    args = parser.parse_args()
    free = asyncio.run(measure(args.feeds, limited=False, ceiling=args.ceiling))
    held = asyncio.run(measure(args.feeds, limited=True, ceiling=args.ceiling))
    for name, (elapsed, peak, rate) in (("no limiter (floor)", free), (f"limiter at {args.ceiling}/s", held)):
        print(f"{name:20s} {args.feeds} requests in {elapsed:6.2f}s  mean {rate:8.1f}/s  peak {peak:4d} in one second")
    print(f"peak ratio limited/unlimited: {held[1] / max(free[1], 1):.3f}; ceiling used: {held[1] / args.ceiling:.0%}")


if __name__ == "__main__":
    main()
