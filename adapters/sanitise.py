"""Feed text made safe to show anywhere: invisible format characters (bidi controls, zero-width marks) removed."""

from __future__ import annotations

import unicodedata


def visible(text: str) -> str:
    """`text` without Unicode format characters (category Cf: U+202A-202E, U+2066-2069, U+200B, U+FEFF, ...),
    so a headline can neither reverse the direction of what follows it nor hide characters."""
    if text.isascii():
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cf")
