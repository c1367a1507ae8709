"""The `/catalysts` application command: Discord options -> `CatalystCommands.dispatch` -> an embed."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands

from adapters.discord.embeds import NO_MENTIONS, reply_to_embed
from bot.commands import (
    MAX_DAYS,
    CatalystCommands,
    CommandError,
    Reply,
    ReplyEntry,
    ReplySection,
)

_LOGGER = logging.getLogger(__name__)
MAX_CHOICES = 25
Action = Literal["mute", "mutes", "unmute", "watch", "unwatch", "rules", "help"]
_NEEDS = {
    "mute": ("ticker", "duration"),
    "unmute": ("mute_id",),
    "watch": ("ticker",),
    "unwatch": ("ticker",),
}
_EXAMPLES = {
    "mute": "`/catalysts action:mute ticker:BABA duration:4h reason:earnings`",
    "unmute": "`/catalysts action:unmute mute_id:3` (see `action:mutes` for the ids)",
    "watch": "`/catalysts action:watch ticker:BABA`",
    "unwatch": "`/catalysts action:unwatch ticker:BABA`",
}
DISCORD_USAGE = ReplySection(
    "On Discord",
    (
        ReplyEntry("/catalysts ticker:BABA days:7: a ticker's catalysts; no options: today's for the watchlist"),
        ReplyEntry("/catalysts action:mute ticker:BABA duration:4h reason:...: ticker `*` mutes all, BABA/earnings one kind"),
        ReplyEntry("/catalysts action:unmute mute_id:3, action:mutes, action:watch / unwatch ticker:BABA, action:rules"),
        ReplyEntry("Buttons under an alert: Mute 24h (that ticker), All catalysts (its last 7 days, shown only to you)"),
    ),
)
FAILURE = "Sorry, that failed on our side and has been logged. Try again in a minute, or `/catalysts action:help`."


class CatalystCommandTree(app_commands.CommandTree):
    """A command tree whose errors are logged once and answered to the user, privately."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.TransformerError | app_commands.CheckFailure):
            _LOGGER.info("command rejected: %s", error)
            await answer(interaction, Reply(title=str(error), ephemeral=True, error=True))
            return
        await answer_failure(interaction, error.__cause__ or error)


def build_command_tree(client: discord.Client, commands: CatalystCommands) -> CatalystCommandTree:
    """The tree holding `/catalysts`, bound to the shared command logic."""
    tree = CatalystCommandTree(client)

    @app_commands.command(name="catalysts", description="Recent stock catalysts, mutes and the watchlist")
    @app_commands.guild_only()
    @app_commands.describe(
        ticker="A ticker symbol, e.g. BABA (empty: today's catalysts for the watchlist)",
        days=f"How many days back, 1 to {MAX_DAYS} (default 7)",
        action="Something other than showing catalysts",
        duration="For mute: how long, e.g. 30m, 4h, 2d",
        reason="For mute: why (shown in the list of mutes)",
        mute_id="For unmute: the mute's number (see action:mutes)",
    )
    async def catalysts(
        interaction: discord.Interaction,
        ticker: str | None = None,
        days: app_commands.Range[int, 1, MAX_DAYS] | None = None,
        action: Action | None = None,
        duration: str | None = None,
        reason: str | None = None,
        mute_id: app_commands.Range[int, 1] | None = None,
    ) -> None:
        try:
            args = command_args(action, ticker=ticker, days=days, duration=duration, reason=reason, mute_id=mute_id)
        except CommandError as exc:
            await answer(interaction, Reply(title=str(exc), ephemeral=True, error=True))
            return
        reply = commands.dispatch(args, user=interaction.user.name)
        if action == "help":
            reply = Reply(title=reply.title, sections=(*reply.sections, DISCORD_USAGE), ephemeral=True)
        await answer(interaction, reply)

    @catalysts.autocomplete("ticker")
    async def ticker_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return ticker_choices(commands, current)

    tree.add_command(catalysts)
    return tree


def command_args(
    action: str | None,
    *,
    ticker: str | None = None,
    days: int | None = None,
    duration: str | None = None,
    reason: str | None = None,
    mute_id: int | None = None,
) -> list[str]:
    """The words `CatalystCommands.dispatch` understands, from the options the user filled in."""
    given = {"ticker": ticker, "duration": duration, "mute_id": mute_id}
    if action is None:
        if ticker is None:
            if days is not None:
                raise CommandError("`days` goes with a `ticker`, e.g. `/catalysts ticker:BABA days:7`")
            return []
        return [ticker] + ([f"{days}d"] if days is not None else [])
    missing = [name for name in _NEEDS.get(action, ()) if given[name] is None]
    if missing:
        raise CommandError(f"`action:{action}` needs {' and '.join(f'`{n}`' for n in missing)}: {_EXAMPLES[action]}")
    if action == "mute":
        return ["mute", str(ticker), str(duration), *(reason or "").split()]
    if action == "unmute":
        return ["unmute", str(mute_id)]
    if action in ("watch", "unwatch"):
        return [action, str(ticker)]
    return [action]


def ticker_choices(commands: CatalystCommands, current: str) -> list[app_commands.Choice[str]]:
    """Watchlist first, then symbols starting with what was typed, then company names containing it."""
    query = current.strip().lstrip("$").upper()
    watched = commands.effective_watchlist()
    names = commands.known_tickers

    def rank(ticker: str) -> tuple[bool, bool, bool, str] | None:
        starts = ticker.startswith(query)
        if not (starts or query.lower() in names.get(ticker, "").lower()):
            return None
        return (ticker not in watched, ticker != query, not starts, ticker)

    ranked = sorted(key for ticker in {*watched, *names} if (key := rank(ticker)) is not None)
    return [
        app_commands.Choice(name=_choice_name(ticker, names.get(ticker)), value=ticker)
        for *_, ticker in ranked[:MAX_CHOICES]
    ]


async def answer(interaction: discord.Interaction, reply: Reply, *, ephemeral: bool | None = None) -> None:
    """Send a reply as an embed, as the first response or as a follow-up; never mentioning anyone."""
    hidden = reply.ephemeral if ephemeral is None else ephemeral
    embed = reply_to_embed(reply)
    if interaction.response.is_done():
        await interaction.followup.send(embed=embed, ephemeral=hidden, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(embed=embed, ephemeral=hidden, allowed_mentions=NO_MENTIONS)


async def answer_failure(interaction: discord.Interaction, error: BaseException) -> None:
    """Log an unexpected error once, with its traceback, and tell the user privately."""
    _LOGGER.error("interaction %s failed", interaction.id, exc_info=error)
    if interaction.type is discord.InteractionType.autocomplete:
        return
    await answer(interaction, Reply(title=FAILURE, ephemeral=True, error=True))


def _choice_name(ticker: str, name: str | None) -> str:
    label = f"{ticker} — {name}" if name and name != ticker else ticker
    return label if len(label) <= 100 else label[:99] + "…"
