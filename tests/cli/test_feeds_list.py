"""`feeds list`: each feed's state, last and next poll, items seen and last error; `--json` for scripts."""

from __future__ import annotations

import json

from bot.cli.main import main


def test_feeds_list_after_a_run_shows_polls_items_and_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))
    config = tmp_path / "bot.toml"
    config.write_text(
        '[[feeds]]\nname = "wire"\nurl = "bundled:sample_feed.xml"\nbaseline = false\n'
        '[[feeds]]\nname = "gone"\nurl = "missing.xml"\n',
        encoding="utf-8",
    )
    assert main(["run", "--once", "-c", str(config)]) == 1  # the missing file fails
    capsys.readouterr()
    assert main(["feeds", "list", "--json", "-c", str(config)]) == 0
    rows = {row["name"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert (rows["wire"]["status"], rows["wire"]["items_seen"], rows["wire"]["last_error"]) == ("ok", 10, None)
    assert rows["wire"]["last_poll"] and rows["wire"]["next_poll"] > rows["wire"]["last_poll"]
    assert (rows["gone"]["status"], rows["gone"]["failures"], rows["gone"]["items_seen"]) == ("failing", 1, 0)
    assert "missing.xml" in rows["gone"]["last_error"]

    assert main(["feeds", "list", "-c", str(config)]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split() == ["NAME", "STATUS", "LAST", "POLL", "NEXT", "POLL", "ITEMS", "LAST", "ERROR"]
    gone = next(line for line in lines if line.startswith("gone"))
    assert "failing (1 in a row)" in gone and gone.endswith(rows["gone"]["last_error"])
    wire = next(line for line in lines if line.startswith("wire"))
    assert wire.split()[1] == "ok" and " 10 " in wire


def test_a_feed_never_polled_is_listed_as_new_not_ok(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))
    config = tmp_path / "bot.toml"
    config.write_text('[[feeds]]\nname = "wire"\nurl = "bundled:sample_feed.xml"\n', encoding="utf-8")
    assert main(["feeds", "list", "--json", "-c", str(config)]) == 0
    [row] = map(json.loads, capsys.readouterr().out.splitlines())
    assert (row["status"], row["last_poll"], row["failures"], row["items_seen"]) == ("new", None, 0, 0)

    assert main(["feeds", "list", "-c", str(config)]) == 0
    _, wire = capsys.readouterr().out.splitlines()
    assert wire.split()[1:3] == ["new", "never"]
