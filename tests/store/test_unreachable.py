"""A worker whose PostgreSQL becomes unreachable: `/healthz` fails while it is away and passes again once it is back."""

from __future__ import annotations

from urllib.parse import urlsplit

import aiohttp

from bot.app import CatalystBot
from bot.clock import ManualClock
from bot.config import load_config
from bot.ops.server import OpsServer
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.tcpproxy import TcpProxy
from tests.postgres import fresh_schema_url


async def healthz(client: aiohttp.ClientSession, port: int) -> tuple[int, dict]:
    async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
        return response.status, (await response.json())["checks"]["store"]


async def test_healthz_fails_while_the_database_is_unreachable_and_recovers(tmp_path, http_session):
    with fresh_schema_url() as url:
        server = urlsplit(url)
        proxy = TcpProxy(server.hostname, server.port)
        proxied = url.replace(server.netloc, f"{server.username}@127.0.0.1:{proxy.port}", 1)
        config_path = tmp_path / "bot.toml"
        config_path.write_text(f"data_dir = '{tmp_path}'\n[store]\nurl = '{proxied}'\n", encoding="utf-8")
        config = load_config(config_path)
        store = Store.from_config(config)
        bot = CatalystBot(config, store, RuleEngine.from_settings(config.rules), {}, http_session, clock=ManualClock())
        ops = OpsServer(bot.metrics, bot.health_checks, port=0)
        await ops.start()
        try:
            await bot.tick()
            assert await healthz(http_session, ops.port) == (200, {"ok": True, "detail": "writable"})
            proxy.cut()
            for _ in range(2):  # the dropped connection, then the refused reconnection
                status, check = await healthz(http_session, ops.port)
                assert status == 503 and not check["ok"]
            assert "cannot connect to the store" in check["detail"]
            proxy.restore()
            assert await healthz(http_session, ops.port) == (200, {"ok": True, "detail": "writable"})
        finally:
            await ops.close()
            store.close()
            proxy.close()
