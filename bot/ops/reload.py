"""Reload the config file on SIGHUP or when it changes: validate first, swap atomically, keep the old one on error."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from bot.config import BotConfig, load_config
from bot.errors import CatalystBotError
from bot.validation import validate_config
from rules.engine import RuleEngine
from rules.engine_cache import load_engine

_LOGGER = logging.getLogger(__name__)


class Reloadable(Protocol):
    """What a reload needs of the running bot."""

    def reload(self, config: BotConfig, engine: RuleEngine) -> None: ...

    def notify_ops(self, message: str, dedup_key: str, *, echo: bool = True) -> None: ...


class ConfigReloader:
    """Watches one config file for a running bot."""

    def __init__(self, path: Path, bot: Reloadable) -> None:
        self._path = path
        self._bot = bot
        self._stamp = self._read_stamp()

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self._path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def reload_if_changed(self) -> bool:
        if self._read_stamp() == self._stamp:
            return False
        return self.reload()

    def reload(self) -> bool:
        """Load, validate and apply the file; on any error keep running the current config and say why."""
        self._stamp = self._read_stamp()
        try:
            config = load_config(self._path)
            validate_config(config).raise_for_run(config.source)
            engine = load_engine(config.rules, config.resolved_data_dir())
        except CatalystBotError as exc:
            problems = "; ".join(getattr(exc, "errors", None) or [str(exc)])
            message = f"config reload refused, still running the previous config: {problems}"
            _LOGGER.error(message)  # the one report on the terminal; the ops receiver, if any, gets it too
            self._bot.notify_ops(message, f"reload:{self._stamp}", echo=False)
            return False
        self._bot.reload(config, engine)
        return True
