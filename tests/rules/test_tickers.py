"""Ticker linking: explicit forms, names, lists, false-link guards, SEC import and update."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from aiohttp import web

from rules.text import clean
from rules.tickers import Universe, builtin_universe
from rules.universe import IMPORTED_FILE, import_sec, load_sec, update
from tests.paths import SHARED


@pytest.fixture(scope="module")
def linker():
    return builtin_universe({"ACME": ["Acme Rockets"]}).linker()


def tickers(linker, text: str) -> list[str]:
    return [m.ticker for m in linker.link(clean(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$BABA and $nvda", ["BABA"]),
        ("Shares of Meta (NASDAQ: META) rose", ["META", "META"]),
        ("Alibaba Group (NYSE:BABA) closed higher", ["BABA", "BABA"]),
        ("Advanced Micro Devices and AMD fans", ["AMD", "AMD"]),
        ("Nvidia, Alibaba Group and Tencent", ["NVDA", "BABA", "TCEHY"]),
        ("Reinsurance leaders (AAPL, MSFT, GOOGL)", ["AAPL", "MSFT", "GOOGL"]),
        ("TSMC and ASML lead chip stocks", ["TSM", "ASML"]),
        ("Acme Rockets wins a contract", ["ACME"]),
        ("Berkshire Hathaway Inc. reports", ["BRK-B"]),
    ],
)
def test_links(linker, text: str, expected: list[str]) -> None:
    assert tickers(linker, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Analysts set a price target of $90",
        "the ark of the covenant",
        "Investors hit the target early",
        "artificial intelligence (AI) spending grows",
        "THE CEO SAID ALL IS WELL",
        "a meta-analysis of studies",
    ],
)
def test_ordinary_words_do_not_link(linker, text: str) -> None:
    assert tickers(linker, text) == []


def test_ambiguous_name_links_with_a_company_cue(linker) -> None:
    assert tickers(linker, "Target shares slide after the retailer cuts its outlook") == ["TGT"]


def test_default_universe_covers_indices_and_adrs(linker) -> None:
    universe = linker.universe
    for ticker in ("AAPL", "A", "BABA", "BIDU", "JD", "PDD", "NIO", "TSM", "ASML", "TCEHY"):
        assert ticker in universe.tickers
    assert len(universe.tickers) > 500


SEC_SAMPLE = {
    "0": {"cik_str": 1, "ticker": "ACAD", "title": "ACADIA PHARMACEUTICALS INC"},
    "1": {"cik_str": 2, "ticker": "ZZZQ", "title": "ZEBULON QUARTZ HOLDINGS CORP"},
}


def test_import_sec_then_names_link(tmp_path: Path) -> None:
    source = tmp_path / "tickers.json"
    source.write_text(json.dumps(SEC_SAMPLE))
    out = io.StringIO()
    assert import_sec(source, tmp_path / "data", out) == 0
    assert "imported 2 companies" in out.getvalue()
    universe = builtin_universe()
    assert load_sec(universe, tmp_path / "data").companies == 2
    linker = universe.linker()
    assert tickers(linker, "Acadia Pharmaceuticals jumps") == ["ACAD"]
    assert tickers(linker, "Zebulon Quartz Holdings rallies") == ["ZZZQ"]


def test_import_rejects_a_bad_file(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text('{"0": {"name": "no ticker"}}')
    out = io.StringIO()
    assert import_sec(source, tmp_path, out) == 1
    assert "bad.json" in out.getvalue()
    assert not (tmp_path / IMPORTED_FILE).exists()


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not present")
def test_import_the_real_sec_snapshot(tmp_path: Path) -> None:
    out = io.StringIO()
    assert import_sec(SHARED / "data" / "sec_company_tickers.json", tmp_path, out) == 0
    universe = builtin_universe()
    assert load_sec(universe, tmp_path).companies > 9000
    assert tickers(universe.linker(), "Nvidia Corp and Acadia Pharmaceuticals") == ["NVDA", "ACAD"]


async def test_update_downloads_with_the_user_agent(tmp_path: Path, aiohttp_server_factory) -> None:
    seen: list[str] = []

    async def serve(request: web.Request) -> web.Response:
        seen.append(request.headers.get("User-Agent", ""))
        return web.json_response(SEC_SAMPLE)

    url = await aiohttp_server_factory(serve)
    out = io.StringIO()
    code = await _in_thread(update, url, "catalyst-bot tests ops@example.com", tmp_path, out)
    assert code == 0, out.getvalue()
    assert seen == ["catalyst-bot tests ops@example.com"]
    assert json.loads((tmp_path / IMPORTED_FILE).read_text()) == SEC_SAMPLE


async def test_update_reports_http_errors(tmp_path: Path, aiohttp_server_factory) -> None:
    async def serve(request: web.Request) -> web.Response:
        return web.Response(status=503)

    url = await aiohttp_server_factory(serve)
    out = io.StringIO()
    assert await _in_thread(update, url, "tests ops@example.com", tmp_path, out) == 1
    assert "503" in out.getvalue()


@pytest.fixture
async def aiohttp_server_factory():
    runners: list[web.AppRunner] = []

    async def start(handler) -> str:
        app = web.Application()
        app.router.add_get("/files/company_tickers.json", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return f"http://127.0.0.1:{port}/files/company_tickers.json"

    yield start
    for runner in runners:
        await runner.cleanup()


async def _in_thread(func, *args):
    import asyncio

    return await asyncio.to_thread(func, *args)


def test_a_universe_without_names_still_links_cashtags() -> None:
    mentions = Universe().linker().link_all("$ACME rises 5% as Acme Corp wins a contract")
    assert [(m.ticker, m.form) for m in mentions] == [("ACME", "cashtag")]
