"""Property tests: arbitrary Unicode never crashes the engine or the explainer, and detect (which
skips anchors whose hits could add nothing) decides as the full trace does."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import NewsItem
from rules.engine import RuleEngine
from rules.explain import explain
from rules.settings import RulesSettings

ENGINE = RuleEngine.from_settings(RulesSettings())
WORDS = st.sampled_from(
    ["Nvidia", "$BABA", "(NYSE:BABA)", "rose", "8.1%", "52-week high", "upgrades", "to Buy",
     "stake in", "Berkshire", "export licence", "China", "tops", "leaderboard", "İ", "ß", "\u0130",
     "&amp;", "<b>", "...", "—", "\n", "?", "京东", "Micron", "shares", "jumps", "fell", "9%", "and",
     ",", "Intel", "Mizuho", "raised", "price target", "Broadcom", "hit a record high"]
)
TEXT = st.one_of(st.text(max_size=300), st.lists(WORDS | st.text(max_size=5), max_size=40).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(title=TEXT, summary=TEXT)
def test_detect_never_crashes(title: str, summary: str) -> None:
    for catalyst in ENGINE.detect(NewsItem(id="x", title=title, summary=summary)):
        assert catalyst.kind and catalyst.rule


@settings(max_examples=100, deadline=None)
@given(title=TEXT)
def test_explain_never_crashes(title: str) -> None:
    assert explain(NewsItem(id="x", title=title), ENGINE, io.StringIO()) == 0


@settings(max_examples=300, deadline=None)
@given(title=TEXT, summary=TEXT)
def test_detect_finds_what_the_full_trace_finds(title: str, summary: str) -> None:
    item = NewsItem(id="x", title=title, summary=summary)
    assert ENGINE.detect(item) == ENGINE.trace(item)[1]
