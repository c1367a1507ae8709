"""`catalyst-bot scan`: one JSON object per input item, in input order, nothing stored."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from bot.cli.main import main
from tests.paths import REPO, SAMPLE_FEED


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


def test_scan_takes_several_files_and_standard_input(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first.write_text(json.dumps({"id": "one", "title": "Nvidia shares jump 9%"}) + "\n")
    second.write_text(json.dumps({"id": "two", "title": "Town fair opens"}) + "\n")
    stdin = json.dumps({"id": "three", "title": "Alibaba stock falls 7%"}) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "scan", str(first), "-", str(second)],
        input=stdin, capture_output=True, text=True, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], [c["tickers"] for c in r["catalysts"]]) for r in records] == [
        ("one", [["NVDA"]]), ("three", [["BABA"]]), ("two", []),
    ]


def test_scan_into_a_closed_pipe_stops_quietly(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))
    items = tmp_path / "many.jsonl"
    items.write_text("".join(json.dumps({"id": f"n{n}", "title": "Nvidia shares jump 9%"}) + "\n" for n in range(20000)))
    scan = subprocess.Popen([sys.executable, "-m", "bot", "scan", str(items)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO)
    scan.stdout.readline()
    scan.stdout.close()  # as `| head -1` does
    assert scan.wait() == 128 + signal.SIGPIPE
    assert scan.stderr.read() == b""
