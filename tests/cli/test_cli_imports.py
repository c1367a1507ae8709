"""Offline commands start without the daemon stack: no aiohttp, APScheduler, Prometheus or feed parsers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.paths import REPO

DAEMON_ONLY = ("aiohttp", "apscheduler", "prometheus_client", "feedparser", "fastfeedparser", "bs4", "slack_bolt", "discord")
PROBE = (
    "import contextlib, io, sys\n"
    "from bot.cli.main import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    code = main(sys.argv[1:])\n"
    "print(sorted({name.split('.')[0] for name in sys.modules} & set(%r)), code)\n" % (DAEMON_ONLY,)
)


@pytest.mark.parametrize(
    "command",
    [
        ["scan", "{items}"],
        ["explain", "Nvidia wins U.S. export licences"],
        ["backtest", "{items}"],
        ["catalysts", "NVDA"],
        ["check", "{config}"],
    ],
)
def test_offline_commands_import_only_what_they_use(tmp_path, command):
    items = tmp_path / "items.jsonl"
    row = {"id": "a", "title": "Nvidia wins U.S. export licences", "labels": [{"kind": "export_license", "ticker": "NVDA"}]}
    items.write_text(json.dumps(row) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "CATALYST_BOT_DATA_DIR": str(tmp_path / "data")}
    config = tmp_path / "bot.toml"
    config.write_text(f"data_dir = '{tmp_path / 'data'}'\n[[feeds]]\nname = 'wire'\nurl = '{items}'\n", encoding="utf-8")
    argv = [part.format(items=items, config=config) for part in command]
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True, check=False)
    assert done.stdout.strip().endswith("0"), done.stderr
    assert done.stdout.strip() == "[] 0"
