"""The Slack adapter on the real slack-bolt app and AsyncWebClient, against a local fake of Slack."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
import pytest_asyncio
from slack_sdk.signature import SignatureVerifier

import adapters.slack
from adapters.console import ConsoleReceiver
from adapters.registry import build_receivers
from adapters.slack.app import COMMAND, build_app
from adapters.slack.receiver import SlackReceiver, slack_client
from adapters.slack.server import HttpListener, SocketModeListener
from bot.app import CatalystBot
from bot.cli.main import main
from bot.clock import ManualClock
from bot.commands import CatalystCommands
from bot.config import BotConfig, SlackAdapterConfig, load_config
from bot.errors import CatalystBotError, DeliveryError, MissingSecretError, RateLimited
from bot.models import Alert
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.slackfake import FakeSlack, fake_slack_in_thread
from tests.fakes.slackview import texts

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
ALERT = Alert(
    ticker="NVDA",
    kind="export_license",
    rule="export.licence_granted",
    severity="high",
    direction="positive",
    evidence=("export licences",),
    title="Nvidia to resume H20 chip shipments to China as U.S. signals export licences",
    link="https://news.example.com/nvda-h20",
    source="sample-wire",
    published=datetime(2025, 7, 15, 6, 30, tzinfo=UTC),
    item_id="nvda-1",
)


class SilentReceiver:
    """Takes the sample feed's console alerts and shows nothing."""

    platform = "console"

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        return None


@pytest_asyncio.fixture
async def sample(tmp_path, monkeypatch, http_session):
    """The default config's bot after one pass over the bundled sample feed, and its commands."""
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path))
    config = load_config(None)
    store = Store(config.store_path())
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    clock = ManualClock()
    bot = CatalystBot(config, store, engine, {"console": SilentReceiver()}, http_session, clock=clock)
    await bot.run_once()
    yield CatalystCommands.for_bot(config, store, engine, clock)
    store.close()


@pytest_asyncio.fixture
async def http_app(fake_slack, sample):
    """The bolt app in HTTP mode on 127.0.0.1, its Web API client pointed at the fake."""
    listener = HttpListener(build_app(sample, slack_client(BOT_TOKEN, fake_slack.api_url), signing_secret=SECRET), "127.0.0.1", 0, "/slack/events")
    await listener.start()
    yield listener
    await listener.close()


def signed_headers(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body),
    }


def slash_command(fake: FakeSlack, text: str) -> dict[str, str]:
    return {
        "token": "legacy-unused",
        "team_id": "T1",
        "team_domain": "desk",
        "channel_id": "C0DESK",
        "channel_name": "desk",
        "user_id": "U42",
        "user_name": "alice",
        "command": "/catalysts",
        "text": text,
        "api_app_id": "A1",
        "response_url": fake.response_url("cmd"),
        "trigger_id": "1.2.3",
    }


def button_click(fake: FakeSlack, action_id: str, value: str) -> dict:
    return {
        "type": "block_actions",
        "team": {"id": "T1", "domain": "desk"},
        "user": {"id": "U42", "username": "alice", "name": "alice", "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-unused",
        "container": {"type": "message", "message_ts": "1752561000.000001", "channel_id": "C0DESK"},
        "trigger_id": "1.2.3",
        "channel": {"id": "C0DESK", "name": "desk"},
        "response_url": fake.response_url("button"),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "catalyst_actions",
                "value": value,
                "action_ts": "1752561001.000001",
            }
        ],
    }


async def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


# -- posting alerts ---------------------------------------------------------------------------


