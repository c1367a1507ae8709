"""The console alert: feed text shown as written, without invisible direction controls."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console import render_alert
from bot.models import Alert


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
