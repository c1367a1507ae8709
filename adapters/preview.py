"""The exact payloads an alert becomes on each surface (console text, Slack blocks, Discord embed), for `render`."""

from __future__ import annotations

import json

from adapters.console import render_alert
from adapters.slack.blocks import alert_message
from bot.models import Alert

SURFACES = ("console", "slack", "discord")


def payload(alert: Alert, surface: str) -> str:
    """The console's text, or the JSON body posted to Slack's `chat.postMessage` or by the Discord bot
    (without what only routes it: the channel, and the delivery's key in Slack metadata or a Discord nonce)."""
    if surface == "console":
        return render_alert(alert).plain
    if surface == "slack":
        body = alert_message(alert)
    else:
        from adapters.discord.embeds import (  # discord.py loads slowly: only when asked
            NO_MENTIONS,
            to_discord_embed,
        )
        from adapters.discord.views import alert_view

        body = {
            "embeds": [to_discord_embed(alert).to_dict()],
            "components": alert_view(alert.ticker).to_components(),
            "allowed_mentions": NO_MENTIONS.to_dict(),
        }
    return json.dumps(body, indent=2, ensure_ascii=False)
