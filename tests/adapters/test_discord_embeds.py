"""Discord embeds as users see them: layout, colours, feed text that cannot ping or format, Discord's limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.embeds import reply_to_embed, to_discord_embed
from bot.commands import Reply, ReplyEntry, ReplySection
from bot.models import Alert, SourceRef

ALERT = Alert(
    ticker="BABA",
    kind="export_license",
    rule="export.granted",
    severity="high",
    direction="positive",
    evidence=("granted export licence", "H20 chips"),
    title="Alibaba granted export licence for H20 chips",
    link="https://news.example.com/baba-h20",
    source="wire",
    published=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    item_id="baba-h20",
)


def test_alert_embed_layout():
    assert to_discord_embed(ALERT).to_dict() == {
        "type": "rich",
        "title": "Alibaba granted export licence for H20 chips",
        "url": "https://news.example.com/baba-h20",
        "color": 0x1F8B4C,
        "timestamp": "2026-01-02T03:04:05+00:00",
        "fields": [
            {"name": "Ticker", "value": "BABA", "inline": True},
            {"name": "Kind", "value": "export_license", "inline": True},
            {"name": "Source", "value": "wire", "inline": True},
            {"name": "Evidence", "value": "“granted export licence”; “H20 chips”", "inline": False},
        ],
        "footer": {"text": "positive · high severity · rule export.granted"},
        "flags": 0,
    }


@pytest.mark.parametrize(
    ("direction", "severity", "colour"),
    [("positive", "medium", 0x2ECC71), ("negative", "high", 0x992D22), ("negative", "low", 0xE74C3C),
     (None, "high", 0xE67E22), ("neutral", "low", 0x95A5A6)],
)
def test_colour_follows_direction_then_severity(direction, severity, colour):
    alert = ALERT.model_copy(update={"direction": direction, "severity": severity})
    assert to_discord_embed(alert).colour.value == colour


def test_other_outlets_are_listed_with_links():
    alert = ALERT.model_copy(update={"other_sources": (
        SourceRef(source="Reuters", title="Alibaba gets licence", link="https://reuters.example/a"),
        SourceRef(source="CNBC", title="Alibaba licence"),
    )})
    field = to_discord_embed(alert).to_dict()["fields"][-1]
    assert field == {"name": "Also reported by", "value": "[Reuters](https://reuters.example/a) · CNBC", "inline": False}


def test_many_other_outlets_fit_one_field_and_say_how_many_are_left():
    refs = tuple(SourceRef(source=f"Outlet {n}", title="t", link=f"https://o{n}.example/{'x' * 40}") for n in range(60))
    value = to_discord_embed(ALERT.model_copy(update={"other_sources": refs})).fields[-1].value
    assert len(value) <= 1024
    shown = value.count("](https://")
    assert value.endswith(f" · … and {60 - shown} more")


def test_feed_text_cannot_mention_or_format():
    alert = ALERT.model_copy(update={
        "title": "@everyone **BUY** <@&123456789012345678> now @here",
        "evidence": ("<@123456789012345678>",),
    })
    data = to_discord_embed(alert).to_dict()
    assert data["title"] == "@\u200beveryone \\*\\*BUY\\*\\* <@\u200b&123456789012345678> now @\u200bhere"
    assert data["fields"][3]["value"] == "“<@\u200b123456789012345678>”"


def test_direction_controls_and_invisible_characters_are_removed():
    alert = ALERT.model_copy(update={
        "title": "Nvidia shares \u202eevif-ot-enif\u202c \u2066up\u2069\u200b\ufeff today",
        "evidence": ("\u202dshares\u202c",),
        "source": "wire\u2067b\u2069",
    })
    data = to_discord_embed(alert).to_dict()
    assert data["title"] == "Nvidia shares evif-ot-enif up today"
    assert data["fields"][2]["value"] == "wireb"
    assert data["fields"][3]["value"] == "“shares”"


def test_overlong_headline_is_trimmed_to_256():
    title = "Alibaba " + "surges " * 100
    data = to_discord_embed(ALERT.model_copy(update={"title": title})).to_dict()
    assert len(data["title"]) == 256
    assert data["title"].endswith("…")
    assert data["title"].startswith("Alibaba surges surges")


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(min_size=1, max_size=600),
    evidence=st.lists(st.text(max_size=400), max_size=8),
    sources=st.lists(st.text(min_size=1, max_size=300), max_size=40),
)
def test_any_alert_respects_every_embed_limit(title, evidence, sources):
    alert = ALERT.model_copy(update={
        "title": title,
        "evidence": tuple(evidence),
        "source": "s" * 2000,
        "other_sources": tuple(SourceRef(source=s, title="t", link="https://e.example/" + "p" * 200) for s in sources),
    })
    embed = to_discord_embed(alert)
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256
    assert len(embed.fields) <= 25
    assert all(0 < len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)


def test_reply_embed_lists_sections_with_links_and_local_times():
    reply = Reply(
        title="BABA (Alibaba Group): 2 catalyst(s) in the last 7 day(s)",
        sections=(
            ReplySection("price_move (1)", (ReplyEntry(
                "Alibaba *jumps* 9%", "https://n.example/1", datetime(2026, 1, 2, tzinfo=UTC), "positive"
            ),)),
            ReplySection("lawsuit (1)", (ReplyEntry("Alibaba sued", None, None, "negative"),)),
        ),
    )
    assert reply_to_embed(reply).to_dict() == {
        "type": "rich",
        "title": "BABA (Alibaba Group): 2 catalyst(s) in the last 7 day(s)",
        "color": 0x5865F2,
        "description": "**price\\_move (1)**\n▲ <t:1767312000:f> [Alibaba \\*jumps\\* 9%](https://n.example/1)\n"
        "**lawsuit (1)**\n▼ Alibaba sued",
        "flags": 0,
    }


def test_error_reply_is_red_and_long_replies_stop_within_4096():
    assert reply_to_embed(Reply(title="unknown ticker ZZZZ", error=True)).colour.value == 0xE74C3C
    entries = tuple(ReplyEntry(f"Headline number {n} " + "x" * 80, f"https://n.example/{n}") for n in range(200))
    description = reply_to_embed(Reply(title="t", sections=(ReplySection("price_move (200)", entries),))).description
    assert len(description) <= 4096
    assert description.endswith("more")


@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("https://n.example/a_(b)", "https://n.example/a_%28b%29"),
        ("javascript:alert(1)", None),
        ("https://n.example/a b", None),
        ("/relative/path", None),
        (None, None),
    ],
)
def test_only_links_discord_accepts_are_used(link, url):
    alert = ALERT.model_copy(update={"link": link, "other_sources": (SourceRef(source="Reuters", title="t", link=link),)})
    embed = to_discord_embed(alert).to_dict()
    assert embed.get("url") == url
    assert embed["fields"][-1]["value"] == (f"[Reuters]({url})" if url else "Reuters")


def test_blank_headline_still_makes_a_valid_embed():
    assert to_discord_embed(ALERT.model_copy(update={"title": "  \n "})).title == "(no headline)"
