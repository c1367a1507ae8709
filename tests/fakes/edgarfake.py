"""A local fake of SEC EDGAR (aiohttp): latest-filings and company Atom feeds, Form 4 submissions, fair-access checks."""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

from tests.fakes.serving import serve


@dataclass(frozen=True)
class Party:
    name: str
    cik: int


@dataclass(frozen=True)
class Trade:
    code: str
    shares: int
    price: float


@dataclass
class FakeFiling:
    """One filing as the fake serves it; ``filer`` and ``subject`` are the same company for its own reports."""

    form: str
    accession: str
    filer: Party
    subject: Party
    filed: str = "2026-12-01T16:02:11-05:00"
    items: list[tuple[str, str]] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)
    owner_title: str = "Chief Executive Officer"
    symbol: str = ""

    @property
    def folder(self) -> str:
        return f"/Archives/edgar/data/{self.subject.cik}/{self.accession.replace('-', '')}"

    def index_path(self) -> str:
        return f"{self.folder}/{self.accession}-index.htm"


@dataclass
class SeenRequest:
    at: float
    path: str
    query: str
    headers: dict[str, str]


class FakeEdgar:
    """Serves the filings added to it like EDGAR does, and answers 403 to clients without a contact email."""

    def __init__(self) -> None:
        self.filings: list[FakeFiling] = []
        self.requests: list[SeenRequest] = []
        self.refuse_all = False
        self.archive_failures = 0  # how many archive requests to answer 503 before serving them
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeEdgar:
        app = web.Application()
        app.router.add_get("/cgi-bin/browse-edgar", self._browse)
        app.router.add_get("/Archives/edgar/data/{cik}/{folder}/{name}", self._archive)
        self._runner, self.port = await serve(app)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def latest_url(self, form: str = "") -> str:
        return f"{self.base_url}/cgi-bin/browse-edgar?action=getcurrent&type={form}&company=&dateb=&owner=include&count=40&output=atom"

    def most_requests_in_a_second(self) -> int:
        starts = sorted(request.at for request in self.requests)
        return max((sum(1 for t in starts[i:] if t - start < 1.0) for i, start in enumerate(starts)), default=0)

    def _record(self, request: web.Request) -> web.Response | None:
        self.requests.append(SeenRequest(time.monotonic(), request.path, request.query_string, dict(request.headers)))
        agent = request.headers.get("User-Agent", "")
        if self.refuse_all or "@" not in agent:
            return web.Response(status=403, text="Your request has been identified as an undeclared automated tool.")
        return None

    async def _browse(self, request: web.Request) -> web.StreamResponse:
        refused = self._record(request)
        if refused is not None:
            return refused
        form = request.query.get("type", "")
        if request.query.get("action") == "getcurrent":
            body = latest_atom([f for f in self.filings if f.form.startswith(form)], self.base_url)
        else:
            cik = int(request.query.get("CIK", "0") or 0)
            body = company_atom(cik, [f for f in self.filings if cik in (f.filer.cik, f.subject.cik)], self.base_url)
        return _maybe_gzip(request, body.encode("utf-8"), "application/atom+xml")

    async def _archive(self, request: web.Request) -> web.StreamResponse:
        refused = self._record(request)
        if refused is not None:
            return refused
        if self.archive_failures > 0:
            self.archive_failures -= 1
            return web.Response(status=503, text="try later")
        for filing in self.filings:
            if request.path == f"{filing.folder}/{filing.accession}.txt":
                return _maybe_gzip(request, _submission(filing).encode("utf-8"), "text/plain")
        return web.Response(status=404)


def latest_atom(filings: list[FakeFiling], base_url: str) -> str:
    """The latest-filings feed: one entry per party, as EDGAR lists them."""
    entries = []
    for filing in filings:
        roles = [(filing.filer, "Filed by" if filing.form.startswith(("SC", "SCHEDULE")) else "Reporting")]
        if filing.subject != filing.filer:
            roles.append((filing.subject, "Subject" if filing.form.startswith(("SC", "SCHEDULE")) else "Issuer"))
        else:
            roles = [(filing.filer, "Filer")]
        for party, role in roles:
            entries.append(
                f"<entry><title>{escape(f'{filing.form} - {party.name} ({party.cik:010d}) ({role})')}</title>"
                f'<link rel="alternate" type="text/html" href={quoteattr(base_url + filing.index_path())}/>'
                f'<summary type="html">{escape(_summary(filing))}</summary>'
                f"<updated>{filing.filed}</updated>"
                f'<category scheme="https://www.sec.gov/" label="form type" term={quoteattr(filing.form)}/>'
                f"<id>urn:tag:sec.gov,2008:accession-number={filing.accession}</id></entry>"
            )
    return (
        '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Most recent filings (fake)</title><updated>2026-12-01T16:05:00-05:00</updated>"
        + "".join(entries)
        + "</feed>"
    )


