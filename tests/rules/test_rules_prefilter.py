"""Regex openings derived from the parsed pattern, and rules that try a regex only there
deciding exactly as rules that try it at every position."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rules.matcher
from bot.models import NewsItem
from rules.engine import RuleEngine
from rules.prefilter import ScoutedRegex, scout
from rules.schema import Rule
from rules.settings import RulesSettings
from rules.tickers import builtin_universe


def test_words_after_a_word_boundary_are_the_openings() -> None:
    scouted = scout(r"\b(?:raises|Lifted|moves)\s+\w+ to buy\b")
    assert (scouted.keys, scouted.marks, scouted.scan) == (
        frozenset({"raises*", "lifted*", "moves*"}), frozenset(), False)


def test_literals_after_a_group_are_appended_while_each_branch_is_whole() -> None:
    assert scout(r"\b(?:up|down) (?:sharply|\d+)").keys == {"up sharply*", "up*", "down sharply*", "down*"}
    assert scout(r"\bbillionaires? (?:are|is)").keys == {"billionaire*"}


def test_punctuation_openings_are_marks() -> None:
    scouted = scout(r"(?<![\w.%])[+-]\d{1,4}\s?%")
    assert (scouted.keys, scouted.marks) == (frozenset(), frozenset("+-"))


@pytest.mark.parametrize(
    "pattern",
    [r"a?b", r"\w+ rose", r"lessons?", r"\b\d+%", r"\bfoo|bar", r"(?m)^news"],
    ids=["optional start", "class", "no word boundary", "digits", "top-level branch", "multiline ^"],
)
def test_what_cannot_be_told_is_scanned(pattern: str) -> None:
    assert scout(pattern).scan


def test_punctuation_every_match_consumes_is_needed() -> None:
    scouted = scout(r"\bstake in [^()]{1,80}\(\s*(?:NASDAQ|NYSE)\s*:\s*\w+\)(?:\.|!)?")
    assert scouted.needs == {"(", ":", ")"}
    assert scouted.absent("Vanguard raises stake in Apple (NASDAQ AAPL)", 0, 44)
    assert not scouted.absent("Vanguard raises stake in Apple (NASDAQ:AAPL)", 0, 44)
    assert scout(r"(?:a|\()b").needs == scout(r"(?=:)x").needs == frozenset()  # a branch, a look-ahead


def test_a_caret_opens_only_where_the_search_starts() -> None:
    scouted = scout(r"^\s*prediction\b")
    assert scouted.at_start and scouted.starts("x. Prediction: y", [], 3, 16) == [3]


def _scanning(pattern: str) -> ScoutedRegex:
    return ScoutedRegex(re.compile(pattern, re.IGNORECASE), scan=True)


SCOUTED = RuleEngine.from_settings(RulesSettings())
with pytest.MonkeyPatch.context() as patch:
    patch.setattr(rules.matcher, "scout", _scanning)
    SCANNING = RuleEngine.from_settings(RulesSettings())

WORDS = st.sampled_from(
    ["Nvidia", "shares", "Stock", "CLOSED", "ended", "is", "are", "up", "down", "now", "-9%",
     "+22%", "5%", "about", "higher", "lower", "Benchmark", "raised", "Baidu", "to", "Buy",
     "Should you", "buy the dip", "lessons", "Billionaires are buying", "Prediction:", "Berkshire",
     "stake", "in", "Apple", "?", ".", ",", "(", "x", "_", "-", "ſhares", "İS", "ıs", "\n", "rose",
     "(NASDAQ:AAPL)", "NYSE:", ")", "Raises Stake in"]
)
TEXT = st.lists(WORDS | st.text(alphabet="ab +-%?.\n", max_size=3), max_size=30).map(
    lambda parts: "".join(p + (" " if i % 3 else "") for i, p in enumerate(parts))
)


@settings(max_examples=400, deadline=None)
@given(title=TEXT, summary=TEXT)
def test_trying_a_regex_only_at_its_openings_decides_as_scanning_does(title: str, summary: str) -> None:
    item = NewsItem(id="x", title=title, summary=summary)
    scouted_traces, scouted = SCOUTED.trace(item)
    scanning_traces, scanning = SCANNING.trace(item)
    assert scouted == scanning
    assert [t.notes for t in scouted_traces] == [t.notes for t in scanning_traces]


def test_a_rule_whose_only_phrase_opens_with_punctuation_fires() -> None:
    rule = Rule.model_validate({"id": "x.percent", "kind": "price_move", "any": ["%"], "require_ticker": False})
    engine = RuleEngine([rule], builtin_universe().linker(), 5.0)
    assert [c.evidence for c in engine.detect(NewsItem(id="x", title="Up 5% at the open"))] == [("%",)]
