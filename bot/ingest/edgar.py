"""SEC EDGAR Atom feeds: recognise them by URL and turn their entries into filing NewsItems."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from lxml import etree

from bot.ingest.normalize import MAX_SUMMARY, MAX_TITLE, ParsedFeed, html_to_text
from bot.models import Filing, FilingParty, NewsItem

_LOGGER = logging.getLogger(__name__)

_ATOM = "{http://www.w3.org/2005/Atom}"
# "4 - Doe Jane (0001234567) (Reporting)": form, name, CIK, role in the filing
_CURRENT_TITLE = re.compile(r"^(?P<form>.+?) - (?P<name>.+?) \((?P<cik>\d{1,10})\) \((?P<role>[^)]+)\)\s*$")
_ACCESSION = re.compile(r"\b(\d{10}-\d{2}-\d{6})\b")
_ITEM = re.compile(r"\bItem (\d{1,2}\.\d{2})\b[:.]?\s*([^\n]*?)\s*(?=\bItem \d{1,2}\.\d{2}\b|\n|$)")
_FILER_ROLES = {"reporting", "filed by", "filer"}
_SUBJECT_ROLES = {"issuer", "subject", "subject company"}


def is_edgar_body(body: bytes) -> bool:
    """True for a saved EDGAR Atom body (its entry ids are SEC accession tags)."""
    return b"urn:tag:sec.gov" in body[:65536] and b"accession-number" in body[:65536]


def company_feed_url(base_url: str, cik: str, forms: str = "") -> str:
    """The Atom feed of one company's filings (its own and those about it, e.g. a 13D or a Form 4)."""
    return (
        f"{base_url.rstrip('/')}/cgi-bin/browse-edgar?action=getcompany&CIK={int(cik):010d}"
        f"&type={forms}&dateb=&owner=include&count=40&output=atom"
    )


def parse_edgar(body: bytes, *, feed: str, tags: tuple[str, ...] = (), base_url: str | None = None) -> ParsedFeed:
    """Parse an EDGAR Atom body into one NewsItem per filing (entries of one accession merged); never raises."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.LxmlError, ValueError) as exc:
        return ParsedFeed([], f"not an EDGAR Atom feed: {exc}")
    if root is None or root.tag != f"{_ATOM}feed":
        return ParsedFeed([], "not an EDGAR Atom feed: no <feed> element")
    company = _company_info(root)
    filings: dict[str, dict] = {}
    skipped = 0
    for entry in root.iter(f"{_ATOM}entry"):
        fields = _entry_fields(entry, company)
        if fields is None:
            skipped += 1
            continue
        merged = filings.setdefault(fields["accession"], fields)
        for role in ("filer", "subject"):
            merged[role] = merged.get(role) or fields.get(role)
    items = [_to_item(fields, feed, tags) for fields in filings.values()]
    problem = f"{skipped} entr(ies) without an accession number skipped" if skipped else None
    return ParsedFeed(items, problem)


def _company_info(root: etree._Element) -> FilingParty | None:
    info = root.find(f"{_ATOM}company-info")
    if info is None:
        return None
    cik = _text(info, "cik")
    name = _text(info, "conformed-name")
    return FilingParty(name=name, cik=_cik(cik)) if cik.isdecimal() and name else None


def _entry_fields(entry: etree._Element, company: FilingParty | None) -> dict | None:
    content = entry.find(f"{_ATOM}content")
    summary = html_to_text(_text(entry, "summary"), MAX_SUMMARY)
    accession = _text(content, "accession-number") if content is not None else ""
    if not accession:
        found = _ACCESSION.search(_text(entry, "id")) or _ACCESSION.search(summary)
        accession = found.group(1) if found else ""
    if not accession:
        return None
    category = entry.find(f"{_ATOM}category")
    form = (category.get("term") if category is not None else "") or (
        _text(content, "filing-type") if content is not None else ""
    )
    link = entry.find(f"{_ATOM}link")
    fields: dict = {
        "accession": accession,
        "summary": summary,
        "index_url": link.get("href") if link is not None else None,
        "filed_at": _time(_text(entry, "updated")),
        "items": tuple(_ITEM.findall(summary)),
    }
    title = _CURRENT_TITLE.match(html_to_text(_text(entry, "title"), MAX_TITLE))
    if title:
        form = form or title["form"]
        party = FilingParty(name=title["name"].strip(), cik=_cik(title["cik"]))
        role = title["role"].strip().lower()
        fields["filer" if role in _FILER_ROLES else "subject" if role in _SUBJECT_ROLES else "other"] = party
    elif company is not None:
        fields["subject"] = company  # a company feed lists the company's filings and those about it
    fields["form"] = " ".join(form.split()).upper()
    return fields if fields["form"] else None


def _to_item(fields: dict, feed: str, tags: tuple[str, ...]) -> NewsItem:
    filer, subject = fields.get("filer"), fields.get("subject")
    if filer is None and subject is None:
        filer = fields.get("other")
    filing = Filing(
        form=fields["form"],
        accession=fields["accession"],
        filed_at=fields["filed_at"],
        index_url=fields["index_url"],
        filer=filer,
        subject=subject or (filer if not _is_about_another(fields["form"]) else None),
        items=fields["items"],
    )
    item_tags = (*tags, f"form:{filing.form}", *(f"item:{number}" for number, _ in filing.items))
    return NewsItem(
        id=f"edgar:{filing.accession}",
        title=filing_title(filing),
        summary=fields["summary"],
        link=filing.index_url,
        published=filing.filed_at,
        feed=feed,
        tags=tuple(dict.fromkeys(item_tags)),
        filing=filing,
    )


def _is_about_another(form: str) -> bool:
    """Forms one party files about another company: ownership reports and stake disclosures."""
    return form.split("/")[0] in {"3", "4", "5", "SC 13D", "SC 13G", "SCHEDULE 13D", "SCHEDULE 13G", "144"}


def filing_title(filing: Filing) -> str:
    """The headline shown for a filing: form, company, who filed it, the 8-K items, the date."""
    company = filing.subject or filing.filer
    title = f"{filing.form}: {company.name if company else 'unknown company'}"
    if filing.filer and filing.subject and filing.filer.cik != filing.subject.cik:
        title += f", filed by {filing.filer.name}"
    if filing.items:
        title += " - " + "; ".join(f"Item {number} {name}".strip() for number, name in filing.items)
    if filing.filed_at:
        title += f" ({filing.filed_at:%Y-%m-%d})"
    return title[:MAX_TITLE]


def _text(element: etree._Element | None, name: str) -> str:
    if element is None:
        return ""
    child = element.find(f"{_ATOM}{name}")
    return (child.text or "").strip() if child is not None else ""


def _cik(text: str) -> str:
    return f"{int(text):010d}"


def _time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
