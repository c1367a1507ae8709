"""`catalyst-bot scan`: one JSON object per input item, in input order, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli.main import main
from tests.paths import SAMPLE_FEED


def scan(path: Path, capsys, *extra: str) -> list[dict]:
    assert main(["scan", str(path), *extra]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_jsonl_items_come_back_in_order_with_the_contract_fields(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))
    items = tmp_path / "items.jsonl"
    items.write_text(
        "\n".join(
            [
                json.dumps({"id": "b", "title": "Town library extends weekend opening hours"}),
                "not json at all",
                json.dumps(
                    {
                        "id": "a",
                        "title": "Nvidia gets U.S. licences to ship H20 chips to China again",
                        "summary": "Shipments halted in April can resume.",
                        "link": "https://news.example.com/a",
                        "published": "2025-07-15T06:30:00Z",
                    }
                ),
            ]
        ),
        encoding="utf-8",
    )
    records = scan(items, capsys)
    assert [record["id"] for record in records] == ["b", None, "a"]
    assert records[0]["catalysts"] == []
    assert records[1]["catalysts"] == [] and records[1]["error"].startswith("line 2: not JSON")
    (catalyst,) = records[2]["catalysts"]
    assert catalyst == {
        "kind": "export_license",
        "tickers": ["NVDA"],
        "rule": "export_license.licence_to_sell",
        "severity": "high",
        "direction": "positive",
        "evidence": ["Nvidia gets U.S. licences to ship"],
    }
    assert not (tmp_path / "data").exists(), "scan must not create or write the store"


def test_rss_file_is_scanned_item_by_item(capsys):
    records = scan(SAMPLE_FEED, capsys)
    assert [record["id"] for record in records] == [f"sample-wire-{n:04d}" for n in range(1, 11)]
    kinds = {(c["kind"], tuple(c["tickers"])) for record in records for c in record["catalysts"]}
    assert ("export_license", ("NVDA",)) in kinds
    assert ("fund_position", ("BABA",)) in kinds
    assert all(record["catalysts"] == [] for record in records[6:])


def test_scan_of_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["scan", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
