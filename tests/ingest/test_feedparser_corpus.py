"""Every file of feedparser's test corpus goes through parse_feed cleanly."""

from __future__ import annotations

import re

import pytest

from bot.ingest.normalize import parse_feed
from tests.paths import SHARED

CORPUS = SHARED / "corpus" / "feedparser-tests"
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def test_corpus_parses_without_errors_or_markup():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    files = [path for path in sorted(CORPUS.rglob("*")) if path.is_file()]
    failures = []
    for path in files:
        try:
            parsed = parse_feed(path.read_bytes(), feed=path.name)
        except Exception as exc:  # noqa: BLE001 - collect every failure, report them together
            failures.append(f"{path}: raised {exc!r}")
            continue
        failures.extend(
            f"{path}: markup left in {text!r}"
            for item in parsed.items
            for text in (item.title, item.summary)
            if _TAG.search(text)
        )
    assert files
    assert not failures, "\n".join(failures[:50])
