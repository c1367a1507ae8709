"""SEC fair access: one request ceiling for every EDGAR host, a declared User-Agent, gzip."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit

from bot.config import BotConfig
from bot.ingest.edgar_urls import is_edgar_feed

_LOGGER = logging.getLogger(__name__)

USER_AGENT_ENV = "CATALYST_BOT_SEC_USER_AGENT"
SEC_HOSTS = ("sec.gov",)
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}")


class HostLimiter:
    """At most ``per_second`` requests reach the host in any one-second window, whoever sends them.

    ``per_second`` slots: a request holds one until its answer (or failure) arrives, and the slot
    is free again one second later, so two uses of a slot reach the host over a second apart
    however long the network takes to deliver them.
    """

    def __init__(
        self,
        per_second: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        ready_at: float = 0.0,
    ) -> None:
        self.per_second = per_second
        self._clock = clock
        self._sleep = sleep
        self._free: asyncio.PriorityQueue[float] = asyncio.PriorityQueue()
        for _ in range(per_second):
            self._free.put_nowait(ready_at)

    def retuned(self, per_second: int) -> HostLimiter:
        """A limiter with another ceiling; its slots open a second from now, after this one's last starts."""
        return HostLimiter(per_second, clock=self._clock, sleep=self._sleep, ready_at=self._clock() + 1.0)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        ready = await self._free.get()
        try:
            wait = ready - self._clock()
            if wait > 0:
                await self._sleep(wait)
            yield
        finally:
            self._free.put_nowait(self._clock() + 1.0)


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
    """What the fetcher applies to EDGAR hosts: the shared limiter and the SEC's required headers.

    One object lives as long as the bot: `configure` on reload keeps the limiter's recent starts.
    """

    def __init__(self, config: BotConfig) -> None:
        self.limiter = HostLimiter(config.edgar.max_requests_per_second)
        self.headers: dict[str, str] = {}
        self._hosts: set[str] = set()
        self.configure(config)

    def configure(self, config: BotConfig) -> None:
        ceiling = config.edgar.max_requests_per_second
        if self.limiter.per_second != ceiling:
            self.limiter = self.limiter.retuned(ceiling)
        agent = declared_user_agent(config)
        self.headers = {"Accept-Encoding": "gzip, deflate", **({"User-Agent": agent} if agent else {})}
        urls = [config.edgar.base_url, *(feed.url for feed in config.feeds if is_edgar_feed(feed.url))]
        self._hosts = {*SEC_HOSTS, *(urlsplit(url).hostname or "" for url in urls)} - {""}
        self._answers: dict[str, bool] = {}

    def applies_to(self, host: str) -> bool:
        """Asked on every fetch: the answer is kept per host (until the next configure)."""
        answer = self._answers.get(host)
        if answer is None:
            lowered = host.lower()
            answer = self._answers[host] = any(lowered == known or lowered.endswith("." + known) for known in self._hosts)
        return answer

    def slot(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self.limiter.slot()
