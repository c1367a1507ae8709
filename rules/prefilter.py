"""Where a rule's regex can match: the literal words its matches begin with, derived from the
parsed pattern, so the regex is tried only where the engine's automaton saw one of them
instead of at every position of the text."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

_LOGGER = logging.getLogger(__name__)

_MAX_HEADS = 64  # beyond this many alternative openings, the shorter ones found so far serve
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_WORD_BOUNDARY = (sre.AT, sre.AT_BOUNDARY)


@dataclass  # not frozen: see rules/compiled.py
class ScoutedRegex:
    """A rule's regex (case-insensitive) and where its matches can start: at a word-start hit
    of one of ``keys`` (phrase keys the automaton reports, ``word*`` form) or at one of the
    ``marks`` (punctuation, looked up with ``str.find``); only at the start of the text
    searched for a pattern opening with ``^``. ``scan``: nothing could be derived, so every
    position is tried."""

    regex: re.Pattern[str]
    keys: frozenset[str] = frozenset()
    marks: frozenset[str] = frozenset()
    scan: bool = False
    at_start: bool = False
    needs: frozenset[str] = frozenset()  # punctuation every match holds: text without one has none

    def absent(self, text: str, lo: int, hi: int) -> bool:
        """True when ``text[lo:hi]`` lacks a character every match needs (so none can be there)."""
        return any(text.find(char, lo, hi) < 0 for char in self.needs)

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def starts(self, text: str, key_spans: list[tuple[int, int]], lo: int, hi: int) -> list[int]:
        """The positions in ``text[lo:hi]`` where a match can start, in order;
        ``key_spans``: the automaton's hits of ``keys``."""
        if self.at_start:
            return [lo]
        found = [s for s, _ in key_spans if lo <= s < hi]
        for mark in self.marks:
            at = text.find(mark, lo, hi)
            while at >= 0:
                found.append(at)
                at = text.find(mark, at + 1, hi)
        return sorted(set(found)) if self.marks else found


def scout(pattern: str) -> ScoutedRegex:
    """``pattern`` compiled case-insensitively, with the openings of its matches.

    Letters are matched as the engine folds text (``str.lower``). An opening word counts only
    when the pattern asserts a word start before it (``\\b`` or a look-behind excluding word
    characters): the automaton reports words at their starts only.
    """
    regex = re.compile(pattern, re.IGNORECASE)
    parsed = sre_parse.parse(pattern, re.IGNORECASE)
    items = list(parsed)
    needs = frozenset(_needs(items))
    if items[:1] == [(sre.AT, sre.AT_BEGINNING)] and not parsed.state.flags & re.MULTILINE:
        return ScoutedRegex(regex, at_start=True, needs=needs)
    heads, _ = _heads(items)
    keys: set[str] = set()
    marks: set[str] = set()
    for head in heads:
        if head[:1].isalnum():
            word = _ascii_word(head)
            if not word or not _bounded(items):
                return ScoutedRegex(regex, scan=True, needs=needs)
            keys.add(word + "*")
        elif head:
            marks.add(head[0])
        else:
            return ScoutedRegex(regex, scan=True, needs=needs)
    return ScoutedRegex(regex, frozenset(keys), frozenset(marks), needs=needs)


def _needs(items: list) -> set[str]:
    """The punctuation characters every match of ``items`` consumes: its literals outside
    alternatives, optional parts and look-arounds ("(" and ":" of an exchange tag)."""
    found: set[str] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            char = chr(arg)
            if not char.isalnum() and not char.isspace():
                found.add(char)
        elif op is sre.SUBPATTERN:
            found |= _needs(list(arg[-1]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            found |= _needs(list(arg[2]))
    return found


def _heads(items: list) -> tuple[set[str], bool]:
    """Lower-case literal strings one of which begins every match of ``items``, and whether each
    is a whole match (so what follows may be appended)."""
    heads = {""}
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the openings stay the same
        if op is sre.LITERAL:
            sub, whole = {chr(arg).lower()}, True
        elif op is sre.IN and all(o is sre.LITERAL for o, _ in arg):
            sub, whole = {chr(a).lower() for _, a in arg}, True
        elif op is sre.SUBPATTERN:
            sub, whole = _heads(list(arg[-1]))
        elif op is sre.BRANCH:
            branches = [_heads(list(branch)) for branch in arg[1]]
            sub = set().union(*(b for b, _ in branches))
            whole = all(w for _, w in branches)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            sub, whole = _heads(list(arg[2]))[0], False
        else:
            return heads, False
        if len(heads) * len(sub) > _MAX_HEADS:
            return heads, False
        heads = {h + s for h in heads for s in sub}
        if not whole:
            return heads, False
    return heads, True


def _ascii_word(head: str) -> str:
    """The opening as a phrase key: its leading ASCII letters, digits and single spaces."""
    word: list[str] = []
    for char in head.replace("-", " "):
        if not (char.isascii() and (char.isalnum() or char == " ")) or (char == " " and word[-1:] == [" "]):
            break
        word.append(char)
    return "".join(word).rstrip()


def _bounded(items: list) -> bool:
    """True when the pattern opens by asserting that no word character comes before."""
    for op, arg in items:
        if op is sre.AT:
            if (op, arg) == _WORD_BOUNDARY:
                return True
        elif op is sre.ASSERT_NOT and arg[0] == -1:
            inner = list(arg[1])
            if len(inner) == 1 and inner[0][0] is sre.IN and (sre.CATEGORY, sre.CATEGORY_WORD) in inner[0][1]:
                return True
        elif op is not sre.ASSERT:
            return False
    return False
