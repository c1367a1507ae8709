"""The characters an anchor regex's match can start with, derived from the parsed pattern."""

from __future__ import annotations

import logging
import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

_LOGGER = logging.getLogger(__name__)

_MAX_CHARS = 4  # more than this and looking for them costs about what the regex search does
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}


def first_chars(patterns: list[str]) -> frozenset[str] | None:
    """Characters (both cases) one of which starts every match of any of ``patterns``
    (compiled case-insensitively); None when they cannot be told or are too many to help."""
    found: set[str] = set()
    for pattern in patterns:
        chars = _starts(list(sre_parse.parse(pattern, re.IGNORECASE)))
        if chars is None:
            return None
        found |= chars
    found |= {c.upper() for c in found} | {c.lower() for c in found}
    return frozenset(found) if len(found) <= 2 * _MAX_CHARS else None


def _starts(items: list) -> set[str] | None:
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return {chr(arg)}
        if op is sre.IN and all(o is sre.LITERAL for o, _ in arg):
            return {chr(a) for _, a in arg}
        if op is sre.SUBPATTERN:
            return _starts(list(arg[-1]))
        if op is sre.BRANCH:
            chars: set[str] = set()
            for branch in arg[1]:
                sub = _starts(list(branch))
                if sub is None:
                    return None
                chars |= sub
            return chars
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            return _starts(list(arg[2]))
        return None
    return None
