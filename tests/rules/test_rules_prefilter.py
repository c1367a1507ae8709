"""The first characters derived from anchor regexes: exact where they can be told, None otherwise."""

from __future__ import annotations

from rules.prefilter import first_chars


def test_a_literal_after_a_lookbehind_is_the_start() -> None:
    assert first_chars([r"(?<![\w.%])\+\d{1,4}\s?%"]) == frozenset("+")


def test_branches_and_patterns_are_joined_in_both_cases() -> None:
    assert first_chars([r"\b(?:up|Down)\b", r"x+y"]) == frozenset("uUdDxX")


def test_an_optional_start_or_a_class_cannot_be_told() -> None:
    assert first_chars([r"a?b"]) is None
    assert first_chars([r"\w+"]) is None
    assert first_chars([r"\b(?:raises|lifts|ups|moves|bumps|takes)\b"]) is None  # too many to help
