"""Tests for bot.normalize: parsing, HTML stripping, ids, dates, link and title keys."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.ingest import normalize
from bot.ingest.normalize import (
    MAX_SUMMARY,
    MAX_TITLE,
    canonical_link,
    parse_feed,
    title_key,
)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbor Street Wire</title>
<item>
  <guid isPermaLink="false">hsw-0001</guid>
  <title>Gizmo &amp;amp; Sons &lt;b&gt;beats&lt;/b&gt; estimates</title>
  <link>https://News.Example.com/story/gizmo/?utm_source=rss&amp;id=1#top</link>
  <description><![CDATA[<p>Quarterly sales rose <b>12%</b>&nbsp;to a record.</p>
    <script>track()</script><p>Caf&eacute; chain next.</p>]]></description>
  <pubDate>Wed, 05 Mar 2025 09:30:00 -0500</pubDate>
</item>
<item>
  <title>Ferry operator names new chief</title>
  <link>/stories/ferry-chief</link>
</item>
<item>
  <description>Only a summary here, no headline at all.</description>
</item>
<item><link>https://news.example.com/empty</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quayside Markets</title>
<id>urn:quayside</id><updated>2025-03-05T12:00:00Z</updated>
<entry>
  <id>urn:quayside:77</id>
  <title type="html">Lantern Corp &lt;em&gt;upgraded&lt;/em&gt;</title>
  <updated>2025-03-05T16:45:00+02:00</updated>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Analysts <i>raised</i> targets.</div></content>
</entry>
</feed>"""


def test_rss_items_are_normalised():
    parsed = parse_feed(RSS, feed="harbor", tags=("wire",), base_url="https://news.example.com/rss")

    assert parsed.problem is None
    first, second, third = parsed.items
    assert first.id == "hsw-0001"
    assert first.title == "Gizmo & Sons beats estimates"
    assert first.summary == "Quarterly sales rose 12% to a record. Café chain next."
    assert first.link == "https://News.Example.com/story/gizmo/?utm_source=rss&id=1#top"
    assert first.published == datetime(2025, 3, 5, 14, 30, tzinfo=timezone.utc)
    assert (first.feed, first.tags) == ("harbor", ("wire",))
    assert second.link == "https://news.example.com/stories/ferry-chief"
    assert second.id == "https://news.example.com/stories/ferry-chief"
    assert second.published is None
    assert third.title == "Only a summary here, no headline at all."


def test_without_summaries_items_keep_their_ids_titles_and_links():
    full = parse_feed(RSS, feed="harbor", base_url="https://news.example.com/rss").items
    lean = parse_feed(RSS, feed="harbor", base_url="https://news.example.com/rss", summaries=False).items
    assert [(i.id, i.title, i.link, i.published) for i in lean] == [(i.id, i.title, i.link, i.published) for i in full]
    assert [item.summary for item in lean] == ["", "", "Only a summary here, no headline at all."]  # its title is its summary


def test_atom_entry_is_normalised():
    (item,) = parse_feed(ATOM, feed="quayside").items
    assert (item.id, item.title, item.summary) == (
        "urn:quayside:77",
        "Lantern Corp upgraded",
        "Analysts raised targets.",
    )
    assert item.published == datetime(2025, 3, 5, 14, 45, tzinfo=timezone.utc)
    assert item.published.utcoffset().total_seconds() == 0


def test_ids_are_stable_across_parses():
    feed = b"""<rss version="2.0"><channel>
      <item><title>No guid, no link</title></item>
      <item><title>Linked only</title><link>http://example.org/a?fbclid=zz</link></item>
    </channel></rss>"""
    first = [item.id for item in parse_feed(feed, feed="f").items]
    second = [item.id for item in parse_feed(feed, feed="f").items]
    other_feed = [item.id for item in parse_feed(feed, feed="g").items]

    assert first == second
    assert first[0].startswith("title:") and first[0] != other_feed[0]
    assert first[1] == "http://example.org/a"


def test_lengths_are_capped():
    huge_title = "Headline " * 2000
    huge_summary = "<p>" + "word " * 1_000_000 + "</p>"
    feed = f"""<rss version="2.0"><channel><item><title>{huge_title}</title>
      <description><![CDATA[{huge_summary}]]></description></item></channel></rss>"""

    (item,) = parse_feed(feed.encode(), feed="big").items

    assert len(item.title) <= MAX_TITLE and item.title.endswith("…")
    assert len(item.summary) <= MAX_SUMMARY


def test_malformed_feed_gives_items_and_a_problem():
    broken = b"""<rss version="2.0"><channel><title>Dock &bogus; notes</title>
      <item><title>Crane order & delivery slip</title><guid>d-1</guid>
      <item><title>Second item never closed"""
    parsed = parse_feed(broken, feed="dock")
    assert parsed.problem
    assert [item.title for item in parsed.items][:1] == ["Crane order & delivery slip"]


