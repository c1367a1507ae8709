"""Alerts and command replies in Block Kit: the exact layout, harmless feed text, Slack's size limits."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.slack.blocks import (
    alert_text,
    reply_to_blocks,
    text_to_blocks,
    to_slack_blocks,
)
from bot.clock import ManualClock
from bot.commands import CatalystCommands, Reply, ReplyEntry, ReplySection
from bot.models import Alert, Catalyst, NewsItem, SourceRef
from bot.store.database import Store
from tests.fakes.slackview import mrkdwn_texts, texts, tokens, visible

PUBLISHED = datetime(2025, 9, 30, 12, 10, tzinfo=UTC)
MALICIOUS = "<!channel> @everyone <https://evil.example|click> & <b>"


def make_alert(**changes) -> Alert:
    fields = dict(
        ticker="BABA",
        kind="analyst_upgrade",
        rule="analyst.estimates_raised",
        severity="medium",
        direction="positive",
        evidence=("raise estimates",),
        title="Morgan Stanley and Morningstar raise estimates for Alibaba's cloud growth",
        link="https://news.example.com/baba-estimates",
        source="sample-wire",
        published=PUBLISHED,
        item_id="baba-5",
    )
    return Alert(**(fields | changes))


def test_alert_blocks_exactly():
    alert = make_alert(other_sources=(SourceRef(source="wire-b", title="Alibaba estimates raised", link="https://b.example/1"),))
    assert to_slack_blocks(alert) == [
        {"type": "header", "text": {"type": "plain_text", "text": "▲ BABA · analyst_upgrade · positive", "emoji": False}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*<https://news.example.com/baba-estimates|Morgan Stanley and Morningstar raise estimates for "
                "Alibaba's cloud growth>*",
                "verbatim": True,
            },
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "sample-wire · <!date^1759234200^{date_short_pretty} {time}|2025-09-30 12:10 UTC> · "
                    "medium severity · rule `analyst.estimates_raised`",
                    "verbatim": True,
                }
            ],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Why:* “raise estimates”", "verbatim": True}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Also reported by*\n• <https://b.example/1|wire-b>: Alibaba estimates raised",
                "verbatim": True,
            },
        },
        {
            "type": "actions",
            "block_id": "catalyst_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "catalysts_mute",
                    "text": {"type": "plain_text", "text": "Mute BABA 24h", "emoji": False},
                    "value": "BABA",
                },
                {
                    "type": "button",
                    "action_id": "catalysts_history",
                    "text": {"type": "plain_text", "text": "All BABA catalysts", "emoji": False},
                    "value": "BABA",
                },
            ],
        },
    ]
    assert alert_text(alert) == (
        "▲ BABA · analyst_upgrade · positive: Morgan Stanley and Morningstar raise estimates for Alibaba's cloud growth"
    )


def test_alert_without_direction_date_link_or_evidence():
    alert = make_alert(direction=None, published=None, link=None, evidence=())
    assert texts(to_slack_blocks(alert)) == [
        "● BABA · analyst_upgrade · direction unknown",
        "*Morgan Stanley and Morningstar raise estimates for Alibaba's cloud growth*",
        "sample-wire · time unknown · medium severity · rule `analyst.estimates_raised`",
        "[Mute BABA 24h] | [All BABA catalysts]",
    ]


def test_malicious_feed_text_is_shown_literally_and_cannot_ping_or_link():
    alert = make_alert(
        title=MALICIOUS,
        source="<!here> wire",
        evidence=("<@U123> <#C1>",),
        link="javascript:alert(1)",
        other_sources=(SourceRef(source="<!everyone>", title="x|<https://evil.example>", link="https://ok.example/a|b>"),),
    )
    blocks = to_slack_blocks(alert)
    # The only control sequences left are the ones we made: the date and the one safe (escaped) link.
    assert [token for text in mrkdwn_texts(blocks) for token in tokens(text)] == [
        "<!date^1759234200^{date_short_pretty} {time}|2025-09-30 12:10 UTC>",
        "<https://ok.example/a%7Cb&gt;|&lt;!everyone&gt;>",
    ]
    assert texts(blocks)[1] == f"*{MALICIOUS}*"
    assert texts(blocks)[2].startswith("<!here> wire · 2025-09-30 12:10 UTC")
    assert texts(blocks)[3] == "*Why:* “<@U123> <#C1>”"
    assert all(block["text"]["verbatim"] for block in blocks if block["type"] == "section")
    text = alert_text(alert)
    assert tokens(text) == [] and visible(text).endswith(MALICIOUS)


def test_huge_alert_respects_block_kit_limits():
    alert = make_alert(
        ticker="ABCDEFGHIJ",
        kind="k" * 200,
        title="&" * 5000,
        evidence=tuple(f"span <{n}> & more" * 20 for n in range(100)),
        other_sources=tuple(SourceRef(source=f"s{n}", title="t" * 400, link=f"https://x.example/{n}") for n in range(200)),
    )
    blocks = to_slack_blocks(alert)
    assert len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) <= 150
    for text in mrkdwn_texts(blocks):
        assert len(text) <= 3000
        assert "&am…" not in text and not text.rstrip("…").endswith("&")
    assert texts(blocks)[4].endswith("…and 190 more")
    assert len(alert_text(alert)) <= 3000


def test_reply_blocks_show_title_sections_and_linked_entries():
    reply = Reply(
        title="BABA (Alibaba Group Holding): 2 catalyst(s) in the last 7 day(s)",
        sections=(
            ReplySection(
                "price_move (1)",
                (ReplyEntry("Alibaba shares rise 8.1%", "https://news.example.com/a", PUBLISHED, "positive"),),
            ),
            ReplySection("guidance (1)", (ReplyEntry("Alibaba <cuts> outlook", None, None, "negative"),)),
        ),
    )
    assert texts(reply_to_blocks(reply)) == [
        "*BABA (Alibaba Group Holding): 2 catalyst(s) in the last 7 day(s)*",
        "*price_move (1)*\n▲ 2025-09-30 12:10 UTC  Alibaba shares rise 8.1% [https://news.example.com/a]",
        "*guidance (1)*\n▼ Alibaba <cuts> outlook",
    ]


def test_error_reply_is_marked_and_escaped():
    blocks = reply_to_blocks(Reply(title="'<!channel>' is not a ticker symbol", ephemeral=True, error=True))
    assert blocks == [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": ":warning: '&lt;!channel&gt;' is not a ticker symbol", "verbatim": True},
        }
    ]


def test_long_reply_is_split_into_sections_and_capped_at_50_blocks():
    entries = tuple(ReplyEntry("x" * 400, f"https://news.example.com/{n}", PUBLISHED, None) for n in range(1000))
    blocks = reply_to_blocks(Reply(title="many", sections=(ReplySection("all", entries),)))
    assert len(blocks) == 50
    assert all(len(block["text"]["text"]) <= 3000 for block in blocks if block["type"] == "section")
    assert texts(blocks)[-1] == "…more not shown"


def test_the_more_not_shown_note_names_the_ticker_asked_for(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    clock = ManualClock(PUBLISHED.timestamp() + 3600)
    for n in range(400):
        item = NewsItem(id=f"n{n}", title=f"Nvidia item {n} " + "y" * 300, link=f"https://n.example/{n}",
                        published=PUBLISHED, feed="wire")
        with store.transaction():
            store.record_catalyst(item, Catalyst(kind="price_move", tickers=("NVDA",), rule="r"), clock() - n)
    reply = CatalystCommands(store=store, clock=clock, known_tickers={"NVDA": "NVIDIA"}).dispatch(["NVDA"], "ana")
    assert texts(reply_to_blocks(reply))[-1] == "…more not shown: ask for fewer days, e.g. `/catalysts NVDA 1d`"
    store.close()


def test_feed_markup_and_direction_controls_cannot_style_an_alert():
    title = "Nvidia *soars* _today_ ~maybe~ `code` on \u202eevif-ot-enif\u202c news\u200b; 52_week_high stays"
    blocks = to_slack_blocks(make_alert(title=title, link=None, evidence=("*soars*",), source="wire\u2066_b_\u2069"))
    headline, meta, why = blocks[1]["text"]["text"], blocks[2]["elements"][0]["text"], blocks[3]["text"]["text"]
    assert headline == "*Nvidia ∗soars∗ ˍtodayˍ ∼maybe∼ ˋcodeˋ on evif-ot-enif news; 52_week_high stays*"
    assert meta.startswith("wire_bˍ · ")  # an underscore inside a word cannot open a style
    assert why == "*Why:* “∗soars∗”"
    assert "\u202e" not in alert_text(make_alert(title=title))


def test_long_notice_text_is_split_at_line_ends():
    text = "\n".join(f"line {n} <{'x' * 90}>" for n in range(200))
    blocks = text_to_blocks(text)
    assert 1 < len(blocks) <= 50
    assert all(len(block["text"]["text"]) <= 3000 for block in blocks)
    assert "\n".join(texts(blocks)) == text
