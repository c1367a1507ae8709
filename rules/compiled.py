"""The rule modules the build compiles to C with mypyc (see setup.py), and which of them run so."""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from importlib.util import find_spec
from pathlib import Path

# The modules an item passes through on its way to a catalyst, compiled together as one group.
# Their classes that the engine cache pickles are marked ``serializable`` for mypyc, and also
# ``allow_interpreted_subclasses``: with the first alone mypyc 2.4 never runs their __init__.
# A compiled frozen dataclass cannot be unpickled, so none of those is frozen.
MODULES = ("text", "prefilter", "names", "tickers", "matcher", "engine")


def _build(name: str) -> Path | None:
    """The compiled module that ``rules.<name>`` imports from, if any (found without importing it)."""
    spec = find_spec(f"rules.{name}")
    if spec is None or spec.origin is None or not spec.origin.endswith(tuple(EXTENSION_SUFFIXES)):
        return None
    return Path(spec.origin)


def compiled_modules() -> list[str]:
    """The modules of ``MODULES`` that import from a compiled build."""
    return [name for name in MODULES if _build(name) is not None]


def stale_modules() -> list[str]:
    """The compiled modules older than their source: an edit not built yet, which Python would
    not run (it imports the build first)."""
    stale = []
    for name in MODULES:
        build = _build(name)
        if build is not None and build.stat().st_mtime_ns < (build.parent / f"{name}.py").stat().st_mtime_ns:
            stale.append(name)
    return stale


def describe() -> str:
    """How the rule engine runs, in words for ``--version``."""
    compiled = compiled_modules()
    if len(compiled) == len(MODULES):
        return "rule engine compiled with mypyc"
    if not compiled:
        return "rule engine in plain Python, slower: installed without a C compiler"
    return f"rule engine partly compiled, slower: only {', '.join(compiled)}; install again to compile the rest"
