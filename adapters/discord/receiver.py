"""Post alerts to Discord: through the bot (`discord:CHANNEL_ID`) or through webhooks (`discord-webhook:NAME`)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp
import discord

from adapters.discord.commands import build_command_tree
from adapters.discord.embeds import (
    FOOTER_LIMIT,
    NO_MENTIONS,
    clip,
    fit,
    text_to_embed,
    to_discord_embed,
)
from adapters.discord.views import HistoryButton, MuteButton, alert_view
from bot.commands import CatalystCommands
from bot.delivery.receiver import DELIVERY_KEY, DELIVERY_MAY_EXIST_SINCE
from bot.errors import CatalystBotError, DeliveryError, RateLimited
from bot.models import Alert

_LOGGER = logging.getLogger(__name__)
MAX_RATELIMIT_WAIT = 30.0
GATEWAY_RETRY_FIRST = 5.0
GATEWAY_RETRY_CAP = 300.0
LOOKBACK_MARGIN = 60.0  # seconds before the queueing time: clock skew between this host and Discord
HISTORY_LIMIT = 500  # messages read, at most, looking for a webhook post that may already be there


def use_api_base(api_base: str) -> None:
    """Send every discord.py REST call (bot and webhooks) to `api_base`, e.g. a proxy or a local fake."""
    discord.http.Route.BASE = api_base.rstrip("/")


class CatalystClient(discord.Client):
    """The bot: only the (unprivileged) guilds intent; never mentions anyone; `/catalysts` and its buttons."""

    def __init__(self, commands: CatalystCommands, *, guilds: Sequence[int] = ()) -> None:
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice: the warnings only confuse
        super().__init__(
            intents=discord.Intents(guilds=True),
            allowed_mentions=NO_MENTIONS,
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
        )
        self.catalyst_commands = commands
        self.tree = build_command_tree(self, commands)
        self._guilds = tuple(guilds)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(MuteButton, HistoryButton)

    async def sync_commands(self) -> None:
        """Register `/catalysts` in the configured guilds (instant), else globally; a failure only logs."""
        try:
            await self._sync_commands()
        except discord.HTTPException as exc:
            _LOGGER.error(
                "could not register /catalysts (%s %s); alerts still work. Invite the bot with the "
                "applications.commands scope to each configured guild",
                exc.status,
                exc.text,
            )

    async def _sync_commands(self) -> None:
        if not self._guilds:
            await self.tree.sync()
            _LOGGER.info("/catalysts registered globally (may take up to an hour to appear)")
            return
        for guild_id in self._guilds:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            _LOGGER.info("/catalysts registered in guild %s", guild_id)


class DiscordReceiver:
    """The `discord:CHANNEL_ID` receiver: the bot posts an embed with its buttons, replies to and edits it."""

    platform = "discord"
    # The gateway takes one connection per bot token: on a shared database one worker holds it.
    single_connection = True

    def __init__(self, client: CatalystClient, token: str, *, token_env: str = "DISCORD_TOKEN") -> None:
        self._client = client
        self._token = token
        self._token_env = token_env
        self._gateway: asyncio.Task[None] | None = None
        self._login_lock = asyncio.Lock()

    async def start(self) -> None:
        """Log in, register `/catalysts`, and connect to the gateway in the background for commands and buttons."""
        await self._login()
        await self._client.sync_commands()
        self._gateway = asyncio.create_task(self._stay_connected(), name="discord-gateway")

    async def is_connected(self) -> bool:
        """For /healthz: the gateway session (commands and buttons) is ready."""
        return self._client.is_ready()

    async def stop(self) -> None:
        """Leave the gateway (another worker holds it now); posting carries on over REST after a fresh login."""
        await self.close()
        self._gateway = None
        self._client.clear()
        self._client.http.connector = discord.utils.MISSING  # closed with the client: the next login opens one

    async def close(self) -> None:
        await self._client.close()
        if self._gateway is not None:
            self._gateway.cancel()
            await asyncio.gather(self._gateway, return_exceptions=True)

    async def _stay_connected(self) -> None:
        """discord.py reconnects once connected; this also retries a connection that fails from the start."""
        delay = GATEWAY_RETRY_FIRST
        while not self._client.is_closed():
            try:
                await self._client.connect()
            except Exception:  # noqa: BLE001 - posting still works over REST; keep trying for commands
                _LOGGER.error(
                    "Discord gateway connection failed; /catalysts and buttons are offline, retrying in %.0fs",
                    delay,
                    exc_info=True,
                )
            else:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, GATEWAY_RETRY_CAP)

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        """Post to the channel `target`; with `reply_to`, as a reply to that earlier message."""
        reference = None
        if reply_to:
            reference = discord.MessageReference(
                message_id=int(reply_to), channel_id=_channel_id(target), fail_if_not_exists=False
            )
        return await self._post(target, embed=to_discord_embed(alert), view=alert_view(alert.ticker), reference=reference)

    async def send_text(self, text: str, target: str) -> str | None:
        """Post a digest or ops notice to the channel `target`."""
        return await self._post(target, embed=text_to_embed(text))

    async def edit(self, alert: Alert, target: str, message_id: str) -> None:
        """Edit the bot's message `message_id` in the channel `target` to show `alert` (more outlets)."""
        await self._login()
        message = self._client.get_partial_messageable(_channel_id(target)).get_partial_message(int(message_id))
        try:
            await message.edit(embed=to_discord_embed(alert), view=alert_view(alert.ticker), allowed_mentions=NO_MENTIONS)
        except discord.Forbidden:
            raise DeliveryError(f"the bot may not edit its alert in channel {target}", permanent=True) from None
        except discord.NotFound:
            raise DeliveryError(f"alert {message_id} in channel {target} was deleted", permanent=True) from None
        except (discord.RateLimited, discord.HTTPException) as exc:
            raise _delivery_error(exc, f"channel {target}") from None

    async def find_message(
        self, channel_id: int, since: float, wanted: Callable[[discord.Message], bool]
    ) -> discord.Message | None:
        """The first message posted in the channel since `since` that is `wanted`, among HISTORY_LIMIT.

        Raises `discord.Forbidden` / `discord.NotFound` when the bot may not read the channel, and
        `DeliveryError` for a failure that may pass.
        """
        await self._login()
        channel = self._client.get_partial_messageable(channel_id)
        try:
            async for message in channel.history(limit=HISTORY_LIMIT, after=datetime.fromtimestamp(since, UTC)):
                if wanted(message):
                    return message
        except (discord.Forbidden, discord.NotFound):
            raise
        except (discord.RateLimited, discord.HTTPException) as exc:
            raise _delivery_error(exc, f"the history of channel {channel_id}") from None
        return None

    async def _post(self, target: str, **message: Any) -> str:
        channel_id = _channel_id(target)
        await self._login()
        channel = self._client.get_partial_messageable(channel_id)
        try:
            sent = await channel.send(allowed_mentions=NO_MENTIONS, nonce=_nonce(), **message)
        except discord.Forbidden:
            raise DeliveryError(
                f"the bot may not post in channel {target}: give it View Channel, Send Messages and Embed Links",
                permanent=True,
            ) from None
        except discord.NotFound:
            raise DeliveryError(f"channel {target} does not exist or the bot cannot see it", permanent=True) from None
        except (discord.RateLimited, discord.HTTPException) as exc:
            raise _delivery_error(exc, f"channel {target}") from None
        return str(sent.id)

    async def _login(self) -> None:
        """Log in once (REST only: enough to post, as `run --once` does without starting the gateway)."""
        async with self._login_lock:
            if self._client.user is not None:
                return
            try:
                await self._client.login(self._token)
            except discord.LoginFailure:
                raise CatalystBotError(f"Discord rejected the bot token in {self._token_env}") from None
            except (aiohttp.ClientError, discord.HTTPException) as exc:
                raise CatalystBotError(f"cannot log in to Discord at {discord.http.Route.BASE}: {exc}") from None


