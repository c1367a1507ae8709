"""EDGAR feeds end to end against a local fake EDGAR: filings in, filing alerts out, fair access held."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import CatalystBot
from bot.cli.main import main
from bot.clock import ManualClock
from bot.commands import CatalystCommands
from bot.config import load_config
from bot.ops.reload import ConfigReloader
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.alertkit import RecordingReceiver
from tests.fakes.edgarfake import FakeEdgar, FakeFiling, Party, Trade

ACME = Party("Acme Robotics Inc", 111111)
HARBOR = Party("Harbor Lane Capital LP", 901234)
DOE = Party("Doe Jane", 777777)
BOLT = Party("Bolt Freight Corp", 222222)
AGENT = "Catalyst Tests ops@example.com"

COMPANIES = [("ACMR", ACME), ("BOLT", BOLT), ("HLCP", HARBOR)]

ACTIVIST = FakeFiling("SC 13D", "0000901234-26-000101", HARBOR, ACME)
PURCHASE = FakeFiling("4", "0000777777-26-000005", DOE, ACME, trades=[Trade("P", 10000, 12.5)], symbol="ACMR")
PROSPECTUS = FakeFiling("424B5", "0000222222-26-000031", BOLT, BOLT)
CURRENT_REPORT = FakeFiling(
    "8-K",
    "0000111111-26-000077",
    ACME,
    ACME,
    items=[
        ("1.01", "Entry into a Material Definitive Agreement"),
        ("5.02", "Departure of Directors or Certain Officers"),
        ("9.01", "Financial Statements and Exhibits"),
    ],
)


@pytest_asyncio.fixture
async def edgar():
    async with FakeEdgar() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _no_agent_from_env(monkeypatch):
    monkeypatch.delenv("CATALYST_BOT_SEC_USER_AGENT", raising=False)


def write_universe(data_dir: Path, companies: list[tuple[str, Party]]) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    rows = {str(i): {"cik_str": party.cik, "ticker": ticker, "title": party.name} for i, (ticker, party) in enumerate(companies)}
    (data_dir / "sec_company_tickers.json").write_text(json.dumps(rows))


def write_config(tmp_path: Path, *, feeds: dict[str, str] = {}, edgar: str = "", watchlist: list[str] = ()) -> Path:
    lines = [f'data_dir = "{tmp_path / "data"}"', f"watchlist = {json.dumps(list(watchlist))}"]
    lines += ["[poller]", "baseline = false", "per_host = 200", "[edgar]", edgar]
    for name, url in feeds.items():
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', "interval = 60"]
    path = tmp_path / "bot.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def make_edgar_bot(http_session):
    stores: list[Store] = []

    def build(config_path: Path, notices: list[str] | None = None):
        config = load_config(config_path)
        store = Store(config.store_path())
        stores.append(store)
        receiver = RecordingReceiver(platform="console")
        engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
        bot = CatalystBot(
            config, store, engine, {"console": receiver}, http_session, clock=ManualClock(),
            on_notice=notices.append if notices is not None else None,
        )
        return bot, receiver

    yield build
    for store in stores:
        store.close()


async def test_latest_filings_feed_alerts_a_13d_a_form4_purchase_a_424b5_and_an_8k(edgar, tmp_path, make_edgar_bot):
    write_universe(tmp_path / "data", COMPANIES)
    edgar.filings += [ACTIVIST, PURCHASE, PROSPECTUS, CURRENT_REPORT]
    path = write_config(tmp_path, feeds={"sec-latest": edgar.latest_url()}, edgar=f'user_agent = "{AGENT}"')
    bot, receiver = make_edgar_bot(path)

    report = await bot.run_once()

    assert report.new_items == 4
    got = {(a.ticker, a.kind, a.direction, a.rule): a for a in receiver.alerts}
    assert sorted(got) == [
        ("ACMR", "fund_position", "positive", "filings.activist_stake"),
        ("ACMR", "insider_trade", "positive", "filings.insider_purchase"),
        ("ACMR", "sec_8k", None, "filings.8k_items"),
        ("BOLT", "offering", "negative", "filings.offering_prospectus"),
    ]
    stake = got[("ACMR", "fund_position", "positive", "filings.activist_stake")]
    assert stake.evidence == ("Form SC 13D", "activist", "filed by Harbor Lane Capital LP (HLCP)")
    assert stake.title == "SC 13D: Acme Robotics Inc, filed by Harbor Lane Capital LP (2026-12-01)"
    assert stake.link == edgar.base_url + ACTIVIST.index_path()
    trade = got[("ACMR", "insider_trade", "positive", "filings.insider_purchase")]
    assert trade.evidence == (
        "Form 4",
        "filed by Doe Jane (Chief Executive Officer)",
        "open-market purchase of 10,000 shares worth $125,000",
    )
    eight_k = got[("ACMR", "sec_8k", None, "filings.8k_items")]
    assert eight_k.evidence == (
        "Form 8-K",
        "Item 1.01 Entry into a Material Definitive Agreement",
        "Item 5.02 Departure of Directors or Certain Officers",
    )
    assert {"item:1.01", "item:5.02", "form:8-K"} <= set(eight_k.tags)
    assert [c.kind for c in bot.store.catalysts_for("ACMR", since=0)].count("insider_trade") == 1
    paths = [r.path for r in edgar.requests]
    assert paths.count("/cgi-bin/browse-edgar") == 1
    assert paths.count(f"{PURCHASE.folder}/{PURCHASE.accession}.txt") == 1  # the Form 4 XML, read once
    assert all(r.headers["User-Agent"] == AGENT and "gzip" in r.headers["Accept-Encoding"] for r in edgar.requests)

    answer = CatalystCommands.for_bot(bot.config, bot.store, bot.engine, ManualClock()).dispatch(["ACMR"], "u1").as_text()
    assert "SC 13D: Acme Robotics Inc, filed by Harbor Lane Capital LP (2026-12-01)" in answer
    assert "insider_trade" in answer and "sec_8k" in answer

    await bot.run_once()
    assert len(receiver.alerts) == 4
    assert [r.path for r in edgar.requests].count(f"{PURCHASE.folder}/{PURCHASE.accession}.txt") == 1


async def test_a_form4_whose_xml_failed_is_retried_on_the_next_poll(edgar, tmp_path, make_edgar_bot):
    write_universe(tmp_path / "data", COMPANIES)
    edgar.filings.append(PURCHASE)
    edgar.archive_failures = 1
    path = write_config(tmp_path, feeds={"sec-latest": edgar.latest_url()}, edgar=f'user_agent = "{AGENT}"')
    bot, receiver = make_edgar_bot(path)
    first = await bot.run_once()
    assert (first.new_items, receiver.alerts) == (0, [])
    second = await bot.run_once()
    assert second.new_items == 1
    assert [(a.ticker, a.kind, a.rule) for a in receiver.alerts] == [("ACMR", "insider_trade", "filings.insider_purchase")]


async def test_small_insider_sale_is_not_alerted(edgar, tmp_path, make_edgar_bot):
    write_universe(tmp_path / "data", COMPANIES)
    edgar.filings.append(FakeFiling("4", "0000777777-26-000009", DOE, ACME, trades=[Trade("S", 500, 20.0)]))
    path = write_config(tmp_path, feeds={"sec-latest": edgar.latest_url()}, edgar=f'user_agent = "{AGENT}"')
    bot, receiver = make_edgar_bot(path)
    report = await bot.run_once()
    assert report.new_items == 1 and receiver.alerts == []


async def test_watchlist_company_feeds_follow_the_watchlist_on_reload(edgar, tmp_path, make_edgar_bot):
    write_universe(tmp_path / "data", COMPANIES)
    edgar.filings += [CURRENT_REPORT, PROSPECTUS]
    edgar_section = f'user_agent = "{AGENT}"\nwatchlist = true\nbase_url = "{edgar.base_url}"'
    path = write_config(tmp_path, edgar=edgar_section, watchlist=["ACMR", "NOPE"])
    bot, receiver = make_edgar_bot(path)
    assert [state.name for state in bot.store.feeds()] == ["edgar:ACMR"]

    await bot.run_once()
    assert [(a.ticker, a.kind, a.source) for a in receiver.alerts] == [("ACMR", "sec_8k", "edgar:ACMR")]
    assert edgar.requests[0].query.startswith("action=getcompany&CIK=0000111111&")

    bot.reload(load_config(write_config(tmp_path, edgar=edgar_section, watchlist=["BOLT"])), bot.engine)
    assert [state.name for state in bot.store.feeds()] == ["edgar:BOLT"]
    await bot.run_once()
    assert [(a.ticker, a.kind) for a in receiver.alerts][1:] == [("BOLT", "offering")]


async def test_two_hundred_watchlist_feeds_never_exceed_ten_requests_a_second(edgar, tmp_path, make_edgar_bot):
    companies = [(f"T{n:03d}", Party(f"Company {n}", 500000 + n)) for n in range(200)]
    write_universe(tmp_path / "data", companies)
    edgar_section = f'user_agent = "{AGENT}"\nwatchlist = true\nbase_url = "{edgar.base_url}"'
    bot, _ = make_edgar_bot(write_config(tmp_path, edgar=edgar_section, watchlist=[t for t, _ in companies]))
    assert len(bot.store.feeds()) == 200

    polling = asyncio.create_task(bot.run_once())
    while len(edgar.requests) < 35:  # three and a half seconds' worth at the ceiling
        await asyncio.sleep(0.05)
    polling.cancel()
    await asyncio.gather(polling, return_exceptions=True)

    assert edgar.most_requests_in_a_second() <= 10


async def test_a_403_stops_edgar_polling_with_an_ops_notice(edgar, tmp_path, make_edgar_bot):
    edgar.refuse_all = True
    feeds = {"sec-latest": edgar.latest_url(), "sec-8k": edgar.latest_url("8-K")}
    notices: list[str] = []
    bot, receiver = make_edgar_bot(write_config(tmp_path, feeds=feeds, edgar=f'user_agent = "{AGENT}"'), notices)

    await bot.run_once()
    asked = len(edgar.requests)
    await bot.run_once()

    assert len(notices) == 1
    assert "HTTP 403" in notices[0] and "[edgar] user_agent" in notices[0] and "10 requests per second" in notices[0]
    assert len(edgar.requests) == asked  # nothing more is sent to EDGAR
    assert all(state.disabled_reason is None for state in bot.store.feeds())  # a fix resumes, no re-enable needed

    edgar.refuse_all = False
    fixed = write_config(tmp_path, feeds=feeds, edgar='user_agent = "Catalyst Tests desk@example.com"')
    bot.reload(load_config(fixed), bot.engine)
    await bot.run_once()
    assert len(edgar.requests) == asked + 2
    assert edgar.requests[-1].headers["User-Agent"] == "Catalyst Tests desk@example.com"


async def test_a_reload_adding_edgar_feeds_without_a_user_agent_is_refused(edgar, tmp_path, make_edgar_bot, caplog):
    path = write_config(tmp_path)
    bot, _ = make_edgar_bot(path, [])
    reloader = ConfigReloader(path, bot)
    write_config(tmp_path, feeds={"sec-latest": edgar.latest_url()})
    assert reloader.reload() is False
    assert bot.config.feeds == [] and edgar.requests == []
    refusals = [r.getMessage() for r in caplog.records if "config reload refused" in r.getMessage()]
    assert len(refusals) == 1 and "no User-Agent with a contact email" in refusals[0]


def test_run_and_check_refuse_edgar_feeds_without_a_contact_user_agent(tmp_path, capsys):
    path = write_config(tmp_path, feeds={"sec": "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=4&output=atom"})
    assert main(["run", "--once", "--config", str(path)]) == 2
    assert "no User-Agent with a contact email" in capsys.readouterr().err
    assert main(["check", str(path)]) == 2
    assert "[edgar] user_agent" in capsys.readouterr().err


def test_user_agent_from_the_environment_is_accepted(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CATALYST_BOT_SEC_USER_AGENT", AGENT)
    path = write_config(tmp_path, feeds={"sec": "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&output=atom"})
    assert main(["check", str(path)]) == 0


def test_the_ceiling_cannot_be_configured_above_ten(tmp_path, capsys):
    path = write_config(tmp_path, edgar=f'user_agent = "{AGENT}"\nmax_requests_per_second = 20')
    assert main(["check", str(path)]) != 0
    assert "edgar.max_requests_per_second" in capsys.readouterr().err
