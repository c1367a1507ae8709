"""Render alerts and command replies as Slack Block Kit, with every piece of feed text escaped."""

from __future__ import annotations

import re
from datetime import datetime

from adapters.sanitise import visible
from bot.commands import Reply, ReplyEntry
from bot.models import Alert

MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BLOCKS = 50
MAX_FALLBACK_TEXT = 3000
MAX_TITLE = 500
MAX_EVIDENCE = 300
MAX_URL = 1500
MAX_OTHER_SOURCES = 10
MUTE_ACTION = "catalysts_mute"
HISTORY_ACTION = "catalysts_history"
MUTE_FOR = "24h"
_ARROWS = {"positive": "▲", "negative": "▼", "neutral": "●"}
_SAFE_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
# Slack's mrkdwn has no escape character: a marker that could open or close a style (not between two
# letters or digits, as in `52_week_high`) is shown as a look-alike that Slack does not read as markup.
_MARKER = re.compile(r"`|(?<![^\W_])[*_~]|[*_~](?![^\W_])")
_LOOKALIKES = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}


def feed_text(text: str) -> str:
    """Feed text that cannot style a message: format characters removed, markup markers neutralised."""
    return _MARKER.sub(lambda match: _LOOKALIKES[match.group()], visible(text))


def escape(text: str) -> str:
    """Slack's three control characters as entities: no mention, link or markup can be injected."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` escaped and cut to at most `limit` characters, never in the middle of an entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    pieces: list[str] = []
    size = 1  # the closing ellipsis
    for char in text:
        piece = escape(char)
        if size + len(piece) > limit:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces) + "…"


def link(url: str | None, label: str) -> str:
    """`<url|label>` for an http(s) URL of sane length; the bare (already escaped) label otherwise."""
    if not url or not _SAFE_URL.match(url):
        return label
    target = escape(url).replace("|", "%7C")
    return f"<{target}|{label}>" if len(target) <= MAX_URL else label


def slack_date(when: datetime) -> str:
    """A date Slack shows in each reader's time zone, with UTC as the fallback text."""
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{when:%Y-%m-%d %H:%M} UTC>"


# How every message is posted: no automatic parsing of mentions, channels or links, and no link previews.
POST_OPTIONS = {"parse": "none", "link_names": False, "unfurl_links": False, "unfurl_media": False}


def alert_message(alert: Alert) -> dict:
    """The `chat.postMessage` arguments that show `alert` (all but the channel, thread and metadata)."""
    return {"text": alert_text(alert), "blocks": to_slack_blocks(alert), **POST_OPTIONS}


def text_message(text: str) -> dict:
    """The `chat.postMessage` arguments that show a digest or notice."""
    return {"text": clip(text, MAX_FALLBACK_TEXT), "blocks": text_to_blocks(text), **POST_OPTIONS}


def alert_header(alert: Alert) -> str:
    arrow = _ARROWS.get(alert.direction or "", "●")
    line = f"{arrow} {alert.ticker} · {alert.kind} · {alert.direction or 'direction unknown'}"
    return line[:MAX_HEADER_TEXT]


def alert_text(alert: Alert) -> str:
    """The notification text (also shown where blocks cannot be)."""
    return clip(f"{alert_header(alert)}: {feed_text(alert.title)}", MAX_FALLBACK_TEXT)


