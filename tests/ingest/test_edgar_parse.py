"""Parsing EDGAR Atom bodies and Form 4 submissions into filings, and recognising EDGAR URLs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest.edgar import company_feed_url, parse_edgar
from bot.ingest.edgar_form4 import needs_trades, submission_url, with_trades
from bot.ingest.edgar_urls import is_edgar_feed
from bot.models import Filing, FilingParty, InsiderTrade

COMPANY_FEED = b"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
<company-info><cik>0000333444</cik><conformed-name>Northwind Dairy Co</conformed-name></company-info>
<title>Northwind Dairy Co (0000333444)</title>
<entry>
  <category label="form type" scheme="https://www.sec.gov/" term="8-K"/>
  <content type="text/xml">
    <accession-number>0000333444-26-000012</accession-number>
    <filing-type>8-K</filing-type>
  </content>
  <id>urn:tag:sec.gov,2008:accession-number=0000333444-26-000012</id>
  <link href="https://www.sec.gov/Archives/edgar/data/333444/000033344426000012/0000333444-26-000012-index.htm" rel="alternate" type="text/html"/>
  <summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2026-11-30 &lt;b&gt;AccNo:&lt;/b&gt; 0000333444-26-000012 &lt;b&gt;Size:&lt;/b&gt; 210 KB&lt;br&gt;Item 2.02: Results of Operations and Financial Condition&lt;br&gt;Item 9.01: Financial Statements and Exhibits</summary>
  <title>8-K  - Current report</title>
  <updated>2026-11-30T08:31:05-05:00</updated>
</entry>
<entry>
  <category label="form type" scheme="https://www.sec.gov/" term="SC 13G/A"/>
  <id>urn:tag:sec.gov,2008:accession-number=0000555000-26-000400</id>
  <link href="https://www.sec.gov/Archives/edgar/data/333444/000055500026000400/0000555000-26-000400-index.htm" rel="alternate" type="text/html"/>
  <summary type="html">&lt;b&gt;Filed:&lt;/b&gt; 2026-11-29</summary>
  <title>SC 13G/A - amended beneficial ownership</title>
  <updated>2026-11-29T17:00:00-05:00</updated>
</entry>
<entry><title>an entry with no accession number</title></entry>
</feed>
"""


def test_company_feed_entries_become_filings_about_the_company():
    parsed = parse_edgar(COMPANY_FEED, feed="edgar:NWD", tags=("edgar",))
    assert parsed.problem == "1 entr(ies) without an accession number skipped"
    report, stake = parsed.items
    northwind = FilingParty(name="Northwind Dairy Co", cik="0000333444")
    assert report.id == "edgar:0000333444-26-000012"
    assert report.filing == Filing(
        form="8-K",
        accession="0000333444-26-000012",
        filed_at=datetime(2026, 11, 30, 13, 31, 5, tzinfo=UTC),
        index_url="https://www.sec.gov/Archives/edgar/data/333444/000033344426000012/0000333444-26-000012-index.htm",
        filer=None,
        subject=northwind,
        items=(("2.02", "Results of Operations and Financial Condition"), ("9.01", "Financial Statements and Exhibits")),
    )
    assert report.tags == ("edgar", "form:8-K", "item:2.02", "item:9.01")
    assert report.title == (
        "8-K: Northwind Dairy Co - Item 2.02 Results of Operations and Financial Condition; "
        "Item 9.01 Financial Statements and Exhibits (2026-11-30)"
    )
    assert (stake.filing.form, stake.filing.accession, stake.filing.subject) == ("SC 13G/A", "0000555000-26-000400", northwind)


