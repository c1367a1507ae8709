"""Render alerts and command replies as Discord embeds, trimmed to Discord's limits."""

from __future__ import annotations

import re

import discord

from adapters.sanitise import visible
from bot.commands import Reply, ReplyEntry
from bot.models import Alert, SourceRef

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000

URL_LIMIT = 2048
_WEB_URL = re.compile(r"^https?://[^\s<>]+$", re.IGNORECASE)
_ARROWS = {"positive": "▲", "negative": "▼"}
_COLOURS = {
    ("positive", "high"): 0x1F8B4C,
    ("positive", "medium"): 0x2ECC71,
    ("positive", "low"): 0x2ECC71,
    ("negative", "high"): 0x992D22,
    ("negative", "medium"): 0xE74C3C,
    ("negative", "low"): 0xE74C3C,
    ("neutral", "high"): 0xE67E22,
    ("neutral", "medium"): 0xF1C40F,
    ("neutral", "low"): 0x95A5A6,
}
REPLY_COLOUR = 0x5865F2
NO_MENTIONS = discord.AllowedMentions.none()
ERROR_COLOUR = 0xE74C3C


def to_discord_embed(alert: Alert) -> discord.Embed:
    """One alert: the headline links to the article; feed text can neither format nor mention."""
    embed = discord.Embed(
        title=clip(plain(alert.title) or "(no headline)", TITLE_LIMIT),
        url=web_url(alert.link),
        colour=alert_colour(alert),
        timestamp=alert.published,
    )
    embed.add_field(name="Ticker", value=alert.ticker, inline=True)
    embed.add_field(name="Kind", value=alert.kind, inline=True)
    embed.add_field(name="Source", value=clip(plain(alert.source) or "unknown", FIELD_VALUE_LIMIT), inline=True)
    evidence = "; ".join(f"“{plain(span)}”" for span in alert.evidence) or "—"
    embed.add_field(name="Evidence", value=clip(evidence, FIELD_VALUE_LIMIT), inline=False)
    if alert.other_sources:
        embed.add_field(name="Also reported by", value=_joined_within(
            [_source_line(ref) for ref in alert.other_sources], " · ", FIELD_VALUE_LIMIT
        ), inline=False)
    direction = alert.direction or "direction unknown"
    embed.set_footer(text=clip(f"{direction} · {alert.severity} severity · rule {alert.rule}", FOOTER_LIMIT))
    return fit(embed)


def reply_to_embed(reply: Reply) -> discord.Embed:
    """A command's answer: sections as bold headings over their entries (dates in the reader's time zone)."""
    lines: list[str] = []
    for section in reply.sections:
        lines.append(f"**{plain(section.heading)}**")
        lines.extend(_entry_line(entry) for entry in section.entries)
    return discord.Embed(
        title=clip(reply.title, TITLE_LIMIT),
        description=_joined_within(lines, "\n", DESCRIPTION_LIMIT) or None,
        colour=ERROR_COLOUR if reply.error else REPLY_COLOUR,
    )


def text_to_embed(text: str) -> discord.Embed:
    """A digest or ops notice (plain text from the core): first line as the title, the rest below it."""
    first, _, rest = text.strip().partition("\n")
    lines = [plain(line) for line in rest.splitlines() if line.strip()]
    return discord.Embed(
        title=clip(plain(first), TITLE_LIMIT),
        description=_joined_within(lines, "\n", DESCRIPTION_LIMIT) or None,
        colour=REPLY_COLOUR,
    )


def alert_colour(alert: Alert) -> int:
    return _COLOURS[(alert.direction or "neutral", alert.severity)]


def web_url(link: str | None) -> str | None:
    """`link` if Discord will accept it as a link (http/https, no spaces), with parentheses encoded for markdown."""
    if not link or len(link) > URL_LIMIT or not _WEB_URL.match(link):
        return None
    return link.replace("(", "%28").replace(")", "%29")


def plain(text: str) -> str:
    """Feed text shown literally: format characters removed, markdown escaped, @everyone / <@id> mentions defused."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(" ".join(visible(text).split())))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip("\\") + "…"


def fit(embed: discord.Embed) -> discord.Embed:
    """Bring an embed under the 6,000-character total by dropping its last fields."""
    while len(embed) > TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


def _joined_within(parts: list[str], separator: str, limit: int) -> str:
    """Join whole parts while they fit, then say how many were left out."""
    text = ""
    for index, part in enumerate(parts):
        left = len(parts) - index - 1
        candidate = f"{text}{separator if text else ''}{part}"
        room_for_more = len(f"{separator}… and {left} more") if left else 0
        if len(candidate) + room_for_more <= limit:
            text = candidate
            continue
        if text:
            return f"{text}{separator}… and {left + 1} more"
        if not left:
            return clip(part, limit)
        more = f"… and {left} more"
        return f"{clip(part, limit - len(separator) - len(more))}{separator}{more}"
    return text


def _source_line(ref: SourceRef) -> str:
    name = plain(ref.source) or "another outlet"
    link = web_url(ref.link)
    return f"[{name}]({link})" if link else name


def _entry_line(entry: ReplyEntry) -> str:
    arrow = _ARROWS.get(entry.direction or "", "•")
    when = f"<t:{int(entry.when.timestamp())}:f> " if entry.when else ""
    text = plain(entry.text)
    link = web_url(entry.link)
    return f"{arrow} {when}[{text}]({link})" if link else f"{arrow} {when}{text}"
