"""Evaluate one compiled rule against a prepared item: anchors, conditions, subject, evidence.

Over ~400 lines as one hot loop: splitting the compiled rule from its evaluation would cost a call per anchor.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from dataclasses import dataclass, field

from mypy_extensions import mypyc_attr

from bot.models import Direction
from rules.names import is_dictionary_word
from rules.prefilter import ScoutedRegex, scout
from rules.schema import NumberCondition, PhraseGroup, Rule
from rules.text import split_sentences
from rules.tickers import Mention, TickerLinker

_LOGGER = logging.getLogger(__name__)

Span = tuple[int, int]
# A clause break; a comma before an appositive ("Arctic, an open model", "Ironwood, its TPU") or a legal form
# ("Etsy, Inc. Estimates") is none.
_BREAK = re.compile(r"[;:]\s| - |,\s(?!an? |its |Inc\b|Ltd\b|LLC\b|L\.P\.)")
# A possessive between an owner and what it owns: "Tencent's Yuanbao", "Warner Bros.' Dune",
# "Apple's China shopping chart" (up to three words after it).
_POSSESSIVE = re.compile(r"['\u2019]s?\s+")
_SPEAKER = re.compile(r"\s+(?:said|says|announced)\b")
# ... or as a maker before its product ("The Pixar sequel", "distributed by Sony", "the new film from Disney")
_MAKER_BEFORE = re.compile(r"(?:\bthe|\bby|\bfrom)\s+$", re.IGNORECASE)
_GROUP_GAP = re.compile(r"^\s*(?:,|&|/|and|or|, and|\(|\))?\s*$", re.IGNORECASE)
_PERCENT = re.compile(
    r"(?<![\w.])(?:[~≈+-]\s?)?(\d{1,4}(?:\.\d+)?)\s?(?:%|percent\b|per cent\b|pct\b)", re.I
)
_RANK = re.compile(
    r"\b(?:no\.?\s?|number\s|#\s?|top\s)(\d{1,3})\b|\b(\d{1,3})(?:st|nd|rd|th)\b"
    r"|\b(first|second|third|top)\b",
    re.I,
)
# The forms of a company named as itself (not as a backer, nor a name with a role): a blocker
# phrase inside one does not count ("NASDAQ:TSLA", "Target upgraded"), nor does an anchor.
_TICKER_FORMS = frozenset(("cashtag", "exchange", "paren", "symbol", "name"))
# "The stock market", "the stock index": a subject noun that names no company's stock.
_MARKET_NOUN = re.compile(r"\s+(?:market|markets|index|indices|indexes)\b", re.IGNORECASE)
_RANK_WORDS = {"first": 1, "top": 1, "second": 2, "third": 3}
# A subject noun's description of the company instead of its name: "Shares of the online pet
# retailer jumped", "Shares in the Danish drugmaker slid".
_DESCRIBED = re.compile(r"\s+(?:of|in)\s+the(?:\s+[\w'-]+){1,5}\s+")
# A subject noun's verb reaching the anchor's level: "The stock hit a new 52-week high", "the
# maker's stock rose as much as 4% to an all-time high" (not "shares of rivals rose to a record").
_REACHED = re.compile(
    r"\s+(?!of\b|in\b)(?:[\w.%'-]+\s+){0,6}?(?:to|at)\s+(?:an?|its|their)\s+(?:(?:new|fresh)\s+)?"
    r"|\s+(?!of\b|in\b)(?:[\w'-]+\s+){1,2}(?:an?|its|their|another)\s+(?:(?:new|fresh)\s+)?",
    re.IGNORECASE,
)
# ... or to an anchor that opens with the level's preposition ("shares climbed 3% | to a record").
_VERB_GAP = re.compile(r"\s+(?!of\b|in\b)(?:[\w.%'-]+\s+){1,6}?", re.IGNORECASE)
_LEVEL_ANCHOR = re.compile(r"(?:to|at)\s", re.IGNORECASE)
_EVIDENCE_SPAN = 200
# The words before a broker that acts on the company named before the anchor ("upgraded by KBW").
# Between two companies before the anchor: the later one receives what the earlier one sends.
_RECIPIENT = re.compile(r"\bto\s+(?:[A-Z][\w.-]*['\u2019]s\s+|[A-Z][a-z]+\s+)?$")
_ACTOR_PREPOSITION = re.compile(r"\b(?:at|by|from)\s+$", re.IGNORECASE)
# The last word before a subject noun or anchor, and the words that, capitalised, are no name.
_LAST_WORD = re.compile(r"([^\W\d_][\w&'.-]*)[\s()'\"]*$")
_PLAIN_WORDS = frozenset(
    "the its their his her this that these those our and as while but with why how when after"
    " before a an of in on for to at by now also still then company company's firm firm's"
    " group group's today".split()
)
# The first letter or digit of a word, where a word is letters and digits joined by single . , '
# ("3.8", "U.S", "don't"); the look-behinds see before the start of a search, so a count over a
# gap is exact.
_WORD_START = re.compile(r"(?<![^\W_])(?<![^\W_][.,'])[^\W_]")


@functools.cache  # the shared phrase sets recur in many rules: one engine asks ~10,000 times
def phrase_key(phrase: str) -> str:
    """The form a phrase is matched in: lower-case, hyphens as spaces, ``*`` kept."""
    return " ".join(phrase.lower().replace("-", " ").split()) + ("*" if phrase.endswith("*") else "")


class Prepared:
    """An item's text made ready for the rules: phrase hits now; tickers, sentences and numbers
    on first use, so an item whose candidate rules fail early costs little."""

    def __init__(
        self,
        text: str,
        folded: str,
        gaps: str,
        occurrences: dict[str, list[Span]],
        linker: TickerLinker,
    ) -> None:
        self.text = text
        self.folded = folded
        self.gaps = gaps
        self.occurrences = occurrences
        end = text.find("\n")  # the engine joins the headline and the summary with one
        self.title_end = end if end >= 0 else len(text)
        self._linker = linker
        self._mentions: list[Mention] | None = None
        self._tickers: frozenset[str] | None = None
        self._companies: list[Mention] | None = None
        self._sentences: list[Span] | None = None
        self._sentence_starts: list[int] = []
        self._units: dict[str, bool] = {}
        self._spans: dict[frozenset[str], list[Span]] = {}
        self._numbers: dict[tuple[str, Span], list[tuple[Span, float]]] = {}
        self._subjects: dict[Span, list[Mention]] = {}
        self._sentence_of: dict[int, Span] = {}

    @property
    def mentions(self) -> list[Mention]:
        """Companies and names with a role (private companies, managers, markets)."""
        if self._mentions is None:
            self._mentions = self._linker.link_all(self.text, self.folded, self.gaps)
        return self._mentions

    @property
    def tickers(self) -> frozenset[str]:
        """Every ticker a rule's subject can be: those of the mentions that are no backer."""
        if self._tickers is None:
            self._tickers = frozenset(m.ticker for m in self.mentions if m.ticker and m.form != "backer")
        return self._tickers

    @property
    def companies(self) -> list[Mention]:
        """The mentions in one of the ``_TICKER_FORMS``: companies named as themselves."""
        if self._companies is None:
            self._companies = [m for m in self.mentions if m.form in _TICKER_FORMS]
        return self._companies

    def subjects_in(self, start: int, end: int) -> list[Mention]:
        """The mentions in ``text[start:end]`` that are no backer (remembered: rules ask again
        per anchor; not to be changed)."""
        found = self._subjects.get((start, end))
        if found is None:
            found = self._subjects[(start, end)] = [
                m for m in self.mentions if start <= m.start and m.end <= end and m.form != "backer"
            ]
        return found

    @property
    def sentences(self) -> list[Span]:
        if self._sentences is None:
            self._sentences = split_sentences(self.text)
            self._sentence_starts = [s for s, _ in self._sentences]
        return self._sentences

    def may_have(self, unit: str) -> bool:
        """Whether the text can hold a number of ``unit`` ("percent" or "rank"): it has one of
        the units _PERCENT needs, or a digit or word _RANK needs (the anchor's sentence is
        searched for the number itself: a search of the whole text first would repeat it)."""
        found = self._units.get(unit)
        if found is None:
            folded = self.folded
            if unit == "percent":
                found = "%" in folded or "percent" in folded or "per cent" in folded or "pct" in folded
            else:  # a digit is "0" in the spaced copy
                found = ("0" in self.gaps or any(map(folded.__contains__, _RANK_WORDS))) and (
                    _RANK.search(self.text) is not None
                )
            self._units[unit] = found
        return found

    def numbers(self, unit: str, sentence: Span) -> list[tuple[Span, float]]:
        """The percentages or ranks in ``sentence``, with their values (remembered: rules ask
        again per anchor)."""
        found = self._numbers.get((unit, sentence))
        if found is None:
            start, end = sentence
            pattern = _PERCENT if unit == "percent" else _RANK
            found = [
                ((m.start() + start, m.end() + start), _value(m, unit))
                for m in pattern.finditer(self.text[start:end])
            ]
            self._numbers[(unit, sentence)] = found
        return found

    def sentence_of(self, position: int) -> Span:
        """The sentence holding ``position`` (remembered: rules ask again per anchor)."""
        found = self._sentence_of.get(position)
        if found is None:
            sentences = self.sentences
            index = max(0, bisect.bisect_right(self._sentence_starts, position) - 1)
            found = sentences[index] if sentences else (0, len(self.text))
            self._sentence_of[position] = found
        return found

    def spans_of(self, keys: frozenset[str]) -> list[Span]:
        """Every occurrence of any phrase in ``keys``, by position then longest first, so ties
        break the same way in every run (remembered: rules ask again per anchor)."""
        spans = self._spans.get(keys)
        if spans is None:
            occurrences = self.occurrences
            # loop over the smaller side: a rule's few anchors, or the item's few phrases
            if len(keys) < len(occurrences):
                found = [k for k in keys if k in occurrences]
            else:
                found = [k for k in occurrences if k in keys]
            if len(found) == 1:
                spans = occurrences[found[0]]  # one phrase: already in position order
            else:
                spans = [s for k in found for s in occurrences[k]]
                spans.sort(key=_by_position)
            self._spans[keys] = spans
        return spans

    def words_between(self, start: int, end: int) -> int:
        """How many words start in ``text[start:end]`` (counted in the gap only: gaps are short)."""
        return len(_WORD_START.findall(self.text, start, end))


