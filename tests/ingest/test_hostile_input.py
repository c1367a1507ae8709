"""Hostile feeds: entity bombs, deep nesting, gzip bombs and odd bytes never crash or flood the pipeline."""

from __future__ import annotations

import gzip
import tracemalloc

import aiohttp
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console import render_alert
from bot.config import load_config
from bot.ingest.fetch import Fetcher
from bot.ingest.normalize import MAX_SUMMARY, MAX_TITLE, parse_feed
from bot.models import Alert
from rules.engine import RuleEngine

ENGINE = RuleEngine.from_settings(load_config(None).rules)
CAP = 1_000_000


def billion_laughs(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, levels)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(entities)}]>'
        f"<rss version='2.0'><channel><item><title>Nvidia &lol{levels - 1};</title>"
        "<description>x</description></item></channel></rss>"
    ).encode()


def pipeline(body: bytes) -> list[str]:
    """Parse, normalise, detect and render, as the bot does; returns the rendered alerts."""
    rendered = []
    for item in parse_feed(body, feed="hostile").items:
        assert len(item.title) <= MAX_TITLE and len(item.summary) <= MAX_SUMMARY
        for catalyst in ENGINE.detect(item):
            for ticker in catalyst.tickers:
                rendered.append(render_alert(Alert.from_catalyst(item, catalyst, ticker)).plain)
    return rendered


def test_entity_expansion_is_not_amplified():
    tracemalloc.start()
    parsed = parse_feed(billion_laughs(), feed="hostile")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 200_000_000, "a billion expansions of 'lol' would need gigabytes"
    assert all(len(item.title) <= MAX_TITLE for item in parsed.items)


def test_deeply_nested_xml_is_survived():
    body = b"<rss version='2.0'><channel><item><title>deep</title><description>" + b"<div>" * 100_000
    body += b"x" + b"</div>" * 100_000 + b"</description></item></channel></rss>"
    assert pipeline(body) == []


def test_huge_title_and_summary_are_capped():
    body = (
        "<rss version='2.0'><channel><item><title>"
        + "Nvidia wins export licence " * 200_000
        + "</title><description>"
        + "<b>@everyone</b> " * 300_000
        + "</description></item></channel></rss>"
    ).encode()
    assert len(body) > 10_000_000
    for text in pipeline(body):
        assert len(text) < MAX_TITLE + MAX_SUMMARY + 2_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4_000))
def test_arbitrary_bytes_never_crash(body):
    pipeline(body)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.text(max_size=400), st.sampled_from(["utf-8", "latin-1", "utf-16", "shift_jis"]))
def test_arbitrary_text_in_any_encoding_never_crashes(title, summary, encoding):
    xml = (
        f"<?xml version='1.0' encoding='{encoding}'?><rss version='2.0'><channel><item>"
        f"<title><![CDATA[{title}]]></title><description><![CDATA[{summary}]]></description>"
        "</item></channel></rss>"
    )
    pipeline(xml.encode(encoding, errors="replace"))


async def test_gzip_bomb_is_cut_at_the_cap():
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})

    app = web.Application()
    app.router.add_get("/bomb.xml", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    tracemalloc.start()
    try:
        async with aiohttp.ClientSession() as session:
            result = await Fetcher(session, max_bytes=CAP).fetch(f"http://127.0.0.1:{port}/bomb.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await runner.cleanup()
    assert len(bomb) < CAP, "the compressed body alone is under the cap"
    assert result.status == "failed" and result.error == f"body larger than {CAP} bytes"
    assert peak < 40_000_000
