"""The rule engine: one Aho-Corasick pass finds triggers, then only the triggered rules run."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

import ahocorasick
from mypy_extensions import mypyc_attr

from bot.errors import CatalystBotError
from bot.models import Catalyst, Direction, NewsItem
from rules.filings import FilingRule, filing_catalysts
from rules.matcher import CompiledRule, Hit, Prepared, Trace
from rules.packs import load_rules
from rules.schema import Rule
from rules.settings import RulesSettings
from rules.text import clean, fold, is_word_char, spaced
from rules.tickers import TickerLinker
from rules.universe import load_universe

_LOGGER = logging.getLogger(__name__)

# What the automaton keeps for a search: how far back its phrase starts, and each phrase it may be
# (length, the phrase as written when spacing changed it, its keys, the rules they trigger).
_Entry = tuple[int, tuple[tuple[int, str | None, tuple[str, ...], frozenset[int]], ...]]


class RuleError(CatalystBotError):
    """The configured rules are invalid; ``errors`` names each file, rule and reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@mypyc_attr(serializable=True, allow_interpreted_subclasses=True)  # pickled: see rules/compiled.py
class RuleEngine:
    """Detects catalysts in news items. ``detect`` is pure and safe to call from any thread."""

    def __init__(
        self,
        rules: list[Rule],
        linker: TickerLinker,
        price_move_threshold: float,
        filing_rules: list[FilingRule] | None = None,
        ciks: dict[str, str] | None = None,
    ) -> None:
        self.rules = rules
        self.linker = linker
        self.filing_rules = filing_rules or []
        self.ciks = ciks or {}
        self._compiled = [CompiledRule(rule, price_move_threshold) for rule in rules]
        triggers: dict[str, set[int]] = defaultdict(set)  # by key: a prefix key ("buy*") triggers
        for index, compiled in enumerate(self._compiled):  # other rules than the word ("buy")
            for key in compiled.trigger_keys:
                triggers[key].add(index)
        variants: dict[str, set[str]] = defaultdict(set)
        for compiled in self._compiled:
            for key in compiled.phrase_keys():
                if key.rstrip("*"):
                    variants[key.rstrip("*")].add(key)
        # Every hit this automaton reports counts: it searches the spaced text, " word " for a
        # whole word, " word" for a word start; "%" and the like are found with str.find.
        # search -> (phrase length, the phrase when spaced() changed it) -> (keys, rule indexes)
        groups: dict[str, dict[tuple[int, str | None], tuple[set[str], set[int]]]] = defaultdict(dict)
        self._marked: list[tuple[str, tuple[str, ...], tuple[str, ...], frozenset[int], frozenset[int]]] = []
        for base, keys in variants.items():
            exact = tuple(sorted(k for k in keys if k[-1] != "*"))
            prefix = tuple(sorted(k for k in keys if k[-1] == "*"))
            if not is_word_char(base[0]):
                self._marked.append((base, exact, prefix, _triggered(triggers, exact), _triggered(triggers, prefix)))
                continue
            stem = spaced(base)[:-1]
            # a phrase with punctuation or digits is also found where spaced() made the same of
            # other text
            literal = None if stem[1:] == base else base
            searches = [(stem, prefix)] if prefix else []
            if exact:
                searches.append((stem + " " if is_word_char(base[-1]) else stem, exact))
                if base[-4:].isalpha():  # a word followed by a version number ("qwen3") is whole
                    searches.append((stem + "0", exact))
            for search, found in searches:
                entry = groups[search].setdefault((len(base), literal), (set(), set()))
                entry[0].update(found)
                entry[1].update(_triggered(triggers, found))
        self._automaton = ahocorasick.Automaton()
        for search, by_phrase in groups.items():
            phrases = tuple(
                (size, literal, tuple(sorted(keys)), frozenset(indexes))
                for (size, literal), (keys, indexes) in by_phrase.items()
            )
            # the phrase starts one after the search's leading space: len(search) - 1 before its end
            self._automaton.add_word(search, (len(search) - 1, phrases))
        if len(self._automaton):
            self._automaton.make_automaton()

    @classmethod
    def from_settings(cls, settings: RulesSettings, data_dir: Path | None = None) -> RuleEngine:
        """Build the engine from the ``[rules]`` settings; raises RuleError on invalid packs.

        ``data_dir`` is where ``universe import`` stored the SEC list; without one there (or
        with ``data_dir`` None) the packaged snapshot of it is used.
        """
        loaded = load_rules(settings)
        if loaded.errors:
            raise RuleError(loaded.errors)
        universe, sec = load_universe(settings.aliases, data_dir)
        return cls(loaded.rules, universe.linker(), settings.price_move_threshold, loaded.filing_rules, sec.ciks)

    def detect(self, item: NewsItem) -> list[Catalyst]:
        """The catalysts in ``item``, at most one per kind and ticker, in pack and rule order.

        A filing is judged by its form, items and trades (its headline is ours, not the filer's).
        """
        if item.filing is not None:
            return filing_catalysts(self.filing_rules, item.filing, self.ciks)
        prepared, candidates = self._prepare(item)
        if prepared is None:
            return []
        hits: list[Hit] = []
        claimed: dict[str, set[str]] = defaultdict(set)  # by kind: _to_catalysts keeps no more
        for index in sorted(candidates):
            compiled = self._compiled[index]
            if compiled.possible(prepared):
                taken = claimed[compiled.rule.kind]
                found = compiled.evaluate(prepared, settled=taken)
                for hit in found:
                    taken.update(hit.tickers)
                hits.extend(found)
        return _to_catalysts(hits) if hits else []

    def trace(self, item: NewsItem) -> tuple[list[Trace], list[Catalyst]]:
        """Rule-by-rule account of ``item`` (for ``explain``) and the resulting catalysts."""
        prepared, candidates = self._prepare(item)
        traces = [Trace(c.rule) for c in self._compiled]
        if item.filing is not None:
            return traces, filing_catalysts(self.filing_rules, item.filing, self.ciks)
        if prepared is None:
            return traces, []
        for index in sorted(candidates):
            traces[index].hits = self._compiled[index].evaluate(prepared, traces[index])
        return traces, _to_catalysts([h for t in traces for h in t.hits])

    def _prepare(self, item: NewsItem) -> tuple[Prepared | None, set[int]]:
        candidates: set[int] = set()
        if not len(self._automaton) and not self._marked:
            return None, candidates
        text = clean(item.title) + "\n" + clean(item.summary)
        folded = fold(text).replace("-", " ")
        gaps = spaced(folded)
        occurrences: dict[str, list[tuple[int, int]]] = defaultdict(list)
        starts_with, add_rules = folded.startswith, candidates.update  # bound once: the loop is hot
        for last, found in self._automaton.iter(gaps) if len(self._automaton) else ():
            entry: _Entry = found  # typed, so the compiled loop indexes the tuples instead of iterating them
            start = last - entry[0]  # gaps' offsets are one past folded's
            for size, literal, keys, rules in entry[1]:
                if literal is None or starts_with(literal, start):
                    span = (start, start + size)
                    for key in keys:
                        occurrences[key].append(span)
                    if rules:
                        add_rules(rules)
        for base, exact, prefix, exact_rules, prefix_rules in self._marked:
            at = folded.find(base)
            while at >= 0:
                end = at + len(base)
                whole = bool(exact) and _ends_word(folded, base, end)
                keys = exact + prefix if whole else prefix
                for key in keys:
                    occurrences[key].append((at, end))
                if whole:
                    candidates.update(exact_rules)
                if prefix:
                    candidates.update(prefix_rules)
                at = folded.find(base, at + 1)
        if not candidates:
            return None, candidates
        return Prepared(text, folded, gaps, occurrences, self.linker), candidates


