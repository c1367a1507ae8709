"""Feedparser's sanitizer and odd-feed corpus, rendered as chat payloads: no markup, link or mention leaks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.discord.embeds import to_discord_embed
from adapters.slack.blocks import alert_text, to_slack_blocks
from bot.ingest.normalize import parse_feed
from bot.models import Alert, NewsItem
from tests.paths import SHARED

CORPUS = SHARED / "corpus" / "feedparser-tests"
_OURS_IN_SLACK = re.compile(r"<(https?://[^\s|<>]+\||!date\^\d+\^)")  # our links and date tokens
_DISCORD_PING = re.compile(r"@(everyone|here)\b|<@[!&]?\d{17,20}>")


def corpus_items() -> list[tuple[Path, NewsItem]]:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return [
        (path, item)
        for path in sorted(CORPUS.rglob("*"))
        if path.is_file()
        for item in parse_feed(path.read_bytes(), feed=path.name).items
    ]


def as_alert(item: NewsItem) -> Alert:
    return Alert(
        ticker="TEST",
        kind="price_move",
        rule="corpus",
        severity="medium",
        direction="positive",
        evidence=(item.title[:80], item.summary[:80]),
        title=item.title,
        link=item.link,
        source=item.feed,
        published=item.published,
        item_id=item.id,
    )


def slack_leaks(alert: Alert) -> list[str]:
    leaks = []
    for value in _strings([to_slack_blocks(alert), alert_text(alert)]):
        for match in re.finditer("<", value):
            if not _OURS_IN_SLACK.match(value, match.start()):
                leaks.append(value[match.start() : match.start() + 40])
    return leaks


def discord_leaks(alert: Alert) -> list[str]:
    embed = to_discord_embed(alert)
    problems = [m.group(0) for value in _strings(embed.to_dict()) for m in _DISCORD_PING.finditer(value)]
    if len(embed) > 6000:
        problems.append(f"embed of {len(embed)} characters")
    return problems


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def test_no_corpus_item_leaks_markup_or_mentions_into_chat_payloads():
    items = corpus_items()
    failures = [
        f"{path.relative_to(CORPUS)}: {platform}: {leak!r}"
        for path, item in items
        for platform, leaks in (("slack", slack_leaks(as_alert(item))), ("discord", discord_leaks(as_alert(item))))
        for leak in leaks
    ]
    assert len(items) > 400
    assert not failures, "\n".join(failures[:40])


def test_the_checks_catch_a_raw_mention():
    hostile = NewsItem(id="x", title="<!channel> @everyone <@123456789012345678> <https://evil.example|click>", feed="f")
    assert slack_leaks(as_alert(hostile)) == []
    assert discord_leaks(as_alert(hostile)) == []
    assert _DISCORD_PING.search("@everyone <@123456789012345678>")
    assert not _OURS_IN_SLACK.match("<!channel>")
