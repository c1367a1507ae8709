"""The ticker universe and linking of cashtags, exchange forms and company names in text.

Over ~400 lines because the universe and the linker share its name table.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources

import ahocorasick
from mypy_extensions import mypyc_attr

from rules.names import core_name, everyday_names, is_dictionary_word
from rules.text import fold, is_word_char, spaced

_LOGGER = logging.getLogger(__name__)

_US_INDICES = ("S&P 500", "NASDAQ 100", "DOW JONES", "S&P 100")
_SYMBOL = r"[A-Z]{1,6}(?:[.-][A-Z]{1,2})?"
# Written to start with the literal "$" (the look-behind follows it) so the regex engine skips
# ahead to dollar signs instead of trying every position.
_CASHTAG = re.compile(rf"\$(?<![\w$]\$)({_SYMBOL})(?![\w])")
# `\b(?:NYSE(?: American| Arca|AMERICAN)?|NASDAQ|Nasdaq|AMEX|OTC(?:QX|QB| Markets|MKTS)?|Pink|TSX
# |LSE|HKEX|HKG)\s*:\s*(SYMBOL)\b`, written (like _CASHTAG) with each exchange's first letter before
# its look-behind so the regex engine skips ahead to those letters.
_EXCHANGE = re.compile(
    r"(?:N(?<!\wN)(?:YSE(?: American| Arca|AMERICAN)?|ASDAQ|asdaq)|A(?<!\wA)MEX"
    r"|O(?<!\wO)TC(?:QX|QB| Markets|MKTS)?|P(?<!\wP)ink|T(?<!\wT)SX|L(?<!\wL)SE|H(?<!\wH)K(?:EX|G))"
    rf"\s*:\s*({_SYMBOL})\b"
)
_PAREN = re.compile(rf"\(\s*({_SYMBOL}(?:\s*[,/;]\s*{_SYMBOL})*)\s*\)")
# The look-behind follows the first capital so the regex engine can skip ahead to capitals.
_BARE = re.compile(r"([A-Z](?<![\w$.&-][A-Z])[A-Z]{2,5}(?:[.-][A-Z]{1,2})?)(?![\w&]|\.\w)")
_CUES = (
    "shares", "stock", "stocks", "inc", "corp", "corporation", "co.", "ltd", "plc", "'s",
    "companies", "company", "incorporated", "limited", "llc", "stake", "position",
    "(", "group", "holdings", "investors", "shareholders", "executives", "chief", "adr", "ads",
    # a rating or target given to it ("upgrades Visa to Outperform", "lifts Snowflake price target")
    "price target", "price objective", "target price",
    "to buy", "to outperform", "to overweight", "to strong buy", "to neutral", "to hold",
    "to equal weight", "to market perform", "to sell", "to underweight", "to underperform",
    # coverage started on it ("KeyBanc starts Snowflake at Overweight")
    "at buy", "at outperform", "at overweight", "at strong buy", "at neutral", "at hold",
    "at equal weight", "at market perform", "at sell", "at underweight", "at underperform",
)
# Before a name: its shares, a stake in it, or a broker's call on it ("raises PT on Roku",
# "turns bullish on Ford", "upgrades Etsy").
_CUES_BEFORE = (
    "shares of", "stake in", "stock of", "shares in", "position in", "holdings in", "pt on",
    "po on", "target on", "bullish on", "bearish on", "coverage on", "coverage of", "upgrades",
    "downgrades", "% of",
    # a fund's trade in it ("Coatue dumps Snowflake", "keeps buying Roku", "adds to Occidental")
    "dumps", "dumped", "exits", "exited", "trims", "trimmed", "buying", "selling", "adds to",
    "added to", "bets on", "bet on",
)
# Verbs that, right after a name opening a headline or summary, make it the company acting
# ("Snowflake soars", "Affirm beats"): a word that names a company by its core name or a
# curated alias ("Cadence receives") needs no other cue there.
_LEAD_VERBS = frozenset(
    "soars soared jumps jumped surges surged climbs climbed rallies rallied gains gained rises"
    " rose falls fell drops dropped sinks sank slides slid slumps slumped tumbles tumbled plunges"
    " plunged plummets plummeted tanks tanked dips dipped slips slipped sheds spikes spiked pops"
    " popped rockets skyrockets leaps craters dives sags beats beat misses missed tops topped posts"
    " posted reports reported raises raised lifts lifted cuts lowers lowered slashes boosts hikes"
    " unveils unveiled launches launched announces announced names appoints agrees agreed signs"
    " signed lands inks files filed prices priced acquires acquired buys bought sells sold"
    " completes expands extends guides forecasts warns delays recalls settles upgraded downgraded"
    " initiated started plans nears rebounds rebounded up down to rips vaults hits notches sets"
    " reaches touches gets wins receives pays pleads faces releases debuts introduces rolls"
    " opens closes ends trades exits adds takes trims resumes halts suspends secures restarts"
    " idles pauses stops obtains restores"
    " released publishes published pushes pushed brings brought ships shipped".split()
)
# A signed move right after the name ("Snap +19% after hours") is the company acting too.
_SIGNED_MOVE = re.compile(r"[+-]\d")
# A company named right after these (or right before "-backed") is someone's backer, supplier,
# partner or the rival it is measured against ("to rival Nvidia", "overtakes Meta's Llama"), not
# the company the sentence is about. They end the text before the name (str.endswith is quicker than a regex search).
_BACKER_BEFORE = (
    "backed by", "funded by", "supported by", "owned by", "stake from", "investment from",
    "funding from", "supplier", "chipmaker", "to rival", "rivaling", "rivalling", "to challenge",
    "challenging", "to take on", "taking on", "to compete with", "competing with",
    "overtakes", "overtook", "overtaking", "surpasses", "surpassed", "dethrones", "dethroned",
    "edged past", "edges past", "edging past", "edged past the", "edges past the", "outsold", "outsells", "outselling", "outranks",
    "outranked", "beating", "trails only", "trailed only", "trailing only",
    *(f"{noun}{plural}{tail}" for noun in ("investor", "backer") for plural in ("", "s")
      for tail in ("", " such as", " including")),
)
_BACKED = ("backed", "funded", "owned", "supported")
_BACKER_AFTER = re.compile(rf"^\s?(?:-|\s)?(?:{'|'.join(_BACKED)})\b")
_LIST_GAP = re.compile(r"(?:,? and |, | & | \(|\(|/)\s*(?:NYSE|NASDAQ|Nasdaq)?\s*:?\s*$")
ROLES = ("private", "manager", "market")  # names that are not listed companies
# Bytes that are no ASCII capital / no ASCII letter: deleted, what is left is counted.
_NOT_CAPITAL = bytes(b for b in range(256) if not 65 <= b <= 90)
_NOT_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_CAMEL = re.compile(r"[a-z][A-Z]")  # "BlackBerry": written so, it is no ordinary word
_EXPLICIT = ("cashtag", "exchange", "paren")
_ACRONYM_WORDS = re.compile(r"[A-Za-z][\w'-]*")


@dataclass(frozen=True, slots=True)
class Mention:
    """A ticker named in text: ``text[start:end]`` refers to ``ticker``."""

    start: int
    end: int
    ticker: str
    form: str


@dataclass(slots=True)
class _Name:
    ticker: str  # "" for a name with a role: a private company, a fund manager, a market
    cased: str
    ambiguous: bool
    role: str = ""
    lead: bool = False  # an ambiguous core name or alias that may open a headline before a verb


# The names as the linker's finder searches them: (spaced search, its (length, name, the name
# when spaced() changed it)) pairs; names opening with no word character; those of them in ASCII.
_GroupedNames = tuple[
    list[tuple[str, tuple[tuple[int, _Name, str | None], ...]]],
    list[tuple[str, _Name]],
    list[tuple[str, _Name]],
]


@dataclass
class Universe:
    """Tickers and the names that refer to them, merged from several sources.

    Sources added earlier win a name conflict, so user aliases are added first, then the
    curated alias file, then the packaged index data, then an imported SEC file.
    """

    tickers: dict[str, str] = field(default_factory=dict)
    names: dict[str, _Name] = field(default_factory=dict)
    ambiguous_words: frozenset[str] = frozenset()
    not_tickers: frozenset[str] = frozenset()
    generic_words: frozenset[str] = frozenset()

    def add(
        self,
        ticker: str,
        names: list[str],
        strict: bool = False,
        leads: frozenset[str] = frozenset(),
        guarded: frozenset[str] = frozenset(),
    ) -> None:
        """Register ``ticker`` and its names. One-word names need a cue when they are listed
        ordinary words, ``guarded`` or, if ``strict``, short or in the dictionary; names in
        ``leads`` may also open a headline before a verb, unless they are generic words."""
        ticker = normalise_ticker(ticker)
        if not ticker:
            return
        self.tickers.setdefault(ticker, names[0] if names else ticker)
        for name in [n for name in names for n in (name, undotted(name)) if n]:
            key = fold(name).replace("-", " ").strip()
            if len(key) < 2:
                continue
            lead = name in leads and key not in self.generic_words
            ambiguous = name in guarded or self._ambiguous(key, strict)
            known = self.names.get(key)
            # the first source wins, but a company's plain name lifts the guard on its own short form
            if known is None or (known.ticker == ticker and known.ambiguous and not ambiguous):
                self.names[key] = _Name(ticker, name, ambiguous, lead=lead)

    def _ambiguous(self, key: str, strict: bool) -> bool:
        if " " in key:
            return False
        if key in self.ambiguous_words:
            return True
        return strict and (len(key) <= 4 or is_dictionary_word(key))

    def add_role(self, role: str, names: list[str]) -> None:
        """Register names that are no listed company (see ``ROLES``): they link to no ticker,
        but a rule sees them, so "OpenAI, backed by Microsoft, ..." is not about Microsoft."""
        for name in names:
            key = fold(name).replace("-", " ").strip()
            if key not in self.names:
                self.names[key] = _Name("", name, False, role)

    def add_company(
        self, ticker: str, registered: str, aliases: list[str], bulk: bool = False
    ) -> None:
        """Register a company by its registered name (suffixes normalised), its aliases and its
        everyday short forms; one-word names from a ``bulk`` list (the SEC's) are guarded, and
        so is a dictionary word shortened from a well-known company's name ("Ford")."""
        forms = everyday_names(registered, ordinary_first=not bulk)
        core = core_name(registered)
        if bulk:  # "Artificial Intelligence" is no short form of a listed company's name
            forms[1:] = [
                f for f in forms[1:] if f == core or not all(map(is_dictionary_word, f.split()))
            ]
        short = frozenset(f for f in forms[1:] if " " not in f)
        plain = forms if bulk else everyday_names(registered)
        self.add(
            ticker,
            forms[:1] + list(aliases) + forms[1:],
            strict=bulk,
            leads=short | {core} | frozenset(aliases),
            guarded=frozenset(
                f for f in short if f not in plain and f not in aliases and is_dictionary_word(f)
            ),
        )

    def linker(self) -> TickerLinker:
        """Compile the names into a linker (an Aho-Corasick automaton)."""
        return TickerLinker(self)


_INITIALS = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_WORD_PERIOD = re.compile(r"(?<=[A-Za-z])\.(?=\s|$)")


def undotted(name: str) -> str:
    """A name of several words as written without its abbreviations' periods ("Warner Bros
    Discovery", "US Bancorp", "Nasdaq Inc"), or "" when it has none to drop."""
    if " " not in name or "." not in name:
        return ""
    plain = _WORD_PERIOD.sub("", _INITIALS.sub(lambda m: m[0].replace(".", ""), name))
    return plain if plain != name else ""


def normalise_ticker(symbol: str) -> str:
    """``brk.b`` -> ``BRK-B``; the form used in every Catalyst."""
    return symbol.strip().upper().replace(".", "-").replace("/", "-")


def builtin_universe(extra_aliases: dict[str, list[str]] | None = None) -> Universe:
    """The offline default: user aliases, our curated file, then the index members."""
    curated = tomllib.loads(
        resources.files("rules").joinpath("data/aliases.toml").read_text(encoding="utf-8")
    )
    universe = Universe(
        ambiguous_words=frozenset(curated["words"]["ambiguous"]),
        not_tickers=frozenset(curated["not_tickers"]["words"]),
        generic_words=frozenset(curated["words"]["generic"]),
    )
    for ticker, names in (extra_aliases or {}).items():
        universe.add(ticker, list(names))
    for role in ROLES:
        universe.add_role(role, curated["roles"][role])
    for ticker, entry in curated["companies"].items():
        universe.add_company(ticker, entry["name"], list(entry.get("aliases", [])))
    for ticker, name in _index_members():
        universe.add_company(ticker, name, [])
    return universe


def _index_members() -> list[tuple[str, str]]:
    from pytickersymbols import (
        PyTickerSymbols,  # imported lazily: it loads a large table
    )

    members: list[tuple[str, str]] = []
    symbols = PyTickerSymbols()
    for index in _US_INDICES:
        members.extend((s["symbol"], s["name"]) for s in symbols.get_stocks_by_index(index))
    return members


@mypyc_attr(serializable=True, allow_interpreted_subclasses=True)  # pickled: see rules/compiled.py
class TickerLinker:
    """Finds ticker mentions in cleaned text."""

    def __init__(self, universe: Universe) -> None:
        self._universe = universe
        self._grouped: _GroupedNames | None = None
        self._automaton: ahocorasick.Automaton | None = None

    def __getstate__(self) -> tuple[Universe, _GroupedNames | None]:
        # Without the automaton, which loads no faster than it builds from the grouped names.
        return self._universe, self._grouped

    def __setstate__(self, state: tuple[Universe, _GroupedNames | None]) -> None:
        self._universe, self._grouped = state
        self._automaton = None

    def group_names(self) -> _GroupedNames:
        """The universe's names by how the finder looks for them (grouped once, and kept in a
        stored copy of the linker): as whole words, in the ``spaced`` text, for names that open
        with a word character; the other few, as they are."""
        if self._grouped is not None:
            return self._grouped
        searches: dict[str, list[tuple[int, _Name, str | None]]] = {}
        unspaced = []
        for key, name in self._universe.names.items():
            if not is_word_char(key[0]):
                unspaced.append((key, name))
                continue
            whole = spaced(key)  # " name ": at a word start, and ending a word (see _ends_word)
            # a name with punctuation or digits is also found where spaced() made the same of
            # other text: those are checked against the text
            entry = (len(key), name, None if whole[1:-1] == key else key)
            for search in [whole, whole[:-1] + "0"] if key[-1].isalpha() and len(key) >= 4 else [whole]:
                if search in searches:
                    searches[search].append(entry)
                else:
                    searches[search] = [entry]
        self._grouped = (
            [(search, tuple(entries)) for search, entries in searches.items()],
            unspaced,
            [(key, name) for key, name in unspaced if key.isascii()],
        )
        return self._grouped

    def _finder(self) -> ahocorasick.Automaton:
        """The names as whole words, an automaton over the ``spaced`` text, built on first use."""
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for search, entries in self.group_names()[0]:
                automaton.add_word(search, entries)
            if len(automaton):
                automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    @property
    def universe(self) -> Universe:
        return self._universe

    def link(self, text: str) -> list[Mention]:
        """The company mentions in ``text``, in order of position (see ``link_all``)."""
        return [m for m in self.link_all(text) if m.ticker]

    def link_all(
        self,
        text: str,
        folded: str | None = None,
        gaps: str | None = None,
        trace: list[Candidate] | None = None,
    ) -> list[Mention]:
        """All non-overlapping mentions in ``text``, in order of position: companies, and names
        with a role (``ticker`` "", ``form`` the role). A company named as someone's backer has
        ``form`` "backer". Every candidate kept or dropped, and why, goes to ``trace``.

        ``folded`` is ``fold(text)`` with hyphens as spaces and ``gaps`` is ``spaced(folded)``,
        when the caller already has them.
        """
        if folded is None:
            folded = fold(text).replace("-", " ")
        name_hits = self._name_hits(folded, spaced(folded) if gaps is None else gaps)
        found = self._explicit(text, trace)
        names, bare = self._names(text, folded, name_hits, trace), self._bare(text, trace)
        if found or bare:
            explicit = bool(found)
            taken = [(m.start, m.end) for m in found]
            for mention in names + bare:
                if not any(s < mention.end and mention.start < e for s, e in taken):
                    found.append(mention)
                    taken.append((mention.start, mention.end))
                elif trace is not None:
                    trace.append(Candidate(mention, False, "inside a longer or explicit mention"))
            found.sort(key=lambda m: m.start)
            if explicit:
                found = _adopt_explicit(text, found)
        else:
            found = names  # in order and apart already
        if any(m.form == "backer" for m in found):
            found = _spread_backer(text, found)
        if trace is not None:
            trace.extend(Candidate(m, True, _KEPT[m.form]) for m in found)
            trace.sort(key=lambda c: (c.mention.start, not c.kept))
        return found

    def _name_hits(self, folded: str, gaps: str) -> list[tuple[int, int, _Name]]:
        """Every universe name in ``folded`` that is a whole word there, with its span."""
        automaton = self._finder()
        _, unspaced, unspaced_ascii = self.group_names()
        hits = []
        for last, found in automaton.iter(gaps) if len(automaton) else ():
            entries: tuple[tuple[int, _Name, str | None], ...] = found  # typed: the compiled loop indexes it
            for size, name, exact in entries:
                start = last - size - 1  # gaps' offsets are one past folded's; one past the name
                if exact is None or folded.startswith(exact, start):
                    hits.append((start, start + size, name))
        for key, name in unspaced if not folded.isascii() else unspaced_ascii:
            at = folded.find(key)
            while at >= 0:
                if _ends_word(folded, at, at + len(key)):
                    hits.append((at, at + len(key), name))
                at = folded.find(key, at + 1)
        return hits

    def _explicit(self, text: str, trace: list[Candidate] | None) -> list[Mention]:
        found: list[Mention] = []
        if "$" in text:
            for match in _CASHTAG.finditer(text):
                found.append(Mention(match.start(), match.end(), normalise_ticker(match[1]), "cashtag"))
        if ":" in text:
            for match in _EXCHANGE.finditer(text):
                if not any(m.start <= match.start(1) < m.end for m in found):
                    found.append(
                        Mention(match.start(), match.end(), normalise_ticker(match[1]), "exchange")
                    )
        if "(" in text:
            for match in _PAREN.finditer(text):
                if not any(m.start < match.end() and match.start() < m.end for m in found):
                    found.extend(self._paren_list(text, match, trace))
        return found

    def _paren_list(
        self, text: str, match: re.Match[str], trace: list[Candidate] | None
    ) -> list[Mention]:
        symbols = [s.strip() for s in re.split(r"[,/;]", match[1])]
        tickers = self._universe.tickers
        known = [s for s in symbols if normalise_ticker(s) in tickers]
        if len(symbols) == 1:
            symbol = symbols[0]
            why = (
                "not a ticker we know" if not known
                else "an abbreviation, not a ticker" if symbol in self._universe.not_tickers
                else "spells out the words before it" if _defines_acronym(text[: match.start()], symbol)
                else ""
            )
            if why:
                if trace is not None:
                    start = match.start(1)
                    trace.append(Candidate(
                        Mention(start, start + len(symbol), normalise_ticker(symbol), "paren"),
                        False, why))
                return []
        elif 2 * len(known) < len(symbols):
            symbols = known
        mentions = []
        for symbol in symbols:
            start = text.index(symbol, match.start())
            mentions.append(Mention(start, start + len(symbol), normalise_ticker(symbol), "paren"))
        return mentions

    def _names(
        self,
        text: str,
        folded: str,
        name_hits: list[tuple[int, int, _Name]],
        trace: list[Candidate] | None,
    ) -> list[Mention]:
        hits: list[Mention] = []
        listed: list[tuple[int, int, _Name]] = []  # dropped for want of a cue: kept in a list of companies
        for start, end, name in name_hits:
            why = _name_drop(text, folded, start, end, name)
            if why is _NO_CUE:
                listed.append((start, end, name))
            if why:
                if trace is not None:
                    trace.append(Candidate(Mention(start, end, name.ticker, name.role or "name"),
                                           False, why))
                continue
            if name.role:
                form = name.role
            elif folded[max(0, start - 30) : start].rstrip().endswith(_BACKER_BEFORE) or _BACKER_AFTER.match(
                folded[end : end + 10]
            ):
                form = "backer"
            else:
                form = "name"
            hits.append(Mention(start, end, name.ticker, form))
        kept = _longest_first(hits, trace)
        if not (listed and kept):
            return kept
        return sorted(kept + _listed(text, kept, listed), key=lambda m: m.start)  # in order, as linked

    def _bare(self, text: str, trace: list[Candidate] | None) -> list[Mention]:
        found = []
        for match in _BARE.finditer(text):
            symbol = match[1]
            ticker = normalise_ticker(symbol)
            if ticker not in self._universe.tickers:
                continue
            mention = Mention(match.start(), match.end(), ticker, "symbol")
            if symbol in self._universe.not_tickers:
                if trace is not None:
                    trace.append(Candidate(mention, False, "an abbreviation, not a ticker"))
                continue
            found.append(mention)
        if found and _all_capitals(text):
            if trace is not None:
                trace.extend(Candidate(m, False, "an all-capitals headline") for m in found)
            return []  # an all-capitals headline: its words are not tickers
        return found


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible mention and whether linking kept it, with the reason (for ``link``)."""

    mention: Mention
    kept: bool
    reason: str


_NO_CUE = "an ordinary word with no company cue (Inc, shares, stock, ...) next to it"
_AMOUNT = "a word after a number: an amount ('$2 Billion Stake'), not a name"
_NUMBER_BEFORE = re.compile(r"\d\s?$")  # searched in the few characters before the name
# Between two companies of a list ("Synopsys and Cadence", "Lam, KLA, Cadence")
_LIST_JOIN = re.compile(r"\s*(?:,|,?\s+and|\s&)\s+")
_KEPT = {
    "cashtag": "cashtag",
    "exchange": "exchange and ticker",
    "paren": "ticker in brackets",
    "symbol": "a bare ticker symbol",
    "name": "company name",
    "backer": "company name, but named as a backer, supplier, owner or rival: never the subject",
    "private": "a private company: the subject, with no ticker (not its investors)",
    "manager": "a fund manager: the subject, with no ticker (not its funds)",
    "market": "a market or index: the subject, with no ticker (not its members)",
}


def _name_drop(text: str, folded: str, start: int, end: int, name: _Name) -> str:
    """Why the universe name at ``start:end`` is not a mention ("" when it is)."""
    said = text[start:end]
    if said == said.lower() if said.isascii() else not any(map(str.isupper, said)):
        # "eBay" passes (brand style); "ebay" or "apple" is an ordinary word
        if any(c.isupper() for c in name.cased):
            return "written in lower case: an ordinary word"
    if name.ambiguous and _NUMBER_BEFORE.search(text, max(0, start - 2), start):
        return _AMOUNT
    if name.ambiguous and not _has_cue(text, folded, start, end) and not (
        # written in brand style, as the company writes it or when its register gives no casing
        _CAMEL.search(said) and (said == name.cased or name.cased.isupper())
    ) and not (name.lead and _leads_with_verb(text, start, end)):
        return _NO_CUE
    return ""


def _listed(text: str, kept: list[Mention], listed: list[tuple[int, int, _Name]]) -> list[Mention]:
    """Names that lacked a cue but stand next to a company in a list ("Synopsys and Cadence",
    "Lam Research, KLA and Cadence", "Lam, KLA and Applied")."""
    found: list[Mention] = []
    for start, end, name in listed:
        if any(m.start < end and start < m.end for m in kept + found):
            continue  # inside a longer name kept
        if any(
            m.ticker and (
                (m.end <= start and _LIST_JOIN.fullmatch(text, m.end, start) is not None)
                or (end <= m.start and _LIST_JOIN.fullmatch(text, end, m.start) is not None)
            )
            for m in kept + found
        ):
            found.append(Mention(start, end, name.ticker, "name"))
    return found


def _adopt_explicit(text: str, mentions: list[Mention]) -> list[Mention]:
    """A name written next to an explicit ticker ("$CNTG - Centogene", "Alibaba (NYSE:BABA)")
    takes that ticker, whatever our name table says."""
    adopted = list(mentions)
    for i, (left, right) in enumerate(zip(mentions, mentions[1:])):
        gap = text[left.end : right.start]
        if left.form in _EXPLICIT and right.form == "name" and gap in (" - ", ": ", " "):
            adopted[i + 1] = Mention(right.start, right.end, left.ticker, "name")
        elif left.form == "name" and right.form in _EXPLICIT and gap in (" (", "("):
            adopted[i] = Mention(left.start, left.end, right.ticker, "name")
    return adopted


def _spread_backer(text: str, mentions: list[Mention]) -> list[Mention]:
    """Every company in a list of backers is one ("backed by Amazon and Google"), and so is
    the ticker written right after a backer's name ("backed by Microsoft (MSFT)")."""
    spread = list(mentions)
    for i in range(1, len(spread)):
        left, right = spread[i - 1], spread[i]
        if left.form == "backer" and right.ticker and _LIST_GAP.match(text, left.end, right.start):
            spread[i] = Mention(right.start, right.end, right.ticker, "backer")
    return spread


def _ends_word(folded: str, start: int, end: int) -> bool:
    """True when the name found at ``start:end`` (a word start) ends a word there."""
    if end >= len(folded) or not is_word_char(folded[end]):
        return True
    # a product name followed by its version number ("Qwen3", "Llama2") still counts
    return folded[end].isdigit() and folded[end - 1].isalpha() and end - start >= 4


def _all_capitals(text: str) -> bool:
    """An all-capitals headline: over 60 % of its ASCII letters are capitals."""
    raw = text.encode()
    return len(raw.translate(None, _NOT_CAPITAL)) > 0.6 * len(raw.translate(None, _NOT_LETTER))


def _has_cue(text: str, folded: str, start: int, end: int) -> bool:
    after = folded[end : end + 16].lstrip()
    if after.startswith(_CUES):
        return True
    return folded[max(0, start - 12) : start].rstrip().endswith(_CUES_BEFORE)


def _leads_with_verb(text: str, start: int, end: int) -> bool:
    """True for a capitalised name opening the headline or summary before a verb ("Affirm
    jumps 9%"), not before a noun ("Target practice")."""
    if (start and text[start - 1] != "\n") or not text[start].isupper():
        return False
    after = text[end : end + 16].split(maxsplit=1)
    return (
        end < len(text)
        and text[end] == " "
        and bool(after)
        and (after[0].lower() in _LEAD_VERBS or _SIGNED_MOVE.match(after[0]) is not None)
    )


def _defines_acronym(before: str, symbol: str) -> bool:
    """True for "artificial intelligence (AI)": the words before spell the symbol."""
    words = _ACRONYM_WORDS.findall(before)[-len(symbol) - 2 :]
    initials = "".join(w[0] for w in words if w.lower() not in ("and", "of", "the", "&")).upper()
    return initials.endswith(symbol.upper())


def _longest_first(hits: list[Mention], trace: list[Candidate] | None) -> list[Mention]:
    hits.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if trace is not None:
                trace.append(Candidate(hit, False, "inside a longer name"))
            continue
        kept.append(hit)
    return kept
