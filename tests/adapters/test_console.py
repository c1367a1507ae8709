"""The console alert: feed text shown as written, without invisible direction controls."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console import render_alert
from bot.models import Alert, SourceRef


def test_console_alert_drops_direction_controls_and_keeps_markup_literal():
    alert = Alert(
        ticker="NVDA", kind="export_license", rule="export_license.controls", severity="high",
        direction="positive", evidence=("\u202elicence\u202c",), title="Nvidia [bold]wins[/bold] \u2067licence\u2069\u200b",
        link="https://n.example/1", source="wire", published=datetime(2025, 9, 30, 13, tzinfo=UTC), item_id="n1",
    )
    assert render_alert(alert).plain.splitlines() == [
        "▲ NVDA  export_license  (positive, high)",
        "  Nvidia [bold]wins[/bold] licence",
        "  wire · 2025-09-30 13:00 UTC",
        "  https://n.example/1",
        "  why: “licence”  [export_license.controls]",
    ]


def test_console_alert_lists_the_other_outlets_of_a_grouped_story():
    alert = Alert(
        ticker="BABA", kind="price_move", rule="price_move.verb_percent", severity="medium", direction="positive",
        evidence=("Alibaba rises 7%",), title="Alibaba rises 7%", link=None, source="wire", published=None, item_id="a",
        other_sources=(SourceRef(source="reuters", title="Alibaba shares up 7%", link="https://r.example/a"),
                       SourceRef(source="ft", title="Alibaba gains", link=None)),
    )
    assert render_alert(alert).plain.splitlines()[-2:] == [
        "  also reported by reuters: Alibaba shares up 7% https://r.example/a",
        "  also reported by ft: Alibaba gains",
    ]