def to_slack_blocks(alert: Alert) -> list[dict]:
    """Header, linked headline, source and time, evidence, other outlets, and the two buttons."""
    when = slack_date(alert.published) if alert.published else "time unknown"
    meta = f"{clip(feed_text(alert.source), 200)} · {when} · {alert.severity} severity · rule `{clip(alert.rule, 200)}`"
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": alert_header(alert), "emoji": False}},
        _section(f"*{link(alert.link, clip(feed_text(alert.title), MAX_TITLE))}*"),
        {"type": "context", "elements": [_mrkdwn(meta)]},
    ]
    if alert.evidence:
        why = "; ".join(f"“{clip(feed_text(span), MAX_EVIDENCE)}”" for span in alert.evidence)
        blocks.append(_section(_cut(f"*Why:* {why}")))
    if alert.other_sources:
        lines = [
            f"• {link(ref.link, clip(feed_text(ref.source), 100))}: {clip(feed_text(ref.title), 200)}"
            for ref in alert.other_sources[:MAX_OTHER_SOURCES]
        ]
        hidden = len(alert.other_sources) - MAX_OTHER_SOURCES
        if hidden > 0:
            lines.append(f"…and {hidden} more")
        blocks.append(_section(_cut("*Also reported by*\n" + "\n".join(lines))))
    blocks.append(
        {
            "type": "actions",
            "block_id": "catalyst_actions",
            "elements": [
                _button(MUTE_ACTION, f"Mute {alert.ticker} {MUTE_FOR}", alert.ticker),
                _button(HISTORY_ACTION, f"All {alert.ticker} catalysts", alert.ticker),
            ],
        }
    )
    return blocks


def reply_to_blocks(reply: Reply) -> list[dict]:
    """A command's answer: the title, then each section's entries, split to fit Slack's limits."""
    title = clip(reply.title, MAX_SECTION_TEXT - 12)
    blocks = [_section(f":warning: {title}" if reply.error else f"*{title}*")]
    for section in reply.sections:
        chunk = f"*{clip(section.heading, 200)}*"
        for entry in section.entries:
            line = _entry_line(entry)
            if len(chunk) + 1 + len(line) > MAX_SECTION_TEXT:
                blocks.append(_section(chunk))
                chunk = line
            else:
                chunk = f"{chunk}\n{line}"
        blocks.append(_section(chunk))
    if len(blocks) > MAX_BLOCKS:
        note = f"…more not shown: {reply.narrower}" if reply.narrower else "…more not shown"
        blocks = blocks[: MAX_BLOCKS - 1] + [{"type": "context", "elements": [_mrkdwn(note)]}]
    return blocks


def text_to_blocks(text: str) -> list[dict]:
    """A digest or notice (plain text, may quote feed text) as escaped sections, split at line ends."""
    blocks: list[dict] = []
    chunk = ""
    for line in text.splitlines() or [""]:
        line = clip(feed_text(line), MAX_SECTION_TEXT) or " "
        if chunk and len(chunk) + 1 + len(line) > MAX_SECTION_TEXT:
            blocks.append(_section(chunk))
            chunk = line
        else:
            chunk = f"{chunk}\n{line}" if chunk else line
    blocks.append(_section(chunk))
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: MAX_BLOCKS - 1] + [{"type": "context", "elements": [_mrkdwn("…the rest is not shown")]}]
    return blocks


def reply_text(reply: Reply) -> str:
    return clip(reply.title, MAX_FALLBACK_TEXT)


def _entry_line(entry: ReplyEntry) -> str:
    arrow = _ARROWS.get(entry.direction or "", "•")
    when = f"{slack_date(entry.when)}  " if entry.when else ""
    return f"{arrow} {when}{link(entry.link, clip(feed_text(entry.text), MAX_TITLE))}"


def _cut(text: str) -> str:
    """Shorten already-escaped mrkdwn at a line or entity boundary to fit one section."""
    if len(text) <= MAX_SECTION_TEXT:
        return text
    cut = text[: MAX_SECTION_TEXT - 1]
    for opener, closer in (("<", ">"), ("&", ";")):
        start = cut.rfind(opener)
        if start > cut.rfind(closer):
            cut = cut[:start]
    return cut + "…"


def _mrkdwn(text: str) -> dict:
    """`verbatim` stops Slack's automatic parsing: bare @here, #channel and URLs stay plain text."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> dict:
    return {"type": "section", "text": _mrkdwn(text)}


def _button(action_id: str, label: str, value: str) -> dict:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label[:75], "emoji": False},
        "value": value,
    }