@dataclass
class Hit:
    """A rule that fired on one anchor, for one subject."""

    rule: Rule
    tickers: tuple[str, ...]
    direction: Direction | None
    evidence: tuple[str, ...]


@dataclass
class Trace:
    """What happened to one rule on one item (for ``explain``)."""

    rule: Rule
    hits: list[Hit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@mypyc_attr(serializable=True, allow_interpreted_subclasses=True)  # pickled: see rules/compiled.py
class CompiledRule:
    """A validated rule with its phrases keyed and regexes compiled."""

    def __init__(self, rule: Rule, price_move_threshold: float) -> None:
        self.rule = rule
        self.anchor_keys = frozenset(phrase_key(p) for p in rule.any)
        self.trigger_keys = frozenset(phrase_key(p) for p in rule.triggers) or self.anchor_keys
        self.regexes = [scout(p) for p in rule.regex]
        self.none_regexes = [scout(p) for p in rule.none_regex]
        self.headline_regexes = [scout(p) for p in rule.none_headline_regex]
        self.all_groups = [(g, frozenset(phrase_key(p) for p in g.phrases)) for g in rule.all]
        self.none_groups = [(g, frozenset(phrase_key(p) for p in g.phrases)) for g in rule.none]
        self.none_keys = frozenset().union(*(keys for _, keys in self.none_groups))
        self.exclude_keys = frozenset(phrase_key(p) for p in rule.subject_exclude)
        self.noun_keys = frozenset(phrase_key(p) for p in rule.subject_nouns)
        self.owned_keys = frozenset(phrase_key(p) for p in rule.owner_not_subject)
        self.direction_keys: dict[Direction, frozenset[str]] = {
            d: frozenset(phrase_key(p) for p in ps) for d, ps in rule.direction_words.items()
        }
        self.number_min = _number_min(rule.number, price_move_threshold)
        self.number_unit = rule.number.unit if rule.number is not None else None
        # for possible(): the phrases and characters an anchor can open with, unless a regex
        # of the anchors may match anywhere; each all-of group's phrases
        self.opens_anywhere = any(r.scan or r.at_start for r in self.regexes)
        self.opening_keys = self.anchor_keys.union(*(r.keys for r in self.regexes))
        self.opening_marks = tuple(sorted(set().union(*(r.marks for r in self.regexes))))
        self.group_keys = tuple(keys for _, keys in self.all_groups)

    def phrase_keys(self) -> set[str]:
        """Every phrase the automaton must report for this rule."""
        keys = set(self.anchor_keys) | self.trigger_keys | self.exclude_keys | self.noun_keys
        keys |= self.owned_keys
        for _, group_keys in self.all_groups + self.none_groups:
            keys.update(group_keys)
        for group_keys in self.direction_keys.values():
            keys.update(group_keys)
        for scouted in self.regexes + self.none_regexes + self.headline_regexes:
            keys.update(scouted.keys)
        return keys

    def possible(self, item: Prepared) -> bool:
        """False when a cheap check shows the rule cannot fire: no anchor phrase (and no anchor
        regex, or none of the characters its matches start with), an all-of group with no
        phrase anywhere in the item, or (for percentages, no unit) no number of the unit."""
        present = item.occurrences.keys()
        if (
            not self.opens_anywhere
            and present.isdisjoint(self.opening_keys)
            and not (self.opening_marks and any(map(item.text.__contains__, self.opening_marks)))
        ):
            return False
        for keys in self.group_keys:
            if present.isdisjoint(keys):
                return False
        return self.number_unit is None or item.may_have(self.number_unit)

    def evaluate(
        self, item: Prepared, trace: Trace | None = None, settled: set[str] | None = None
    ) -> list[Hit]:
        """The hits of this rule in ``item``: with a ``trace``, every one (and the reasons for
        misses); without, none after ``settled`` (the tickers earlier rules of this kind
        claimed) and this rule's own hits claim every company in the item, since the engine
        keeps one catalyst per kind and ticker."""
        hits: list[Hit] = []
        if settled and self.rule.require_ticker and settled >= item.tickers:
            return hits
        if self.headline_regexes and self._headline_blocked(item, trace):
            return hits
        present = item.occurrences.keys()  # none-of groups with no phrase in the item never block
        blockers = (
            []
            if present.isdisjoint(self.none_keys)
            else [(g, keys) for g, keys in self.none_groups if not present.isdisjoint(keys)]
        )
        anchors = self._anchors(item)
        # a restatement needs anchors in both the headline and the summary
        restatable = (
            self.number_unit == "percent" and anchors and anchors[0][0] < item.title_end < anchors[-1][0]
        )
        headline: dict[float, Hit] = {}  # the headline's moves, by their number
        # a trace shows every hit; a restated move can withdraw an earlier hit: then every
        # anchor must be seen
        prune = trace is None and self.rule.require_ticker and not restatable
        claimed = set(settled or ()) if prune else None
        for anchor in anchors:
            if claimed and claimed >= item.tickers:
                break
            in_title = anchor[0] < item.title_end
            value = self._value_at(item, anchor) if restatable and (in_title or headline) else None
            if not in_title and value in headline:
                self._restated(item, anchor, blockers, hits, headline.pop(value), trace)
                continue
            hit = self._at_anchor(item, anchor, blockers, trace)
            if hit is not None:
                hits.append(hit)
                if claimed is not None:
                    claimed.update(hit.tickers)
                if in_title and value is not None:
                    headline[value] = hit
        return hits

    def _restated(
        self,
        item: Prepared,
        anchor: Span,
        blockers: list[tuple[PhraseGroup, frozenset[str]]],
        hits: list[Hit],
        hit: Hit,
        trace: Trace | None,
    ) -> None:
        """A summary sentence restating the headline's move (the same number) adds no catalyst
        of its own; when a phrase near it shows the move was no one session's ("216% in 12
        months"), the headline's hit goes too."""
        said = item.text[anchor[0] : anchor[1]]
        sentence = item.sentence_of(anchor[0])
        for group, keys in blockers:
            if group.within is not None and self._nearest(item, keys, anchor, sentence, group, True):
                hits.remove(hit)
                _miss(trace, f"{said!r}: restates the headline's move, and is blocked: so is the headline")
                return
        _miss(trace, f"{said!r}: restates the headline's move")

    def _value_at(self, item: Prepared, anchor: Span) -> float | None:
        """The number the rule's number condition finds at ``anchor`` (no threshold), if any."""
        found = self._closest_number(item, anchor, item.sentence_of(anchor[0]))
        return found[1] if found else None

    def _headline_blocked(self, item: Prepared, trace: Trace | None) -> bool:
        for regex in self.headline_regexes:
            if _search(item, regex, 0, item.title_end):
                _miss(trace, f"headline blocked by none_headline_regex {regex.pattern!r}")
                return True
        return False

    def _anchors(self, item: Prepared) -> list[Span]:
        spans = item.spans_of(self.anchor_keys)
        if not self.regexes and len(spans) < 2:
            return spans  # already what sorted(set(spans)) makes of it
        spans = list(spans)
        for regex in self.regexes:
            spans.extend(_find_all(item, regex))
        return sorted(set(spans))

    def _at_anchor(
        self,
        item: Prepared,
        anchor: Span,
        blockers: list[tuple[PhraseGroup, frozenset[str]]],
        trace: Trace | None,
    ) -> Hit | None:
        sentence = item.sentence_of(anchor[0])
        said = item.text[anchor[0] : anchor[1]]
        matched: list[Span] = [anchor]
        if self.rule.number is not None:  # first: cheap (numbers are found once a sentence) and selective
            number = self._number(item, anchor, sentence)
            if isinstance(number, str):
                return _miss(trace, f"{said!r}: {number}")
            matched.append(number)
        for group, keys in self.all_groups:
            span = self._nearest(item, keys, anchor, sentence, group)
            if span is None:
                if trace is not None:
                    trace.notes.append(f"{said!r}: no {_describe(group)}")
                return None
            matched.append(span)
        for group, keys in blockers:
            span = self._nearest(item, keys, anchor, sentence, group, skip_mentions=True)
            if span is not None:
                blocker = item.text[span[0] : span[1]]
                return _miss(trace, f"{said!r}: blocked by none-of {blocker!r}")
        for regex in self.none_regexes:
            if _search(item, regex, *sentence):
                return _miss(trace, f"{said!r}: blocked by none_regex {regex.pattern!r}")
        if said[:1].isupper() and any(  # asked last: the subject needs the mentions anyway
            m.start <= anchor[0] and anchor[1] <= m.end for m in item.companies
        ):
            return _miss(trace, f"{said!r}: part of a company's name ('Advanced' in 'Advanced Micro Devices')")
        subject = self._subject(item, anchor, sentence)
        if subject and not subject[0].ticker:
            role = subject[0]
            if self.rule.require_ticker:
                named = item.text[role.start : role.end]
                return _miss(trace, f"{said!r}: about {named!r} ({role.form}), which has no ticker")
            subject = []
        if not subject and self.rule.require_ticker:
            return _miss(trace, f"{said!r}: no ticker for the company this sentence is about")
        tickers = tuple(dict.fromkeys(m.ticker for m in subject))
        return Hit(
            self.rule,
            tickers,
            self._direction(item, anchor, sentence),
            _evidence(item.text, matched, subject),
        )

    def _nearest(
        self,
        item: Prepared,
        keys: frozenset[str],
        anchor: Span,
        sentence: Span,
        group: PhraseGroup,
        skip_mentions: bool = False,
    ) -> Span | None:
        """The closest phrase of ``keys`` in the window (a tie goes to the earlier, then the
        longer one); blockers skip tickers and company names ("NASDAQ:TSLA", "Target").

        Spans come in position order, and past the anchor each is at least as far as the one
        before (its gap holds the earlier gap), so the first one past the anchor that is out of
        the window or no nearer than the best so far ends the search."""
        best: tuple[int, Span] | None = None
        for span in item.spans_of(keys):
            if span[0] < sentence[0] or span[1] > sentence[1]:
                if group.headline and span[1] <= item.title_end:
                    return span  # a phrase of the headline counts wherever the anchor is
                continue
            distance = _distance(item, anchor, span, group.side, group.within)
            if distance is not None and (best is None or distance < best[0]):
                if skip_mentions and any(  # asked last: mentions are found on first use
                    m.start < span[1] and span[0] < m.end for m in item.companies
                ):
                    continue
                best = (distance, span)
            elif span[0] >= anchor[1]:
                break
        return best[1] if best else None

    def _number(self, item: Prepared, anchor: Span, sentence: Span) -> Span | str:
        """The span of the number the rule's condition asks for at ``anchor``, or why there is none."""
        condition = self.rule.number
        assert condition is not None
        found = self._closest_number(item, anchor, sentence)
        if found is None:
            return f"no {condition.unit} within {condition.within} words {condition.side}"
        span, value = found
        # a rule whose company comes before the anchor: a company between the anchor and the
        # number owns the number ("Synopsys rises as Intel slumps 9%")
        owner = self.rule.subject == "before" and next((
            m for m in item.companies if anchor[1] <= m.start and m.end <= span[0] and m.ticker
        ), None)
        if owner:
            return f"{item.text[span[0]:span[1]]!r} follows {item.text[owner.start:owner.end]!r}: its number"
        if self.number_min is not None and value < self.number_min:
            return f"{value:g} is below the threshold {self.number_min:g}"
        if condition.max is not None and value > condition.max:
            return f"{value:g} is above the maximum {condition.max:g}"
        return span

    def _closest_number(self, item: Prepared, anchor: Span, sentence: Span) -> tuple[Span, float] | None:
        condition = self.rule.number
        assert condition is not None
        candidates = []
        for span, value in item.numbers(condition.unit, sentence):
            distance = _distance(item, anchor, span, condition.side, condition.within)
            if distance is not None:
                candidates.append((distance, span, value))
        return min(candidates)[1:] if candidates else None

    def _subject(self, item: Prepared, anchor: Span, sentence: Span) -> list[Mention]:
        """The company (or role name) the anchor is about: the nearest mention on the rule's
        side, never a backer; not one after the anchor that the sentence names before it too
        (a company acting on its own product: the other side, if the rule falls back); after
        one of the rule's `subject_nouns` ("Stock surges", "The stock ended higher") with no
        company in its clause, the company the headline names."""
        start, end = sentence
        mentions = self._candidates(item, start, end)
        if self.exclude_keys:
            covered = self._covered_brokers(item, anchor, sentence)
            if covered:
                mentions = sorted(mentions + covered, key=_by_mention)
        if self.owned_keys:
            mentions = self._without_owners(item, mentions)
        if self.noun_keys:
            unnamed = self._unnamed_subject(item, anchor, sentence, mentions)
            if unnamed is not None:
                return unnamed
        before = [i for i, m in enumerate(mentions) if m.end <= anchor[0]]
        if len(before) > 1 and _RECIPIENT.search(item.text, mentions[before[-2]].end, mentions[before[-1]].start):
            before.pop()  # "Nvidia sent chips to China's Alibaba without licences": the sender acts
        # not past a semicolon: the next clause is news of its own ("...; Micron shares rise")
        semicolon = item.text.find(";", anchor[1], end)
        stop = end if semicolon < 0 else semicolon
        after = [i for i, m in enumerate(mentions) if anchor[1] <= m.start < stop]
        order = [(before[-1:], False), (after[:1], True)]
        if self.rule.subject == "after":
            order.reverse()
        if not self.rule.subject_fallback:
            order = order[:1]
        for choice, is_after in order:
            if choice:
                chosen = mentions[choice[0]]
                if self.rule.subject_owner and not is_after and choice[0] > 0:
                    owner = mentions[choice[0] - 1]
                    if owner.ticker and _POSSESSIVE.fullmatch(item.text, owner.end, chosen.start):
                        chosen = owner  # "Tencent's Yuanbao tops ...": the owner's product
                if not chosen.ticker:
                    return [chosen]
                if is_after and before and any(mentions[i].ticker == chosen.ticker for i in before):
                    continue  # "Meta upgrades Instagram": a company acting on its own product
                companies = [m for m in mentions if m.ticker]
                return _group(item.text, companies, companies.index(chosen))
        if not mentions and anchor[0] < item.title_end:
            named = self._headline_company(item) if sentence[1] - sentence[0] < item.title_end else []
            if named:
                return named
            if self.rule.subject_from_summary and end <= item.title_end:
                return self._summary_owner(item)
        return []

    def _summary_owner(self, item: Prepared) -> list[Mention]:
        """For a headline naming no company ("'Wednesday' holds No. 1 on Nielsen's chart"): the
        company the summary's first sentence names as the owner, in a possessive, as a speaker or
        as the maker ("Netflix's Addams Family series", "Paramount Global said the drama ...",
        "The Pixar sequel", "distributed by Sony")."""
        first = next((s for s in item.sentences if s[0] > item.title_end), None)
        if first is None:
            return []
        for m in self._candidates(item, first[0], first[1]):
            if m.ticker and (
                _POSSESSIVE.match(item.text, m.end)
                or _SPEAKER.match(item.text, m.end)
                or _MAKER_BEFORE.search(item.text, max(first[0], m.start - 6), m.start)
            ):
                return [m]
        return []

    def _headline_company(self, item: Prepared) -> list[Mention]:
        """The one company a headline of several sentences names, for a sentence of it naming
        none ("Nvidia Stock Gains. The White House Cleared H200 Sales to China.")."""
        named = self._candidates(item, 0, item.title_end)
        return named[:1] if len({m.ticker for m in named}) == 1 and named[0].ticker else []

    def _candidates(self, item: Prepared, start: int, end: int) -> list[Mention]:
        """The mentions in ``text[start:end]`` that are neither backers nor excluded names (brokers, funds)."""
        mentions = item.subjects_in(start, end)
        excluded = item.spans_of(self.exclude_keys)
        if excluded:
            mentions = [
                m for m in mentions if not any(s < m.end and m.start < e for s, e in excluded)
            ]
        return mentions

    def _covered_brokers(self, item: Prepared, anchor: Span, sentence: Span) -> list[Mention]:
        """Excluded names (brokers) that are the company covered, not the one acting, since
        another excluded name in the anchor's clause acts on the other side of the anchor: before
        it ("Morgan Stanley upgrades Goldman Sachs", "Wells Fargo raised its target on JPMorgan
        Chase") or after it behind "at", "by" or "from" ("Goldman Sachs upgraded by KBW",
        "Morgan Stanley raised to Buy at HSBC")."""
        start, end = sentence
        text = item.text
        excluded = [s for s in item.spans_of(self.exclude_keys) if start <= s[0] and s[1] <= end]
        if len(excluded) < 2:
            return []
        lo, hi = anchor
        actor_before = [s for s in excluded if s[1] <= lo and not _BREAK.search(text, s[1], lo)]
        actor_after = [
            s for s in excluded if s[0] >= hi and _ACTOR_PREPOSITION.search(text, start, s[0])
            and not _BREAK.search(text, hi, s[0])
        ]
        covered: list[Mention] = []
        for m in item.subjects_in(start, end):
            if not m.ticker or not any(s < m.end and m.start < e for s, e in excluded):
                continue
            if m.end <= lo and not _BREAK.search(text, m.end, lo):
                actors = actor_after
            elif m.start >= hi and not _BREAK.search(text, hi, m.start):
                if _ACTOR_PREPOSITION.search(text, start, m.start) or _POSSESSIVE.match(text, m.end):
                    continue  # "upgraded by KBW", "cut Berkshire Hathaway's stake": the one acting
                actors = actor_before
            else:
                continue
            if any(not (s < m.end and m.start < e) for s, e in actors):
                covered.append(m)
        return covered

    def _without_owners(self, item: Prepared, mentions: list[Mention]) -> list[Mention]:
        """The mentions but an owner of one of ``owner_not_subject`` ("Spotify was Apple's most
        downloaded app", "led Apple's China shopping chart": a possessive up to three words before
        the phrase, no anchor between); all of them when the item names no one else ("tops
        Netflix's global Top 10": its own chart)."""
        owned = item.spans_of(self.owned_keys)
        if not owned:
            return mentions
        anchors = item.spans_of(self.anchor_keys)
        kept = []
        owners: set[str] = set()
        for m in mentions:
            gap = _POSSESSIVE.match(item.text, m.end)
            if m.ticker and gap is not None and any(
                gap.end() <= s and item.words_between(gap.end(), s) <= 3
                and not any(gap.end() <= a < s for a, _ in anchors)
                for s, _ in owned
            ):
                owners.add(m.ticker)
                continue
            kept.append(m)
        if kept or not owners:
            return kept
        # its own chart only when the item names no other company ("JD.com app ranks No. 1" over
        # "JD's app led Apple's China shopping chart": not Apple's)
        if any(m.ticker and m.ticker not in owners for m in item.companies):
            return []
        return mentions

    def _unnamed_subject(
        self, item: Prepared, anchor: Span, sentence: Span, mentions: list[Mention]
    ) -> list[Mention] | None:
        """The subject when the anchor's clause names no company before it: after a bare
        subject noun ("Shares jump 8%", "the stock ended 5% higher", "Shares of the pet
        retailer jumped") the company the headline names; after an unknown capitalised name
        ("Acme Stock Surges") in a sentence naming no company before it, nobody. None: no subject noun, the usual nearest-mention search.
        """
        text = item.text
        clause = _clause_start(text, sentence[0], anchor[0])
        if any(clause <= m.start and m.end <= anchor[0] for m in mentions):
            return None
        head = None
        for span in item.spans_of(self.noun_keys):  # the nearest noun two words before, or opening it
            if span[0] > anchor[0]:
                break
            if _MARKET_NOUN.match(text, span[1]):
                continue
            if clause <= span[0] and (
                span[0] == anchor[0]
                or item.words_between(span[1], anchor[0]) <= 2
                or _DESCRIBED.fullmatch(text, span[1], anchor[0])
                or _REACHED.fullmatch(text, span[1], anchor[0])
                or (_LEVEL_ANCHOR.match(text, anchor[0]) and _VERB_GAP.fullmatch(text, span[1], anchor[0]))
            ):
                head = span[0]
        if head is None:
            return None
        first = mentions[0] if mentions else None
        if first and not text[sentence[0] : first.start].strip() and text[first.end : clause].strip() in ("-", ":"):
            return _group(text, mentions, 0)  # an entry headed by its company: "Oracle - Shares popped 9%"
        word = _LAST_WORD.search(text, clause, head)
        if word is not None and word[1][0].isupper() and word[1].lower() not in _PLAIN_WORDS:
            if any(m.end <= anchor[0] for m in mentions):
                return None  # "$SEM - Select Medical stock sinks": the earlier mention's name
            short = word[1].lower()
            if anchor[0] > item.title_end and not is_dictionary_word(short):
                title = self._candidates(item, 0, item.title_end)
                for i, m in enumerate(title):  # the first word of the headline's company: "Rigetti shares"
                    if m.ticker and text[m.start : m.end].lower().split()[0] == short:
                        return _group(text, title, i)
            return []  # a name the linker does not know: better no subject than a wrong one
        title = self._candidates(item, 0, item.title_end)
        return _group(text, title, 0) if title else None

    def _direction(self, item: Prepared, anchor: Span, sentence: Span) -> Direction | None:
        best: tuple[tuple[int, int, int], Direction] | None = None
        for direction, keys in self.direction_keys.items():
            for span in item.spans_of(keys):
                if span[0] < sentence[0] or span[1] > sentence[1]:
                    continue
                rank = (max(anchor[0] - span[1], span[0] - anchor[1], 0), *_by_position(span))
                if best is None or rank < best[0]:
                    best = (rank, direction)
        return best[1] if best else self.rule.direction


def _find_all(item: Prepared, scouted: ScoutedRegex) -> list[Span]:
    """What ``finditer`` over the item's text finds, trying only where a match can start."""
    regex, text = scouted.regex, item.text
    if scouted.absent(text, 0, len(text)):
        return []
    if scouted.scan:
        return [m.span() for m in regex.finditer(text)]
    spans: list[Span] = []
    for start in scouted.starts(text, item.spans_of(scouted.keys), 0, len(text)):
        if not spans or start >= spans[-1][1]:  # finditer's matches do not overlap
            found = regex.match(text, start)
            if found:
                spans.append(found.span())
    return spans


def _search(item: Prepared, scouted: ScoutedRegex, lo: int, hi: int) -> bool:
    """Whether the regex finds a match in ``text[lo:hi]`` (searched as a string of its own)."""
    if scouted.absent(item.text, lo, hi):
        return False
    if scouted.scan:
        return scouted.regex.search(item.text[lo:hi]) is not None
    starts = scouted.starts(item.text, item.spans_of(scouted.keys), lo, hi)
    if not starts:
        return False
    part = item.text[lo:hi]
    return any(scouted.regex.match(part, start - lo) for start in starts)


def _distance(item: Prepared, anchor: Span, span: Span, side: str, within: int | None) -> int | None:
    """Words between ``anchor`` and ``span`` if ``span`` is on ``side`` and in the window."""
    if span[0] < anchor[1] and anchor[0] < span[1]:
        return 0
    if span[0] >= anchor[1]:
        if side == "before":
            return None
        gap_start, gap_end = anchor[1], span[0]
    elif side == "after":
        return None
    else:
        gap_start, gap_end = span[1], anchor[0]
    words = item.words_between(gap_start, gap_end)
    if within is None:
        return words
    if words > within or _BREAK.search(item.text, gap_start, gap_end + 1):
        return None
    return words


def _clause_start(text: str, start: int, end: int) -> int:
    """Where the clause holding ``text[end]`` starts, not before ``start``."""
    for found in _BREAK.finditer(text, start, end):
        start = found.end()
    return start


def _by_mention(mention: Mention) -> int:
    return mention.start


def _by_position(span: Span) -> tuple[int, int]:
    """Sort key of spans: earlier first, then longer first."""
    return span[0], -span[1]


def _group(text: str, mentions: list[Mention], index: int) -> list[Mention]:
    """The mention at ``index`` and its neighbours in a list ("Intel, Qualcomm and Broadcom")."""
    low = high = index
    while low > 0 and _GROUP_GAP.match(text[mentions[low - 1].end : mentions[low].start]):
        low -= 1
    while high + 1 < len(mentions) and _GROUP_GAP.match(
        text[mentions[high].end : mentions[high + 1].start]
    ):
        high += 1
    return mentions[low : high + 1]


def _evidence(text: str, matched: list[Span], subject: list[Mention]) -> tuple[str, ...]:
    start, end = min([s for s, _ in matched]), max([e for _, e in matched])
    if subject:
        low, high = min(start, subject[0].start), max(end, subject[-1].end)  # mentions in order
    else:
        low, high = start, end
    if high - low <= _EVIDENCE_SPAN:
        return (text[low:high].strip(),)
    pieces = [text[start:end].strip()] + [text[m.start : m.end] for m in subject]
    return tuple(dict.fromkeys(pieces))


def _value(match: re.Match[str], unit: str) -> float:
    if unit == "percent":
        return float(match[1])
    if match[1] or match[2]:
        return float(match[1] or match[2])
    return float(_RANK_WORDS[match[3].lower()])


def _number_min(condition: NumberCondition | None, threshold: float) -> float | None:
    if condition is None:
        return None
    if condition.min_setting == "price_move_threshold":
        return threshold
    return condition.min


def _describe(group: PhraseGroup) -> str:
    where = f" within {group.within} words {group.side}" if group.within is not None else ""
    shown = ", ".join(repr(p) for p in group.phrases[:4])
    more = ", ..." if len(group.phrases) > 4 else ""
    return f"all-of [{shown}{more}]{where}"


def _miss(trace: Trace | None, note: str) -> None:
    if trace is not None:
        trace.notes.append(note)
