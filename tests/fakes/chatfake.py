"""A fake chat API (aiohttp, 127.0.0.1) that fails on script, de-duplicates on Idempotency-Key, and a receiver for it."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.delivery.receiver import DELIVERY_KEY
from bot.errors import DeliveryError, RateLimited
from bot.models import Alert
from tests.fakes.serving import serve

# What the server does with one request, by title: a script is consumed one step per request.
OK, FAIL, RATE_LIMIT, HANG, ACCEPT_THEN_HANG, GONE = "ok", "500", "429", "hang", "accept-then-hang", "404"
RETRY_AFTER = 1


@dataclass
class Message:
    id: str
    channel: str
    key: str
    title: str
    reply_to: str | None
    at: float


@dataclass
class FakeChat:
    """Messages are what users would see: one per idempotency key, however often it is sent."""

    scripts: dict[str, list[str]] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    attempts_at: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    accepted_then_hung: asyncio.Event = field(default_factory=asyncio.Event)
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    url: str = ""

    async def __aenter__(self) -> FakeChat:
        app = web.Application()
        app.router.add_post("/channels/{channel}/messages", self._post)
        self._runner, port = await serve(app)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._release.set()
        assert self._runner is not None
        await self._runner.cleanup()

    def by_key(self) -> dict[str, Message]:
        return {message.key: message for message in self.messages}

    async def _post(self, request: web.Request) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key", "")
        body = await request.json()
        self.requests[key] += 1
        self.attempts_at[key].append(time.monotonic())
        posted = self.by_key().get(key)
        if posted is not None:  # a resend of something already shown: answer with the original
            return web.json_response({"id": posted.id, "duplicate": True})
        script = self.scripts.get(body["title"], [])
        step = script.pop(0) if script else OK
        if step == FAIL:
            return web.json_response({"error": "internal"}, status=500)
        if step == RATE_LIMIT:
            return web.json_response({"error": "slow down"}, status=429, headers={"Retry-After": str(RETRY_AFTER)})
        if step == GONE:
            return web.json_response({"error": "unknown channel"}, status=404)
        if step == HANG:  # never processed: by the time it gives up, the sender has long timed out
            await self._hang()
            return web.json_response({"error": "gateway timeout"}, status=504)
        message = Message(
            f"msg-{len(self.messages) + 1}", request.match_info["channel"], key, body["title"], body.get("reply_to"),
            time.monotonic(),
        )
        self.messages.append(message)
        if step == ACCEPT_THEN_HANG:  # shown to users, but the sender never hears back
            self.accepted_then_hung.set()
            await self._hang()
        return web.json_response({"id": message.id})

    async def _hang(self) -> None:
        try:
            await asyncio.wait_for(self._release.wait(), 30)
        except TimeoutError:
            pass


class WebhookReceiver:
    """A generic JSON webhook receiver that sends the delivery's idempotency key as a header."""

    platform = "slack"

    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self._base_url = base_url
        self._session = session

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        payload = {"title": alert.title, "ticker": alert.ticker, "kind": alert.kind, "reply_to": reply_to}
        headers = {"Idempotency-Key": DELIVERY_KEY.get() or ""}
        url = f"{self._base_url}/channels/{target.lstrip('#')}/messages"
        async with self._session.post(url, json=payload, headers=headers) as response:
            if response.status == 429:
                raise RateLimited(float(response.headers.get("Retry-After", "1")))
            if response.status in (403, 404):
                raise DeliveryError(f"HTTP {response.status}: {await response.text()}", permanent=True)
            if response.status >= 400:
                raise DeliveryError(f"HTTP {response.status}")
            return (await response.json())["id"]
