"""Text normalisation and sentence splitting shared by ticker linking and rule matching."""

from __future__ import annotations

import html
import logging
import re
import unicodedata

_LOGGER = logging.getLogger(__name__)

_TAG = re.compile(r"<[^<>]{0,300}>")
_SPACE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Text without these has nothing for _SPACE to change (its matches are single plain spaces).
_ODD_SPACE = re.compile(r"[\t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]|  ")
# Typographic punctuation, as written on a keyboard.
_PLAIN_PUNCTUATION = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": " - ",
    "\u2212": "-",
    "\uff05": "%",
}
# Substituted by a regex (which skips the other characters in C): str.translate of non-ASCII
# text looks every character up in a dict.
_TYPOGRAPHIC = re.compile("[" + "".join(_PLAIN_PUNCTUATION) + "]")
# `[.!?]+["')\]]*\s+|\n+`, written to start with one character set, which the regex engine
# scans for quickly instead of trying every position.
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)\n*|(?<=[.!?])[.!?]*[\"')\]]*\s+)")
_ABBREVIATIONS = frozenset(
    "inc corp co ltd plc no nos vs mr mrs ms dr st jr sr u.s u.k jan feb mar apr jun jul aug sep"
    " sept oct nov dec est approx dept gov sen rep adj fig e.g i.e etc al bros cos intl hldgs mfg natl".split()
)


# A news wire's slug glued to the headline it opens ("UPDATE 2-Snap sinks", "RPT-EXCLUSIVE-Nvidia ...").
_WIRE_SLUG = re.compile(
    r"^(?:(?:UPDATE|WRAPUP)(?: \d+)?|RPT|EXCLUSIVE|BRIEF|BUZZ|CORRECTED|REFILE|FACTBOX|ANALYSIS|INSIGHT"
    r"|EXPLAINER|FOCUS|BREAKINGVIEWS|PRESS DIGEST|(?:US|GLOBAL|EMERGING|EUROPE|CANADA) (?:STOCKS|MARKETS))-(?! )"
)


def clean(text: str) -> str:
    """Unescape HTML, drop tags and a wire's slug, fold typographic punctuation and collapse spaces."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if not text.isascii():  # every character _PLAIN_PUNCTUATION maps is outside ASCII
        text = _TYPOGRAPHIC.sub(_plain_punctuation, text)
    # every character _ODD_SPACE looks for is unprintable: printable text needs only the "  " test
    if "  " in text or (not text.isprintable() and _ODD_SPACE.search(text)):
        text = _SPACE.sub(" ", text)
    text = text.strip()
    slug = _WIRE_SLUG.match(text) if "-" in text[:20] else None
    while slug is not None:
        text = text[slug.end() :]
        slug = _WIRE_SLUG.match(text)
    return text


def _plain_punctuation(match: re.Match[str]) -> str:
    return _PLAIN_PUNCTUATION[match[0]]


def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length, so offsets stay valid."""
    if not text.isascii():  # the dotted and dotless i a case-insensitive regex takes for "i"
        text = text.replace("\u0130", "i").replace("\u0131", "i")
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# For bytes.translate (much quicker than str.translate): every ASCII digit as "0", every
# other character that is no letter or digit as a space; for the rest see is_word_char.
_ASCII_GAPS = bytes(
    48 if chr(c).isdigit() else c if chr(c).isalnum() else 32 for c in range(128)
) + bytes(range(128, 256))
_MAYBE_GAP = re.compile(r"[^a-z0 ]")


def is_word_char(char: str) -> bool:
    """Letters and digits, except letters of scripts written without spaces (Chinese, ...)."""
    return char.isalnum() and (char.isascii() or unicodedata.category(char) != "Lo")


def spaced(folded: str) -> str:
    """``folded`` between two spaces, with a space for every character that is no word
    character (``is_word_char``) and "0" for every digit: a space then stands before every
    word start, at offset + 1, and one search finds a word followed by any number."""
    if folded.isascii():
        return f" {folded.encode().translate(_ASCII_GAPS).decode()} "
    return f" {_MAYBE_GAP.sub(_gap, folded)} "


def _gap(match: re.Match[str]) -> str:
    char = match[0]
    return "0" if char.isdigit() else char if is_word_char(char) else " "


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences of ``text``.

    Splits after ``.``, ``!``, ``?`` (not after common abbreviations or initials) and on line
    breaks.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        if match.group().startswith(".") and _is_abbreviation(text, start, end):
            continue
        if end > start:
            spans.append((start, end + (1 if text[end] in ".!?" else 0)))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    word = text[start:end].rsplit(" ", 1)[-1].lower().lstrip("(\"'")
    if len(word) == 1 or word in _ABBREVIATIONS:
        return True
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        return True
    nxt = text[end + 1 : end + 3].lstrip()
    return bool(nxt) and nxt[0].islower()
