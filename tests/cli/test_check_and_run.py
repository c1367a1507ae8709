"""`check` finds what `run` refuses, with the same words; `run --once` says when it could not do its job."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.paths import REPO
from tests.stderr import said, said_at

SAMPLE_FEED = '[[feeds]]\nname = "wire"\nurl = "bundled:sample_feed.xml"\nbaseline = false\n'


@pytest.fixture(autouse=True)
def data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "CATALYST_BOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def write(tmp_path: Path, text: str, name: str = "bot.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(err: str, path: Path) -> list[str]:
    """The errors stderr names for the config `path`: each is its own JSON line, `FILE: problem`."""
    return [message.removeprefix(f"{path}: ") for message in said_at(err, "error")]


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ('[[routes]]\nreceiver = "slack:#markets"\n',
         "routes[0].receiver 'slack:#markets': add an enabled [adapters.slack] section, or these alerts can never be posted"),
        ('[[routes]]\nreceiver = "discord:#markets"\n[adapters.discord]\n',
         "routes[0].receiver 'discord:#markets': use the channel's numeric id (Developer Mode → Copy Channel ID)"),
        ('[[routes]]\nreceiver = "console"\nkinds = ["export_licence"]\n',
         "routes[0].kinds: unknown kind 'export_licence' (did you mean 'export_license'?)"),
        ('[rules]\ndisable = ["price-move-percent"]\n',
         "rules.disable: 'price-move-percent' matches no rule (did you mean 'price_move.verb_percent'?)"),
        ('[ops]\nreceiver = "discord-webhook:ops"\n[adapters.discord]\nbot = false\nwebhooks = ["desk"]\n',
         "ops.receiver 'discord-webhook:ops': add 'ops' to adapters.discord.webhooks and set DISCORD_WEBHOOK_OPS"),
    ],
)
def test_check_and_run_refuse_the_same_config_with_the_same_words(tmp_path, capsys, config, error):
    path = write(tmp_path, SAMPLE_FEED + config)
    assert main(["check", str(path)]) == 2
    assert errors_of(capsys.readouterr().err, path) == [error]
    assert main(["run", "--once", "-c", str(path)]) == 2
    assert error in errors_of(capsys.readouterr().err, path)  # with any unset secret variable, an error for run


def test_routes_may_name_the_kinds_of_filing_rules(tmp_path, capsys):
    path = write(tmp_path, SAMPLE_FEED + '[[routes]]\nreceiver = "console"\nkinds = ["insider_trade", "offering", "sec_8k"]\n')
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out.endswith("OK (1 feed(s), 1 route(s))\n")


def test_several_problems_are_reported_at_once(tmp_path, capsys):
    path = write(tmp_path, SAMPLE_FEED + '[[routes]]\nreceiver = "slack:#markets"\nkinds = ["price_moves"]\n')
    assert main(["check", str(path)]) == 2
    assert errors_of(capsys.readouterr().err, path) == [
        "routes[0].receiver 'slack:#markets': add an enabled [adapters.slack] section, or these alerts can never be posted",
        "routes[0].kinds: unknown kind 'price_moves' (did you mean 'price_move'?)",
    ]


def test_missing_secrets_are_warnings_for_check_and_errors_with_strict(tmp_path, capsys):
    path = write(tmp_path, SAMPLE_FEED + '[[routes]]\nreceiver = "slack:C0123ABCD"\n[adapters.slack]\n')
    missing = "adapters.slack is configured but the environment variable(s) SLACK_BOT_TOKEN, SLACK_APP_TOKEN are not set"
    assert main(["check", str(path)]) == 0
    assert said_at(capsys.readouterr().err, "warning") == [f"{path}: warning: {missing}"]
    assert main(["check", "--strict", str(path)]) == 2
    assert errors_of(capsys.readouterr().err, path) == [missing]
    assert main(["run", "--once", "-c", str(path)]) == 2
    assert errors_of(capsys.readouterr().err, path) == [missing]


def test_an_unset_store_password_variable_is_found_by_check_too(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CATALYST_DB_PASSWORD", raising=False)
    path = write(tmp_path, SAMPLE_FEED + '[store]\nurl = "postgresql://bot@127.0.0.1:1/x"\npassword_env = "CATALYST_DB_PASSWORD"\n')
    missing = "store.password_env is configured but the environment variable(s) CATALYST_DB_PASSWORD is not set"
    assert main(["check", "--strict", str(path)]) == 2
    assert errors_of(capsys.readouterr().err, path) == [missing]
    assert main(["run", "--once", "-c", str(path)]) == 2
    assert errors_of(capsys.readouterr().err, path) == [missing]


def test_unknown_key_suggests_the_near_miss(tmp_path, capsys):
    path = write(tmp_path, SAMPLE_FEED + "[poller]\ntimout = 5\n")
    assert main(["check", str(path)]) == 2
    assert "poller.timout: unknown key (did you mean 'timeout'?)" in capsys.readouterr().err


def test_check_warns_of_a_missing_feed_file_and_of_no_feeds(tmp_path, capsys):
    path = write(tmp_path, '[[feeds]]\nname = "local"\nurl = "feeds/gone.xml"\n')
    assert main(["check", str(path)]) == 0
    assert said(capsys.readouterr().err) == [
        f"{path}: warning: feeds[0].url: no such file {tmp_path / 'feeds' / 'gone.xml'} (the feed would fail on every poll)"
    ]
    empty = write(tmp_path, "watchlist = []\n", "empty.toml")
    assert main(["check", "--strict", str(empty)]) == 2
    assert errors_of(capsys.readouterr().err, empty) == ["no [[feeds]]: `run` would poll nothing"]


def test_check_without_an_argument_reads_the_config_variable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATALYST_BOT_CONFIG", str(write(tmp_path, SAMPLE_FEED + "[poller]\ntik = 5\n")))
    assert main(["check"]) == 2
    assert "poller.tik: unknown key (did you mean 'tick'?)" in capsys.readouterr().err


def test_the_example_config_works_when_copied_elsewhere(tmp_path, capsys):
    copy = tmp_path / "elsewhere" / "config.toml"
    copy.parent.mkdir()
    shutil.copy(REPO / "config.example.toml", copy)
    assert main(["check", "--strict", str(copy)]) == 0
    assert capsys.readouterr().out == f"{copy}: OK (1 feed(s), 3 route(s))\n"
    assert main(["run", "--once", "-c", str(copy)]) == 0  # no placeholder feed that fails on every poll
    assert capsys.readouterr().out.splitlines()[-1].startswith("1 feed(s) polled: 1 changed, 0 unchanged, 0 failed")


def test_run_once_waits_out_the_rate_limit_and_delivers_everything(tmp_path, capsys):
    path = write(tmp_path, SAMPLE_FEED + "[delivery.rate_limits]\nconsole = { per_second = 40.0, burst = 1 }\n")
    assert main(["run", "--once", "-c", str(path)]) == 0
    out = capsys.readouterr().out
    assert sum(line.startswith(("▲", "▼", "●")) for line in out.splitlines()) == 7
    assert out.splitlines()[-1].endswith("10 new item(s), 7 catalyst(s), 7 alert(s) queued")


def test_run_once_says_what_is_still_pending_and_exits_1(tmp_path, capsys):
    path = write(tmp_path, SAMPLE_FEED + "[delivery.rate_limits]\nconsole = { per_second = 0.001, burst = 2 }\n")
    assert main(["run", "--once", "--max-wait", "1s", "-c", str(path)]) == 1
    captured = capsys.readouterr()
    assert sum(line.startswith(("▲", "▼", "●")) for line in captured.out.splitlines()) == 2
    assert captured.out.splitlines()[-2:] == [
        "5 alert(s) still pending after waiting 1s:",
        "  5 pending for console: waiting for the channel's rate limit",
    ]
    (logged,) = [json.loads(line) for line in captured.err.splitlines() if "incomplete" in line]
    assert (logged["level"], logged["msg"]) == (
        "error", "run --once incomplete: 0 feed(s) failed, 5 alert(s) pending, 0 not delivered"
    )


def test_run_once_exits_1_when_a_feed_fails(tmp_path, capsys):
    path = write(tmp_path, SAMPLE_FEED + '[[feeds]]\nname = "broken"\nurl = "http://127.0.0.1:9/feed.xml"\n')
    assert main(["run", "--once", "-c", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "1 failed" in out[-2]
    assert out[-1].startswith("feed broken: ")


def test_version_and_global_flags_after_the_command(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    version = capsys.readouterr().out
    assert version.startswith("catalyst-bot 0.")
    assert version.rstrip().endswith(("(rule engine compiled with mypyc)", "slower: installed without a C compiler)"))
    assert main(["check", "-v", str(write(tmp_path, SAMPLE_FEED))]) == 0
