"""``catalyst-bot explain`` and ``link``: each candidate company and why it was kept or dropped,
then, rule by rule, what matched and what blocked it."""

from __future__ import annotations

import logging
from typing import TextIO

from bot.models import NewsItem
from rules.engine import RuleEngine
from rules.text import clean
from rules.tickers import Candidate, TickerLinker

_LOGGER = logging.getLogger(__name__)


def explain(item: NewsItem, engine: RuleEngine, out: TextIO) -> int:
    """Print the tickers found, each triggered rule's outcome and the final catalysts."""
    text = clean(item.title) + "\n" + clean(item.summary)
    explain_links(text, engine.linker, out)
    traces, catalysts = engine.trace(item)
    quiet = 0
    for trace in traces:
        rule = trace.rule
        if trace.hits:
            # One line per (tickers, direction): a rule matching twice in an item lists both pieces of evidence.
            merged: dict[tuple[tuple[str, ...], str | None], list[str]] = {}
            for hit in trace.hits:
                evidence = merged.setdefault((tuple(hit.tickers), hit.direction), [])
                evidence.extend(piece for piece in hit.evidence if piece not in evidence)
            for (tickers, direction), evidence in merged.items():
                out.write(f"MATCH   {rule.id} [{rule.kind}] {','.join(tickers) or '-'} ({direction})\n")
                for piece in evidence:
                    out.write(f"        evidence: {piece}\n")
        elif trace.notes:
            out.write(f"BLOCKED {rule.id} [{rule.kind}]\n")
            for note in trace.notes:
                out.write(f"        {note}\n")
        else:
            quiet += 1
    out.write(f"({quiet} rules had no trigger word in the item)\n")
    if not catalysts:
        out.write("no catalysts\n")
    for catalyst in catalysts:
        out.write(
            f"CATALYST {catalyst.kind} {','.join(catalyst.tickers) or '-'} "
            f"rule={catalyst.rule} severity={catalyst.severity} direction={catalyst.direction}\n"
        )
    return 0


def explain_links(text: str, linker: TickerLinker, out: TextIO) -> int:
    """Print every candidate company in ``text``: KEPT or DROPPED, its ticker and the reason."""
    trace: list[Candidate] = []
    mentions = linker.link_all(text, trace=trace)
    shown = ", ".join(f"{text[m.start:m.end]!r}->{m.ticker}" for m in mentions if m.ticker)
    out.write(f"tickers: {shown or 'none'}\n")
    for candidate in trace:
        mention = candidate.mention
        verdict = "KEPT   " if candidate.kept else "DROPPED"
        out.write(
            f"  {verdict} {text[mention.start:mention.end]!r} -> {mention.ticker or '-'}: "
            f"{candidate.reason}\n"
        )
    return 0
