"""The slack-bolt AsyncApp: `/catalysts` and the alert buttons, answered by CatalystCommands."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import (
    HISTORY_ACTION,
    MUTE_ACTION,
    MUTE_FOR,
    reply_text,
    reply_to_blocks,
)
from bot.commands import CatalystCommands, Reply

_LOGGER = logging.getLogger(__name__)
COMMAND = "/catalysts"
FAILED = Reply(
    title="Sorry, that command failed inside catalyst-bot; the details are in the bot's log.",
    ephemeral=True,
    error=True,
)


def build_app(commands: CatalystCommands, client: AsyncWebClient, *, signing_secret: str = "") -> AsyncApp:
    """The bolt app; HTTP requests are refused unless signed with `signing_secret` (Socket Mode needs none).

    Every listener acks first (Slack wants an answer within 3 seconds), then answers through `respond`.
    """
    logging.getLogger("slack_bolt.AsyncApp").addFilter(_token_unused_warning)
    app = AsyncApp(client=client, signing_secret=signing_secret, name="catalyst-bot")

    @app.command(COMMAND)
    async def catalysts_command(ack, command: dict, respond: AsyncRespond) -> None:
        await ack()
        user = command.get("user_name") or command.get("user_id", "")
        await _answer(respond, _dispatch(commands, command.get("text", "").split(), user))

    @app.action(MUTE_ACTION)
    async def mute_button(ack, body: dict, action: dict, respond: AsyncRespond) -> None:
        await ack()
        reply = _dispatch(commands, ["mute", action.get("value", ""), MUTE_FOR], _action_user(body))
        await _answer(respond, reply)

    @app.action(HISTORY_ACTION)
    async def history_button(ack, body: dict, action: dict, respond: AsyncRespond) -> None:
        await ack()
        await _answer(respond, _dispatch(commands, [action.get("value", "")], _action_user(body)))

    return app


def _token_unused_warning(record: logging.LogRecord) -> bool:
    """bolt reads $SLACK_BOT_TOKEN itself and warns it is unused when given a client: that is intended here."""
    return "`token` will be unused" not in record.getMessage()


def _dispatch(commands: CatalystCommands, args: list[str], user: str) -> Reply:
    try:
        return commands.dispatch(args, user)
    except Exception:  # noqa: BLE001 - the user gets a short apology, the log gets the traceback
        _LOGGER.exception("%s %s failed", COMMAND, " ".join(args))
        return FAILED


async def _answer(respond: AsyncRespond, reply: Reply) -> None:
    await respond(
        text=reply_text(reply),
        blocks=reply_to_blocks(reply),
        response_type="ephemeral" if reply.ephemeral or reply.error else "in_channel",
        replace_original=False,
        unfurl_links=False,
        unfurl_media=False,
    )


def _action_user(body: dict) -> str:
    user = body.get("user") or {}
    return user.get("username") or user.get("name") or user.get("id", "")
