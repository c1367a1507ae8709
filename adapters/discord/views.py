"""Buttons under every alert (*Mute 24h*, *All catalysts*) that keep working across restarts."""

from __future__ import annotations

import re
from typing import Any

import discord

from adapters.discord.commands import answer, answer_failure
from bot.commands import CatalystCommands

_TICKER = r"(?P<ticker>[A-Za-z0-9.\-]{1,20})"
MUTE_HOURS = 24


class MuteButton(discord.ui.DynamicItem[discord.ui.Button], template=rf"catalyst:mute:{_TICKER}"):
    """Mute the alert's ticker for 24 hours; the confirmation is posted for the whole channel."""

    def __init__(self, ticker: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Mute {MUTE_HOURS}h", style=discord.ButtonStyle.secondary, custom_id=f"catalyst:mute:{ticker}"
            )
        )
        self.ticker = ticker

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> MuteButton:
        return cls(match["ticker"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _run(interaction, ["mute", self.ticker, f"{MUTE_HOURS}h", "from an alert button"], ephemeral=None)


class HistoryButton(discord.ui.DynamicItem[discord.ui.Button], template=rf"catalyst:history:{_TICKER}"):
    """Show the ticker's catalysts of the last 7 days to whoever clicked."""

    def __init__(self, ticker: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="All catalysts", style=discord.ButtonStyle.primary, custom_id=f"catalyst:history:{ticker}"
            )
        )
        self.ticker = ticker

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> HistoryButton:
        return cls(match["ticker"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _run(interaction, [self.ticker], ephemeral=True)


def alert_view(ticker: str) -> discord.ui.View:
    """The persistent view sent with an alert; clicks are routed by custom id, nothing is kept per message."""
    view = discord.ui.View(timeout=None)
    view.add_item(MuteButton(ticker))
    view.add_item(HistoryButton(ticker))
    return view


async def _run(interaction: discord.Interaction[Any], args: list[str], *, ephemeral: bool | None) -> None:
    commands: CatalystCommands = interaction.client.catalyst_commands
    try:
        reply = commands.dispatch(args, user=interaction.user.name)
        await answer(interaction, reply, ephemeral=ephemeral)
    except Exception as exc:  # noqa: BLE001 - discord.py would only log it; the user must hear back
        await answer_failure(interaction, exc)
