"""A "did you mean" hint for a misspelt name, from the names that exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`" (did you mean 'x'?)"` for the closest of `choices`, or "" when none is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
