"""A local fake of Discord's REST API (and a bare gateway at /ws) that records every request, for the real discord.py client."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import discord
import pytest
import pytest_asyncio
from aiohttp import web

from adapters.discord.receiver import CatalystClient, DiscordReceiver
from bot.clock import ManualClock
from bot.commands import CatalystCommands
from tests.fakes.serving import serve

BOT_ID = "1100000000000000001"
APP_ID = "1100000000000000002"
OWNER_ID = "1100000000000000003"
WEBHOOK_CHANNEL = "1200000000000000009"  # the channel every webhook posts in
PREFIX = "/api/v10"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: object


@dataclass
class Scripted:
    method: str
    path: re.Pattern[str]
    status: int
    body: object
    headers: dict[str, str] = field(default_factory=dict)


class FakeDiscord:
    """Answers like Discord (`Content-Type: application/json`, exactly); `script()` queues special answers.

    Message ids are snowflakes of the time they are posted; `history` keeps each channel's messages
    (bot and webhook posts) for `GET /channels/ID/messages`.
    """

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.history: dict[str, list[dict]] = {}
        self._scripted: list[Scripted] = []
        self._ids = itertools.count(1)
        self._arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.gateway_open = 0  # gateway sessions connected now
        self.gateway_most_open = 0
        self.gateway_sessions = 0

    @property
    def gateway_url(self) -> str:
        return self.url + "/ws"

    @property
    def api_base(self) -> str:
        return self.url + PREFIX

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/ws", self._gateway)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, port = await serve(app)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def script(self, method: str, path: str, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        """Answer the next `method` request whose path (after /api/v10) fully matches the regex `path`."""
        self._scripted.append(Scripted(method, re.compile(path), status, body, headers or {}))

    def called(self, method: str, path: str) -> list[Recorded]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    async def wait_for(self, method: str, path: str, count: int = 1, timeout: float = 5.0) -> list[Recorded]:
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(self.called(method, path)) >= count), timeout
            )
        return self.called(method, path)

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix(PREFIX)
        raw = await request.read()
        body = json.loads(raw) if raw and request.content_type == "application/json" else None
        self.requests.append(Recorded(request.method, path, dict(request.query), dict(request.headers), body))
        async with self._arrived:
            self._arrived.notify_all()
        for scripted in self._scripted:
            if scripted.method == request.method and scripted.path.fullmatch(path):
                self._scripted.remove(scripted)
                return _json(scripted.body, scripted.status, scripted.headers)
        return self._default(request.method, path, body, dict(request.query))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        """Hello, then Ready for an Identify: enough for discord.py to count the session as connected."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.gateway_open += 1
        self.gateway_sessions += 1
        self.gateway_most_open = max(self.gateway_most_open, self.gateway_open)
        try:
            await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
            async for message in socket:
                payload = json.loads(message.data)
                if payload["op"] == 2:
                    ready = {
                        "v": 10,
                        "user": _user(BOT_ID, "catalyst-bot", bot=True),
                        "guilds": [],
                        "session_id": f"session-{self.gateway_sessions}",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": APP_ID, "flags": 0},
                    }
                    await socket.send_json({"op": 0, "s": 1, "t": "READY", "d": ready})
                elif payload["op"] == 1:
                    await socket.send_json({"op": 11})
        finally:
            self.gateway_open -= 1
        return socket

    def _default(self, method: str, path: str, body: object, query: dict[str, str]) -> web.Response:
        if (method, path) == ("GET", "/users/@me"):
            return _json(_user(BOT_ID, "catalyst-bot", bot=True))
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return _json(_application())
        if method == "PUT" and re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", path):
            return _json([])
        if method == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages", path)):
            return _json(self._posted(self._message(match[1], body)))
        if method == "GET" and (match := re.fullmatch(r"/channels/(\d+)/messages", path)):
            return _json(self._messages_after(match[1], int(query.get("after", 0)), int(query.get("limit", 50))))
        if method == "PATCH" and (match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)):
            return _json({**self._message(match[1], body), "id": match[2], "edited_timestamp": "2026-01-02T03:05:00+00:00"})
        if method == "PATCH" and (match := re.fullmatch(r"/webhooks/(\d+)/[^/]+/messages/(\d+)", path)):
            edited = self._message(WEBHOOK_CHANNEL, body, webhook_id=match[1])
            return _json({**edited, "id": match[2], "edited_timestamp": "2026-01-02T03:05:00+00:00"})
        if method == "GET" and (match := re.fullmatch(r"/webhooks/(\d+)/([^/]+)", path)):
            return _json(_webhook(match[1], match[2]))
        if match := re.fullmatch(r"/webhooks/(\d+)/[^/]+", path):
            return _json(self._posted(self._message(WEBHOOK_CHANNEL, body, webhook_id=match[1])))
        if match := re.fullmatch(r"/interactions/(\d+)/[^/]+/callback", path):
            return _json({"interaction": {"id": match[1], "type": 2}})
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _posted(self, message: dict) -> dict:
        self.history.setdefault(message["channel_id"], []).append(message)
        return message

    def _messages_after(self, channel_id: str, after: int, limit: int) -> list[dict]:
        """As Discord answers `?after=ID&limit=N`: the N oldest messages after ID, newest first."""
        later = [m for m in self.history.get(channel_id, []) if int(m["id"]) > after]
        return list(reversed(later[:limit]))

    def _message(self, channel_id: str, sent: object, webhook_id: str | None = None) -> dict:
        sent = sent if isinstance(sent, dict) else {}
        message = {
            "id": str(discord.utils.time_snowflake(datetime.now(UTC)) + next(self._ids)),
            "channel_id": channel_id,
            "type": 0,
            "content": sent.get("content", ""),
            "author": _user(webhook_id or BOT_ID, "catalyst-bot", bot=True),
            "embeds": sent.get("embeds", []),
            "components": sent.get("components", []),
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": "2026-01-02T03:04:05+00:00",
            "edited_timestamp": None,
            "flags": 0,
        }
        if webhook_id:
            message["webhook_id"] = webhook_id
        return message


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json", **(headers or {})}
    )


def _webhook(webhook_id: str, token: str) -> dict:
    return {"id": webhook_id, "type": 1, "token": token, "channel_id": WEBHOOK_CHANNEL, "guild_id": "1200000000000000100",
            "name": "alerts", "avatar": None, "application_id": None}


def _user(user_id: str, name: str, *, bot: bool = False) -> dict:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": None, "avatar": None, "bot": bot}


def _application() -> dict:
    return {
        "id": APP_ID,
        "name": "catalyst-bot",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": _user(OWNER_ID, "owner"),
        "flags": 0,
    }


@pytest_asyncio.fixture
async def discord_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """The fake Discord, with every discord.py REST call (bot and webhooks) pointed at it."""
    async with FakeDiscord() as server:
        monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
        yield server


@pytest_asyncio.fixture
async def discord_bot(discord_api: FakeDiscord, store) -> AsyncIterator[DiscordReceiver]:
    """The bot receiver (the real discord.py client) logged in to the fake, answering commands from `store`."""
    commands = CatalystCommands(store=store, clock=ManualClock(), watchlist=[], known_tickers={})
    receiver = DiscordReceiver(CatalystClient(commands), "bot-token-for-tests")
    yield receiver
    await receiver.close()
