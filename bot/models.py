"""Immutable data passed between stages: NewsItem -> Catalyst -> Alert."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

Direction = Literal["positive", "negative", "neutral"]
Severity = Literal["low", "medium", "high"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FilingParty(_Frozen):
    """A company or person named in an SEC filing; ``ticker`` is filled from the CIK when known."""

    name: str
    cik: str
    ticker: str | None = None


class InsiderTrade(_Frozen):
    """One non-derivative transaction of a Form 4: SEC code (P purchase, S sale, ...), shares, value."""

    code: str
    shares: float = 0.0
    price: float = 0.0

    @property
    def value(self) -> float:
        return self.shares * self.price


class Filing(_Frozen):
    """What an EDGAR entry says about a filing; ``accession`` is its stable id, ``items`` its 8-K items."""

    form: str
    accession: str
    filed_at: datetime | None = None
    index_url: str | None = None
    filer: FilingParty | None = None
    subject: FilingParty | None = None
    items: tuple[tuple[str, str], ...] = ()
    trades: tuple[InsiderTrade, ...] | None = None
    owner_role: str = ""


class NewsItem(_Frozen):
    """One normalised feed entry.

    ``id`` is stable across polls (guid, else link, else title hash); ``summary`` is plain
    text; ``published`` is timezone-aware UTC when the feed gave a date.
    """

    id: str
    title: str
    summary: str = ""
    link: str | None = None
    published: datetime | None = None
    feed: str = ""
    tags: tuple[str, ...] = ()
    filing: Filing | None = None

    @field_validator("published")
    @classmethod
    def _require_aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("published must be timezone-aware")
        return value

    @classmethod
    def from_json_row(cls, row: dict, *, default_id: str = "", feed: str = "") -> NewsItem:
        """An item from one JSON-lines row (`id`, `title`, `summary`, `link`, `published`, `source`, `filing`).

        Raises:
            ValueError: a field has the wrong type or `published` is not an ISO 8601 time.
        """
        published = row.get("published")
        return cls(
            id=str(row.get("id") or default_id),
            title=str(row.get("title") or ""),
            summary=str(row.get("summary") or ""),
            link=row.get("link"),
            published=_utc(str(published)) if published else None,
            feed=str(row.get("source") or feed),
            filing=Filing.model_validate(row["filing"]) if row.get("filing") else None,
        )


def _utc(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


class Catalyst(_Frozen):
    """A catalyst pattern found in one item, with the evidence that triggered it."""

    kind: str
    tickers: tuple[str, ...]
    rule: str
    severity: Severity = "medium"
    direction: Direction | None = None
    evidence: tuple[str, ...] = ()

    def to_scan_json(self) -> dict:
        """The shape `catalyst-bot scan` prints (a public contract)."""
        return {
            "kind": self.kind,
            "tickers": list(self.tickers),
            "rule": self.rule,
            "severity": self.severity,
            "direction": self.direction,
            "evidence": list(self.evidence),
        }


class SourceRef(_Frozen):
    """Another outlet that reported the same story (alerts list them instead of repeating)."""

    source: str
    title: str
    link: str | None = None


class Alert(_Frozen):
    """A catalyst on one ticker in one item, ready to be rendered by an adapter."""

    ticker: str
    kind: str
    rule: str
    severity: Severity
    direction: Direction | None
    evidence: tuple[str, ...]
    title: str
    link: str | None
    source: str
    published: datetime | None
    item_id: str
    other_sources: tuple[SourceRef, ...] = ()
    tags: tuple[str, ...] = ()

    @classmethod
    def from_catalyst(cls, item: NewsItem, catalyst: Catalyst, ticker: str) -> Alert:
        return cls(
            ticker=ticker,
            kind=catalyst.kind,
            rule=catalyst.rule,
            severity=catalyst.severity,
            direction=catalyst.direction,
            evidence=catalyst.evidence,
            title=item.title,
            link=item.link,
            source=item.feed,
            published=item.published,
            item_id=item.id,
            tags=item.tags,
        )
