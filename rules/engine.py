"""The rule engine: one Aho-Corasick pass finds triggers, then only the triggered rules run."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

import ahocorasick

from bot.errors import CatalystBotError
from bot.models import Catalyst, NewsItem
from rules.filings import FilingRule, filing_catalysts
from rules.matcher import CompiledRule, Hit, Prepared, Trace
from rules.packs import load_rules
from rules.schema import Rule
from rules.settings import RulesSettings
from rules.text import clean, fold
from rules.tickers import NameHit, TickerLinker
from rules.universe import load_universe

_LOGGER = logging.getLogger(__name__)

_NO_RULES: frozenset[int] = frozenset()


class RuleError(CatalystBotError):
    """The configured rules are invalid; ``errors`` names each file, rule and reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


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
        triggers: dict[str, set[int]] = defaultdict(set)
        for index, compiled in enumerate(self._compiled):
            for key in compiled.trigger_keys:
                triggers[key.rstrip("*")].add(index)
        keys: dict[str, list[str]] = defaultdict(list)
        for compiled in self._compiled:
            for key in compiled.phrase_keys():
                if key.rstrip("*") and key not in keys[key.rstrip("*")]:
                    keys[key.rstrip("*")].append(key)
        # One automaton for rule phrases and company names: a single pass over the text.
        names = linker.universe.names
        self._automaton = ahocorasick.Automaton()
        for base, name in names.items():  # a name that is no rule phrase: most of them
            if base not in keys:
                self._automaton.add_word(base, _name_entry(base, name))
        for base in keys:
            variants = keys[base]
            exact = tuple(k for k in variants if k[-1] != "*")
            prefix = tuple(k for k in variants if k[-1] == "*")
            self._automaton.add_word(
                base,
                (
                    len(base) - 1,
                    base[0].isalnum(),
                    base[-1].isalnum(),
                    base[-1].isalpha(),
                    exact + prefix if exact else (),  # the keys a whole-word hit counts for
                    prefix,
                    frozenset(triggers[base]) if base in triggers else _NO_RULES,
                    names.get(base),
                    base[0].isascii() and base[0].isalnum(),
                ),
            )
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
        if not len(self._automaton):
            return None, candidates
        text = clean(item.title) + "\n" + clean(item.summary)
        folded = fold(text).replace("-", " ")
        occurrences: dict[str, list[tuple[int, int]]] = defaultdict(list)
        name_hits: list[NameHit] = []
        size = len(folded)
        hits = self._automaton.iter(folded)
        for last, (offset, leading, trailing, alpha, whole, prefix, rules, name, latin) in hits:
            start = last - offset
            inside = leading and start and folded[start - 1].isalnum()
            if name is not None:
                # a name inside a Latin word ("ses" in "raises") is none; the linker would drop it
                if not (inside and latin and folded[start - 1].isascii()):
                    name_hits.append((start, last + 1, name))
                if not whole and not prefix:
                    continue
            if inside:
                continue
            end = last + 1
            # a phrase ends at a word end; a word followed by a version number ("qwen3") counts
            if whole and (
                not trailing
                or end == size
                or not folded[end].isalnum()
                or (folded[end].isdigit() and alpha and folded[end - 4 : end].isalpha())
            ):
                keys = whole
            elif prefix:
                keys = prefix
            else:
                continue
            span = (start, end)
            for key in keys:
                occurrences[key].append(span)
            if rules:
                candidates.update(rules)
        if not candidates:
            return None, candidates
        return Prepared(text, folded, occurrences, name_hits, self.linker), candidates


def _name_entry(base: str, name: object) -> tuple:
    """The automaton's entry for a company name that is no rule phrase (see ``RuleEngine.__init__``)."""
    first = base[0].isalnum()
    return (len(base) - 1, first, base[-1].isalnum(), base[-1].isalpha(), (), (), _NO_RULES, name, first and base[0].isascii())


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
