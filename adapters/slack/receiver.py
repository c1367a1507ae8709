"""The `slack` receiver: posts alerts with chat.postMessage and runs the bolt app while the bot runs."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app
from adapters.slack.blocks import MAX_FALLBACK_TEXT, alert_text, clip, text_to_blocks, to_slack_blocks
from adapters.slack.server import HttpListener, SocketModeListener
from bot.commands import CatalystCommands
from bot.config import SlackAdapterConfig
from bot.errors import CatalystBotError, DeliveryError, RateLimited
from bot.models import Alert

_LOGGER = logging.getLogger(__name__)
MAX_INLINE_WAIT = 5
DEFAULT_RETRY_AFTER = 30.0
_HINTS = {
    "channel_not_found": "check the channel name, or add the chat:write.public scope for public channels",
    "not_in_channel": "invite the app to the channel (/invite @catalyst-bot)",
    "is_archived": "the channel is archived",
    "invalid_auth": "the bot token is wrong",
    "not_authed": "the bot token is missing",
    "token_revoked": "the bot token was revoked; reinstall the app",
    "account_inactive": "the app was uninstalled or its user deactivated",
    "missing_scope": "add the chat:write scope and reinstall the app",
    "restricted_action": "the workspace does not allow the app to post there",
    "invalid_blocks": "Slack rejected the message layout",
    "msg_too_long": "the message is too long",
}


class Listener(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def is_connected(self) -> bool: ...


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Retry a 429 inside the call only when Slack asks for a short wait; longer waits go back to the outbox."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return _retry_after(response.headers) <= MAX_INLINE_WAIT


class SlackReceiver:
    """Alerts go to `slack:<channel>`; the message id is `CHANNEL_ID:ts`, and follow-ups go in its thread.

    `start()` checks the bot token and connects the bolt app (Socket Mode or HTTP); `close()` stops it.
    """

    platform = "slack"

    def __init__(self, client: AsyncWebClient, listener: Listener | None = None) -> None:
        self.client = client
        self.listener = listener

    @classmethod
    def from_config(
        cls, settings: SlackAdapterConfig, commands: CatalystCommands, bot_token: str, mode_secret: str
    ) -> SlackReceiver:
        """`mode_secret` is the app-level token in Socket Mode, the signing secret in HTTP mode."""
        client = slack_client(bot_token, settings.api_url)
        if settings.mode == "socket":
            listener: Listener = SocketModeListener(build_app(commands, client), mode_secret)
        else:
            app = build_app(commands, client, signing_secret=mode_secret)
            listener = HttpListener(app, settings.http_host, settings.http_port, settings.http_path)
        return cls(client, listener)

    async def start(self) -> None:
        try:
            identity = await self.client.auth_test()
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown error")
            raise CatalystBotError(f"Slack refused the bot token: {error} ({_HINTS.get(error, 'check it')})") from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise CatalystBotError(f"cannot reach the Slack API at {self.client.base_url}: {exc}") from None
        _LOGGER.info("slack: signed in as %s in %s", identity.get("user"), identity.get("team"))
        if self.listener is not None:
            await self.listener.start()

    async def close(self) -> None:
        if self.listener is not None:
            await self.listener.close()

    async def is_connected(self) -> bool:
        """For /healthz: the Socket Mode connection is up, or the HTTP server is listening."""
        return self.listener is None or await self.listener.is_connected()

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        channel, thread_ts = _thread_of(target, reply_to)
        return await self._post(channel, alert_text(alert), to_slack_blocks(alert), thread_ts)

    async def send_text(self, text: str, target: str) -> str | None:
        """Post a digest or ops notice to the channel `target`."""
        return await self._post(target, clip(text, MAX_FALLBACK_TEXT), text_to_blocks(text))

    async def _post(self, channel: str, text: str, blocks: list[dict], thread_ts: str | None = None) -> str:
        try:
            response = await self.client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks,
                thread_ts=thread_ts,
                parse="none",
                link_names=False,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            raise _delivery_error(exc, channel) from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryError(f"cannot reach the Slack API: {type(exc).__name__}: {exc}") from None
        return f"{response['channel']}:{response['ts']}"


def slack_client(token: str, api_url: str) -> AsyncWebClient:
    """A Web API client for `api_url` that also retries short rate-limit waits."""
    client = AsyncWebClient(token=token, base_url=api_url if api_url.endswith("/") else api_url + "/")
    client.retry_handlers.append(ShortRateLimitRetry(max_retry_count=1))
    return client


def _thread_of(target: str, reply_to: str | None) -> tuple[str, str | None]:
    """Post to `target`; a follow-up goes into the thread of `reply_to` (`CHANNEL:ts`, or a bare ts)."""
    if not reply_to:
        return target, None
    channel, _, ts = reply_to.rpartition(":")
    return channel or target, ts


def _delivery_error(exc: SlackApiError, channel: str) -> DeliveryError:
    response = exc.response
    error = response.get("error") or f"HTTP {response.status_code}"
    if response.status_code == 429 or error == "ratelimited":
        return RateLimited(_retry_after(response.headers), f"Slack rate-limited posts to {channel}")
    hint = _HINTS.get(error)
    message = f"Slack refused the post to {channel}: {error}" + (f" ({hint})" if hint else "")
    return DeliveryError(message, permanent=hint is not None)


def _retry_after(headers: dict) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) else value
            try:
                return max(float(text), 0.0)
            except ValueError:
                break
    return DEFAULT_RETRY_AFTER