def _triggered(triggers: dict[str, set[int]], keys: tuple[str, ...] | set[str]) -> frozenset[int]:
    """The rules that one of ``keys`` triggers."""
    found: set[int] = set()
    for key in keys:
        found.update(triggers.get(key, ()))
    return frozenset(found)


def _ends_word(folded: str, base: str, end: int) -> bool:
    """Whether ``base``, found in ``folded`` up to ``end``, ends a word there (a word followed
    by a version number, "qwen3", does)."""
    if not is_word_char(base[-1]) or end == len(folded) or not is_word_char(folded[end]):
        return True
    return folded[end].isdigit() and base[-4:].isalpha()


def _to_catalysts(hits: list[Hit]) -> list[Catalyst]:
    """One (kind, ticker) pair once: the first rule that claimed it wins; group by rule."""
    claimed: set[tuple[str, str]] = set()
    # by (rule id, direction): the rule, its tickers and its evidence (a hit's own are distinct)
    grouped: dict[tuple[str, Direction | None], tuple[Rule, list[str], list[str]]] = {}
    for hit in hits:
        kind = hit.rule.kind
        tickers = [t for t in hit.tickers if (kind, t) not in claimed]
        if hit.tickers and not tickers:
            continue
        claimed.update([(kind, t) for t in tickers])
        entry = grouped.get((hit.rule.id, hit.direction))
        if entry is None:
            grouped[(hit.rule.id, hit.direction)] = (hit.rule, tickers, list(hit.evidence))
        else:
            entry[1].extend([t for t in tickers if t not in entry[1]])
            entry[2].extend([e for e in hit.evidence if e not in entry[2]])
    return [
        Catalyst(
            kind=rule.kind,
            tickers=tuple(tickers),
            rule=rule_id,
            severity=rule.severity,
            direction=direction,
            evidence=tuple(evidence),
        )
        for (rule_id, direction), (rule, tickers, evidence) in grouped.items()
    ]
