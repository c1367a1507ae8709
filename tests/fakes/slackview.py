"""What a Slack user sees for mrkdwn and blocks: links and dates resolved, entities unescaped."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def tokens(mrkdwn: str) -> list[str]:
    """Every `<...>` control sequence Slack would act on (links, mentions, dates)."""
    return [match.group(0) for match in _TOKEN.finditer(mrkdwn)]


def visible(mrkdwn: str) -> str:
    """Links shown as `label [url]`, dates as their fallback text, then `&amp;`, `&lt;`, `&gt;` decoded."""

    def resolve(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("!date^"):
            return label or ""
        return f"{label} [{target}]" if label else target

    text = _TOKEN.sub(resolve, mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn_texts(blocks: list[dict]) -> list[str]:
    """The raw mrkdwn of every section and context element, as sent to Slack."""
    raw = []
    for block in blocks:
        if block["type"] == "section":
            raw.append(block["text"]["text"])
        elif block["type"] == "context":
            raw.extend(element["text"] for element in block["elements"])
    return raw


def texts(blocks: list[dict]) -> list[str]:
    """The visible text of each block, in order (an actions block shows its button labels)."""
    shown = []
    for block in blocks:
        if block["type"] in {"header", "section"}:
            shown.append(visible(block["text"]["text"]))
        elif block["type"] == "context":
            shown.append(" ".join(visible(element["text"]) for element in block["elements"]))
        elif block["type"] == "actions":
            shown.append(" | ".join(f"[{element['text']['text']}]" for element in block["elements"]))
    return shown
