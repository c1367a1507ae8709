"""fastfeedparser first, feedparser as the fallback: both give the same NewsItems wherever the fast path is taken."""

from __future__ import annotations

import pytest

from bot.ingest import normalize
from bot.ingest.normalize import parse_feed
from tests.fakes.feedserver import EXPORT_NEWS, ORDINARY_NEWS, rss
from tests.paths import SHARED

CORPUS = SHARED / "corpus" / "feedparser-tests"


def feedparser_only(body: bytes, monkeypatch: pytest.MonkeyPatch, **kwargs) -> list:
    with monkeypatch.context() as patch:
        patch.setattr(normalize, "_parse_fast", lambda *args, **kw: None)
        return parse_feed(body, **kwargs).items


def test_a_plain_feed_takes_the_fast_path_and_matches_feedparser(monkeypatch):
    body = rss(EXPORT_NEWS, ORDINARY_NEWS).encode()
    fast = normalize._parse_fast(body, feed="wire", tags=("pr",), base_url="https://news.example.com/")  # noqa: SLF001
    assert fast is not None
    assert fast == feedparser_only(body, monkeypatch, feed="wire", tags=("pr",), base_url="https://news.example.com/")
    assert [(item.id, item.title) for item in fast] == [(EXPORT_NEWS[0], EXPORT_NEWS[1]), (ORDINARY_NEWS[0], ORDINARY_NEWS[1])]


@pytest.mark.parametrize(
    "body",
    [
        b"<rss version='2.0'><channel><item><title>Caf&#XE9;</title></item></channel></rss>",
        b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title type='xhtml'><div>A <b>b</b></div></title></entry></feed>",
        b"<rss version='2.0'><channel><item><description>no title here</description></item></channel></rss>",
        b"<rss version='2.0'><channel><item><title>caf\xe9 (latin-1, undeclared)</title></item></channel></rss>",
    ],
)
def test_bodies_fastfeedparser_reads_differently_go_to_feedparser(body):
    assert normalize._parse_fast(body, feed="f", tags=(), base_url=None) is None  # noqa: SLF001
    assert parse_feed(body, feed="f").items  # and feedparser still finds the item


def test_fast_and_feedparser_agree_on_every_corpus_file_both_parse(monkeypatch):
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    compared, differ = 0, []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        body = path.read_bytes()
        fast = normalize._parse_fast(body, feed=path.name, tags=(), base_url=None)  # noqa: SLF001
        if fast is None:
            continue
        compared += 1
        if fast != feedparser_only(body, monkeypatch, feed=path.name):
            differ.append(str(path.relative_to(CORPUS)))
    assert compared > 0
    assert differ == []
