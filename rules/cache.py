"""Built ticker universes and rule engines, kept in the user's cache directory under a key of
everything they are built from, so a command starts without building them again."""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources, util
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import TypeVar

_LOGGER = logging.getLogger(__name__)

CACHE_DIR_ENV = "CATALYST_BOT_CACHE_DIR"
_KEEP = 4  # of each kind: one per config in use, say
# Besides the rules package's own code and data, the packages whose code or data a stored value holds.
_PACKAGES = ("ahocorasick", "english_words", "pydantic", "pydantic_core", "pytickersymbols")

T = TypeVar("T")


def cache_dir() -> Path:
    """``$CATALYST_BOT_CACHE_DIR``, else the user's cache directory (``~/.cache/catalyst-bot``)."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("catalyst-bot", appauthor=False))


def cached(kind: str, build: Callable[[], tuple[T, bool]], inputs: object) -> T:
    """What ``build`` returns, from the cache when neither ``inputs`` (their ``repr``) nor the
    rules package nor the packages it builds with changed since it was stored. ``build`` returns
    the value and whether it may be stored (not when it fell back from a broken input, so the
    warning about it comes again at the next start). The cache is only an aid: unreadable or
    unwritable, the value is built."""
    path = cache_dir() / f"{kind}-{_key(inputs)}.pickle"
    with _collector_paused():
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except FileNotFoundError:
            pass
        except Exception as exc:  # noqa: BLE001 - any unpickling failure just means "build it"
            _LOGGER.debug("rebuilding the %s: cache %s unreadable: %s", kind, path, exc)
        value, storable = build()
    if storable:
        _store(kind, path, value)
    return value


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a value of ~100,000 long-lived objects is loaded or built:
    each collection would walk all of them and free none."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _key(inputs: object) -> str:
    digest = hashlib.sha256(_code_digest())
    digest.update(repr(inputs).encode())
    return digest.hexdigest()[:32]


@functools.cache
def _code_digest() -> bytes:
    """The Python version, the rules package's code (compiled modules by build time) and data,
    and its packages' install times."""
    digest = hashlib.sha256(sys.version.encode())
    for package in _PACKAGES:  # installed again (another version), its files are newer
        origin = util.find_spec(package).origin
        digest.update(f"{package} {os.stat(origin).st_mtime_ns}\n".encode())
    root = resources.files("rules")
    folders = (root, root.joinpath("data"), root.joinpath("packs"))
    for entry in sorted((e for folder in folders for e in folder.iterdir()), key=lambda e: (e.parent.name, e.name)):
        if not entry.is_file():
            continue
        if entry.name.endswith((".py", ".toml", ".tsv")):
            digest.update(f"{entry.parent.name}/{entry.name}".encode() + b"\0" + entry.read_bytes())
        elif entry.name.endswith(tuple(EXTENSION_SUFFIXES)):  # compiled modules: rebuilt, they are newer
            digest.update(f"{entry.name} {os.stat(entry).st_mtime_ns}\n".encode())
    return digest.digest()


def _store(kind: str, path: Path, value: object) -> None:
    """Write ``value`` atomically; keep the few most recently stored values of its kind."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as file:
            temporary = Path(file.name)
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        stored = sorted(path.parent.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in stored[:-_KEEP]:
            old.unlink(missing_ok=True)
    except Exception as exc:  # noqa: BLE001 - unwritable, or a value that cannot be pickled: just not cached
        _LOGGER.debug("%s not cached in %s: %s", kind, path.parent, exc)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
