"""`catalyst-bot health` (the Docker HEALTHCHECK): asks /healthz when [http] is on, else reads the heartbeat."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from bot.cli.main import main
from bot.ops.heartbeat import touch_heartbeat
from bot.ops.metrics import Metrics
from bot.ops.server import OpsServer
from tests.paths import REPO


def test_heartbeat_decides_without_http(tmp_path, capsys):
    config = tmp_path / "bot.toml"
    config.write_text(f"data_dir = '{tmp_path}'\n", encoding="utf-8")
    assert main(["health", "--config", str(config)]) == 1
    assert "unhealthy: the daemon has not ticked yet" in capsys.readouterr().err
    touch_heartbeat(tmp_path)
    assert main(["health", "--config", str(config)]) == 0
    assert capsys.readouterr().out.startswith("healthy: last tick 0s ago")


@pytest.mark.parametrize(("store_ok", "exit_code"), [(True, 0), (False, 1)])
async def test_healthz_decides_when_http_is_enabled(tmp_path, store_ok, exit_code):
    async def checks():
        return {"scheduler": (True, "last tick 1s ago"), "store": (store_ok, "writable" if store_ok else "disk I/O error")}

    server = OpsServer(Metrics(), checks, port=0)
    await server.start()
    try:
        config = tmp_path / "bot.toml"
        config.write_text(f"data_dir = '{tmp_path}'\n[http]\nenabled = true\nport = {server.port}\n", encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "health", "--config", str(config), cwd=REPO, stdout=asyncio.subprocess.PIPE
        )
        stdout, _ = await process.communicate()
    finally:
        await server.close()
    assert process.returncode == exit_code
    body = json.loads(stdout)
    assert body["status"] == ("ok" if store_ok else "unhealthy")
    assert body["checks"]["store"]["ok"] is store_ok
