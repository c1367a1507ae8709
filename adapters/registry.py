"""Build the configured receivers (console, Slack, Discord) and read their secrets from the environment."""

from __future__ import annotations

import os

from adapters.console import ConsoleReceiver
from bot.commands import CatalystCommands
from bot.config import BotConfig
from bot.delivery.receiver import Receiver
from bot.errors import MissingSecretError
from bot.validation import missing_secret_message


def require_env(section: str, *names: str) -> list[str]:
    """The values of the environment variables `names`; a clear error names every missing one."""
    message = missing_secret_message(section, list(names))
    if message:
        raise MissingSecretError(message)
    return [os.environ[name] for name in names]


def build_receivers(config: BotConfig, console: ConsoleReceiver, commands: CatalystCommands) -> dict[str, Receiver]:
    """One receiver per platform prefix of the route receivers (`console`, `slack`, `discord`, ...)."""
    receivers: dict[str, Receiver] = {}
    if config.adapters.console.enabled:
        receivers["console"] = console
    slack = config.adapters.slack
    if slack is not None and slack.enabled:
        bot_token, mode_secret = require_env("adapters.slack", *slack.secret_envs())
        from adapters.slack.receiver import (
            SlackReceiver,  # slack_bolt loads in ~0.4 s: only when configured
        )

        receivers["slack"] = SlackReceiver.from_config(slack, commands, bot_token, mode_secret)
    discord = config.adapters.discord
    if discord is not None and discord.enabled:
        webhook_envs = [discord.webhook_env(name) for name in discord.webhooks]
        secrets = require_env("adapters.discord", *([discord.token_env] if discord.bot else []), *webhook_envs)
        token = secrets.pop(0) if discord.bot else None
        from adapters.discord.factory import (
            build_discord_receivers,  # discord.py loads slowly: only when configured
        )

        receivers.update(
            build_discord_receivers(discord, commands, token, dict(zip(discord.webhooks, secrets)))
        )
    return receivers
