"""Filing rules: catalysts from an SEC filing's form, 8-K items and Form 4 trades, not from its text."""

from __future__ import annotations

import logging
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.models import Catalyst, Filing, FilingParty, InsiderTrade

_LOGGER = logging.getLogger(__name__)

_ID = re.compile(r"^[a-z0-9_][a-z0-9_.-]*$")
ANY_OTHER_ITEM = "*"
_TRADE_WORDS = {"P": "open-market purchase", "S": "open-market sale"}


class FilingRule(BaseModel):
    """One `[[filing]]` table of a pack: which forms (and items or trade codes) make which catalyst."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: str
    severity: Literal["low", "medium", "high"] = "medium"
    description: str = ""
    enabled: bool = True
    forms: list[str] = Field(min_length=1)
    items: list[str] = []
    except_items: list[str] = []
    codes: list[str] = []
    min_value: float = Field(default=0.0, ge=0)
    direction: Literal["positive", "negative", "neutral"] | None = None
    company: Literal["subject", "filer"] = "subject"
    label: str = ""

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("ids use lower-case letters, digits, '_', '.', '-'")
        return value

    @field_validator("forms", "codes")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [" ".join(v.split()).upper() for v in value]


def filing_catalysts(rules: list[FilingRule], filing: Filing, ciks: dict[str, str]) -> list[Catalyst]:
    """The catalysts of one filing: each rule that fits, at most one per kind and ticker (first rule wins)."""
    catalysts: list[Catalyst] = []
    claimed: set[tuple[str, str]] = set()
    claimed_items: set[str] = set()
    for rule in rules:
        if filing.form not in rule.forms:
            continue
        items = _matched_items(rule, filing, claimed_items)
        trades = _matched_trades(rule, filing)
        if items is None or trades is None:
            continue
        party = (filing.filer if rule.company == "filer" else filing.subject) or filing.subject or filing.filer
        ticker = ticker_of(party, ciks)
        tickers = (ticker,) if ticker else ()
        if tickers and (rule.kind, ticker) in claimed:
            continue
        claimed.update((rule.kind, t) for t in tickers)
        if ANY_OTHER_ITEM not in rule.items:
            claimed_items.update(number for number, _ in items)
        catalysts.append(
            Catalyst(
                kind=rule.kind,
                tickers=tickers,
                rule=rule.id,
                severity=rule.severity,
                direction=rule.direction,
                evidence=_evidence(rule, filing, items, trades, ciks),
            )
        )
    return catalysts


def ticker_of(party: FilingParty | None, ciks: dict[str, str]) -> str | None:
    """The party's ticker: the one the filing gave, else the SEC list's for its CIK."""
    if party is None:
        return None
    return party.ticker or ciks.get(party.cik)


def _matched_items(rule: FilingRule, filing: Filing, claimed: set[str]) -> list[tuple[str, str]] | None:
    if not rule.items:
        return list(filing.items)
    wanted = [
        item
        for item in filing.items
        if item[0] not in rule.except_items
        and (item[0] in rule.items or (ANY_OTHER_ITEM in rule.items and item[0] not in claimed))
    ]
    return wanted or None


def _matched_trades(rule: FilingRule, filing: Filing) -> list[InsiderTrade] | None:
    if not rule.codes:
        return []
    trades = [trade for trade in filing.trades or () if trade.code in rule.codes]
    if not trades or sum(trade.value for trade in trades) < rule.min_value:
        return None
    return trades


def _evidence(
    rule: FilingRule,
    filing: Filing,
    items: list[tuple[str, str]],
    trades: list[InsiderTrade],
    ciks: dict[str, str],
) -> tuple[str, ...]:
    evidence = [f"Form {filing.form}"]
    if rule.label:
        evidence.append(rule.label)
    if filing.filer and (filing.subject is None or filing.filer.cik != filing.subject.cik):
        notes = [note for note in (ticker_of(filing.filer, ciks), filing.owner_role) if note]
        evidence.append(f"filed by {filing.filer.name}" + (f" ({', '.join(notes)})" if notes else ""))
    evidence.extend(f"Item {number} {name}".strip() for number, name in items)
    if trades:
        shares = sum(trade.shares for trade in trades)
        value = sum(trade.value for trade in trades)
        words = " and ".join(dict.fromkeys(_TRADE_WORDS.get(t.code, f"code {t.code}") for t in trades))
        evidence.append(f"{words} of {shares:,.0f} shares worth ${value:,.0f}")
    return tuple(evidence)