def company_atom(cik: int, filings: list[FakeFiling], base_url: str) -> str:
    """One company's feed: its own filings and those about it."""
    company = next((f.subject if f.subject.cik == cik else f.filer for f in filings), Party("UNKNOWN", cik))
    entries = [
        f'<entry><category label="form type" scheme="https://www.sec.gov/" term={quoteattr(f.form)}/>'
        f'<content type="text/xml"><accession-number>{f.accession}</accession-number>'
        f"<filing-date>{f.filed[:10]}</filing-date>"
        f"<filing-href>{escape(base_url + f.index_path())}</filing-href>"
        f"<filing-type>{escape(f.form)}</filing-type></content>"
        f"<id>urn:tag:sec.gov,2008:accession-number={f.accession}</id>"
        f'<link href={quoteattr(base_url + f.index_path())} rel="alternate" type="text/html"/>'
        f'<summary type="html">{escape(_summary(f))}</summary>'
        f"<title>{escape(f.form)} - filing</title><updated>{f.filed}</updated></entry>"
        for f in filings
    ]
    return (
        '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<company-info><cik>{cik:010d}</cik><conformed-name>{escape(company.name)}</conformed-name></company-info>"
        f"<title>{escape(company.name)} filings (fake)</title>" + "".join(entries) + "</feed>"
    )


def _summary(filing: FakeFiling) -> str:
    text = f"<b>Filed:</b> {filing.filed[:10]} <b>AccNo:</b> {filing.accession} <b>Size:</b> 42 KB"
    return text + "".join(f"<br>Item {number}: {name}" for number, name in filing.items)


def _submission(filing: FakeFiling) -> str:
    rows = "".join(
        "<nonDerivativeTransaction><securityTitle><value>Common Stock</value></securityTitle>"
        f"<transactionCoding><transactionFormType>4</transactionFormType><transactionCode>{t.code}</transactionCode></transactionCoding>"
        f"<transactionAmounts><transactionShares><value>{t.shares}</value></transactionShares>"
        f"<transactionPricePerShare><value>{t.price}</value></transactionPricePerShare>"
        f"<transactionAcquiredDisposedCode><value>{'A' if t.code == 'P' else 'D'}</value></transactionAcquiredDisposedCode>"
        "</transactionAmounts></nonDerivativeTransaction>"
        for t in filing.trades
    )
    xml = (
        '<?xml version="1.0"?>\n<ownershipDocument><documentType>4</documentType>'
        f"<issuer><issuerCik>{filing.subject.cik:010d}</issuerCik><issuerName>{escape(filing.subject.name)}</issuerName>"
        f"<issuerTradingSymbol>{filing.symbol}</issuerTradingSymbol></issuer>"
        f"<reportingOwner><reportingOwnerId><rptOwnerCik>{filing.filer.cik:010d}</rptOwnerCik>"
        f"<rptOwnerName>{escape(filing.filer.name)}</rptOwnerName></reportingOwnerId>"
        "<reportingOwnerRelationship><isDirector>0</isDirector><isOfficer>1</isOfficer>"
        f"<officerTitle>{escape(filing.owner_title)}</officerTitle></reportingOwnerRelationship></reportingOwner>"
        f"<nonDerivativeTable>{rows}</nonDerivativeTable></ownershipDocument>"
    )
    return (
        f"<SEC-DOCUMENT>{filing.accession}.txt\n<SEC-HEADER>fake header</SEC-HEADER>\n"
        f"<DOCUMENT>\n<TYPE>4\n<TEXT>\n<XML>\n{xml}\n</XML>\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"
    )


def _maybe_gzip(request: web.Request, body: bytes, content_type: str) -> web.Response:
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = web.Response(body=gzip.compress(body), content_type=content_type)
        response.headers["Content-Encoding"] = "gzip"
        return response
    return web.Response(body=body, content_type=content_type)
