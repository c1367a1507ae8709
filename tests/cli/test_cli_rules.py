"""CLI commands around the rule engine: backtest, explain, universe import and update."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from aiohttp import web

from bot.cli.main import main
from tests.stderr import said

# A company no built-in source knows, in the SEC company_tickers.json layout.
SEC_FILE = {
    "0": {"cik_str": 9000001, "ticker": "QLBK", "title": "QUILLBROOK ROBOTICS INC"},
    "1": {"cik_str": 9000002, "ticker": "FNWX", "title": "Fenwick Harbour Foods Corp"},
}
UA = "Example Research desk@example.com"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.delenv("CATALYST_BOT_CONFIG", raising=False)
    monkeypatch.delenv("CATALYST_BOT_SEC_USER_AGENT", raising=False)
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_backtest_prints_scores_and_mistakes(tmp_path, capsys):
    rows = [
        {
            "id": "t1",
            "title": "Barclays upgrades Starbucks to Overweight on store turnaround",
            "labels": [{"kind": "analyst_upgrade", "ticker": "SBUX"}],
        },
        {"id": "t2", "title": "Barclays downgrades Starbucks to Underweight", "labels": []},
        {
            "id": "t3",
            "title": "Starbucks opens its largest roastery yet",
            "labels": [{"kind": "analyst_upgrade", "ticker": "SBUX"}],
        },
    ]
    assert main(["backtest", str(_jsonl(tmp_path / "labelled.jsonl", rows))]) == 0
    out = capsys.readouterr().out
    (row,) = [line.split() for line in out.splitlines() if line.startswith("analyst_upgrade")]
    assert row == ["analyst_upgrade", "2", "1", "0", "1", "1.000", "0.500"]
    assert "ticker accuracy: 1.000 (1/1 item-kinds) over 3 items" in out
    assert "MISS t3 analyst_upgrade SBUX" in out


def test_backtest_of_a_missing_file_fails(tmp_path, capsys):
    assert main(["backtest", str(tmp_path / "absent.jsonl")]) == 2  # bad input: nothing was scored
    assert said(capsys.readouterr().err) == [f"{tmp_path / 'absent.jsonl'}: cannot read: No such file or directory"]


def test_explain_shows_matched_and_blocked_rules(capsys):
    code = main(["explain", "Jefferies upgrades Starbucks to Buy", "--summary", "The stock rose 2% early on."])
    out = capsys.readouterr().out
    assert code == 0
    assert "tickers: 'Starbucks'->SBUX" in out
    assert "MATCH   analyst_upgrade.rating_upgrade [analyst_upgrade] SBUX (positive)" in out
    assert "BLOCKED price_move.verb_percent [price_move]" in out
    assert "2 is below the threshold 5" in out
    assert "CATALYST analyst_upgrade SBUX" in out


def test_explain_takes_an_item_as_json(capsys):
    item = {"id": "j", "title": "Harbour deal talk", "summary": "Jefferies upgrades Starbucks to Buy."}
    assert main(["explain", "--item-json", json.dumps(item)]) == 0
    assert "CATALYST analyst_upgrade SBUX" in capsys.readouterr().out


def test_explain_without_text_or_with_bad_json_is_a_clean_error(capsys):
    assert main(["explain"]) == 2
    assert main(["explain", "--item-json", "{not json"]) == 2
    err = capsys.readouterr().err
    assert "explain needs a headline" in err and "--item-json: not JSON" in err


def test_invalid_user_rules_exit_2_without_traceback(tmp_path, capsys):
    pack = tmp_path / "mine.toml"
    pack.write_text('[[rule]]\nid = "mine.bad"\nkind = "price_move"\nregex = ["(unclosed"]\ntriggers = ["x"]\n')
    config = tmp_path / "bot.toml"
    config.write_text(f'[rules]\npacks = ["{pack}"]\n')
    assert main(["explain", "-c", str(config), "Anything at all"]) == 2
    err = capsys.readouterr().err
    assert said(err)[0].startswith(f"{pack}: rule mine.bad: regex: bad regex '(unclosed'") and "Traceback" not in err


def test_every_error_of_a_pack_is_reported_at_once_in_one_form_and_plain_words(tmp_path, capsys):
    pack = tmp_path / "mine.toml"
    pack.write_text(
        '[[rule]]\nid = "mine.one"\nkind = "price_move"\nanyy = ["soars"]\n'
        '[[rule]]\nid = "mine.two"\nkind = "price_move"\nregex = ["(unclosed"]\ntriggers = ["x"]\n'
        '[[rule]]\nkind = "price_move"\nany = ["dips"]\n'
    )
    config = tmp_path / "bot.toml"
    config.write_text(f'[rules]\npacks = ["{pack}"]\n')
    assert main(["scan", "-c", str(config), str(tmp_path / "none.jsonl")]) == 2
    assert said(capsys.readouterr().err) == [
        f"{pack}: rule mine.one: anyy: unknown field (did you mean 'any'?)",
        f"{pack}: rule mine.two: regex: bad regex '(unclosed': missing ), unterminated subpattern at position 0",
        f"{pack}: rule #3: id: required, but missing",
    ]


def test_universe_import_makes_scan_link_a_new_company(tmp_path, capsys):
    headline = {"id": "q", "title": "Quillbrook Robotics wins U.S. licences to ship actuators to China"}
    items = _jsonl(tmp_path / "items.jsonl", [headline])
    assert main(["scan", str(items)]) == 0
    before = json.loads(capsys.readouterr().out)
    assert all("QLBK" not in c["tickers"] for c in before["catalysts"])

    sec = tmp_path / "company_tickers.json"
    sec.write_text(json.dumps(SEC_FILE), encoding="utf-8")
    assert main(["universe", "import", str(sec)]) == 0
    assert "imported 2 companies" in capsys.readouterr().out
    assert (tmp_path / "data" / "sec_company_tickers.json").exists()

    assert main(["scan", str(items)]) == 0
    after = json.loads(capsys.readouterr().out)
    assert [(c["kind"], c["tickers"]) for c in after["catalysts"]] == [("export_license", ["QLBK"])]


def test_universe_import_rejects_a_file_in_another_format(tmp_path, capsys):
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"symbol": "QLBK"}]), encoding="utf-8")
    assert main(["universe", "import", str(other)]) == 1
    assert "entry without 'ticker' and 'title'" in capsys.readouterr().out
    assert not (tmp_path / "data" / "sec_company_tickers.json").exists()
    assert main(["universe", "import"]) == 2


async def test_universe_update_downloads_with_the_user_agent(feed_server, tmp_path, capsys):
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(SEC_FILE)

    url = feed_server.route("/files/company_tickers.json", handler)
    code = await asyncio.to_thread(main, ["universe", "update", "--url", url, "--user-agent", UA])
    assert code == 0
    assert "downloaded 2 companies" in capsys.readouterr().out
    (headers,) = feed_server.stats["/files/company_tickers.json"].headers
    assert headers["User-Agent"] == UA
    stored = json.loads((tmp_path / "data" / "sec_company_tickers.json").read_text(encoding="utf-8"))
    assert stored == SEC_FILE


async def test_universe_update_needs_a_user_agent_and_reports_http_errors(feed_server, tmp_path, capsys):
    url = feed_server.status("/gone.json", 404)
    assert await asyncio.to_thread(main, ["universe", "update", "--url", url]) == 2
    assert "--user-agent" in capsys.readouterr().err
    assert await asyncio.to_thread(main, ["universe", "update", "--url", url, "--user-agent", UA]) == 1
    assert "404" in capsys.readouterr().out
    assert not (tmp_path / "data" / "sec_company_tickers.json").exists()


def test_explain_prints_a_rule_matching_twice_once_with_both_pieces_of_evidence(capsys):
    assert main(["explain", "Alibaba rises 7% and Alibaba stock jumps 9%"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("MATCH   price_move.verb_percent [price_move] BABA (positive)")
    assert lines[start + 1 : start + 3] == ["        evidence: Alibaba rises 7%", "        evidence: Alibaba stock jumps 9%"]
    assert sum(line.startswith("MATCH   price_move.verb_percent") for line in lines) == 1
