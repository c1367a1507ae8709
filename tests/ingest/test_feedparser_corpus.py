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


def test_without_summaries_the_corpus_gives_the_same_ids_titles_and_links():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    differ, emptied = [], 0
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        body = path.read_bytes()
        full = parse_feed(body, feed=path.name).items
        lean = parse_feed(body, feed=path.name, summaries=False).items
        if [(i.id, i.title, i.link, i.published) for i in lean] != [(i.id, i.title, i.link, i.published) for i in full]:
            differ.append(path.name)
        emptied += sum(1 for a, b in zip(lean, full, strict=True) if b.summary and not a.summary)
        differ.extend(path.name for a, b in zip(lean, full, strict=True) if a.summary not in ("", b.summary))
    assert emptied > 0
    assert differ == []
