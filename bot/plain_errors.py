"""Pydantic's validation errors said in plain words, with the value that was given and a "did you mean"."""

from __future__ import annotations

import re

from pydantic_core import ErrorDetails

from bot.suggest import did_you_mean

_PATTERNS = {
    r"^https?://": "must start with http:// or https://",
    r"^/": "must start with /",
    r"^[A-Za-z0-9_]+$": "may hold only letters, digits and _",
}
_KINDS = {
    "list_type": "must be a list, e.g. [\"a\", \"b\"]",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be text in quotes",
    "dict_type": "must be a table (a [section] or { key = value })",
    "model_type": "must be a table (a [section] or { key = value })",
}
_BOUNDS = {"greater_than": ("gt", "more than"), "greater_than_equal": ("ge", "at least"),
           "less_than": ("lt", "less than"), "less_than_equal": ("le", "at most")}


def plain_message(error: ErrorDetails) -> str:
    """What is wrong with the value at `error["loc"]`, without pydantic's wording."""
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "required, but missing"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{given!r} is not one of {', '.join(choices)}" + did_you_mean(str(given), choices)
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        return f"must be {words} {ctx[name]}, not {given!r}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"{_PATTERNS.get(pattern, f'must match {pattern}')}, not {given!r}"
    if kind in _KINDS:
        return f"{_KINDS[kind]}, not {given!r}"
    return error["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
