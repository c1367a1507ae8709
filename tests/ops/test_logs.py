"""Logs: JSON lines off a TTY, the known fields as keys, and secrets redacted even in tracebacks."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from bot.ops.logs import configure_logging
from bot.store.migrations import MIGRATIONS
from tests.paths import REPO

SLACK_TOKEN = "xoxb-1111-2222-abcdefghijkl"


@pytest.fixture
def log_stream(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("MY_CUSTOM_SECRET", "hunter2-but-longer")
    stream = io.StringIO()
    configure_logging(stream=stream)
    yield stream
    logging.getLogger().handlers.clear()


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_event_fields(log_stream):
    logging.getLogger("bot.app").warning("feed %s failed", "wire", extra={"feed": "wire", "receiver": "slack:#desk"})
    (event,) = lines(log_stream)
    assert event["level"] == "warning" and event["logger"] == "bot.app"
    assert event["msg"] == "feed wire failed"
    assert (event["feed"], event["receiver"]) == ("wire", "slack:#desk")


def test_secrets_are_redacted_from_messages_and_exceptions(log_stream):
    log = logging.getLogger("adapters.slack")
    log.error("auth with %s and hunter2-but-longer failed", SLACK_TOKEN)
    try:
        raise RuntimeError(f"bad token {SLACK_TOKEN} for https://discord.com/api/webhooks/123456/abcDEF-xyz")
    except RuntimeError:
        log.exception("post failed")
    text = log_stream.getvalue()
    assert SLACK_TOKEN not in text and "hunter2-but-longer" not in text and "abcDEF-xyz" not in text
    first, second = lines(log_stream)
    assert first["msg"] == "auth with [redacted] and [redacted] failed"
    assert "RuntimeError: bad token [redacted]" in second["exc"]


def test_off_a_terminal_every_stderr_line_of_run_once_is_json(tmp_path):
    env = {**os.environ, "CATALYST_BOT_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--once", "-v"], capture_output=True, text=True, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert [e["msg"] for e in events if e["msg"].startswith("store migrated")] == [
        f"store migrated from schema version 0 to {len(MIGRATIONS)}"
    ]
    assert done.stdout.splitlines()[-1].startswith("1 feed(s) polled: 1 changed")
