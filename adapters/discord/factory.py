"""Build the Discord receivers from `adapters.discord` (its routes were checked by bot.validation)."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.discord.receiver import (
    CatalystClient,
    DiscordReceiver,
    DiscordWebhookReceiver,
    use_api_base,
)
from bot.commands import CatalystCommands
from bot.config import DiscordAdapterConfig
from bot.delivery.receiver import Receiver
from bot.validation import parse_webhook_url


def build_discord_receivers(
    settings: DiscordAdapterConfig,
    commands: CatalystCommands,
    token: str | None,
    webhook_urls: Mapping[str, str],
) -> dict[str, Receiver]:
    """`discord` (the bot, given its `token`) and `discord-webhook` (given the webhooks' URLs; the bot, if any,
    looks in a webhook's channel before a resend)."""
    use_api_base(settings.api_base)
    receivers: dict[str, Receiver] = {}
    bot = None
    if token is not None:
        bot = DiscordReceiver(CatalystClient(commands, guilds=settings.guilds), token, token_env=settings.token_env)
        receivers["discord"] = bot
    if webhook_urls:
        webhooks = {name: parse_webhook_url(url) for name, url in webhook_urls.items()}
        receivers["discord-webhook"] = DiscordWebhookReceiver(webhooks, bot=bot)  # the bot reads webhook channels too
    return receivers

