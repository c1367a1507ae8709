"""Read a Form 4's ownership XML: the issuer's ticker, the owner's role and each stock transaction."""

from __future__ import annotations

import logging
import re

from lxml import etree

from bot.models import Filing, FilingParty, InsiderTrade

_LOGGER = logging.getLogger(__name__)

_XML_BLOCK = re.compile(rb"<ownershipDocument\b.*?</ownershipDocument>", re.DOTALL)


def needs_trades(filing: Filing | None) -> bool:
    """A Form 4 whose transactions the feed entry did not give."""
    return filing is not None and filing.form.split("/")[0] == "4" and filing.trades is None


def submission_url(filing: Filing) -> str | None:
    """The filing's full text submission (which embeds the XML), next to its index page."""
    index = filing.index_url or ""
    return index.removesuffix("-index.htm") + ".txt" if index.endswith("-index.htm") else None


def with_trades(filing: Filing, body: bytes) -> Filing:
    """``filing`` completed from its submission text; unchanged when no ownership XML is in it."""
    found = _XML_BLOCK.search(body)
    if found is None:
        _LOGGER.warning("filing %s: no ownership XML in the submission", filing.accession)
        return filing
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(found.group(0), parser)
    except etree.LxmlError as exc:
        _LOGGER.warning("filing %s: unreadable ownership XML: %s", filing.accession, exc)
        return filing
    trades = tuple(
        InsiderTrade(
            code=_value(row, "transactionCoding/transactionCode"),
            shares=_number(row, "transactionAmounts/transactionShares/value"),
            price=_number(row, "transactionAmounts/transactionPricePerShare/value"),
        )
        for row in root.iterfind("nonDerivativeTable/nonDerivativeTransaction")
    )
    update: dict[str, object] = {"trades": trades, "owner_role": _role(root)}
    symbol = _value(root, "issuer/issuerTradingSymbol").upper()
    issuer_cik = _value(root, "issuer/issuerCik")
    if issuer_cik.isdecimal():
        subject = filing.subject or FilingParty(name=_value(root, "issuer/issuerName"), cik=f"{int(issuer_cik):010d}")
        update["subject"] = subject.model_copy(update={"ticker": symbol or subject.ticker})
    owner = root.find("reportingOwner/reportingOwnerId")
    if filing.filer is None and owner is not None and _value(owner, "rptOwnerCik").isdecimal():
        update["filer"] = FilingParty(name=_value(owner, "rptOwnerName"), cik=f"{int(_value(owner, 'rptOwnerCik')):010d}")
    return filing.model_copy(update=update)


def _role(root: etree._Element) -> str:
    relation = root.find("reportingOwner/reportingOwnerRelationship")
    if relation is None:
        return ""
    roles = []
    if _flag(relation, "isOfficer"):
        roles.append(_value(relation, "officerTitle") or "officer")
    if _flag(relation, "isDirector"):
        roles.append("director")
    if _flag(relation, "isTenPercentOwner"):
        roles.append("10% owner")
    return ", ".join(roles)


def _flag(element: etree._Element, path: str) -> bool:
    return _value(element, path).lower() in {"1", "true"}


def _value(element: etree._Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _number(element: etree._Element, path: str) -> float:
    try:
        return float(_value(element, path).replace(",", "") or 0)
    except ValueError:
        return 0.0