class DiscordWebhookReceiver:
    """The `discord-webhook:NAME` receiver: alerts only (no buttons, no commands, no replies; edits), no bot needed.

    Webhook posts carry no idempotency key, so each one shows a short reference of its delivery key
    in the embed's footer. With `bot` (the Discord bot, able to read the webhook's channel), a resend
    that may already have been posted first looks for that reference among the channel's recent
    messages from the webhook; without it, a resend after a crash may show twice.
    """

    platform = "discord-webhook"

    def __init__(
        self,
        webhooks: Mapping[str, tuple[int, str]],
        session: aiohttp.ClientSession | None = None,
        *,
        bot: DiscordReceiver | None = None,
    ) -> None:
        self._webhooks = {name.upper(): ids for name, ids in webhooks.items()}
        self._session = session
        self._owns_session = session is None
        self._bot = bot
        self._channels: dict[str, int] = {}
        self._lookup_warned: set[str] = set()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        """Post to the webhook named `target`; webhooks cannot reply, so `reply_to` is ignored."""
        return await self._post(target, to_discord_embed(alert))

    async def send_text(self, text: str, target: str) -> str | None:
        """Post a digest or ops notice to the webhook named `target`."""
        return await self._post(target, text_to_embed(text))

    async def edit(self, alert: Alert, target: str, message_id: str) -> None:
        """Edit the webhook's own message `message_id` to show `alert` (more outlets)."""
        webhook = self._webhook(target)
        try:
            await webhook.edit_message(int(message_id), embed=to_discord_embed(alert), allowed_mentions=NO_MENTIONS)
        except discord.NotFound:
            raise DeliveryError(f"alert {message_id} of Discord webhook {target} was deleted", permanent=True) from None
        except discord.HTTPException as exc:
            raise _delivery_error(exc, f"webhook {target}") from None

    def _webhook(self, target: str) -> discord.Webhook:
        if target.upper() not in self._webhooks:
            raise DeliveryError(f"no Discord webhook named {target!r} is configured", permanent=True)
        if self._session is None:
            self._session = aiohttp.ClientSession()
        webhook_id, token = self._webhooks[target.upper()]
        return discord.Webhook.partial(webhook_id, token, session=self._session)

    async def _post(self, target: str, embed: discord.Embed) -> str:
        webhook = self._webhook(target)
        key, since = DELIVERY_KEY.get(), DELIVERY_MAY_EXIST_SINCE.get()
        reference = _reference(key) if key else None
        if reference is not None and since is not None:
            posted = await self._find_posted(target, webhook, reference, since)
            if posted is not None:
                _LOGGER.info("discord: delivery %s was already posted by webhook %s as %s; not posting it again", key, target, posted)
                return posted
        try:
            sent = await webhook.send(embed=_with_reference(embed, key), allowed_mentions=NO_MENTIONS, wait=True)
        except discord.NotFound:
            raise DeliveryError(f"Discord webhook {target} no longer exists; create a new one", permanent=True) from None
        except discord.Forbidden:
            raise DeliveryError(f"Discord refused webhook {target}: check its URL", permanent=True) from None
        except discord.HTTPException as exc:
            raise _delivery_error(exc, f"webhook {target}") from None
        return str(sent.id)

    async def _find_posted(self, target: str, webhook: discord.Webhook, reference: str, since: float) -> str | None:
        """The id of the webhook's message showing `reference` posted since `since`; None to post (again)."""
        if self._bot is None:
            self._warn_no_lookup(target, "no Discord bot is configured to read its channel")
            return None
        try:
            channel_id = await self._channel_of(target, webhook)
            if channel_id is None:
                self._warn_no_lookup(target, "Discord does not say which channel it posts in")
                return None
            found = await self._bot.find_message(
                channel_id,
                since - LOOKBACK_MARGIN,
                lambda message: message.webhook_id == webhook.id and any(
                    (embed.footer.text or "").endswith(reference) for embed in message.embeds
                ),
            )
        except discord.Forbidden:
            self._warn_no_lookup(target, "the bot may not read its channel: give it View Channel and Read Message History")
            return None
        except discord.NotFound:
            self._warn_no_lookup(target, "the bot cannot see its channel: invite it to that server")
            return None
        except discord.HTTPException as exc:
            raise _delivery_error(exc, f"webhook {target}") from None
        return str(found.id) if found is not None else None

    async def _channel_of(self, target: str, webhook: discord.Webhook) -> int | None:
        """The id of the channel the webhook posts in (asked of Discord once)."""
        if target.upper() not in self._channels:
            fetched = await webhook.fetch(prefer_auth=False)
            if fetched.channel_id is None:
                return None
            self._channels[target.upper()] = fetched.channel_id
        return self._channels[target.upper()]

    def _warn_no_lookup(self, target: str, why: str) -> None:
        if target in self._lookup_warned:
            return
        self._lookup_warned.add(target)
        _LOGGER.warning(
            "discord: cannot look for alerts already posted by webhook %s (%s); a resend after a crash or a "
            "timeout is posted without looking and may show twice",
            target,
            why,
        )


