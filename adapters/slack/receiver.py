"""The `slack` receiver: posts alerts with chat.postMessage and runs the bolt app while the bot runs."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from typing import Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app
from adapters.slack.blocks import (
    alert_message,
    alert_text,
    text_message,
    to_slack_blocks,
)
from adapters.slack.errors import slack_error
from adapters.slack.server import HttpListener, SocketModeListener
from bot.commands import CatalystCommands
from bot.config import SlackAdapterConfig
from bot.delivery.receiver import DELIVERY_KEY, DELIVERY_MAY_EXIST_SINCE
from bot.errors import CatalystBotError, DeliveryError, RateLimited
from bot.models import Alert

_LOGGER = logging.getLogger(__name__)
MAX_INLINE_WAIT = 5
DEFAULT_RETRY_AFTER = 30.0
METADATA_EVENT = "catalyst_bot_alert"
LOOKBACK_MARGIN = 60.0  # seconds before the queueing time: clock skew between this host and Slack
HISTORY_PAGES = 5
HISTORY_PAGE_SIZE = 200
CHANNEL_LIST_PAGES = 10
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")  # names are lower case
_TRANSIENT = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
_LOOKUP_HINTS = {
    "missing_scope": "add the channels:history, groups:history, channels:read and groups:read scopes and reinstall the app",
    "not_in_channel": "invite the app to the channel (/invite @catalyst-bot)",
    "channel_not_found": "route to the channel id (slack:C0123ABCD), or invite the app to the private channel",
}
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
    "message_not_found": "the alert was deleted in Slack",
    "cant_update_message": "the alert was not posted by this app",
    "edit_window_closed": "the workspace no longer allows editing the alert",
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


class NoBlindRepost(AsyncConnectionErrorRetryHandler):
    """Retry a dropped connection inside the call, except a post's.

    A post whose connection dropped may have reached Slack: it goes back to the outbox, whose resend
    looks for it before posting again.
    """

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if request.url.endswith("/chat.postMessage"):
            return False
        return await super()._can_retry_async(state=state, request=request, response=response, error=error)


class SlackReceiver:
    """Alerts go to `slack:<channel>`; the message id is `CHANNEL_ID:ts`; follow-ups go in its thread or update it.

    Every post carries its delivery key in the message metadata. A resend that may already have
    been posted first looks for that key in the channel's (or thread's) recent history and answers
    with the message found instead of posting again. `start()` checks the bot token and connects the
    bolt app (Socket Mode or HTTP); `close()` stops it.
    """

    platform = "slack"

    def __init__(self, client: AsyncWebClient, listener: Listener | None = None) -> None:
        self.client = client
        self.listener = listener
        self._channel_ids: dict[str, str] = {}
        self._lookup_warned: set[tuple[str, str]] = set()

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
            error = slack_error(exc.response)
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
        return await self._post(channel, alert_message(alert), thread_ts)

    async def edit(self, alert: Alert, target: str, message_id: str) -> None:
        """Update the message `CHANNEL_ID:ts` with chat.update (a story's first alert gains outlets)."""
        channel, ts = _thread_of(target, message_id)
        try:
            await self.client.chat_update(
                channel=channel, ts=ts, text=alert_text(alert), blocks=to_slack_blocks(alert), parse="none", link_names=False
            )
        except SlackApiError as exc:
            raise _delivery_error(exc, channel) from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryError(f"cannot reach the Slack API: {type(exc).__name__}: {exc}") from None

    async def send_text(self, text: str, target: str) -> str | None:
        """Post a digest or ops notice to the channel `target`."""
        return await self._post(target, text_message(text))

    async def _post(self, channel: str, message: dict, thread_ts: str | None = None) -> str:
        """Post `message` (its text, blocks and options) tagged with the delivery key, unless a resend finds it."""
        key = DELIVERY_KEY.get()
        since = DELIVERY_MAY_EXIST_SINCE.get()
        if key is not None and since is not None:
            posted = await self._find_posted(channel, thread_ts, key, since)
            if posted is not None:
                _LOGGER.info("slack: delivery %s was already posted as %s; not posting it again", key, posted)
                return posted
        try:
            response = await self.client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"delivery_key": key}} if key else None,
                **message,
            )
        except SlackApiError as exc:
            raise _delivery_error(exc, channel) from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryError(f"cannot reach the Slack API: {type(exc).__name__}: {exc}") from None
        if not _CHANNEL_ID.fullmatch(channel):
            self._channel_ids[channel.removeprefix("#")] = response["channel"]
        return f"{response['channel']}:{response['ts']}"

    async def _find_posted(self, channel: str, thread_ts: str | None, key: str, since: float) -> str | None:
        """`CHANNEL_ID:ts` of a message tagged with `key` posted since `since`; None to post (again).

        A failure that may pass (rate limit, Slack or network trouble) is raised for the outbox to
        retry; a lookup Slack does not allow (a missing scope, a channel the app is not in) is
        warned about once per channel and skipped, so the alert is posted, perhaps a second time.
        """
        try:
            channel_id = await self._channel_id(channel)
            if channel_id is None:
                self._warn_no_lookup(channel, "channel_not_found")
                return None
            async for message in self._messages_since(channel_id, thread_ts, since - LOOKBACK_MARGIN):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("delivery_key") == key:
                    return f"{channel_id}:{message['ts']}"
            return None
        except SlackApiError as exc:
            response = exc.response
            error = slack_error(response)
            if response.status_code == 429 or error == "ratelimited":
                raise RateLimited(_retry_after(response.headers), f"Slack rate-limited the history of {channel}") from None
            if response.status_code >= 500 or error in _TRANSIENT:
                raise DeliveryError(f"Slack could not show the history of {channel}: {error}") from None
            self._warn_no_lookup(channel, error)
            return None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryError(f"cannot reach the Slack API: {type(exc).__name__}: {exc}") from None

    def _warn_no_lookup(self, channel: str, error: str) -> None:
        if (channel, error) in self._lookup_warned:
            return
        self._lookup_warned.add((channel, error))
        _LOGGER.warning(
            "slack: cannot look in %s for alerts already posted (%s: %s); a resend after a crash or a "
            "timeout is posted without looking and may show twice",
            channel,
            error,
            _LOOKUP_HINTS.get(error, "see Slack's error"),
        )

    async def _channel_id(self, channel: str) -> str | None:
        """The id of `channel` (an id, or a name such as `#markets`, looked up in conversations.list)."""
        if _CHANNEL_ID.fullmatch(channel):
            return channel
        name = channel.removeprefix("#")
        cursor = None
        for _ in range(CHANNEL_LIST_PAGES):
            if name in self._channel_ids:
                break
            page = await self.client.conversations_list(
                types="public_channel,private_channel", exclude_archived=True, limit=1000, cursor=cursor
            )
            self._channel_ids.update({found["name"]: found["id"] for found in page["channels"]})
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return self._channel_ids.get(name)

    async def _messages_since(self, channel_id: str, thread_ts: str | None, oldest: float) -> AsyncIterator[dict]:
        """The channel's messages (or the thread's, with `thread_ts`) since `oldest`, a few pages at most."""
        cursor = None
        for _ in range(HISTORY_PAGES):
            query = {
                "channel": channel_id,
                "oldest": f"{oldest:.6f}",
                "include_all_metadata": True,
                "limit": HISTORY_PAGE_SIZE,
                "cursor": cursor,
            }
            if thread_ts:
                page = await self.client.conversations_replies(ts=thread_ts, **query)
            else:
                page = await self.client.conversations_history(**query)
            for message in page["messages"]:
                yield message
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return


def slack_client(token: str, api_url: str) -> AsyncWebClient:
    """A Web API client for `api_url` that retries short rate-limit waits and dropped connections (not posts)."""
    client = AsyncWebClient(token=token, base_url=api_url if api_url.endswith("/") else api_url + "/")
    client.retry_handlers = [NoBlindRepost(max_retry_count=1), ShortRateLimitRetry(max_retry_count=1)]
    return client


def _thread_of(target: str, reply_to: str | None) -> tuple[str, str | None]:
    """Post to `target`; a follow-up goes into the thread of `reply_to` (`CHANNEL:ts`, or a bare ts)."""
    if not reply_to:
        return target, None
    channel, _, ts = reply_to.rpartition(":")
    return channel or target, ts


def _delivery_error(exc: SlackApiError, channel: str) -> DeliveryError:
    response = exc.response
    error = slack_error(response)
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
