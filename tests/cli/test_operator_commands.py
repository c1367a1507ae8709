"""`routes test`, `universe update` and `health` say things as an operator writes them."""

from __future__ import annotations

import asyncio
import json
import socket
import sys

import pytest

from bot.cli.main import main
from bot.durations import format_duration
from bot.ops.metrics import Metrics
from bot.ops.server import OpsServer
from tests.paths import REPO
from tests.stderr import said


@pytest.fixture(autouse=True)
def data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CATALYST_BOT_SEC_USER_AGENT", raising=False)


@pytest.mark.parametrize(("seconds", "written"), [(14400, "4h"), (30, "30s"), (90, "90s"), (86400, "1d"), (5400, "90m"), (0.5, "0.5s")])
def test_durations_are_shown_as_a_person_writes_them(seconds, written):
    assert format_duration(seconds) == written


def test_routes_test_shows_durations_as_written(tmp_path, capsys):
    config = tmp_path / "bot.toml"
    config.write_text('[[routes]]\nreceiver = "console"\ncooldown = "4h"\n', encoding="utf-8")
    assert main(["routes", "test", "--ticker", "BABA", "--kind", "price_move", "-c", str(config)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "  console: posted after up to 30s of grouping; within 4h other outlets' reports of the same ticker/kind"
        " are posted in the thread of the first message; repeats within 4h are held back"
    )


def test_routes_test_refuses_an_unknown_kind(capsys):
    assert main(["routes", "test", "--ticker", "BABA", "--kind", "export_licence"]) == 2
    assert said(capsys.readouterr().err)[0].startswith(
        "--kind: unknown kind 'export_licence' (did you mean 'export_license'?); the kinds: 52_week_high, "
    )


def test_universe_update_without_a_user_agent_says_how_to_give_one(capsys):
    assert main(["universe", "update"]) == 2
    assert said(capsys.readouterr().err) == [
        'universe update: the SEC asks every client to name itself: give --user-agent '
        '"Name email@example.com" or set $CATALYST_BOT_SEC_USER_AGENT'
    ]


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
async def test_health_reaches_an_ipv6_host(tmp_path):
    async def checks():
        return {"scheduler": (True, "last tick 1s ago")}

    server = OpsServer(Metrics(), checks, host="::1", port=0)
    await server.start()
    try:
        config = tmp_path / "bot.toml"
        config.write_text(f'[http]\nenabled = true\nhost = "::1"\nport = {server.port}\n', encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "health", "--config", str(config), cwd=REPO,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await process.communicate()
    finally:
        await server.close()
    assert process.returncode == 0, stderr
    assert json.loads(stdout)["status"] == "ok"
