"""The rule engine: one Aho-Corasick pass finds triggers, then only the triggered rules run."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from pathlib import Path

import ahocorasick

from bot.errors import CatalystBotError
from bot.models import Catalyst, NewsItem
from rules.matcher import CompiledRule, Hit, Prepared, Trace, phrase_key
from rules.packs import load_rules
from rules.schema import Rule
from rules.settings import RulesSettings
from rules.text import clean, fold
from rules.tickers import TickerLinker, builtin_universe
from rules.universe import load_imported

_LOGGER = logging.getLogger(__name__)


class RuleError(CatalystBotError):
    """The configured rules are invalid; ``errors`` names each file, rule and reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("invalid rules:\n" + "\n".join(errors))
        self.errors = errors


def validate(settings: RulesSettings) -> list[str]:
    """Error messages for the rule packs ``settings`` selects; empty when all are valid."""
    return load_rules(settings).errors


class RuleEngine:
    """Detects catalysts in news items. ``detect`` is pure and safe to call from any thread."""

    def __init__(self, rules: list[Rule], linker: TickerLinker, price_move_threshold: float) -> None:
        self.rules = rules
        self.linker = linker
        self._compiled = [CompiledRule(rule, price_move_threshold) for rule in rules]
        self._automaton = ahocorasick.Automaton()
        triggers: dict[str, set[int]] = defaultdict(set)
        for index, compiled in enumerate(self._compiled):
            for key in compiled.trigger_keys:
                triggers[key.rstrip("*")].add(index)
        keys: dict[str, list[str]] = defaultdict(list)
        for compiled in self._compiled:
            for key in compiled.phrase_keys():
                if key.rstrip("*") and key not in keys[key.rstrip("*")]:
                    keys[key.rstrip("*")].append(key)
        for base, variants in keys.items():
            self._automaton.add_word(base, (len(base), tuple(variants), frozenset(triggers[base])))
        if keys:
            self._automaton.make_automaton()

    @classmethod
    def from_settings(cls, settings: RulesSettings, data_dir: Path | None = None) -> RuleEngine:
        """Build the engine from the ``[rules]`` settings; raises RuleError on invalid packs.

        ``data_dir`` is where ``universe import`` stored the SEC universe (None: built-in only).
        """
        loaded = load_rules(settings)
        if loaded.errors:
            raise RuleError(loaded.errors)
        universe = builtin_universe(settings.aliases)
        if data_dir is not None:
            load_imported(universe, data_dir)
        return cls(loaded.rules, universe.linker(), settings.price_move_threshold)

    def detect(self, item: NewsItem) -> list[Catalyst]:
        """The catalysts in ``item``, at most one per kind and ticker."""
        prepared, candidates = self._prepare(item)
        if prepared is None:
            return []
        hits = []
        for index in candidates:
            compiled = self._compiled[index]
            if compiled.possible(prepared):
                hits.extend(compiled.evaluate(prepared))
        return _to_catalysts(hits) if hits else []

    def trace(self, item: NewsItem) -> tuple[list[Trace], list[Catalyst]]:
        """Rule-by-rule account of ``item`` (for ``explain``) and the resulting catalysts."""
        prepared, candidates = self._prepare(item)
        traces = [Trace(c.rule) for c in self._compiled]
        if prepared is None:
            return traces, []
        for index in sorted(candidates):
            traces[index].hits = self._compiled[index].evaluate(prepared, traces[index])
        return traces, _to_catalysts([h for t in traces for h in t.hits])

    def _prepare(self, item: NewsItem) -> tuple[Prepared | None, set[int]]:
        text = clean(item.title) + "\n" + clean(item.summary)
        folded = fold(text).replace("-", " ")
        occurrences: dict[str, list[tuple[int, int]]] = defaultdict(list)
        candidates: set[int] = set()
        if len(self._automaton):
            size = len(folded)
            for end_index, (length, variants, rules) in self._automaton.iter(folded):
                start, end = end_index - length + 1, end_index + 1
                if start and folded[start - 1].isalnum() and folded[start].isalnum():
                    continue
                right = end == size or _right_bounded(folded, end)
                for key in variants:
                    if right or key[-1] == "*":
                        occurrences[key].append((start, end))
                        if rules:
                            candidates.update(rules)
        if not candidates:
            return None, candidates
        return Prepared(text, folded, occurrences, self.linker), candidates


def _right_bounded(folded: str, end: int) -> bool:
    """A phrase ends at a word end; a word followed by a version number ("qwen3") counts."""
    if end >= len(folded) or not (folded[end].isalnum() and folded[end - 1].isalnum()):
        return True
    return folded[end].isdigit() and folded[end - 1].isalpha() and folded[end - 4 : end].isalpha()


def _to_catalysts(hits: list[Hit]) -> list[Catalyst]:
    """One (kind, ticker) pair once: the first rule that claimed it wins; group by rule."""
    claimed: set[tuple[str, str]] = set()
    grouped: dict[tuple[str, str | None], dict] = {}
    for hit in hits:
        tickers = [t for t in hit.tickers if (hit.rule.kind, t) not in claimed]
        if hit.tickers and not tickers:
            continue
        claimed.update((hit.rule.kind, t) for t in tickers)
        entry = grouped.setdefault(
            (hit.rule.id, hit.direction), {"rule": hit.rule, "tickers": [], "evidence": []}
        )
        entry["tickers"].extend(t for t in tickers if t not in entry["tickers"])
        entry["evidence"].extend(e for e in hit.evidence if e not in entry["evidence"])
    return [
        Catalyst(
            kind=entry["rule"].kind,
            tickers=tuple(entry["tickers"]),
            rule=rule_id,
            severity=entry["rule"].severity,
            direction=direction,
            evidence=tuple(entry["evidence"]),
        )
        for (rule_id, direction), entry in grouped.items()
    ]
