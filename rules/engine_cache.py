"""The rule engine for the ``[rules]`` settings, read back from the cache while the packs, the
settings, the imported SEC list and the code are what it was built from."""

from __future__ import annotations

from pathlib import Path

from rules.cache import cached
from rules.engine import RuleEngine
from rules.packs import builtin_pack_files, user_pack_files
from rules.settings import RulesSettings
from rules.universe import fell_back, imported_stamp


def load_engine(settings: RulesSettings, data_dir: Path | None = None) -> RuleEngine:
    """``RuleEngine.from_settings(settings, data_dir)``, cached; raises RuleError on invalid packs."""
    try:
        inputs = (repr(settings), _pack_texts(settings), imported_stamp(data_dir))
    except OSError:  # an unreadable pack: building says which, and why
        return RuleEngine.from_settings(settings, data_dir)

    def build() -> tuple[RuleEngine, bool]:
        engine = RuleEngine.from_settings(settings, data_dir)
        engine.linker.group_names()
        # Stored only when it was built from what the key names (no file changed meanwhile).
        unchanged = (repr(settings), _pack_texts(settings), imported_stamp(data_dir)) == inputs
        return engine, unchanged and not fell_back(inputs[2], engine.ciks)

    return cached("engine", build, inputs)


def _pack_texts(settings: RulesSettings) -> list[tuple[str, str]]:
    return (builtin_pack_files() if settings.builtin_packs else []) + user_pack_files(list(settings.packs))
