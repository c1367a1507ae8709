"""The fast forms of word counting, sentence splitting and the spaced text agree with their plain definitions."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.matcher import Prepared
from rules.text import _SENTENCE_END, is_word_char, spaced
from rules.tickers import Universe

# A word: letters and digits, joined by single . , ' ("3.8", "U.S", "don't").
WORD = re.compile(r"[^\W_]+(?:[.,'][^\W_]+)*")
SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+|\n+")
TEXT = st.text(alphabet=st.sampled_from("ab17_.,'!?\"') \n\t-é京²٣\x00"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, data=st.data())
def test_words_between_counts_the_words_starting_in_the_gap(text: str, data) -> None:
    starts = [m.start() for m in WORD.finditer(text)]
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    item = Prepared(text, text.lower(), spaced(text.lower()), {}, Universe().linker())
    assert item.words_between(start, end) == sum(start <= s < end for s in starts)


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_sentence_ends_are_found_where_the_plain_pattern_finds_them(text: str) -> None:
    assert [m.span() for m in _SENTENCE_END.finditer(text)] == [
        m.span() for m in SENTENCE_END.finditer(text)
    ]


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_spaced_text_has_a_space_for_every_character_that_is_no_word_character(text: str) -> None:
    folded = text.lower()
    plain = "".join("0" if c.isdigit() else c if is_word_char(c) else " " for c in folded)
    assert spaced(folded) == f" {plain} "