@pytest.mark.parametrize(
    "body",
    [b"", b"not xml at all", b"<rss><channel/></rss>", b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'],
)
def test_bodies_that_are_not_edgar_atom_give_a_problem_and_no_items(body):
    parsed = parse_edgar(body, feed="sec")
    assert parsed.items == []
    assert parsed.problem.startswith("not an EDGAR Atom feed")


def test_entities_declared_by_the_body_are_not_expanded():
    body = (
        b'<!DOCTYPE feed [<!ENTITY a "expanded-text">]><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b"<title>4 - &a; (0000000001) (Reporting)</title><id>urn:tag:sec.gov,2008:accession-number=0000000001-26-000001</id>"
        b'<category term="4"/></entry></feed>'
    )
    (item,) = parse_edgar(body, feed="sec").items
    assert "expanded-text" not in item.title


@pytest.mark.parametrize(
    ("url", "edgar"),
    [
        ("https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=4&company=&dateb=&owner=include&count=40&output=atom", True),
        ("https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0000320193&type=8-K&output=atom", True),
        ("http://127.0.0.1:8080/cgi-bin/browse-edgar?ACTION=GetCurrent&output=ATOM", True),
        ("https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0000320193", False),  # HTML, not Atom
        ("https://www.sec.gov/news/pressreleases.rss", False),
        ("not a url", False),
    ],
)
def test_edgar_feeds_are_recognised_by_url(url, edgar):
    assert is_edgar_feed(url) is edgar


def test_company_feed_url_pads_the_cik_and_is_recognised():
    url = company_feed_url("https://www.sec.gov/", "320193")
    assert url == "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0000320193&type=&dateb=&owner=include&count=40&output=atom"
    assert is_edgar_feed(url)


FORM4 = Filing(
    form="4",
    accession="0000999001-26-000002",
    index_url="https://www.sec.gov/Archives/edgar/data/333444/000099900126000002/0000999001-26-000002-index.htm",
)

SUBMISSION = b"""<SEC-DOCUMENT>0000999001-26-000002.txt
<DOCUMENT><TYPE>4<TEXT><XML>
<?xml version="1.0"?>
<ownershipDocument>
  <issuer><issuerCik>0000333444</issuerCik><issuerName>Northwind Dairy Co</issuerName><issuerTradingSymbol>nwd</issuerTradingSymbol></issuer>
  <reportingOwner>
    <reportingOwnerId><rptOwnerCik>0000999001</rptOwnerCik><rptOwnerName>Roe Sam</rptOwnerName></reportingOwnerId>
    <reportingOwnerRelationship><isDirector>1</isDirector><isOfficer>0</isOfficer></reportingOwnerRelationship>
  </reportingOwner>
  <nonDerivativeTable>
    <nonDerivativeTransaction>
      <transactionCoding><transactionCode>S</transactionCode></transactionCoding>
      <transactionAmounts><transactionShares><value>40,000</value></transactionShares><transactionPricePerShare><value>31.25</value></transactionPricePerShare></transactionAmounts>
    </nonDerivativeTransaction>
    <nonDerivativeTransaction>
      <transactionCoding><transactionCode>M</transactionCode></transactionCoding>
      <transactionAmounts><transactionShares><value>1000</value></transactionShares></transactionAmounts>
    </nonDerivativeTransaction>
  </nonDerivativeTable>
</ownershipDocument>
</XML></TEXT></DOCUMENT></SEC-DOCUMENT>
"""


def test_form4_submission_gives_trades_owner_role_and_issuer_ticker():
    assert needs_trades(FORM4)
    assert submission_url(FORM4) == "https://www.sec.gov/Archives/edgar/data/333444/000099900126000002/0000999001-26-000002.txt"
    filing = with_trades(FORM4, SUBMISSION)
    assert filing.trades == (InsiderTrade(code="S", shares=40000, price=31.25), InsiderTrade(code="M", shares=1000))
    assert filing.owner_role == "director"
    assert filing.subject == FilingParty(name="Northwind Dairy Co", cik="0000333444", ticker="NWD")
    assert filing.filer == FilingParty(name="Roe Sam", cik="0000999001")
    assert not needs_trades(filing)


def test_submission_without_ownership_xml_leaves_the_filing_as_it_was():
    assert with_trades(FORM4, b"<SEC-DOCUMENT>no xml here</SEC-DOCUMENT>") == FORM4


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(COMPANY_FEED)), junk=st.binary(max_size=64))
def test_truncated_or_corrupted_bodies_never_raise(cut, junk):
    parsed = parse_edgar(COMPANY_FEED[:cut] + junk + COMPANY_FEED[cut:], feed="sec")
    assert all(item.filing is not None and item.id.startswith("edgar:") for item in parsed.items)


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(SUBMISSION)), junk=st.binary(max_size=64))
def test_corrupted_form4_submissions_never_raise(cut, junk):
    filing = with_trades(FORM4, SUBMISSION[:cut] + junk + SUBMISSION[cut:])
    assert filing.accession == FORM4.accession
