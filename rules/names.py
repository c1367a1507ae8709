"""Turn registered company names ("NVIDIA CORP") into the names headlines use ("Nvidia")."""

from __future__ import annotations

import functools
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
    " enterprises industries brands entertainment ai".split()
)
# Trailing words newsrooms drop from names of three words or more ("Advanced Micro Devices" is
# "Advanced Micro"), and from two-word names whose first word is no dictionary word
# ("Keysight Technologies" is "Keysight").
_GENERIC = _DESCRIPTIVE | frozenset(
    "devices instruments pharmaceuticals pharmaceutical therapeutics biotherapeutics sciences"
    " biosciences technology solutions networks software semiconductor semiconductors labs"
    " laboratories communications motors motor corporation company incorporated markets interactive"
    " automotive computer computers health airways airlines".split()
)
# Words that open sentences ("Here's why", "That's") and are never a company's name alone.
_FUNCTION_WORDS = frozenset("here there what that this these those who how why when where it let now then".split())
# A first word written with an inner capital ("MasterCraft", "eBay") is a brand newsrooms use
# on its own; not for fund and blank-cheque families that share a manager's brand.
_BRAND = re.compile(r"^(?:[a-z]+[A-Z]|[A-Z][a-z]+[A-Z])[\w.]*$")
_FAMILY = frozenset(
    "fund funds trust acquisition acquisitions capital income municipal portfolio etf bdc"
    " strategic opportunities opportunity".split()
)
_SHELL = frozenset(("holding", "holdings", "group"))
_CLASS = re.compile(r"\b(?:class|series|cl)\s+[a-z]\b|\bcommon stock\b|\bordinary shares?\b")
_SPLIT = re.compile(r"[\s,]+")
_STRIP = re.compile(r"\([^)]*\)|[/\\]\s*[a-z]{2,3}\s*[/\\]?$")


@functools.lru_cache(maxsize=16)  # a company's forms, core name and plain forms are asked for in a row
def legal_forms(name: str) -> tuple[str, ...]:
    """The registered name without legal suffixes, as (cased) words."""
    text = _STRIP.sub(" ", _CLASS.sub(" ", name.lower()))
    words = [w.lstrip(".") for w in _SPLIT.split(text) if w.strip(".")]
    cased = _cased_words(name, words)
    while words and (words[-1].rstrip(".") in _LEGAL or words[-1] in ("&", "and")):
        words.pop()
        cased.pop()
    while words and words[0] == "the":
        words.pop(0)
        cased.pop(0)
    return _last_undotted(tuple(cased))


def _last_undotted(words: tuple[str, ...]) -> tuple[str, ...]:
    """Inner words keep the period of an abbreviation ("Warner Bros. Discovery", "T. Rowe
    Price"), as newsrooms write them; the last word of a name loses it."""
    if words and words[-1].endswith("."):
        return (*words[:-1], words[-1].rstrip("."))
    return words


def everyday_names(name: str, ordinary_first: bool = False) -> list[str]:
    """Names to look for in text: the legal-suffix-free name, then shorter forms.

    Shorter forms drop trailing descriptive words ("Holding", "Group", "Technologies"), so
    "Alibaba Group Holding Ltd" yields "Alibaba Group Holding", "Alibaba Group", "Alibaba".
    A name of three words or more also loses one trailing generic word ("Advanced Micro
    Devices" -> "Advanced Micro"), and a brand written with an inner capital stands alone
    ("MasterCraft Boat Holdings" -> "MasterCraft"). A two-word name loses its generic word
    when its first word is no dictionary word ("Keysight Technologies" -> "Keysight"), or, with
    ``ordinary_first`` (names of well-known companies), even when it is ("Ford Motor" -> "Ford").
    """
    registered = words = legal_forms(name)
    if not words:
        return []
    names = [" ".join(words)]
    while len(words) > 1 and (
        words[-1].lower() in _DESCRIPTIVE or (len(words) > 2 and words[-1].lower() in _GENERIC)
    ):
        words = _without_last(words)
        if sum(c.isalpha() for c in "".join(words)) >= 4:
            names.append(" ".join(words))
    if len(words) == 2 and words[-1].lower() in _GENERIC and (
        ordinary_first or not is_dictionary_word(words[0])
    ):
        names.append(words[0])
    brand = registered[0]
    if (
        len(registered) > 1
        and _BRAND.match(brand)
        and sum(c.isalpha() for c in brand) >= 5
        and _FAMILY.isdisjoint(w.lower() for w in registered)
        and brand not in names
    ):
        names.append(brand)
    return [n for n in names if n.lower() not in _FUNCTION_WORDS]


def core_name(name: str) -> str:
    """The registered name without legal suffixes and a trailing Holdings or Group: the name a
    company goes by ("Affirm Holdings, Inc." -> "Affirm"), which may lead a headline alone."""
    words = legal_forms(name)
    while len(words) > 1 and words[-1].lower() in _SHELL:
        words = _without_last(words)
    return " ".join(words)


def _without_last(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` without its last word and the "&", "and" or legal suffix that then end it."""
    words = words[:-1]
    while len(words) > 1 and (words[-1] in ("&", "and") or words[-1].lower().rstrip(".") in _LEGAL):
        words = words[:-1]
    return _last_undotted(words)


def is_dictionary_word(word: str) -> bool:
    """True when ``word`` is an ordinary English word ("target", "box"), so as a company name
    it needs a cue; names like "Nvidia" or "Keysight" are not."""
    return word.lower() in _dictionary()


@functools.cache
def _dictionary() -> frozenset[str]:
    from english_words import (
        get_english_words_set,  # imported lazily: it unpickles 100k words
    )

    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


def _cased_words(name: str, lowered: list[str]) -> list[str]:
    """Recover the original casing of ``lowered`` words; all-caps names become Title case."""
    source = name if not name.isupper() else name.title()
    found = [w.lstrip(".") for w in _SPLIT.split(_STRIP.sub(" ", source)) if w.strip(".")]
    by_lower = {w.lower(): w for w in found}
    return [by_lower.get(w, w) for w in lowered]
