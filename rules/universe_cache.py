"""The built ticker universe, kept in the user's cache directory under a key of everything it is
built from, so a command starts without deriving ~10,000 companies' everyday names again."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from importlib import resources, util
from pathlib import Path
from typing import TypeVar

_LOGGER = logging.getLogger(__name__)

CACHE_DIR_ENV = "CATALYST_BOT_CACHE_DIR"
_PREFIX = "universe-"
_KEEP = 4
# Besides the rules package's own code and data, the packages whose data go into the universe.
_PACKAGES = ("english_words", "pytickersymbols")

T = TypeVar("T")


def cache_dir() -> Path:
    """``$CATALYST_BOT_CACHE_DIR``, else the user's cache directory (``~/.cache/catalyst-bot``)."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("catalyst-bot", appauthor=False))


def cached(build: Callable[[], tuple[T, bool]], inputs: object) -> T:
    """What ``build`` returns, from the cache when neither ``inputs`` (their ``repr``) nor the
    rules package nor its data packages changed since it was stored. ``build`` returns the value
    and whether it may be stored (not when it fell back from a broken input, so the warning about
    it comes again at the next start). The cache is only an aid: unreadable or unwritable, the
    value is built."""
    path = cache_dir() / f"{_PREFIX}{_key(inputs)}.pickle"
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - any unpickling failure just means "build it"
        _LOGGER.debug("rebuilding the universe: cache %s unreadable: %s", path, exc)
    value, storable = build()
    if storable:
        _store(path, value)
    return value


def _key(inputs: object) -> str:
    digest = hashlib.sha256(repr(inputs).encode())
    for package in _PACKAGES:  # installed again (another version), its files are newer
        origin = util.find_spec(package).origin
        digest.update(f"{package} {os.stat(origin).st_mtime_ns}\n".encode())
    root = resources.files("rules")
    for entry in sorted((*root.iterdir(), *root.joinpath("data").iterdir()), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith((".py", ".toml", ".tsv")):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:32]


def _store(path: Path, value: object) -> None:
    """Write ``value`` atomically; keep the few most recently stored universes (one per config)."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as file:
            temporary = Path(file.name)
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        stored = sorted(path.parent.glob(f"{_PREFIX}*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in stored[:-_KEEP]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        _LOGGER.debug("universe not cached in %s: %s", path.parent, exc)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