async def test_alert_is_posted_with_blocks_and_threads_follow_ups(fake_slack):
    receiver = SlackReceiver(slack_client(BOT_TOKEN, fake_slack.api_url))
    first = await receiver.send(ALERT, "#desk")
    follow_up = await receiver.send(ALERT, "#desk", reply_to=first)
    assert (first, follow_up) == ("C0DESK:1752561000.000001", "C0DESK:1752561000.000002")
    posted = fake_slack.called("chat.postMessage")
    assert posted[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert {key: value for key, value in posted[0].args.items() if key != "blocks"} == {
        "channel": "#desk",
        "text": "▲ NVDA · export_license · positive: Nvidia to resume H20 chip shipments to China as U.S. signals "
        "export licences",
        "parse": "none",
        "link_names": False,
        "unfurl_links": False,
        "unfurl_media": False,
    }
    assert texts(posted[0].args["blocks"]) == [
        "▲ NVDA · export_license · positive",
        "*Nvidia to resume H20 chip shipments to China as U.S. signals export licences "
        "[https://news.example.com/nvda-h20]*",
        "sample-wire · 2025-07-15 06:30 UTC · high severity · rule `export.licence_granted`",
        "*Why:* “export licences”",
        "[Mute NVDA 24h] | [All NVDA catalysts]",
    ]
    assert (posted[1].args["channel"], posted[1].args["thread_ts"]) == ("C0DESK", "1752561000.000001")


async def test_short_429_is_retried_by_the_client(fake_slack):
    fake_slack.fail("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})
    receiver = SlackReceiver(slack_client(BOT_TOKEN, fake_slack.api_url))
    assert await receiver.send(ALERT, "C0DESK") == "C0DESK:1752561000.000001"
    assert len(fake_slack.called("chat.postMessage")) == 2


async def test_long_429_goes_back_to_the_outbox_as_rate_limited(fake_slack):
    fake_slack.fail("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"})
    receiver = SlackReceiver(slack_client(BOT_TOKEN, fake_slack.api_url))
    with pytest.raises(RateLimited) as error:
        await receiver.send(ALERT, "#desk")
    assert error.value.retry_after == 30
    assert len(fake_slack.called("chat.postMessage")) == 1


async def test_a_proxy_s_plain_text_errors_are_read_by_their_status(fake_slack):
    fake_slack.fail("chat.postMessage", 429, "Too Many Requests", {"Retry-After": "20"})
    fake_slack.fail("chat.postMessage", 502, "Bad Gateway")
    receiver = SlackReceiver(slack_client(BOT_TOKEN, fake_slack.api_url))
    with pytest.raises(RateLimited) as limited:
        await receiver.send(ALERT, "C0DESK")
    assert limited.value.retry_after == 20
    with pytest.raises(DeliveryError) as failed:
        await receiver.send(ALERT, "C0DESK")
    assert str(failed.value) == "Slack refused the post to C0DESK: HTTP 502"
    assert not failed.value.permanent


async def test_digests_and_notices_are_posted_as_escaped_text(fake_slack):
    receiver = SlackReceiver(slack_client(BOT_TOKEN, fake_slack.api_url))
    digest = "Digest for #desk: 2 alert(s)\n▲ BABA price_move: <!channel> shares & <b>up</b>"
    assert await receiver.send_text(digest, "#desk") == "C0DESK:1752561000.000001"
    [posted] = fake_slack.called("chat.postMessage")
    assert posted.args["text"] == "Digest for #desk: 2 alert(s)\n▲ BABA price_move: &lt;!channel&gt; shares &amp; &lt;b&gt;up&lt;/b&gt;"
    assert texts(posted.args["blocks"]) == [digest]


@pytest.mark.parametrize(
    ("error", "permanent", "hint"),
    [
        ("not_in_channel", True, "invite the app to the channel (/invite @catalyst-bot)"),
        ("channel_not_found", True, "check the channel name"),
        ("invalid_auth", True, "the bot token is wrong"),
        ("internal_error", False, "internal_error"),
    ],
)
async def test_slack_errors_become_delivery_errors(fake_slack, error, permanent, hint):
    fake_slack.fail("chat.postMessage", 200, {"ok": False, "error": error})
    receiver = SlackReceiver(slack_client(BOT_TOKEN, fake_slack.api_url))
    with pytest.raises(DeliveryError) as raised:
        await receiver.send(ALERT, "#desk")
    assert raised.value.permanent is permanent
    assert str(raised.value).startswith(f"Slack refused the post to #desk: {error}")
    assert hint in str(raised.value)
    assert BOT_TOKEN not in str(raised.value)


# -- slash command and buttons over HTTP, signed ----------------------------------------------


async def test_catalysts_baba_after_the_sample_feed(fake_slack, http_app):
    body = urlencode(slash_command(fake_slack, "BABA"))
    status, text = await post(http_app.url, body, signed_headers(body))
    assert (status, text) == (200, "")
    [answer] = await fake_slack.wait_for("respond:cmd")
    assert answer.args["response_type"] == "in_channel"
    assert answer.args["text"] == "BABA (Alibaba Group Holding): 6 catalyst(s) in the last 7 day(s)"
    assert texts(answer.args["blocks"]) == [
        "*BABA (Alibaba Group Holding): 6 catalyst(s) in the last 7 day(s)*",
        "*fund_position (1)*\n▲ 2025-09-30 13:00 UTC  Cathie Wood's Ark Invest reopens position in Alibaba "
        "[https://example.com/sample-wire/ark-reopens-alibaba]",
        "*analyst_upgrade (1)*\n▲ 2025-09-30 12:10 UTC  Morgan Stanley and Morningstar raise estimates for "
        "Alibaba's cloud growth [https://example.com/sample-wire/alibaba-analyst-revisions]",
        "*price_move (2)*\n▲ 2025-09-30 11:45 UTC  Alibaba stock breaks past its 52-week high, closing about 5% "
        "higher [https://example.com/sample-wire/alibaba-52-week-high]\n▲ 2025-07-15 20:05 UTC  Alibaba shares rise "
        "8.1% as Chinese AI stocks rally [https://example.com/sample-wire/alibaba-rises-on-ai]",
        "*52_week_high (1)*\n▲ 2025-09-30 11:45 UTC  Alibaba stock breaks past its 52-week high, closing about 5% "
        "higher [https://example.com/sample-wire/alibaba-52-week-high]",
        "*leaderboard (1)*\n▲ 2025-07-16 09:00 UTC  Alibaba's Qwen tops Hugging Face leaderboard of open-source "
        "models [https://example.com/sample-wire/qwen-tops-leaderboard]",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!channel>", ":warning: '&lt;!channel&gt;' is not a ticker symbol (try e.g. BABA or NVDA)"),
        ("ZZZZ", ":warning: unknown ticker ZZZZ: check the symbol (e.g. BABA, NVDA)"),
        ("BABA 9999d", ":warning: '9999d' is not a number of days from 1 to 365 (e.g. 7d)"),
    ],
)
async def test_bad_arguments_get_a_private_helpful_answer(fake_slack, http_app, text, expected):
    body = urlencode(slash_command(fake_slack, text))
    assert (await post(http_app.url, body, signed_headers(body)))[0] == 200
    [answer] = await fake_slack.wait_for("respond:cmd")
    assert answer.args["response_type"] == "ephemeral"
    assert [block["text"]["text"] for block in answer.args["blocks"]] == [expected]


