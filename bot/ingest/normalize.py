"""Parse RSS/Atom bodies (fastfeedparser, feedparser as the fallback) and normalise entries into NewsItems."""

from __future__ import annotations

import calendar
import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import fastfeedparser
import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from bot.models import NewsItem

_LOGGER = logging.getLogger(__name__)

MAX_TITLE = 500
MAX_SUMMARY = 5000
_MAX_ID = 512
# Raw markup longer than this many times the text cap is cut before HTML parsing.
_MARKUP_FACTOR = 8
_STRIP_PASSES = 3

_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_MARKUP_LIKE = re.compile(r"<[a-zA-Z/!?]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")
_NOT_WORD = re.compile(r"[\W_]+")
_DROP_ELEMENTS = ("head", "script", "style", "noscript", "template", "iframe", "object")
_BLOCK_ELEMENTS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table td th tr ul".split()
)
_TRACKING_PARAMS = frozenset(
    "fbclid gclid dclid gbraid wbraid msclkid yclid igshid mc_cid mc_eid _hsenc _hsmi mkt_tok "
    "ref_src ncid cmpid".split()
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Links the URL functions return unchanged: lowercase http(s) scheme and host, no port, user or fragment,
# a path and query of characters urljoin and urlsplit leave alone (no ";", whitespace, "#", empty query).
_PLAIN_LINK = re.compile(r"(https?://[a-z0-9.-]+)(/[\w.~%!$&'()*+,=:@/-]*)?(?:\?([\w.~=&-]+))?", re.ASCII)
# A query pair that parse_qsl and urlencode give back as it is.
_PLAIN_PAIR = re.compile(r"[\w.~-]+=[\w.~-]*", re.ASCII)
# What fastfeedparser reads differently from feedparser: base64 or escaped Atom modes, "&#X41;" references,
# markup in Atom text constructs, non-text Atom content, RSS 1.0 item ids, core names in other namespaces
# (media:title, dc:description...), element markup inside a title...
_FAST_UNSAFE = re.compile(
    rb"""mode=["']|type=["'](?:xhtml|application/)|&#X[0-9a-fA-F]|rdf:about"""
    rb"""|<(?!content:encoded)[\w.-]+:(?:title|description|link|guid|id|summary|content)[\s/>]"""
    rb"""|<title(?:\s[^>]*)?>[^<]*<(?!!\[CDATA|/title)"""
)
# Atom elements inside an RSS item (<link href=...>, <id>) are read differently too.
_ATOM_IN_RSS = re.compile(rb"<(?:link\s[^>]*\bhref=|id>)")
_HEAD = 1024
# ...and bodies it decoded with the wrong charset (replacement or C1 control characters in the text).
_MISDECODED = re.compile("[\ufffd\x80-\x9f]")


@dataclass(frozen=True)
class ParsedFeed:
    """Items found in one body, and what was wrong with it (None when it was well-formed)."""

    items: list[NewsItem]
    problem: str | None


def parse_feed(
    body: bytes, *, feed: str, tags: tuple[str, ...] = (), base_url: str | None = None, summaries: bool = True
) -> ParsedFeed:
    """Parse one feed body into NewsItems; pure, and never raises.

    Args:
        body: the raw bytes as fetched.
        feed: the feed's name, copied into every item (and into title-hash ids).
        tags: the feed's tags, copied into every item.
        base_url: where the body came from, to resolve relative item links. It is applied
            here, not given to feedparser, which would resolve every element against it
            (a third of the parse time).
        summaries: False leaves summaries empty unless an item's title comes from it (a baseline
            records only ids, links and titles; the summary's markup is a third of the parse time).
    """
    items = _parse_fast(body, feed=feed, tags=tags, base_url=base_url, summaries=summaries)
    if items is not None:
        return ParsedFeed(items, None)
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),  # a file object: feedparser would open a str/bytes as a path or URL
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the scheduler
        _LOGGER.warning("feedparser failed on feed %s", feed, exc_info=True)
        return ParsedFeed([], f"feedparser crashed: {type(exc).__name__}: {exc}")
    items = _to_items(parsed.entries, feed=feed, tags=tags, base_url=base_url, summaries=summaries)
    return ParsedFeed(items, _describe_problem(parsed, items))


