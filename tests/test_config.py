"""Configuration loading: the example and the default pass, and errors name file and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import load_config
from bot.errors import ConfigError
from tests.paths import REPO


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_config_uses_the_bundled_sample_feed_and_console():
    config = load_config(None)
    assert [feed.name for feed in config.feeds] == ["sample-wire"]
    assert Path(config.feed_location(config.feeds[0])).is_file()
    assert [route.receiver for route in config.routes] == ["console"]


def test_example_config_passes_check(capsys):
    assert main(["check", str(REPO / "config.example.toml")]) == 0
    assert "OK" in capsys.readouterr().out


def test_error_names_file_and_key_path(tmp_path):
    path = write(
        tmp_path,
        """
        [[feeds]]
        name = "a"
        url = "https://example.com/a.xml"
        [[feeds]]
        name = "b"
        url = "https://example.com/b.xml"
        [[feeds]]
        name = "c"
        url = "https://example.com/c.xml"
        interval = "soon"
        """,
    )
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert str(path) in message
    assert "feeds[2].interval: not a duration: 'soon'" in message


def test_wrong_values_are_named_in_plain_words_with_what_was_given(tmp_path):
    path = write(
        tmp_path,
        'watchlist = "BABA"\n[[feeds]]\nurl = "x.xml"\nbaseline = "maybe"\n'
        '[[routes]]\nreceiver = "console"\nmin_severity = "hgh"\n'
        '[poller]\nconcurrency = "many"\nmax_failures = 0\n'
        '[adapters.discord]\napi_base = "ftp://x"\nwebhooks = ["my-hook"]\n',
    )
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert [line.removeprefix(f"{path}: ") for line in error.value.errors] == [
        "watchlist: must be a list, e.g. [\"a\", \"b\"], not 'BABA'",
        "feeds[0].name: required, but missing",
        "feeds[0].baseline: must be true or false, not 'maybe'",
        "poller.concurrency: must be a whole number, not 'many'",
        "poller.max_failures: must be more than 0, not 0",
        "routes[0].min_severity: 'hgh' is not one of low, medium, high (did you mean 'high'?)",
        "adapters.discord.api_base: must start with http:// or https://, not 'ftp://x'",
        "adapters.discord.webhooks[0]: may hold only letters, digits and _, not 'my-hook'",
    ]


def test_unknown_keys_are_errors(tmp_path):
    path = write(tmp_path, '[poller]\ntimeout = 5\ntimout = 6\n')
    with pytest.raises(ConfigError, match=r"poller\.timout: unknown key"):
        load_config(path)


def test_a_secret_in_the_file_is_refused_with_a_hint(tmp_path):
    path = write(tmp_path, '[adapters.slack]\ntoken = "xoxb-not-here"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "adapters.slack.token: unknown key" in str(error.value)
    assert "environment variable" in str(error.value)
    assert "xoxb-not-here" not in str(error.value)


def test_bad_toml_names_the_line(tmp_path):
    path = write(tmp_path, 'watchlist = ["BABA"]\ninterval = = 5\n')
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 2"):
        load_config(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_durations_and_relative_feed_paths(tmp_path):
    path = write(tmp_path, '[[feeds]]\nname = "local"\nurl = "feeds/a.xml"\ninterval = "2m"\n')
    config = load_config(path)
    assert config.feeds[0].interval == 120
    assert config.feed_location(config.feeds[0]) == str(tmp_path / "feeds" / "a.xml")


def test_duplicate_feed_names_are_refused(tmp_path):
    feed = '[[feeds]]\nname = "same"\nurl = "https://example.com/x"\n'
    with pytest.raises(ConfigError, match="feed names must be unique; repeated: same"):
        load_config(write(tmp_path, feed * 2))


def test_unknown_receiver_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"routes\[0\]\.receiver: unknown receiver 'teams:#x'"):
        load_config(write(tmp_path, '[[routes]]\nreceiver = "teams:#x"\n'))


def test_check_command_reports_errors_and_exits_2(tmp_path, capsys):
    path = write(tmp_path, "[store]\npath = 5\n")
    assert main(["check", str(path)]) == 2
    assert "store.path" in capsys.readouterr().err


def test_run_with_slack_configured_names_the_missing_variables(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path))
    path = write(tmp_path, "[adapters.slack]\n")
    assert main(["run", "--once", "--config", str(path)]) == 2
    assert "adapters.slack is configured but the environment variable(s) SLACK_BOT_TOKEN, SLACK_APP_TOKEN are not set" in capsys.readouterr().err


def test_feed_urls_must_be_http_https_or_file(tmp_path):
    with pytest.raises(ConfigError, match=r"feeds\[0\]\.url: unsupported URL scheme 'ftp'"):
        load_config(write(tmp_path, '[[feeds]]\nname = "x"\nurl = "ftp://example.com/feed"\n'))


def test_local_feeds_need_allow_file(tmp_path):
    text = '[poller]\nallow_file = false\n[[feeds]]\nname = "x"\nurl = "file:///etc/passwd"\n'
    with pytest.raises(ConfigError, match=r"feeds\[0\] \(x\) read local files, but poller.allow_file is false"):
        load_config(write(tmp_path, text))
