"""Logs: JSON lines off a TTY (command errors too), plain text on one, the known fields as keys, and secrets redacted."""

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


def cli(args: list[str], tmp_path, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "CATALYST_BOT_DATA_DIR": str(tmp_path / "data")}
    env.pop("CATALYST_BOT_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], text=True, cwd=REPO, env=env, check=False, **kwargs)


BROKEN = '[[routes]]\nreceiver = "slack:#markets"\nkinds = ["export_licence"]\n[poller]\ntimout = 5\n'


@pytest.mark.parametrize(
    ("args", "code", "level", "message"),
    [
        (["check", "{config}"], 2, "error", "{config}: routes[0].receiver 'slack:#markets': add an enabled [adapters.slack] section"),
        (["run", "--once", "-c", "{valid}"], 2, "error", "{valid}: routes[0].receiver 'slack:#markets': add an enabled"),
        (["check", "{unknown_key}"], 2, "error", "{unknown_key}: poller.timout: unknown key (did you mean 'timeout'?)"),
        (["run", "--once", "--max-wait", "soon"], 2, "error", "catalyst-bot run: argument --max-wait: "),
        (["render", "Local bakery wins a prize for its bread"], 1, "error", "render: the rules find no catalyst"),
        (["catalysts", "mute", "BABA/earnigs", "4h"], 2, "error", "unknown kind 'earnigs'"),
    ],
    ids=["check", "run", "config syntax", "arguments", "render", "catalysts"],
)
def test_off_a_terminal_a_command_error_is_a_json_line_too(tmp_path, args, code, level, message):
    valid = tmp_path / "valid.toml"
    valid.write_text(BROKEN.split("[poller]")[0].replace('kinds = ["export_licence"]\n', ""), encoding="utf-8")
    config = tmp_path / "broken.toml"
    config.write_text(BROKEN.split("[poller]")[0], encoding="utf-8")
    unknown_key = tmp_path / "key.toml"
    unknown_key.write_text(BROKEN, encoding="utf-8")
    paths = {"config": config, "valid": valid, "unknown_key": unknown_key}
    done = cli([arg.format(**paths) for arg in args], tmp_path, capture_output=True)
    assert done.returncode == code, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]  # every line, or this fails
    assert any(e["level"] == level and e["logger"] == "catalyst-bot" and message.format(**paths) in e["msg"] for e in events), events


def test_on_a_terminal_a_command_error_stays_plain_text(tmp_path):
    import pty

    config = tmp_path / "broken.toml"
    config.write_text(BROKEN.split("[poller]")[0], encoding="utf-8")
    main, secondary = pty.openpty()
    try:
        done = cli(["check", str(config)], tmp_path, stdout=subprocess.PIPE, stderr=secondary)
        os.close(secondary)
        secondary = -1
        shown = b""
        while chunk := _read(main):
            shown += chunk
    finally:
        os.close(main)
        if secondary >= 0:
            os.close(secondary)
    assert done.returncode == 2
    assert shown.decode().splitlines() == [
        f"catalyst-bot: {config}: warning: no [[feeds]]: `run` would poll nothing",
        f"catalyst-bot: {config}: routes[0].receiver 'slack:#markets': add an enabled [adapters.slack] section, or these "
        "alerts can never be posted",
        f"catalyst-bot: {config}: routes[0].kinds: unknown kind 'export_licence' (did you mean 'export_license'?)",
    ]


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal closed: everything was read
        return b""
