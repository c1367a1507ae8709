"""The pack regexes written to start with a character set match exactly where their plain
`\\b(?:word|...)` forms do."""

from __future__ import annotations

import itertools
import re

import pytest

from rules.packs import load_rules
from rules.settings import RulesSettings

PLAIN = {
    "analyst_upgrade.raised_to_rating": [
        "raises|raised|raising|lifts|lifted|lifting|ups|upped|moves|moved|bumps|bumped|takes|took",
    ],
    "price_move.closed_percent": [
        "closed|closes|ended|ends|finished|finishes|opened|traded|trading|trades|were|was|is|are"
        "|now|shares|stock",
        "shares|stock|is|are|were|was|now",
    ],
}
PIECES = ["", " ", "x", "_", "-", "\n", "1", "İ", "ı", "ſ", "K", "$"]


@pytest.mark.parametrize("rule_id", sorted(PLAIN))
def test_prefix_regex_matches_like_the_plain_form(rule_id: str) -> None:
    rules = {r.id: r for r in load_rules(RulesSettings()).rules}
    for pattern, words in zip(rules[rule_id].regex, PLAIN[rule_id], strict=True):
        prefix = re.compile(pattern.split(r")\s+", 1)[0] + ")", re.IGNORECASE)
        plain = re.compile(rf"\b(?:{words})", re.IGNORECASE)
        forms = [f(w) for w in words.split("|") for f in (str.lower, str.upper, str.title)]
        forms += ["ſhares", "İs", "ıs", "Şhares", "ups", "xups"]
        for before, word, after in itertools.product(PIECES, forms, PIECES):
            text = before + word + after
            assert [m.span() for m in prefix.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], (rule_id, text)
