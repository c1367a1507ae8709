"""The rule modules the build compiles to C with mypyc (see setup.py), and which of them run so."""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from importlib.util import find_spec

# The modules an item passes through on its way to a catalyst, compiled together as one group.
# Their classes that the engine cache pickles are marked ``serializable`` for mypyc, and also
# ``allow_interpreted_subclasses``: with the first alone mypyc 2.4 never runs their __init__.
# A compiled frozen dataclass cannot be unpickled, so none of those is frozen.
MODULES = ("text", "prefilter", "names", "tickers", "matcher", "engine")


def compiled_modules() -> list[str]:
    """The modules of ``MODULES`` that import from a compiled build (found without importing them)."""
    found = []
    for name in MODULES:
        spec = find_spec(f"rules.{name}")
        if spec is not None and spec.origin is not None and spec.origin.endswith(tuple(EXTENSION_SUFFIXES)):
            found.append(name)
    return found


def describe() -> str:
    """How the rule engine runs, in words for ``--version``."""
    compiled = compiled_modules()
    if len(compiled) == len(MODULES):
        return "rule engine compiled with mypyc"
    if not compiled:
        return "rule engine in plain Python, slower: installed without a C compiler"
    return f"rule engine partly compiled, slower: only {', '.join(compiled)}; install again to compile the rest"