def _parse_fast(
    body: bytes, *, feed: str, tags: tuple[str, ...], base_url: str | None, summaries: bool = True
) -> list[NewsItem] | None:
    """Items by fastfeedparser (11-19x faster), or None when feedparser should decide: the body has a
    construct the two read differently or is not well-formed, fastfeedparser raised or found no entries, or an entry lacks
    what the normaliser needs (its own title, text in the right charset, a readable date)."""
    if _FAST_UNSAFE.search(body) or (b"<rss" in body[:_HEAD] and _ATOM_IN_RSS.search(body)) or not _well_formed(body):
        return None
    try:
        entries = fastfeedparser.parse(body, include_tags=False, include_media=False, include_enclosures=False).entries
    except Exception:  # noqa: BLE001 - anything it cannot read, feedparser reads (or explains)
        return None
    if not entries:
        return None
    has_ids = b"<guid" in body or b"<id" in body
    shaped = []
    for entry in entries:
        fields = _feedparser_shape(entry, has_ids)
        if fields is None:
            return None
        shaped.append(fields)
    items = _to_items(shaped, feed=feed, tags=tags, base_url=base_url, summaries=summaries)
    return items if len(items) == len(shaped) else None


def _well_formed(body: bytes) -> bool:
    """fastfeedparser recovers from broken XML silently; feedparser says what was wrong (a tenth of the parse time)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        etree.fromstring(body, parser)
    except (etree.LxmlError, ValueError):
        return False
    return True


def _feedparser_shape(entry: dict, has_ids: bool) -> dict | None:
    """A fastfeedparser entry under feedparser's names (`summary`, a UTC `published_parsed`); None if it lacks one."""
    if not entry.get("title"):
        return None  # feedparser picks the summary a title-less item is named by
    if any(_MISDECODED.search(entry.get(key) or "") for key in ("title", "description")):
        return None
    link, guid = entry.get("link"), entry.get("id")
    if guid and guid == link:  # fastfeedparser names an item without a guid by its link, feedparser does not
        if has_ids and canonical_link(link) != link:
            return None  # a real guid or a stand-in: only feedparser can tell
        guid = guid if has_ids else None
    fields = {"id": guid, "title": entry["title"], "link": link}
    fields["summary"] = entry.get("description")
    fields["content"] = entry.get("content")
    published = entry.get("published") or entry.get("updated")
    if published:
        try:
            when = datetime.fromisoformat(published)
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        fields["published_parsed"] = when.astimezone(timezone.utc).timetuple()
    return fields


def _to_items(
    entries: list, *, feed: str, tags: tuple[str, ...], base_url: str | None, summaries: bool
) -> list[NewsItem]:
    items = []
    for entry in entries:
        try:
            item = to_news_item(entry, feed=feed, tags=tags, base_url=base_url, with_summary=summaries)
        except Exception:  # noqa: BLE001 - one odd entry must not lose the others
            _LOGGER.warning("skipping an entry of feed %s", feed, exc_info=True)
            continue
        if item is not None:
            items.append(item)
    return items


def _describe_problem(parsed: feedparser.FeedParserDict, items: list[NewsItem]) -> str | None:
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    bozo_text = (str(bozo) or type(bozo).__name__) if bozo is not None else None
    if not parsed.entries and not parsed.get("version"):
        return "not an RSS/Atom feed" + (f": {bozo_text}" if bozo_text else "")
    if parsed.entries and not items:
        return f"none of the {len(parsed.entries)} entries has a title or summary"
    return bozo_text


def to_news_item(
    entry: dict, *, feed: str, tags: tuple[str, ...] = (), base_url: str | None = None, with_summary: bool = True
) -> NewsItem | None:
    """Normalise one feedparser entry; None when it has neither title nor summary.

    Without `with_summary` the item's summary is left empty, unless its title comes from it.
    """
    title = html_to_text(entry.get("title") or "", MAX_TITLE)
    summary = html_to_text(_summary_markup(entry), MAX_SUMMARY) if with_summary or not title else ""
    title = title or _truncate(summary, MAX_TITLE)
    if not title:
        return None
    link = _absolute_http_link(entry.get("link"), base_url)
    return NewsItem(
        id=_stable_id(entry.get("id"), link, feed, title),
        title=title,
        summary=summary,
        link=link,
        published=_published(entry),
        feed=feed,
        tags=tags,
    )