def _delivery_error(exc: discord.RateLimited | discord.HTTPException, where: str) -> DeliveryError:
    if isinstance(exc, discord.RateLimited):
        return RateLimited(exc.retry_after, f"Discord rate limit on {where}")
    if exc.status == 429:
        retry_after = float(exc.response.headers.get("Retry-After") or MAX_RATELIMIT_WAIT)
        return RateLimited(retry_after, f"Discord rate limit on {where}")
    return DeliveryError(
        f"Discord answered {exc.status} for {where}: {exc.text or exc.response.reason}",
        permanent=400 <= exc.status < 500,
    )


def _channel_id(target: str) -> int:
    if not target.isdigit():
        raise DeliveryError(f"discord:{target} is not a channel id (copy it with Developer Mode)", permanent=True)
    return int(target)


def _nonce() -> str | None:
    """Discord drops a message whose nonce it saw from us minutes ago: a resend after a crash posts once."""
    key = DELIVERY_KEY.get()
    return hashlib.sha256(key.encode()).hexdigest()[:25] if key else None


def _reference(key: str) -> str:
    """The short form of a delivery key a webhook post shows at the end of its footer."""
    return f"ref {hashlib.sha256(key.encode()).hexdigest()[:12]}"


def _with_reference(embed: discord.Embed, key: str | None) -> discord.Embed:
    """`embed` with its delivery's reference appended to the footer, so a resend can find the post."""
    if key is None:
        return embed
    reference, footer = _reference(key), embed.footer.text
    text = f"{clip(footer, FOOTER_LIMIT - len(reference) - 3)} · {reference}" if footer else reference
    return fit(embed.set_footer(text=text))
