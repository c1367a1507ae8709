"""The exact payloads an alert becomes on each surface (console text, Slack blocks, Discord embed), for `render`."""

from __future__ import annotations

import json

from adapters.console import render_alert
from adapters.slack.blocks import alert_text, to_slack_blocks
from bot.models import Alert

SURFACES = ("console", "slack", "discord")


def payload(alert: Alert, surface: str) -> str:
    """The console's text, or the JSON body posted to Slack's `chat.postMessage` or a Discord channel."""
    if surface == "console":
        return render_alert(alert).plain
    if surface == "slack":
        body = {"text": alert_text(alert), "blocks": to_slack_blocks(alert), "parse": "none"}
    else:
        from adapters.discord.embeds import (
            to_discord_embed,  # discord.py loads slowly: only when asked
        )

        body = {"embeds": [to_discord_embed(alert).to_dict()], "allowed_mentions": {"parse": []}}
    return json.dumps(body, indent=2, ensure_ascii=False)