async def test_a_crashing_command_apologises_without_a_traceback(fake_slack, http_app, sample, monkeypatch):
    def broken(*args):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(sample, "history", broken)
    body = urlencode(slash_command(fake_slack, "BABA"))
    assert (await post(http_app.url, body, signed_headers(body)))[0] == 200
    [answer] = await fake_slack.wait_for("respond:cmd")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["text"] == "Sorry, that command failed inside catalyst-bot; the details are in the bot's log."
    assert "fire" not in json.dumps(answer.args) and "Traceback" not in json.dumps(answer.args)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: signed_headers(body, secret="not-the-secret"), id="forged"),
        pytest.param(lambda body: signed_headers(body, timestamp=int(time.time()) - 600), id="stale"),
        pytest.param(lambda body: {"Content-Type": "application/x-www-form-urlencoded"}, id="unsigned"),
    ],
)
async def test_unverified_requests_are_refused(fake_slack, http_app, sample, headers):
    body = urlencode(slash_command(fake_slack, "mute BABA 4h"))
    status, _ = await post(http_app.url, body, headers(body))
    assert status == 401
    assert fake_slack.calls == [] and sample.store.active_mutes(sample.clock()) == []


async def test_mute_button_mutes_for_24_hours_and_says_so_in_the_channel(fake_slack, http_app, sample):
    body = urlencode({"payload": json.dumps(button_click(fake_slack, "catalysts_mute", "BABA"))})
    assert (await post(http_app.url, body, signed_headers(body)))[0] == 200
    [answer] = await fake_slack.wait_for("respond:button")
    assert (answer.args["response_type"], answer.args["replace_original"]) == ("in_channel", False)
    assert answer.args["text"] == "Muted BABA until 2023-11-15 22:13 UTC (mute #1)."
    [mute] = sample.store.active_mutes(sample.clock())
    assert (mute.ticker, mute.created_by, mute.ends_at - mute.starts_at) == ("BABA", "alice", 86400)


async def test_history_button_answers_like_the_command(fake_slack, http_app):
    body = urlencode({"payload": json.dumps(button_click(fake_slack, "catalysts_history", "NVDA"))})
    assert (await post(http_app.url, body, signed_headers(body)))[0] == 200
    [answer] = await fake_slack.wait_for("respond:button")
    assert answer.args["text"] == "NVDA (Nvidia): 1 catalyst(s) in the last 7 day(s)"


# -- Socket Mode and wiring -------------------------------------------------------------------


