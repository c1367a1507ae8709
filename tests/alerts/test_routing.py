"""Routing: ordered routes, `continue`, matchers, the default route, and `routes test` explanations."""

from __future__ import annotations

import re

import pytest

from bot.alerts.routing import explain_routes, selected_routes
from bot.cli.main import main
from bot.config import load_config
from bot.errors import ConfigError
from tests.fakes.alertkit import make_alert, make_config

ROUTES = [
    {"name": "baba-desk", "receiver": "slack:#baba", "tickers": ["baba"], "continue": True},
    {"name": "big", "receiver": "slack:#big", "min_severity": "high"},
    {"name": "bearish", "receiver": "discord:42", "directions": ["negative"], "kinds": ["export_license"]},
    {"name": "press", "receiver": "discord-webhook:press", "tags": ["press-release"]},
    {"name": "watch", "receiver": "slack:#watch", "tickers": "watchlist"},
]
DEFAULT = {"receiver": "console"}


@pytest.mark.parametrize(
    ("alert", "receivers"),
    [
        # continue: the BABA desk gets it, and routing goes on to the next match
        (make_alert("BABA", severity="high"), ["slack:#baba", "slack:#big"]),
        # first match without continue stops: "watch" also matches but is not reached
        (make_alert("NVDA", severity="high"), ["slack:#big"]),
        (make_alert("NVDA", severity="medium", direction="negative"), ["discord:42"]),
        (make_alert("NVDA", "price_move", direction="negative"), ["slack:#watch"]),
        (make_alert("AMD", tags=("press-release", "x")), ["discord-webhook:press"]),
        (make_alert("NVDA", severity="low"), ["slack:#watch"]),
        # nothing matched: the default route
        (make_alert("TSLA"), ["console"]),
        (make_alert("TSLA", tags=("sample",)), ["console"]),
    ],
)
def test_routes_table(alert, receivers):
    config = make_config(ROUTES, default_route=DEFAULT)
    assert [route.receiver for route in selected_routes(alert, config, ["NVDA"])] == receivers


def test_default_route_is_skipped_when_another_route_matched_and_a_receiver_is_chosen_once():
    config = make_config(
        [{"receiver": "console", "continue": True}, {"receiver": "console", "kinds": ["export_license"]}],
        default_route={"receiver": "slack:#all"},
    )
    checks = explain_routes(make_alert(), config, [])
    assert [(c.route.name, c.selected, c.why) for c in checks] == [
        ("routes[0]", True, "matches; continuing"),
        ("routes[1]", False, "matches, but console already gets it from an earlier route"),
        ("default", False, "not used: another route matched"),
    ]


@pytest.mark.parametrize(
    ("routes", "message"),
    [
        (
            [{"receiver": "console", "quiet_hours": {"start": "16:00", "end": "09:30"}}],
            "routes[0]: quiet_hours hold alerts for the route's digest: add a [digest]",
        ),
        (
            [{"receiver": "console", "digest": {"cron": "0 9 * * *", "timezone": "Mars/Olympus"}}],
            "routes[0].digest.timezone: unknown time zone 'Mars/Olympus'",
        ),
        ([{"receiver": "console", "digest": {"cron": "every morning"}}], "routes[0].digest.cron: not a crontab"),
        ([{"receiver": "console", "cooldown": "soon"}], "routes[0].cooldown: not a duration: 'soon'"),
        ([{"receiver": "console", "cooldown_key": ["headline"]}], "routes[0].cooldown_key[0]: "),
        ([{"receiver": "console", "name": "a"}, {"receiver": "slack:#x", "name": "a"}], "route names must be unique"),
    ],
)
def test_bad_route_settings_are_refused_with_the_key_path(tmp_path, routes, message):
    lines = []
    for route in routes:
        lines.append("[[routes]]")
        for key, value in route.items():
            lines.append(f"{key} = {_toml(value)}")
    path = tmp_path / "bot.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path)


def test_default_route_with_a_matcher_is_refused(tmp_path):
    path = tmp_path / "bot.toml"
    path.write_text("[default_route]\nreceiver = 'console'\nkinds = ['price_move']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="default_route matches everything: remove kinds"):
        load_config(path)


def test_routes_test_prints_each_route_verdict(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path))
    path = tmp_path / "bot.toml"
    path.write_text(
        "watchlist = ['NVDA']\n"
        "[[routes]]\nname = 'desk'\nreceiver = 'slack:#desk'\ntickers = 'watchlist'\n"
        "[[routes]]\nname = 'bears'\nreceiver = 'discord:42'\ndirections = ['negative']\n"
        "[default_route]\nreceiver = 'console'\n",
        encoding="utf-8",
    )
    assert main(["catalysts", "-c", str(path), "mute", "BABA", "1h", "earnings"]) == 0
    capsys.readouterr()
    assert main(["routes", "-c", str(path), "test", "--ticker", "baba", "--kind", "export_license",
                 "--direction", "negative"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "BABA export_license (severity medium, direction negative, tags none)"
    assert out[1] == "  - desk -> slack:#desk: ticker BABA is not on the watchlist"
    assert out[2] == "  + bears -> discord:42: matches"
    assert out[3] == "  - default -> console: not used: another route matched"
    assert out[5].startswith("  discord:42: muted by #1 (") and out[5].endswith(": earnings)")


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f"'{value}'" if isinstance(value, str) else str(value).lower()