def test_non_feed_bodies_give_a_problem():
    for body in (b"", b"<html><body><p>Not a feed</p></body></html>", b"\x00\xff" * 50, b"/etc/passwd"):
        parsed = parse_feed(body, feed="junk")
        assert parsed.items == []
        assert parsed.problem and parsed.problem.startswith("not an RSS/Atom feed")


def test_dangerous_links_are_dropped():
    feed = b"""<rss version="2.0"><channel><item><title>Click</title>
      <link>javascript:alert(1)</link></item></channel></rss>"""
    (item,) = parse_feed(feed, feed="x").items
    assert item.link is None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_feed_never_raises_on_bytes(body: bytes):
    parse_feed(body, feed="fuzz")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_parse_feed_never_raises_on_odd_entries(text: str):
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    body = f"<rss version='2.0'><channel><item><title>{escaped}</title><guid>{escaped}</guid>" \
        f"<description>{escaped}</description><pubDate>{escaped}</pubDate></item></channel></rss>"
    parsed = parse_feed(body.encode("utf-8", "surrogatepass"), feed="fuzz")
    for item in parsed.items:
        assert len(item.title) <= MAX_TITLE


def test_canonical_link():
    assert canonical_link("HTTPS://Example.COM:443/a/b/?utm_source=x&id=3&gclid=9#frag") == (
        "https://example.com/a/b?id=3"
    )
    assert canonical_link("http://example.com:8080/") == "http://example.com:8080"
    assert canonical_link("https://example.com/x?FBCLID=1&utm_Medium=rss") == "https://example.com/x"
    assert canonical_link("  ") is None
    assert canonical_link(None) is None
    assert canonical_link("http://[::1") == "http://[::1"  # malformed: returned as given


# Links near the edge of the plain-link shortcut: case, ports, users, fragments, empty or odd queries,
# tracking parameters, escapes, whitespace, params (";"), brackets, relative forms.
_ODD = st.sampled_from([""] * 12 + ["A", ":", ";", "#", "?", "&", "=", "%20", " ", "\t", "é", "+", "[", "@", "//", "/"])
_PIECE = st.builds("".join, st.lists(st.sampled_from(["a", "0", ".", "-", "_", "~", "!$'()*,", "%41", "x"]), max_size=4))
_SCHEMES = st.sampled_from(["http://", "https://", "https://", "HTTP://", "ftp://", "//", ""])
_HOSTS = st.sampled_from(["example.com", "news.example.co.uk", "a-1.b", "x", "1.2.3.4", "a..b", "News.Example.com", "", "h:8080", "h:443", "u@h", "[::1]", "[::1"])
_PATHS = st.lists(st.builds(lambda piece, odd: piece + odd, _PIECE, _ODD), max_size=4).map(lambda parts: "".join("/" + p for p in parts))
_PAIRS = st.sampled_from(["id=3", "utm_source=rss", "UTM_Medium=x", "gclid=9", "a=", "a", "a=b=c", "q=a+b", "s=%20", "", "x=é"])
_QUERIES = st.one_of(st.just(""), st.lists(_PAIRS, min_size=1, max_size=4).map(lambda pairs: "?" + "&".join(pairs)))
_LINK_PARTS = st.builds(lambda *parts: "".join(parts), _SCHEMES, _HOSTS, _PATHS, _QUERIES, _ODD)
LINKS = st.one_of(_LINK_PARTS, st.text(max_size=30))
BASES = st.sampled_from([None, "", "http://feeds.example.com/rss", "https://feeds.example.com/a/b?x=1"])


@settings(max_examples=3000, deadline=None)
@given(link=LINKS, base=BASES)
@example(link="http://a/b;", base="http://feeds.example.com/rss")
@example(link="http://a/b?", base="http://feeds.example.com/rss")
@example(link="http://a/b?q=a%20b&x", base=None)
def test_plain_link_shortcuts_give_what_parsing_gives(link: str, base: str | None):
    stripped = link.strip()
    if stripped:
        assert canonical_link(link) == normalize._canonical_by_parsing(stripped)
        assert normalize._absolute_http_link(link, base) == normalize._joined_http_link(stripped, base)


def test_title_key():
    assert title_key("Lantern Corp UPGRADED — to ‘Buy’!") == title_key("lantern corp upgraded: to 'buy'")
    assert title_key("Gizmo's  shares\tjump 5%") == "gizmos shares jump 5"
    assert title_key("ＷＩＤＥ text") == "wide text"
    assert title_key("!!!") == ""
