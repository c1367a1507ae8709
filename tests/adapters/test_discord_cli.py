"""`catalyst-bot run` with Discord configured: missing secrets named exactly, bad routes refused, alerts posted."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.fakes.discordfake import FakeDiscord, discord_api  # noqa: F401 - the fixture
from tests.stderr import said

CHANNEL = "1200000000000000001"
WEBHOOK = "https://discord.com/api/webhooks/1200000000000000777/" + "w" * 68


def write_config(tmp_path: Path, discord: str, routes: list[str]) -> Path:
    sample = resources.files("bot") / "data" / "sample_feed.xml"
    route_tables = "".join(f'[[routes]]\nreceiver = "{r}"\ncontinue = true\n' for r in routes)
    path = tmp_path / "bot.toml"
    path.write_text(
        f'watchlist = ["BABA", "NVDA"]\n'
        f'[[feeds]]\nname = "wire"\nurl = "{sample}"\nbaseline = false\n'
        f"{route_tables}"
        f"[adapters.console]\nenabled = false\n"
        f"[adapters.discord]\n{discord}\n",
        encoding="utf-8",
    )
    return path


def last_error(err: str) -> str:
    return said(err)[-1]


@pytest.fixture(autouse=True)
def no_discord_env(monkeypatch, tmp_path):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("DISCORD_TOKEN", "DISCORD_WEBHOOK_DESK", "DISCORD_WEBHOOK_OPS"):
        monkeypatch.delenv(name, raising=False)


def test_run_without_the_bot_token_names_the_variable(tmp_path, capsys):
    config = write_config(tmp_path, "", [f"discord:{CHANNEL}"])
    assert main(["run", "--once", "-c", str(config)]) == 2
    assert last_error(capsys.readouterr().err) == (
        f"{config}: adapters.discord is configured but the environment variable(s) DISCORD_TOKEN is not set"
    )


def test_run_names_every_missing_variable_at_once(tmp_path, capsys):
    config = write_config(tmp_path, 'webhooks = ["desk", "ops"]', [f"discord:{CHANNEL}", "discord-webhook:desk"])
    assert main(["run", "--once", "-c", str(config)]) == 2
    assert last_error(capsys.readouterr().err) == (
        f"{config}: adapters.discord is configured but the environment variable(s) "
        "DISCORD_TOKEN, DISCORD_WEBHOOK_DESK, DISCORD_WEBHOOK_OPS are not set"
    )


def test_a_webhook_variable_without_a_webhook_url_is_refused_by_check_and_run_alike(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DISCORD_WEBHOOK_DESK", "https://example.com/not-a-webhook")
    config = write_config(tmp_path, 'bot = false\nwebhooks = ["desk"]', ["discord-webhook:desk"])  # no bot token needed
    refusal = f"{config}: DISCORD_WEBHOOK_DESK: not a Discord webhook URL (https://discord.com/api/webhooks/ID/TOKEN)"
    assert main(["check", str(config)]) == 2
    assert said(capsys.readouterr().err) == [refusal]
    assert main(["run", "--once", "-c", str(config)]) == 2
    assert said(capsys.readouterr().err) == [refusal]


@pytest.mark.parametrize(
    ("discord", "route", "message"),
    [
        ("", "discord:#general", "routes[0].receiver 'discord:#general': use the channel's numeric id"),
        ("", "discord-webhook:ops", "routes[0].receiver 'discord-webhook:ops': add 'ops' to adapters.discord.webhooks "
         "and set DISCORD_WEBHOOK_OPS"),
        ('bot = false\nwebhooks = ["desk"]', f"discord:{CHANNEL}", "adapters.discord.bot is false"),
    ],
)
def test_routes_discord_cannot_serve_are_refused_before_running(tmp_path, monkeypatch, capsys, discord, route, message):
    monkeypatch.setenv("DISCORD_TOKEN", "bot-token-for-tests")
    monkeypatch.setenv("DISCORD_WEBHOOK_DESK", WEBHOOK)
    assert main(["run", "--once", "-c", str(write_config(tmp_path, discord, [route]))]) == 2
    assert message in capsys.readouterr().err


async def test_run_once_posts_every_alert_to_the_channel_and_the_webhook(
    tmp_path, monkeypatch, discord_api: FakeDiscord  # noqa: F811 - the fixture
):
    monkeypatch.setenv("DISCORD_TOKEN", "bot-token-for-tests")
    monkeypatch.setenv("DISCORD_WEBHOOK_DESK", WEBHOOK)
    config = write_config(
        tmp_path, f'api_base = "{discord_api.api_base}"\nwebhooks = ["desk"]', [f"discord:{CHANNEL}", "discord-webhook:desk"]
    )
    assert await asyncio.to_thread(main, ["run", "--once", "-c", str(config)]) == 0

    posts = discord_api.called("POST", f"/channels/{CHANNEL}/messages")
    hooks = discord_api.called("POST", r"/webhooks/1200000000000000777/w+")
    assert len(posts) == len(hooks) >= 5
    assert {p.json["embeds"][0]["title"] for p in posts} == {h.json["embeds"][0]["title"] for h in hooks}
    assert all(r.json["allowed_mentions"] == {"parse": []} for r in posts + hooks)
    assert len(discord_api.called("GET", "/users/@me")) == 1
    assert not discord_api.called("GET", "/gateway/bot")
