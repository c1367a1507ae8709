"""`catalyst-bot health`: is the running daemon healthy (its `/healthz`, or its heartbeat file)?"""

from __future__ import annotations

import argparse
import asyncio

import aiohttp

from bot.clock import system_clock
from bot.config import load_config
from bot.ops.heartbeat import heartbeat_age
from bot.ops.logs import tell


def health(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if config.http.enabled:
        host = f"[{config.http.host}]" if ":" in config.http.host else config.http.host  # IPv6 goes in brackets
        return asyncio.run(_probe_healthz(f"http://{host}:{config.http.port}/healthz"))
    age = heartbeat_age(config.resolved_data_dir(), system_clock())
    limit = max(3 * config.poller.tick, 60.0)
    if age is None:
        tell("unhealthy: the daemon has not ticked yet")
        return 1
    if age > limit:
        tell(f"unhealthy: last tick {age:.0f}s ago (limit {limit:.0f}s)")
        return 1
    print(f"healthy: last tick {age:.0f}s ago")
    return 0


async def _probe_healthz(url: str) -> int:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            async with session.get(url) as response:
                print(await response.text())
                return 0 if response.status == 200 else 1
    except (aiohttp.ClientError, TimeoutError) as exc:
        tell(f"unhealthy: cannot reach {url}: {exc}")
        return 1
