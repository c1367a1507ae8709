"""The TOML rule language: pydantic models for a rule pack and the rules in it."""

from __future__ import annotations

import logging
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.models import Direction

_LOGGER = logging.getLogger(__name__)

Side = Literal["before", "after", "either"]
_ID = re.compile(r"^[a-z0-9_][a-z0-9_.-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhraseGroup(_Strict):
    """Phrases of which one must (``all``) or must not (``none``) occur near the anchor.

    ``within`` counts words from the anchor on ``side``; without it the whole sentence counts.
    A window never crosses a clause break (``;``, ``, ``, ``: ``).
    """

    phrases: list[str] = Field(min_length=1)
    within: int | None = Field(default=None, ge=0)
    side: Side = "either"
    # also met by a phrase in the headline ('Nvidia's Blackwell Ultra arrives' over a summary
    # saying 'began shipping the accelerator'); only without a window
    headline: bool = False

    @model_validator(mode="after")
    def _headline_has_no_window(self) -> PhraseGroup:
        if self.headline and self.within is not None:
            raise ValueError("a group with 'headline = true' takes no 'within'")
        return self


class NumberCondition(_Strict):
    """A number near the anchor: a percentage ("8.1%") or a rank ("No. 1", "top 3")."""

    unit: Literal["percent", "rank"]
    min: float | None = None
    max: float | None = None
    min_setting: Literal["price_move_threshold"] | None = None
    within: int = Field(default=4, ge=0)
    side: Side = "after"


class Rule(_Strict):
    """One catalyst rule: anchors (any/regex), conditions (all/none/number), subject, direction."""

    id: str
    kind: str
    severity: Literal["low", "medium", "high"] = "medium"
    description: str = ""
    enabled: bool = True
    any: list[str] = []
    regex: list[str] = []
    triggers: list[str] = []
    all: list[PhraseGroup] = []
    none: list[PhraseGroup] = []
    none_regex: list[str] = []
    none_headline_regex: list[str] = []
    number: NumberCondition | None = None
    direction: Direction | None = None
    direction_words: dict[Direction, list[str]] = {}
    require_ticker: bool = True
    subject: Literal["before", "after"] = "before"
    subject_fallback: bool = True
    subject_exclude: list[str] = []
    subject_nouns: list[str] = []
    subject_owner: bool = False
    subject_from_summary: bool = False
    owner_not_subject: list[str] = []

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("ids use lower-case letters, digits, '_', '.', '-'")
        return value

    @field_validator("all", "none", mode="before")
    @classmethod
    def _plain_list_is_one_group(cls, value: object) -> object:
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return [{"phrases": value}]
        return value

    @field_validator("regex", "none_regex", "none_headline_regex")
    @classmethod
    def _check_regex(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regex {pattern!r}: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _needs_an_anchor(self) -> Rule:
        if not self.any and not self.regex:
            raise ValueError("a rule needs 'any' phrases or a 'regex' to anchor on")
        if self.regex and not self.any and not self.triggers:
            raise ValueError("a regex-only rule needs 'triggers': literal words for the prefilter")
        return self


class Pack(_Strict):
    """A rule pack file: named phrase sets (``@name`` in any phrase list), text rules and filing rules."""

    sets: dict[str, list[str]] = {}
    rule: list[dict] = []
    filing: list[dict] = []