def _summary_markup(entry: dict) -> str:
    summary = entry.get("summary")
    if summary:
        return summary
    for content in entry.get("content") or ():
        if content.get("value"):
            return content["value"]
    return ""


def html_to_text(markup: str, limit: int) -> str:
    """Plain text of an HTML fragment: tags and scripts removed, entities decoded,
    whitespace collapsed, cut to ``limit`` characters."""
    text = markup[: limit * _MARKUP_FACTOR]
    for _ in range(_STRIP_PASSES):  # double-escaped markup decodes to markup again
        text = _CONTROL.sub("", text)
        if not _MARKUP_LIKE.search(text):
            break
        text = _strip_markup(text)
    return _truncate(_WHITESPACE.sub(" ", text).strip(), limit)


def _strip_markup(markup: str) -> str:
    # A parser per call (about 1 µs): lxml parsers must not be shared between threads.
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = etree.fromstring(markup, parser)
    except (etree.LxmlError, ValueError):
        root = None
    if root is None:  # libxml2 found no element: only a comment, CDATA, "<!DOCTYPE" text...
        return BeautifulSoup(markup, "html.parser").get_text(" ")
    for element in list(root.iter(*_DROP_ELEMENTS)):
        _remove_keeping_tail(element)
    for element in root.iter():
        if element.tag in _BLOCK_ELEMENTS:
            element.tail = " " + (element.tail or "")
    return "".join(root.itertext())


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def _absolute_http_link(link: str | None, base_url: str | None) -> str | None:
    if not link or not link.strip():
        return None
    link = link.strip()
    if _PLAIN_LINK.fullmatch(link):
        return link  # what joining and splitting would give back, at a tenth of the cost
    return _joined_http_link(link, base_url)


def _joined_http_link(link: str, base_url: str | None) -> str | None:
    try:
        absolute = urljoin(base_url or "", link)
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    return absolute if scheme in ("http", "https") else None


def _stable_id(guid: str | None, link: str | None, feed: str, title: str) -> str:
    guid = (guid or "").strip()
    if guid:
        return guid if len(guid) <= _MAX_ID else "guid:" + _digest(guid)
    canonical = canonical_link(link)
    if canonical:
        return canonical if len(canonical) <= _MAX_ID else "link:" + _digest(canonical)
    return "title:" + _digest(f"{feed}\n{title}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _published(entry: dict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)  # FeedParserDict.get would alias keys, with a warning
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
            except (OverflowError, ValueError, OSError, TypeError):
                continue
    return None


def canonical_link(url: str | None) -> str | None:
    """The form of a link used to recognise one story: lowercase scheme and host, no default
    port, no fragment, no tracking parameters, no trailing slash."""
    if not url or not url.strip():
        return None
    url = url.strip()
    plain = _PLAIN_LINK.fullmatch(url)
    if plain:
        start, path, query = plain.groups()
        pairs = query.split("&") if query else ()
        if all(map(_PLAIN_PAIR.fullmatch, pairs)):  # parse_qsl and urlencode would give these back as they are
            kept = "&".join(pair for pair in pairs if not _tracking(pair.partition("=")[0]))
            return start + (path or "").rstrip("/") + ("?" + kept if kept else "")
    return _canonical_by_parsing(url)


def _canonical_by_parsing(url: str) -> str:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url
    if not host:
        return url
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    )
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), query, ""))


def _tracking(param: str) -> bool:
    param = param.lower()
    return param.startswith("utm_") or param in _TRACKING_PARAMS


def title_key(title: str) -> str:
    """A key equal for the same headline across feeds: case, width, punctuation and
    whitespace differences removed. Empty when the title has no letters or digits."""
    normalised = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub(" ", normalised.replace("'", "").replace("’", "")).strip()