async def test_socket_mode_answers_the_slash_command(fake_slack, sample):
    settings = SlackAdapterConfig(api_url=fake_slack.api_url)
    receiver = SlackReceiver.from_config(settings, sample, BOT_TOKEN, APP_TOKEN)
    await receiver.start()
    try:
        ack = await fake_slack.envelope("slash_commands", slash_command(fake_slack, "help"))
        assert set(ack) == {"envelope_id"}
        [answer] = await fake_slack.wait_for("respond:cmd")
    finally:
        await receiver.close()
    assert answer.args["response_type"] == "ephemeral"
    assert texts(answer.args["blocks"])[0] == "*catalyst-bot commands*"
    [connect] = fake_slack.called("apps.connections.open")
    assert connect.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert fake_slack.called("auth.test")[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"


async def test_start_with_a_bad_bot_token_says_so(fake_slack, sample):
    fake_slack.fail("auth.test", 200, {"ok": False, "error": "invalid_auth"})
    receiver = SlackReceiver.from_config(SlackAdapterConfig(api_url=fake_slack.api_url), sample, BOT_TOKEN, APP_TOKEN)
    with pytest.raises(CatalystBotError, match=r"^Slack refused the bot token: invalid_auth \(the bot token is wrong\)$"):
        await receiver.start()
    assert fake_slack.called("apps.connections.open") == []


async def test_start_with_a_bad_app_token_says_so_instead_of_retrying_forever(fake_slack, sample):
    fake_slack.fail("apps.connections.open", 200, {"ok": False, "error": "invalid_auth"})
    receiver = SlackReceiver.from_config(SlackAdapterConfig(api_url=fake_slack.api_url), sample, BOT_TOKEN, APP_TOKEN)
    with pytest.raises(CatalystBotError) as error:
        await receiver.start()
    assert str(error.value) == (
        "Slack refused the app-level token: invalid_auth (it must be an xapp- token with connections:write)"
    )
    assert [call.method for call in fake_slack.calls] == ["auth.test", "apps.connections.open"]
    assert APP_TOKEN not in str(error.value)


def slack_config(**slack) -> BotConfig:
    return BotConfig.model_validate({"adapters": {"slack": slack}, "routes": [{"receiver": "slack:#desk"}]})


def test_registry_builds_socket_mode_from_the_two_tokens(monkeypatch, sample):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    receivers = build_receivers(slack_config(), ConsoleReceiver(), sample)
    slack = receivers["slack"]
    assert isinstance(slack, SlackReceiver) and isinstance(slack.listener, SocketModeListener)
    assert (slack.client.token, str(slack.client.base_url)) == (BOT_TOKEN, "https://slack.com/api/")


def test_registry_http_mode_needs_the_signing_secret(monkeypatch, sample):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    with pytest.raises(MissingSecretError) as error:
        build_receivers(slack_config(mode="http"), ConsoleReceiver(), sample)
    assert str(error.value) == (
        "adapters.slack is configured but the environment variable(s) SLACK_SIGNING_SECRET is not set"
    )


def test_run_starts_the_socket_mode_app_and_closes_it_on_exit(tmp_path, monkeypatch):
    answered: list[dict] = []
    with fake_slack_in_thread() as (fake, fake_loop):

        async def run_forever(bot, stop, reloader=None):  # the daemon's loop: ask /catalysts over the socket, then stop
            envelope = fake.envelope("slash_commands", slash_command(fake, "mutes"))
            answered.append(await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(envelope, fake_loop)))

        monkeypatch.setattr(CatalystBot, "run_forever", run_forever)
        monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
        monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
        config = tmp_path / "bot.toml"
        config.write_text(f"data_dir = '{tmp_path}'\n[adapters.slack]\napi_url = '{fake.api_url}'\n", encoding="utf-8")
        assert main(["run", "--config", str(config)]) == 0
        asyncio.run_coroutine_threadsafe(fake.wait_for("socket closed"), fake_loop).result(5)
        asyncio.run_coroutine_threadsafe(fake.wait_for("respond:cmd"), fake_loop).result(5)
    assert [call.method for call in fake.calls if not call.method.startswith("respond")] == [
        "auth.test",  # start(): the bot token is checked before connecting
        "apps.connections.open",
        "socket",
        "auth.test",  # bolt's own authorization of the first request
        "socket closed",
    ]
    assert set(answered[0]) == {"envelope_id"}
    assert fake.called("respond:cmd")[0].args["text"] == "No active mutes."


def test_manifest_declares_what_the_app_uses():
    manifest = json.loads((Path(adapters.slack.__file__).parent / "manifest.json").read_text(encoding="utf-8"))
    assert [command["command"] for command in manifest["features"]["slash_commands"]] == [COMMAND]
    assert manifest["oauth_config"]["scopes"]["bot"] == [
        "chat:write",
        "chat:write.public",
        "commands",
        "channels:history",
        "groups:history",
        "channels:read",
        "groups:read",
    ]
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
