"""Build the Discord receivers from `adapters.discord`, failing fast on routes they cannot serve."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.discord.receiver import (
    CatalystClient,
    DiscordReceiver,
    DiscordWebhookReceiver,
    parse_webhook_url,
    use_api_base,
)
from bot.commands import CatalystCommands
from bot.config import DiscordAdapterConfig, RouteConfig
from bot.delivery.receiver import Receiver
from bot.errors import ConfigError


def build_discord_receivers(
    settings: DiscordAdapterConfig,
    routes: list[RouteConfig],
    commands: CatalystCommands,
    token: str | None,
    webhook_urls: Mapping[str, str],
) -> dict[str, Receiver]:
    """`discord` (the bot, given its `token`) and `discord-webhook` (given the webhooks' URLs)."""
    _check_routes(settings, routes)
    use_api_base(settings.api_base)
    receivers: dict[str, Receiver] = {}
    if token is not None:
        client = CatalystClient(commands, guilds=settings.guilds)
        receivers["discord"] = DiscordReceiver(client, token, token_env=settings.token_env)
    if webhook_urls:
        webhooks = {}
        for name, url in webhook_urls.items():
            try:
                webhooks[name] = parse_webhook_url(url)
            except ValueError as exc:
                raise ConfigError(f"{settings.webhook_env(name)}: {exc}") from None
        receivers["discord-webhook"] = DiscordWebhookReceiver(webhooks)
    return receivers


def _check_routes(settings: DiscordAdapterConfig, routes: list[RouteConfig]) -> None:
    if not settings.bot and not settings.webhooks:
        raise ConfigError("adapters.discord: bot is false and no webhooks are listed, so it would do nothing")
    known = {name.upper() for name in settings.webhooks}
    for index, route in enumerate(routes):
        platform, _, target = route.receiver.partition(":")
        where = f"routes[{index}].receiver {route.receiver!r}"
        if platform == "discord" and not settings.bot:
            raise ConfigError(f"{where}: adapters.discord.bot is false; post through discord-webhook:NAME instead")
        if platform == "discord" and not target.isdigit():
            raise ConfigError(f"{where}: use the channel's numeric id (Developer Mode → Copy Channel ID)")
        if platform == "discord-webhook" and target.upper() not in known:
            raise ConfigError(f"{where}: add {target!r} to adapters.discord.webhooks and set {settings.webhook_env(target)}")
