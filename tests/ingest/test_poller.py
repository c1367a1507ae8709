"""Tests for bot.poller against a real local feed server."""

from __future__ import annotations

import asyncio
import random

import aiohttp
import pytest

from bot.ingest.fetch import Fetcher, body_hash
from bot.retry import backoff_delay
from tests.fakes.feedserver import FeedServer

FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Tiny wire</title>
<item><guid>w-1</guid><title>Widget maker lifts guidance</title></item>
</channel></rss>"""
LAST_MODIFIED = "Tue, 04 Mar 2025 10:00:00 GMT"


async def test_etag_200_then_304(feed_server: FeedServer, http_session: aiohttp.ClientSession):
    url = feed_server.feed("/etag.xml", FEED, etag='"v1"')
    fetcher = Fetcher(http_session)

    first = await fetcher.fetch(url)
    second = await fetcher.fetch(url, etag=first.etag, previous_hash=first.body_hash)

    assert (first.status, first.body, first.etag, first.http_status) == ("changed", FEED, '"v1"', 200)
    assert first.body_hash == body_hash(FEED)
    assert (second.status, second.body, second.etag) == ("not_modified", None, '"v1"')
    assert second.body_hash == first.body_hash
    sent = feed_server.stats["/etag.xml"].headers
    assert "If-None-Match" not in sent[0]
    assert sent[1]["If-None-Match"] == '"v1"'
    assert sent[1]["User-Agent"].startswith("catalyst-bot/")


async def test_last_modified_200_then_304(
    feed_server: FeedServer, http_session: aiohttp.ClientSession
):
    url = feed_server.feed("/lm.xml", FEED, etag=None, last_modified=LAST_MODIFIED)
    fetcher = Fetcher(http_session)

    first = await fetcher.fetch(url)
    second = await fetcher.fetch(url, last_modified=first.last_modified)

    assert (first.status, first.etag, first.last_modified) == ("changed", None, LAST_MODIFIED)
    assert (second.status, second.last_modified) == ("not_modified", LAST_MODIFIED)
    assert feed_server.stats["/lm.xml"].headers[1]["If-Modified-Since"] == LAST_MODIFIED


async def test_same_body_without_validators_is_unchanged(
    feed_server: FeedServer, http_session: aiohttp.ClientSession
):
    url = feed_server.feed("/plain.xml", FEED, etag=None)
    fetcher = Fetcher(http_session)

    first = await fetcher.fetch(url)
    second = await fetcher.fetch(url, previous_hash=first.body_hash)

    assert (second.status, second.body, second.body_hash) == ("unchanged", None, first.body_hash)
    assert second.http_status == 200


async def test_changed_body_is_changed(feed_server: FeedServer, http_session: aiohttp.ClientSession):
    url = feed_server.feed("/moving.xml", FEED, etag=None)
    result = await Fetcher(http_session).fetch(url, previous_hash=body_hash(b"older body"))
    assert result.status == "changed" and result.body == FEED


async def test_server_error_fails(feed_server: FeedServer, http_session: aiohttp.ClientSession):
    url = feed_server.status("/broken.xml", 500)
    result = await Fetcher(http_session).fetch(url)
    assert (result.status, result.error, result.http_status) == ("failed", "HTTP 500", 500)


@pytest.mark.parametrize("after_headers", [False, True], ids=["no-response", "stalled-body"])
async def test_timeout_fails(
    feed_server: FeedServer, http_session: aiohttp.ClientSession, after_headers: bool
):
    url = feed_server.hang("/slow.xml", after_headers=after_headers)
    result = await Fetcher(http_session, timeout=0.2).fetch(url)
    assert (result.status, result.error) == ("failed", "timed out after 0.2s")


async def test_declared_oversize_body_is_refused_early(
    feed_server: FeedServer, http_session: aiohttp.ClientSession
):
    size = 64_000_000
    url = feed_server.huge("/huge.xml", size, declare_length=True)
    result = await Fetcher(http_session, max_bytes=100_000).fetch(url)
    assert (result.status, result.error) == ("failed", "body larger than 100000 bytes")
    await asyncio.sleep(0.05)  # let the server notice the closed connection
    assert feed_server.stats["/huge.xml"].bytes_sent < size // 4


async def test_undeclared_oversize_body_stops_streaming(
    feed_server: FeedServer, http_session: aiohttp.ClientSession
):
    size = 64_000_000
    url = feed_server.huge("/chunked.xml", size, declare_length=False)
    result = await Fetcher(http_session, max_bytes=100_000).fetch(url)
    assert (result.status, result.error) == ("failed", "body larger than 100000 bytes")
    await asyncio.sleep(0.05)
    assert feed_server.stats["/chunked.xml"].bytes_sent < size // 4


async def test_body_at_the_cap_is_accepted(
    feed_server: FeedServer, http_session: aiohttp.ClientSession
):
    url = feed_server.feed("/exact.xml", FEED)
    result = await Fetcher(http_session, max_bytes=len(FEED)).fetch(url)
    assert result.status == "changed"


async def test_connection_refused_fails(http_session: aiohttp.ClientSession):
    async with FeedServer() as server:
        url = server.url("/gone.xml")
    result = await Fetcher(http_session).fetch(url)
    assert result.status == "failed"
    assert result.error.startswith("connection refused by 127.0.0.1:")


async def test_file_url_and_plain_path(tmp_path, http_session: aiohttp.ClientSession):
    path = tmp_path / "local feed.xml"
    path.write_bytes(FEED)
    fetcher = Fetcher(http_session)

    by_url = await fetcher.fetch(path.as_uri())
    by_path = await fetcher.fetch(str(path))
    again = await fetcher.fetch(str(path), previous_hash=by_path.body_hash)

    assert (by_url.status, by_url.body) == ("changed", FEED)
    assert (by_path.status, by_path.body) == ("changed", FEED)
    assert again.status == "unchanged"


async def test_file_problems_fail(tmp_path, http_session: aiohttp.ClientSession):
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 101)

    missing = await Fetcher(http_session).fetch(str(tmp_path / "nope.xml"))
    too_big = await Fetcher(http_session, max_bytes=100).fetch(str(big))
    refused = await Fetcher(http_session, allow_file=False).fetch(big.as_uri())

    assert missing.status == "failed" and "No such file" in missing.error
    assert (too_big.status, too_big.error) == ("failed", "body larger than 100 bytes")
    assert refused.status == "failed" and "disabled" in refused.error


@pytest.mark.parametrize("url", ["ftp://example.com/feed.xml", "gopher://host/x", "javascript:1"])
async def test_other_schemes_are_rejected(http_session: aiohttp.ClientSession, url: str):
    result = await Fetcher(http_session).fetch(url)
    assert result.status == "failed"
    assert result.error.startswith("unsupported URL scheme")


async def test_per_host_limit(feed_server: FeedServer, http_session: aiohttp.ClientSession):
    url = feed_server.feed("/busy.xml", FEED, delay=0.05)
    fetcher = Fetcher(http_session, per_host=3)

    results = await asyncio.gather(*(fetcher.fetch(url) for _ in range(12)))

    assert {result.status for result in results} == {"changed"}
    stats = feed_server.stats["/busy.xml"]
    assert (stats.count, stats.max_in_flight) == (12, 3)


async def test_hosts_are_limited_separately(
    feed_server: FeedServer, http_session: aiohttp.ClientSession
):
    feed_server.feed("/busy.xml", FEED, delay=0.05)
    by_ip = feed_server.url("/busy.xml")
    by_name = by_ip.replace("127.0.0.1", "localhost")
    fetcher = Fetcher(http_session, per_host=2)

    await asyncio.gather(*(fetcher.fetch(url) for url in [by_ip, by_name] * 4))

    assert feed_server.stats["/busy.xml"].max_in_flight == 4


def test_backoff_delay_bounds():
    rng = random.Random(7)
    for failures in range(1, 40):
        ceiling = min(300.0, 5.0 * 2 ** (failures - 1))
        delays = [backoff_delay(failures, base=5.0, cap=300.0, rng=rng) for _ in range(200)]
        assert all(0.0 <= delay <= ceiling for delay in delays)
        assert max(delays) > ceiling / 2  # jitter spreads over the whole range
    assert backoff_delay(10_000, base=1.0, cap=60.0, rng=rng) <= 60.0


def test_backoff_delay_requires_a_failure():
    with pytest.raises(ValueError):
        backoff_delay(0, base=1.0, cap=10.0)
