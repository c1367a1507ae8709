"""Linking classes, each with positives and traps side by side: newsroom spellings, explicit
tickers, private companies, fund managers, markets, SEC small caps and headline subjects."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.models import NewsItem
from rules.engine import RuleEngine
from rules.explain import explain_links
from rules.settings import RulesSettings
from rules.text import clean
from rules.tickers import builtin_universe
from rules.universe import LoadedSec, load_former, load_packaged, load_sec
from tests.paths import SHARED


@pytest.fixture(scope="module")
def engine() -> RuleEngine:
    return RuleEngine.from_settings(RulesSettings())


def tickers(engine: RuleEngine, text: str) -> list[str]:
    return [m.ticker for m in engine.linker.link(clean(text))]


def found(engine: RuleEngine, title: str, summary: str = "") -> set[tuple[str, str]]:
    item = NewsItem(id="t", title=title, summary=summary)
    return {(c.kind, t) for c in engine.detect(item) for t in c.tickers}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eBay climbs after a strong holiday quarter", ["EBAY"]),
        ("nCino shares rise on a bank deal", ["NCNO"]),
        ("JD.com ADRs gain in Hong Kong trade", ["JD"]),
        ("AT&T and Coca-Cola lift their payouts", ["T", "KO"]),
        ("3M settles a lawsuit over earplugs", ["MMM"]),
        ("Shares of Advanced Micro slipped on Tuesday", ["AMD"]),
        ("Advanced Micro's new accelerator ships", ["AMD"]),
        ("Crinetics Pharmaceuticals reports trial data", ["CRNX"]),
        ("BlackBerry narrows its loss", ["BB"]),
        ("Robinhood slides after crypto volumes fall", ["HOOD"]),  # "... Markets" dropped
        ("Take-Two delays its next blockbuster", ["TTWO"]),  # "... Interactive Software"
        ("MasterCraft trims its boat shipment outlook", ["MCFT"]),  # the brand of "MasterCraft Boat Holdings"
        ("ChargePoint adds fast chargers in Texas", ["CHPT"]),
        ("Ford recalls 500,000 trucks", ["F"]),  # "Ford Motor": a well-known company's short form
        ("Vertex shares rise on a pain drug", ["VRTX"]),  # the index member, not a smaller Vertex
        ("Arista beats estimates on AI networking", ["ANET"]),
        ("Hims & Hers widens its weight-loss offering", ["HIMS"]),  # "... Health" dropped
        ("Analysts warm to SoundHound after a big contract", ["SOUN"]),  # "... AI" dropped
        ("JetBlue trims its summer schedule", ["JBLU"]),  # "... Airways" dropped
        ("Teladoc narrows its annual outlook", ["TDOC"]),
        ("Super Micro delays its annual report again", ["SMCI"]),  # two dictionary words: curated
        ("SoFi rallies as member growth beats", ["SOFI"]),  # a short brand that is a dictionary word: curated
        ("Exxon and Chipotle report on Tuesday", ["XOM", "CMG"]),
        ("Zoom Video beats on enterprise seats", ["ZM"]),  # the name before a rename
        ("Warner Bros. Discovery cuts cable jobs", ["WBD"]),  # an abbreviation's period kept
        ("Warner Bros Discovery cuts cable jobs", ["WBD"]),  # or dropped, as wires write it
        ("T. Rowe Price reports fund outflows", ["TROW"]),
        ("J.M. Smucker trims its coffee outlook", ["SJM"]),
        ("U.S. Bancorp lifts its payout", ["USB"]),  # not The Bancorp
        ("Dow Inc shares slide on a dividend cut", ["DOW"]),  # the company, not the average
        ("Marathon Digital adds bitcoin miners in Texas", ["MARA"]),
        # initials, a brand for its company, a hyphenated name's first part, a name without its suffix
        ("GE shares rise after a jet-engine order", ["GE"]),
        ("GM and P&G report before the bell", ["GM", "PG"]),
        ("J&J wins a talc ruling; Pepsi trims its outlook", ["JNJ", "PEP"]),
        ("Amex lifts its card-spending forecast", ["AXP"]),
        ("EA shares slide on a delayed game", ["EA"]),
        ("Thermo Fisher buys a lab-tools maker", ["TMO"]),
        ("Colgate raises prices again", ["CL"]),
        ("Kohl's cuts its forecast", ["KSS"]),
        ("Bristol Myers wins approval for a schizophrenia drug", ["BMY"]),  # not Myers Industries
        ("UBS beats on wealth inflows", ["UBS"]),  # the bank, not an ETN it issues
        ("Paramount greenlights a sequel", ["PSKY"]),  # the studio's listed owner, not an office REIT
        ("Xcel and Cheniere gain as gas prices rise", ["XEL", "LNG"]),  # not Xcel Brands
        ("Shares of Axon and Rigetti rally", ["AXON", "RGTI"]),
        ("Unity shares jump on a pricing reset", ["U"]),  # an ordinary word, next to a cue
        ("Delta stock climbs on strong bookings", ["DAL"]),
        # big foreign companies quoted over the counter in the US
        ("Samsung and SoftBank shares climb in Asia", ["SSNLF", "SFTBY"]),
        ("Rheinmetall and Safran rise on defence orders", ["RNMBY", "SAFRY"]),
        ("Capcom outsells Square Enix in Japan", ["CCOEY", "SQNXF"]),  # not Block's Square
        ("UPDATE 2-Snap sinks after the bell", ["SNAP"]),  # a wire's slug glued to the headline
        ("RPT-EXCLUSIVE-Intel wins a foundry customer", ["INTC"]),  # not RPT, a REIT's ticker
    ],
)
def test_names_as_newsrooms_write_them(engine: RuleEngine, text: str, expected: list[str]) -> None:
    assert tickers(engine, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Traders piled into "Nvidia" calls (Micron, too)', ["NVDA", "MU"]),  # after punctuation
        ("Dialling AT T or booking on Trip com, typed without their marks", []),  # marks are part of a name
        ("阿里巴巴股价上涨", ["BABA"]),  # a script written without spaces
        ("据报道Nvidia获得许可", ["NVDA"]),  # a Latin name right after such a script starts a word
        ("Unveils a new chip; Nvidiaesque hype fades", []),  # a name inside a longer word is none
    ],
)
def test_names_start_words(engine: RuleEngine, text: str, expected: list[str]) -> None:
    assert tickers(engine, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "shoppers hunt for a bargain on ebay listings",  # lower case: not the brand
        "artificial intelligence spending grows",
        "Artificial Intelligence Stocks To Watch",  # no SEC company called that for short
        "Box office receipts slump",  # an ordinary word with no company cue
        "Elastic demand keeps prices firm",
        "Gap between rates widens",
        "Visa rules tighten for students",
        "DeFi tokens rally as lending volumes climb",  # a short brand of a small company: no
        "DoubleLine sees value in mortgage bonds",  # a fund family's brand is not one fund
        "Here's what traders watch this week",  # "Here Group" is no company called "Here"
        "Charles and Martin open a bakery",  # first names of Charles Schwab, Lockheed Martin
        "Cadence of Fed cuts worries traders",  # a curated short form that is an ordinary word
        "Traders circle back to the Fed's position on rates",
        "Circle K stores add fast chargers",
        "Unity among members is the coalition's aim",  # curated short forms that are ordinary words
        "Delta variant cases climb in Europe",
        "Freeport LNG restarts its export terminal",  # a private terminal, not Freeport-McMoRan
        "Storms flood Devon and Cornwall",
    ],
)
def test_ordinary_words_stay_unlinked(engine: RuleEngine, text: str) -> None:
    assert tickers(engine, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Box Stock Drops 12% on weak guidance", ["BOX"]),
        ("Elastic Shares Jump 20% after results", ["ESTC"]),
        ("Gap Inc beats estimates", ["GAP"]),
        ("Wedbush raises PT on Roku, sees more upside", ["ROKU"]),  # a broker's call on it
        ("Bernstein turns bullish on Ford after the cost plan", ["F"]),
        ("Citi upgrades Etsy as marketplace sales steady", ["C", "ETSY"]),
        ("A hedge fund builds a position in Snap", ["SNAP"]),
        ("Evercore moves Visa to Outperform", ["EVR", "V"]),  # a rating given to it
        ("Needham lifts Snowflake price target ahead of earnings", ["SNOW"]),  # a target for it
        ("Coatue adds to its Snowflake position", ["SNOW"]),  # a holder's stake in it
        ("Berkshire trims its Target stake again", ["BRK-B", "TGT"]),
        ("Ark buys more Circle stock after the listing", ["CRCL"]),
        ("Coatue dumps Snowflake after two years", ["SNOW"]),  # a fund's trade in it
        ("Tiger Global exits Affirm", ["AFRM"]),
        ("Rocket Companies stock soars on lower mortgage rates", ["RKT"]),  # its legal form as written
        ("Walmart and Target report on Tuesday", ["WMT", "TGT"]),  # a list with a company
        ("Synopsys, KLA and Cadence slip", ["SNPS", "KLAC", "CDNS"]),
        ("Synopsys and Cadence slip as Intel slumps", ["SNPS", "CDNS", "INTC"]),  # in order of position
    ],
)
def test_ordinary_word_names_link_with_a_company_cue(engine, text, expected) -> None:
    assert tickers(engine, text) == expected


def test_a_name_in_a_list_is_not_taken_for_a_later_clause_subject(engine: RuleEngine) -> None:
    assert found(engine, "Lam Research, KLA and Cadence slip; Intel falls 8%") == {("price_move", "INTC")}


def test_a_short_form_that_is_an_ordinary_word_still_needs_a_cue_mid_sentence(engine) -> None:
    assert "F" not in tickers(engine, "Harrison Ford stars in a new film")
    assert tickers(engine, "Shares of Ford slip") == ["F"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Snowflake soars 20% on AI demand", ["SNOW"]),  # an ordinary word opening a headline
        ("Affirm beats on loan volumes", ["AFRM"]),  # "Affirm Holdings" goes by "Affirm"
        ("Upstart plunges as approvals shrink", ["UPST"]),
        ("Roku slides on a weak outlook", ["ROKU"]),
        ("Target upgraded to Buy at Jefferies", ["TGT"]),
        ("Chip stocks slip.\nLemonade rallies after results.", ["LMND"]),  # the summary's start
        ("Etsy Up 13% in Premarket Trade", ["ETSY"]),  # a move's shorthand is its verb
        ("Snap +19% after hours on ad demand", ["SNAP"]),
        ("Affirm -14% as loan volumes slow", ["AFRM"]),
        ("Seagate to pay a $300 million penalty", ["STX"]),
        ("Cadence receives a licence to resume sales", ["CDNS"]),  # a curated short form opens it too
        ("Cadence resumes China sales as curbs lift", ["CDNS"]),
        ("Affirm halts a loan program", ["AFRM"]),
        ("Circle rallies after its listing", ["CRCL"]),
        ("Threads climbs to No. 3 among free apps", ["META"]),  # a product name in the alias file
        ("Email Threads Pile Up After The Holidays", []),  # title case, no verb after it
        ("A new search model.\nElastic published the weights on GitHub.", ["ESTC"]),  # a release verb
        ("Snowflake brings its agents to market", ["SNOW"]),
        ("Release notes: a published schedule for the updates", []),
        ("Cadence matters more than speed for runners", []),  # not before a verb
        ("Target of the probe is a supplier", []),  # a noun after it, not a verb
        ("Lithium rallies as EV demand recovers", []),  # a generic word: the metal
        ("Gold jumps as the dollar weakens", []),
        ("Target practice begins for rookies", []),  # a noun after it, not a verb
        ("Shoppers say Target beats rivals on price", []),  # not opening the headline
        ("American jumps as travel demand rebounds", []),  # not AIG's core name
    ],
)
def test_a_core_name_opening_a_headline_before_a_verb_needs_no_other_cue(engine, text, expected) -> None:
    assert tickers(engine, text) == expected


def test_an_explicit_ticker_wins_over_the_name_table(engine: RuleEngine) -> None:
    universe = builtin_universe()
    universe.add_company("ACMXF", "Acme Mining Ltd", [], bulk=True)
    universe.add_company("ACM", "AECOM", [], bulk=True)
    linker = universe.linker()
    assert [m.ticker for m in linker.link("Acme Mining (ACM) jumps 9%")] == ["ACM", "ACM"]
    assert [m.ticker for m in linker.link("Acme Mining jumps 9%")] == ["ACMXF"]


def test_a_name_listed_several_ways_links_to_its_primary_us_listing(engine) -> None:
    assert tickers(engine, "Rio Tinto lifts iron ore output") == ["RIO"]  # not the OTC RTNTF
    assert tickers(engine, "Alphabet reports") == ["GOOGL"]  # the class quoted first
    assert tickers(engine, "$GOOG and $BRK.A trade higher") == ["GOOG", "BRK-A"]


@pytest.mark.parametrize(
    ("title", "wanted", "unwanted"),
    [
        ("Microsoft releases Phi 5, a new AI model", ("ai_model", "MSFT"), None),
        ("OpenAI releases a new model", None, ("ai_model", "MSFT")),
        ("OpenAI, backed by Microsoft, releases a new model", None, ("ai_model", "MSFT")),
        ("Amazon-backed Anthropic unveils Claude 5", None, ("ai_model", "AMZN")),
        ("Amazon unveils Nova 2, its new language model", ("ai_model", "AMZN"), None),
        ("Huawei unveils Ascend AI chips to rival Nvidia", None, ("ai_model", "NVDA")),  # a rival is no subject
        ("A startup launches an AI chip to challenge AMD", None, ("ai_model", "AMD")),
        ("Intel launches Gaudi 4 AI chips to take on Nvidia", ("ai_model", "INTC"), ("ai_model", "NVDA")),
        ("A chip startup unveils an AI accelerator rivaling Intel", None, ("ai_model", "INTC")),
        ("A cloud startup launches an AI model competing with Microsoft", None, ("ai_model", "MSFT")),
        ("Cerebras unveils a new AI chip, challenging Nvidia", None, ("ai_model", "NVDA")),
        # the product overtaken is the rival's, not the one at the top
        ("Baidu's Ernie overtakes Meta's Llama as the most downloaded model on Hugging Face", ("leaderboard", "BIDU"), ("leaderboard", "META")),
        ("Uber dethrones Lyft as the top free travel app on the App Store", ("leaderboard", "UBER"), ("leaderboard", "LYFT")),
    ],
)
def test_private_companies_are_not_their_investors(engine, title, wanted, unwanted) -> None:
    got = found(engine, title)
    if wanted:
        assert wanted in got
    if unwanted:
        assert unwanted not in got
    assert not any(ticker in ("AMZN", "GOOGL") for _, ticker in got if "Anthropic" in title)


def test_a_fund_manager_is_not_its_etf(engine: RuleEngine) -> None:
    got = found(engine, "Cathie Wood's Ark Invest buys more Roku shares")
    assert ("fund_position", "ROKU") in got
    assert not any(ticker.startswith("ARK") for _, ticker in got)


@pytest.mark.parametrize(
    ("title", "unwanted"),
    [
        ("The S&P 500 closes at a record high, led by Microsoft", ("52_week_high", "MSFT")),
        ("Nasdaq Composite hits a record high as Nvidia rallies", ("52_week_high", "NVDA")),
        ("The Dow closes at an all-time high", ("52_week_high", "DOW")),
        ("Nasdaq stocks hit a record high", ("52_week_high", "NDAQ")),
    ],
)
def test_a_market_is_not_its_members(engine, title, unwanted) -> None:
    assert unwanted not in found(engine, title)


def test_a_company_named_like_an_index_still_links_when_written_as_a_company(engine) -> None:
    assert tickers(engine, "Nasdaq Inc. buys a software maker") == ["NDAQ"]
    assert tickers(engine, "Dow Inc. cuts its dividend") == ["DOW"]


@pytest.mark.parametrize(
    ("title", "summary", "pair"),
    [
        ("Tesla upgraded at Morgan Stanley, stock surges 7%", "", ("price_move", "TSLA")),
        ("Jabil to sell a unit to BYD, shares jump 8%", "", ("price_move", "JBL")),
        ("Oracle wins a cloud deal", "The stock ended 9% higher.", ("price_move", "ORCL")),
    ],
)
def test_a_stock_clause_is_about_the_headline_company(engine, title, summary, pair) -> None:
    got = found(engine, title, summary)
    assert pair in got
    assert not any(t in ("MS", "BYD", "BYDDF") for _, t in got)


@pytest.mark.parametrize(
    ("title", "summary", "pair"),
    [
        ("Chewy posts a surprise profit", "Shares of the online pet retailer jumped 12% early on.", ("price_move", "CHWY")),
        ("Novo Nordisk cuts its sales outlook", "Shares in the Danish drugmaker slid 9%.", ("price_move", "NVO")),
        ("Nike warns on China demand", "Shares of the sportswear giant sank 11% late.", ("price_move", "NKE")),
    ],
)
def test_a_described_company_in_the_summary_is_the_headline_company(engine, title, summary, pair) -> None:
    assert found(engine, title, summary) == {pair}


def test_a_named_rival_in_the_summary_is_not_the_headline_company(engine: RuleEngine) -> None:
    got = found(engine, "Nike warns on China demand", "Shares of rival Adidas fell 6% in Frankfurt.")
    assert ("price_move", "NKE") not in got


def test_the_stock_market_is_no_headline_company(engine: RuleEngine) -> None:
    assert found(engine, "Oracle wins a cloud deal", "The stock market ended 9% higher.") == set()


def test_link_shows_each_candidate_and_why(engine: RuleEngine) -> None:
    out = io.StringIO()
    text = "OpenAI, backed by Microsoft, beats Apple as target shares and Target shares slip"
    assert explain_links(text, engine.linker, out) == 0
    shown = out.getvalue()
    assert "tickers: 'Microsoft'->MSFT, 'Apple'->AAPL, 'Target'->TGT" in shown
    assert "KEPT    'OpenAI' -> -: a private company" in shown
    assert "KEPT    'Microsoft' -> MSFT: company name, but named as a backer" in shown
    assert "DROPPED 'target' -> TGT: written in lower case" in shown


def test_the_packaged_sec_list_loads_unless_an_import_replaces_it(tmp_path: Path) -> None:
    universe = builtin_universe()
    assert load_packaged(universe) > 9000
    assert "CHPT" in universe.tickers
    (tmp_path / "sec_company_tickers.json").write_text(
        '{"0": {"cik_str": 1, "ticker": "ZZQQ", "title": "ZEBULON QUARTZ CORP"}}'
    )
    replaced = builtin_universe()
    assert load_sec(replaced, tmp_path) == LoadedSec(companies=1, ciks={"0000000001": "ZZQQ"})
    assert "ZZQQ" in replaced.tickers and "CHPT" not in replaced.tickers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CyberArk shares jump 9% on a buyout report", ["CYBR"]),  # gone from today's SEC list
        ("Kellanova lifts its snack outlook", ["K"]),
        ("Carnival books record cruises", ["CCL"]),  # today's listing, not the former Carnival plc
        ("Comerica beats on deposit growth", ["CMA"]),
        ("Celgene rallies on a myeloma trial readout", ["CELG"]),  # a former index member
        ("Xilinx and Splunk shares slip", ["XLNX", "SPLK"]),
        ("Facebook usage climbs among teens", ["META"]),  # renamed, not gone: never FB
    ],
)
def test_former_sec_companies_link_when_no_current_company_claims_them(engine, text, expected) -> None:
    assert tickers(engine, text) == expected


def test_former_companies_never_take_a_ticker_a_loaded_list_claims(tmp_path: Path) -> None:
    (tmp_path / "sec_company_tickers.json").write_text(
        '{"0": {"cik_str": 1, "ticker": "CYBR", "title": "CYBERNETIC RESEARCH CORP"}}'
    )
    universe = builtin_universe()
    load_sec(universe, tmp_path)
    assert universe.tickers["CYBR"] != "CyberArk Software"
    assert [m.ticker for m in universe.linker().link("CyberArk posts results")] == []
    assert load_former(builtin_universe()) > 500


@pytest.mark.skipif(not (SHARED / "data").exists(), reason="../shared is not present")
def test_the_shared_sec_file_loads_with_its_guards(tmp_path: Path) -> None:
    (tmp_path / "sec_company_tickers.json").write_bytes(
        (SHARED / "data" / "sec_company_tickers.json").read_bytes()
    )
    universe = builtin_universe()
    assert load_sec(universe, tmp_path).companies > 9000
    linker = universe.linker()
    assert [m.ticker for m in linker.link("Apple Hospitality REIT earns an upgrade")] == ["APLE"]
    assert [m.ticker for m in linker.link("Apple unveils a new iPhone")] == ["AAPL"]
    assert [m.ticker for m in linker.link("Target practice begins")] == []
