"""The operator's HTTP endpoint: `/healthz` (JSON, 503 when unhealthy) and `/metrics` (Prometheus)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.ops.metrics import Metrics

_LOGGER = logging.getLogger(__name__)

HealthChecks = Callable[[], Awaitable[dict[str, tuple[bool, str]]]]


class OpsServer:
    """Serves health and metrics on `host:port` (loopback by default; port 0 picks a free one)."""

    def __init__(
        self,
        metrics: Metrics,
        checks: HealthChecks,
        *,
        before_scrape: Callable[[], None] = lambda: None,
        host: str = "127.0.0.1",
        port: int = 9108,
    ) -> None:
        self._metrics = metrics
        self._checks = checks
        self._before_scrape = before_scrape
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        return self._runner.addresses[0][1] if self._runner else self._port

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics_page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        _LOGGER.info("health and metrics on http://%s:%d/", self._host, self.port)

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        checks = await self._checks()
        healthy = all(ok for ok, _ in checks.values())
        body = {
            "status": "ok" if healthy else "unhealthy",
            "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
        }
        return web.json_response(body, status=200 if healthy else 503)

    async def _metrics_page(self, request: web.Request) -> web.Response:
        self._before_scrape()
        response = web.Response(body=self._metrics.render())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response
