"""A local fake of Slack for tests: the Web API (with the channels' messages), response_url hooks and Socket Mode, recorded."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.fakes.serving import serve


@dataclass
class Call:
    """One request the fake received: the API method (or response_url name) and its arguments."""

    method: str
    args: dict
    headers: dict[str, str]


@dataclass
class Canned:
    """A scripted answer; `drop` closes the connection instead, after taking the request."""

    status: int
    body: dict | str
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


@dataclass
class Message:
    """A message as the channel shows it; `metadata` is what chat.postMessage was given."""

    channel: str
    ts: str
    text: str
    thread_ts: str | None
    metadata: dict | None
    blocks: list | None = None


class FakeSlack:
    """Answers `/api/<method>` like Slack, `POST /respond/<name>` like a response_url, and `/socket`.

    `calls` keeps every request in order; `messages` every message posted, which conversations.history
    and conversations.replies show (with their metadata when asked); `channels` maps names to ids for
    conversations.list. `fail(method, ...)` queues error answers for a method, `drop(method)` a
    connection closed after the request was taken; `envelope(...)` sends a Socket Mode envelope to
    the connected bot and returns its ack.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.channels: dict[str, str] = {"desk": "C0DESK"}
        self.port: int | None = None
        self._canned: dict[str, list[Canned]] = {}
        self._ts = itertools.count(1)
        self._socket: web.WebSocketResponse | None = None
        self._acks: dict[str, asyncio.Future[dict]] = {}
        self._socket_open = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_get("/socket", self._websocket)
        self._runner, self.port = await serve(app)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._socket is not None:
            await self._socket.close()
        await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def fail(self, method: str, status: int, body: dict | str, headers: dict[str, str] | None = None) -> None:
        """Answer the next call to `method` with this instead of success (a str body is sent as plain text)."""
        self._canned.setdefault(method, []).append(Canned(status, body, headers or {}))

    def drop(self, method: str) -> None:
        """Take the next call to `method` (a post is posted), then close the connection without an answer."""
        self._canned.setdefault(method, []).append(Canned(0, {}, drop=True))

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The calls to `method` once there are `count` of them (listeners answer after their ack)."""
        await _until(lambda: len(self.called(method)) >= count, timeout)
        return self.called(method)

    async def envelope(self, kind: str, payload: dict, timeout: float = 5.0) -> dict:
        """Send a Socket Mode envelope (e.g. `slash_commands`) and return the bot's ack message."""
        await asyncio.wait_for(self._socket_open.wait(), timeout)
        envelope_id = f"env-{next(self._ts)}"
        self._acks[envelope_id] = asyncio.get_running_loop().create_future()
        message = {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": True}
        await self._socket.send_json(message)
        return await asyncio.wait_for(self._acks[envelope_id], timeout)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.method == "GET":
            args = dict(request.query)
        elif request.content_type == "application/json":
            args = json.loads(raw or "{}")
        else:
            args = dict(parse_qsl(raw))
        self.calls.append(Call(method, args, dict(request.headers)))
        canned = self._canned[method].pop(0) if self._canned.get(method) else None
        if canned is not None and not canned.drop:
            if isinstance(canned.body, str):
                return web.Response(text=canned.body, status=canned.status, headers=canned.headers)
            return web.json_response(canned.body, status=canned.status, headers=canned.headers)
        answer = self._success(method, args)
        if canned is not None:
            request.transport.close()
        return web.json_response(answer)

    def _success(self, method: str, args: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "user": "catalyst-bot", "user_id": "UBOT", "team": "Desk", "team_id": "T1", "bot_id": "B1"}
        if method == "chat.postMessage":
            return self._post(args)
        if method == "chat.update":
            return self._update(args)
        if method == "conversations.list":
            return {"ok": True, "channels": [{"id": id_, "name": name} for name, id_ in self.channels.items()]}
        if method == "conversations.history":
            return self._page(args, [m for m in reversed(self.messages) if m.thread_ts in (None, m.ts)])
        if method == "conversations.replies":
            return self._page(args, [m for m in self.messages if args["ts"] in (m.ts, m.thread_ts)])
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": True}

    def _post(self, args: dict) -> dict:
        channel = args.get("channel", "")
        channel_id = channel if channel.startswith("C") else self.channels.get(channel.removeprefix("#"), "C0DESK")
        metadata = args.get("metadata")
        ts = f"1752561000.{next(self._ts):06d}"
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        message = Message(channel_id, ts, args.get("text", ""), args.get("thread_ts"), metadata, _blocks(args))
        self.messages.append(message)
        return {"ok": True, "channel": channel_id, "ts": ts}

    def _update(self, args: dict) -> dict:
        """chat.update: the message keeps its ts and shows the new text and blocks."""
        for message in self.messages:
            if (message.channel, message.ts) == (args.get("channel"), args.get("ts")):
                message.text, message.blocks = args.get("text", ""), _blocks(args)
                return {"ok": True, "channel": message.channel, "ts": message.ts}
        return {"ok": False, "error": "message_not_found"}

    @staticmethod
    def _page(args: dict, messages: list[Message]) -> dict:
        """One page of `messages` in the channel of `args` after `oldest`, by `limit` and `cursor`."""
        shown = [m for m in messages if m.channel == args["channel"] and float(m.ts) > float(args.get("oldest", 0))]
        start, limit = int(args.get("cursor") or 0), int(args.get("limit", 100))
        with_metadata = args.get("include_all_metadata") in ("1", "true", True)
        page = [
            {"type": "message", "ts": m.ts, "text": m.text} | ({"metadata": m.metadata} if with_metadata and m.metadata else {})
            for m in shown[start : start + limit]
        ]
        more = start + limit < len(shown)
        cursor = str(start + limit) if more else ""
        return {"ok": True, "messages": page, "has_more": more, "response_metadata": {"next_cursor": cursor}}

    async def _respond(self, request: web.Request) -> web.Response:
        self.calls.append(Call(f"respond:{request.match_info['name']}", await request.json(), dict(request.headers)))
        return web.Response(text="ok")

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        self.calls.append(Call("socket", dict(request.query), dict(request.headers)))
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1})
        self._socket_open.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                ack = json.loads(message.data)
                future = self._acks.get(ack.get("envelope_id", ""))
                if future is not None and not future.done():
                    future.set_result(ack)
        self.calls.append(Call("socket closed", {}, {}))
        return socket


@contextlib.contextmanager
def fake_slack_in_thread() -> Iterator[tuple[FakeSlack, asyncio.AbstractEventLoop]]:
    """A FakeSlack on its own event loop thread, for code that runs `asyncio.run` itself (the CLI)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = asyncio.run_coroutine_threadsafe(_entered(), loop).result(5)
    try:
        yield fake, loop
    finally:
        asyncio.run_coroutine_threadsafe(fake.__aexit__(None, None, None), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def _blocks(args: dict) -> list | None:
    blocks = args.get("blocks")
    return json.loads(blocks) if isinstance(blocks, str) else blocks


async def _entered() -> FakeSlack:
    return await FakeSlack().__aenter__()


async def _until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the fake Slack")
        await asyncio.sleep(0.01)
