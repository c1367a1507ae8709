"""How Slack reaches the bolt app: a Socket Mode connection, or an HTTP endpoint for signed requests."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.slack.errors import slack_error
from bot.errors import CatalystBotError

_LOGGER = logging.getLogger(__name__)
CONNECT_TIMEOUT = 30.0


class SocketModeListener:
    """Socket Mode: the bot dials out to Slack over a WebSocket, so no public URL is needed."""

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self.app = app
        self._app_token = app_token
        self.handler: AsyncSocketModeHandler | None = None

    async def start(self) -> None:
        """Open the connection (the handler needs the running event loop, so it is made here).

        The WebSocket URL is asked for here rather than by the SDK, which would retry a refused
        app token forever instead of saying so.
        """
        self.handler = AsyncSocketModeHandler(self.app, self._app_token)
        try:
            opened = await self.app.client.apps_connections_open(app_token=self._app_token)
            self.handler.client.wss_uri = opened["url"]
            await asyncio.wait_for(self.handler.connect_async(), CONNECT_TIMEOUT)
        except SlackApiError as exc:
            await self.close()
            error = slack_error(exc.response)
            raise CatalystBotError(
                f"Slack refused the app-level token: {error} (it must be an xapp- token with connections:write)"
            ) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            await self.close()
            raise CatalystBotError(f"cannot open the Slack Socket Mode connection: {type(exc).__name__} {exc}") from None
        _LOGGER.info("slack: connected in Socket Mode")

    async def close(self) -> None:
        if self.handler is not None:
            await self.handler.close_async()
            self.handler = None

    async def is_connected(self) -> bool:
        return self.handler is not None and await self.handler.client.is_connected()


class HttpListener:
    """HTTP mode: an aiohttp server handing each POST to bolt, which refuses bad or stale signatures."""

    def __init__(self, app: AsyncApp, host: str, port: int, path: str) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._path = path
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        web_app = web.Application()
        web_app.router.add_post(self._path, self._dispatch)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        _LOGGER.info("slack: listening for requests on %s", self.url)

    @property
    def url(self) -> str:
        """Where the server listens (the real port when 0 was asked for)."""
        host, port = self._runner.addresses[0][:2] if self._runner else (self._host, self._port)
        return f"http://{host}:{port}{self._path}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def is_connected(self) -> bool:
        return self._runner is not None

    async def _dispatch(self, request: web.Request) -> web.Response:
        return await to_aiohttp_response(await self._app.async_dispatch(await to_bolt_request(request)))
