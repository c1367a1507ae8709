"""Turn registered company names ("NVIDIA CORP") into the names headlines use ("Nvidia")."""

from __future__ import annotations

import logging
import re

_LOGGER = logging.getLogger(__name__)

_LEGAL = frozenset(
    "inc incorporated corp corporation co company companies cos ltd limited plc llc lp l.p llp"
    " sa s.a nv n.v sa/nv ag se spa s.p.a bv b.v ab asa oyj kgaa gmbh pte bhd tbk the"
    " adr ads new /de /de/ /md/ /nv/ /new/ de".split()
)
_DESCRIPTIVE = frozenset(
    "holding holdings group technologies platforms international worldwide global systems"
    " enterprises industries brands entertainment".split()
)
_CLASS = re.compile(r"\b(?:class|series|cl)\s+[a-z]\b|\bcommon stock\b|\bordinary shares?\b")
_SPLIT = re.compile(r"[\s,]+")
_STRIP = re.compile(r"\([^)]*\)|[/\\]\s*[a-z]{2,3}\s*[/\\]?$")


def legal_forms(name: str) -> list[str]:
    """The registered name without legal suffixes, as (cased) words joined by spaces."""
    text = _STRIP.sub(" ", _CLASS.sub(" ", name.lower()))
    words = [w.strip(".") for w in _SPLIT.split(text) if w.strip(".")]
    cased = _cased_words(name, words)
    while words and (words[-1] in _LEGAL or words[-1] in ("&", "and")):
        words.pop()
        cased.pop()
    while words and words[0] == "the":
        words.pop(0)
        cased.pop(0)
    return cased


def everyday_names(name: str, shorten: bool) -> list[str]:
    """Names to look for in text: the legal-suffix-free name and, if ``shorten``, shorter forms.

    Shorter forms drop trailing descriptive words ("Holding", "Group", "Technologies"), so
    "Alibaba Group Holding Ltd" yields "Alibaba Group Holding", "Alibaba Group", "Alibaba".
    """
    words = legal_forms(name)
    if not words:
        return []
    names = [" ".join(words)]
    while shorten and len(words) > 1 and words[-1].lower() in _DESCRIPTIVE:
        words = words[:-1]
        while len(words) > 1 and (words[-1] in ("&", "and") or words[-1].lower() in _LEGAL):
            words = words[:-1]
        if sum(c.isalpha() for c in "".join(words)) >= 4:
            names.append(" ".join(words))
    return names


def _cased_words(name: str, lowered: list[str]) -> list[str]:
    """Recover the original casing of ``lowered`` words; all-caps names become Title case."""
    source = name if not name.isupper() else name.title()
    found = [w.strip(".") for w in _SPLIT.split(_STRIP.sub(" ", source)) if w.strip(".")]
    by_lower = {w.lower(): w for w in found}
    return [by_lower.get(w, w) for w in lowered]
