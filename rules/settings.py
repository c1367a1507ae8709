"""The `[rules]` section of the bot's TOML configuration."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class RulesSettings(BaseModel):
    """Which rule packs run and how tickers are linked."""

    model_config = ConfigDict(extra="forbid")

    builtin_packs: bool = True
    packs: list[Path] = []
    disable: list[str] = []
    price_move_threshold: float = 5.0
    aliases: dict[str, list[str]] = {}
