"""A local aiohttp feed server for tests: register routes at any time, inspect the requests."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from aiohttp import web

from tests.fakes.serving import serve

_LOGGER = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

RSS_TYPE = "application/rss+xml"


@dataclass
class PathStats:
    """What the server saw on one path."""

    headers: list[dict[str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    bytes_sent: int = 0

    @property
    def count(self) -> int:
        return len(self.headers)


class FeedServer:
    """An aiohttp server on 127.0.0.1 (ephemeral port) serving registered paths.

    Routes may be added or replaced while it runs. Use ``async with FeedServer() as server``
    or ``await server.start()`` / ``await server.close()``.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port: int | None = None
        self.stats: dict[str, PathStats] = defaultdict(PathStats)
        self._routes: dict[str, Handler] = {}
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FeedServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        self._runner, self.port = await serve(app, self.host)
        return self

    async def close(self) -> None:
        self._closing.set()  # releases hanging handlers
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        """Serve ``path`` with any handler; returns its URL."""
        self._routes[path] = handler
        return self.url(path)

    def feed(
        self,
        path: str,
        body: bytes | str,
        *,
        etag: str | None = "auto",
        last_modified: str | None = None,
        content_type: str = RSS_TYPE,
        delay: float = 0.0,
    ) -> str:
        """Serve ``body`` with validators; answer 304 to a matching conditional request.

        ``etag="auto"`` derives a quoted ETag from the body; None sends no ETag.
        """
        data = body.encode() if isinstance(body, str) else body
        if etag == "auto":
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'

        async def handler(request: web.Request) -> web.Response:
            if delay:
                await asyncio.sleep(delay)
            headers = {}
            if etag:
                headers["ETag"] = etag
            if last_modified:
                headers["Last-Modified"] = last_modified
            if _not_modified(request, etag, last_modified):
                return web.Response(status=304, headers=headers)
            return web.Response(body=data, headers=headers, content_type=content_type)

        return self.route(path, handler)

    def status(self, path: str, status: int, body: bytes = b"") -> str:
        """Always answer ``status``."""

        async def handler(request: web.Request) -> web.Response:
            return web.Response(status=status, body=body)

        return self.route(path, handler)

    def hang(self, path: str, *, after_headers: bool = False) -> str:
        """Never finish: stall before any response, or after the headers and a first chunk."""

        async def handler(request: web.Request) -> web.StreamResponse:
            if not after_headers:
                await self._closing.wait()
                return web.Response(status=503)
            response = web.StreamResponse(headers={"Content-Type": RSS_TYPE})
            await response.prepare(request)
            await response.write(b"<rss version='2.0'><channel>")
            await self._closing.wait()
            return response

        return self.route(path, handler)

    def huge(self, path: str, size: int, *, declare_length: bool = True) -> str:
        """Stream ``size`` bytes, with or without a Content-Length; counts the bytes sent."""
        chunk = b"<!-- padding -->" * 4096

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": RSS_TYPE})
            if declare_length:
                response.content_length = size
            await response.prepare(request)
            stats = self.stats[request.path]
            try:
                while stats.bytes_sent < size:
                    piece = chunk[: size - stats.bytes_sent]
                    await response.write(piece)
                    stats.bytes_sent += len(piece)
            except ConnectionResetError:
                _LOGGER.debug("client stopped reading %s", request.path)
            return response

        return self.route(path, handler)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        stats = self.stats[request.path]
        stats.headers.append(dict(request.headers))
        handler = self._routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text=f"no route for {request.path}")
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        try:
            return await handler(request)
        finally:
            stats.in_flight -= 1


def _not_modified(request: web.Request, etag: str | None, last_modified: str | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag is not None and etag in {tag.strip() for tag in if_none_match.split(",")}
    if_modified_since = request.headers.get("If-Modified-Since")
    return last_modified is not None and if_modified_since == last_modified


EXPORT_NEWS = (
    "ex-1",
    "Nvidia wins U.S. export licences to resume H20 chip sales to China",
    "The chipmaker said Washington approved the licences it had applied for after an April ban.",
)
ORDINARY_NEWS = ("plain-1", "Town library extends weekend opening hours", "Doors will stay open until 8pm.")


def rss(*items: tuple[str, str, str], published: str = "Tue, 15 Jul 2025 06:30:00 GMT") -> str:
    """An RSS document of (guid, title, summary) items, each linking to news.example.com/<guid>, published then."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{escape(title)}</title><description>{escape(summary)}</description>"
        f"<link>https://news.example.com/{guid}</link><pubDate>{published}</pubDate></item>"
        for guid, title, summary in items
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{entries}</channel></rss>"


def write_config(
    path: Path, data_dir: Path, feeds: dict[str, str], *, interval: float = 1, baseline: bool = False, poller: str = ""
) -> Path:
    """A config file polling `feeds` (name -> URL); `poller` adds [poller] lines, or tables after them."""
    lines = [f"data_dir = '{data_dir}'", "[poller]", f"baseline = {str(baseline).lower()}", "tick = 1", poller]
    for name, url in feeds.items():
        lines += ["[[feeds]]", f"name = '{name}'", f"url = '{url}'", f"interval = {interval}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
