"""Parse workers die with the daemon: SIGKILL `catalyst-bot run` and no worker process is left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.ingest.parsepool import INLINE_MAX_BYTES
from tests.fakes.feedserver import rss, write_config
from tests.paths import REPO


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_sigkilled_daemon_leaves_no_parse_worker(tmp_path):
    items = [(f"big-{number}", f"Town council meets for session {number}", "Minutes follow. " * 40) for number in range(200)]
    body = rss(*items)
    assert len(body.encode()) > INLINE_MAX_BYTES  # big enough to go to the pool
    feed = tmp_path / "big.xml"
    feed.write_text(body, encoding="utf-8")
    config = write_config(tmp_path / "bot.toml", tmp_path, {"big": str(feed)}, interval=60)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    daemon = subprocess.Popen(
        [sys.executable, "-c", "import sys; from bot.cli.main import main; sys.exit(main())", "run", "--config", str(config)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        workers = lambda: [pid for pid in children_of(daemon.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]  # noqa: E731
        assert wait_for(lambda: workers(), 60), "the daemon never started a parse worker"
        started = children_of(daemon.pid)
    finally:
        daemon.send_signal(signal.SIGKILL)
        daemon.wait()
    assert wait_for(lambda: not any(alive(pid) for pid in started), 10), [
        Path(f"/proc/{pid}/cmdline").read_bytes() for pid in started if alive(pid)
    ]
