"""SEC fair access: one request ceiling for every EDGAR host, a declared User-Agent, gzip."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from bot.config import BotConfig
from bot.ingest.edgar import is_edgar_feed

_LOGGER = logging.getLogger(__name__)

USER_AGENT_ENV = "CATALYST_BOT_SEC_USER_AGENT"
SEC_HOSTS = ("sec.gov",)
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}")


class HostLimiter:
    """At most ``per_second`` request starts in any one-second window, for every caller sharing it."""

    def __init__(
        self,
        per_second: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self._starts: deque[float] = deque(maxlen=per_second)
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()

    def retuned(self, per_second: int) -> HostLimiter:
        """A limiter with another ceiling that remembers this one's recent starts."""
        other = HostLimiter(per_second, clock=self._clock, sleep=self._sleep)
        other._starts.extend(self._starts)
        return other

    async def acquire(self) -> None:
        async with self._lock:
            if len(self._starts) == self._starts.maxlen:
                wait = self._starts[0] + 1.0 - self._clock()
                if wait > 0:
                    await self._sleep(wait)
            self._starts.append(self._clock())


def declared_user_agent(config: BotConfig) -> str | None:
    """`[edgar] user_agent`, else $CATALYST_BOT_SEC_USER_AGENT; None unless it carries a contact email."""
    value = (config.edgar.user_agent or os.environ.get(USER_AGENT_ENV) or "").strip()
    return value if _EMAIL.search(value) else None


def uses_edgar(config: BotConfig) -> bool:
    return config.edgar.watchlist or any(is_edgar_feed(feed.url) for feed in config.feeds)


def edgar_problems(config: BotConfig) -> list[str]:
    """Why `run` must not poll EDGAR with this config (empty when it may)."""
    if not uses_edgar(config) or declared_user_agent(config):
        return []
    return [
        "EDGAR feeds are configured but no User-Agent with a contact email is declared: the SEC "
        "refuses (HTTP 403) clients that do not say who they are. Set [edgar] user_agent = "
        f'"Your Name you@example.com" or ${USER_AGENT_ENV}.'
    ]


class EdgarAccess:
    """What the fetcher applies to EDGAR hosts: the shared limiter and the SEC's required headers."""

    def __init__(self, config: BotConfig, limiter: HostLimiter | None = None) -> None:
        ceiling = config.edgar.max_requests_per_second
        if limiter is None:
            limiter = HostLimiter(ceiling)
        elif limiter.per_second != ceiling:
            limiter = limiter.retuned(ceiling)
        self.limiter = limiter
        self.headers = {"User-Agent": declared_user_agent(config) or "", "Accept-Encoding": "gzip, deflate"}
        urls = [config.edgar.base_url, *(feed.url for feed in config.feeds if is_edgar_feed(feed.url))]
        self._hosts = {*SEC_HOSTS, *(urlsplit(url).hostname or "" for url in urls)} - {""}

    def applies_to(self, host: str) -> bool:
        host = host.lower()
        return any(host == known or host.endswith("." + known) for known in self._hosts)

    async def acquire(self) -> None:
        await self.limiter.acquire()
