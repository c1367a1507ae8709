"""Rule packs: every built-in pack validates; bad user packs name file, rule and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.models import NewsItem
from rules.engine import RuleEngine, RuleError
from rules.packs import builtin_pack_files, load_rules
from rules.settings import RulesSettings

KINDS = {
    "export_license", "52_week_high", "leaderboard", "analyst_upgrade", "price_move",
    "fund_position", "ai_model", "insider_trade", "offering", "sec_8k",
}


def test_builtin_packs_validate_and_cover_every_kind() -> None:
    assert load_rules(RulesSettings()).errors == []
    engine = RuleEngine.from_settings(RulesSettings())
    assert {rule.kind for rule in [*engine.rules, *engine.filing_rules]} == KINDS
    assert len(builtin_pack_files()) >= 8


@pytest.mark.parametrize("name", [name for name, _ in builtin_pack_files()])
def test_each_builtin_pack_validates_on_its_own(tmp_path: Path, name: str) -> None:
    if name != "rules/packs/00_sets.toml":  # the sets, once
        (tmp_path / "00_sets.toml").write_text(dict(builtin_pack_files())["rules/packs/00_sets.toml"])
    (tmp_path / "pack.toml").write_text(dict(builtin_pack_files())[name])
    assert load_rules(RulesSettings(builtin_packs=False, packs=[tmp_path])).errors == []


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text)
    return path


def test_bad_regex_names_file_rule_and_regex(tmp_path: Path) -> None:
    path = write(tmp_path, '[[rule]]\nid = "my.bad"\nkind = "price_move"\nregex = ["(unclosed"]\ntriggers = ["x"]\n')
    (error,) = load_rules(RulesSettings(packs=[path])).errors
    assert str(path) in error and "my.bad" in error and "(unclosed" in error


def test_a_set_of_regexes_guards_every_rule_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, r"""[sets]
my_tags = ['\(\s*NYSE\s*:', '^prediction\b']
[[rule]]
id = "my.jump"
kind = "price_move"
any = ["jumps"]
none_headline_regex = ["@my_tags"]
require_ticker = false
""")
    settings = RulesSettings(builtin_packs=False, packs=[path])
    (rule,) = load_rules(settings).rules
    assert rule.none_headline_regex == [r"\(\s*NYSE\s*:", r"^prediction\b"]
    engine = RuleEngine.from_settings(settings)
    assert [c.rule for c in engine.detect(NewsItem(id="1", title="Nike jumps"))] == ["my.jump"]
    assert engine.detect(NewsItem(id="2", title="Prediction: Nike jumps")) == []
    assert engine.detect(NewsItem(id="3", title="Nike (NYSE:NKE) jumps")) == []


def test_a_bad_regex_in_a_set_names_the_rule_that_uses_it(tmp_path: Path) -> None:
    path = write(tmp_path, '[sets]\nmy_tags = ["(unclosed"]\n[[rule]]\nid = "my.jump"\nkind = "price_move"\nany = ["jumps"]\nnone_regex = ["@my_tags"]\n')
    (error,) = load_rules(RulesSettings(builtin_packs=False, packs=[path])).errors
    assert "my.jump" in error and "(unclosed" in error


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('[[rule]]\nid = "my.x"\nkind = "leaderboard"\n', "anchor"),
        ('[[rule]]\nid = "my.x"\nkind = "leaderboard"\nany = ["a"]\nseverity = "huge"\n', "severity"),
        ('[[rule]]\nid = "my.x"\nkind = "leaderboard"\nany = ["@nosuchset"]\n', "@nosuchset"),
        ('[[rule]]\nid = "my.x"\nkind = "leaderboard"\nany = ["a"]\nunknown_key = 1\n', "unknown_key"),
        ('[[rule]]\nid = "my.x"\nkind = "k"\nregex = ["a"]\n', "triggers"),
        ('[[rule]]\nid = "my.x"\nkind = "k"\nany = ["a"]\nall = [{ phrases = ["b"], within = 3, headline = true }]\n', "headline"),
        ("[[rule]\n", "invalid TOML"),
        ('[sets]\nbrokers = ["Acme Securities"]\n', "set 'brokers' is already defined in rules/packs/00_sets.toml"),
    ],
)
def test_invalid_rules_are_reported(tmp_path: Path, body: str, reason: str) -> None:
    errors = load_rules(RulesSettings(packs=[write(tmp_path, body)])).errors
    assert errors and reason in errors[0] and "mine.toml" in errors[0]


def test_from_settings_refuses_invalid_rules(tmp_path: Path) -> None:
    path = write(tmp_path, '[[rule]]\nid = "my.x"\nkind = "k"\n')
    with pytest.raises(RuleError) as caught:
        RuleEngine.from_settings(RulesSettings(packs=[path]))
    assert "my.x" in str(caught.value)


def test_user_rule_overrides_builtin_by_id_and_disable_works(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[rule]]\nid = "price_move.verb_percent"\nkind = "price_move"\nany = ["zooms"]\n'
        'number = { unit = "percent", min = 1 }\n',
    )
    engine = RuleEngine.from_settings(RulesSettings(packs=[path], disable=["price_move.closed_*"]))
    ids = [rule.id for rule in engine.rules]
    assert "price_move.closed_percent" not in ids
    assert ids.count("price_move.verb_percent") == 1
    assert engine.detect(NewsItem(id="1", title="Nvidia zooms 2%"))
    assert not engine.detect(NewsItem(id="2", title="Nvidia jumps 9%"))


def test_user_pack_adds_a_kind_with_a_rank_threshold(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[rule]]\nid = "my.app_rank"\nkind = "app_rank"\nseverity = "low"\n'
        'any = ["ranks"]\nnumber = { unit = "rank", max = 3, within = 2 }\n',
    )
    engine = RuleEngine.from_settings(RulesSettings(builtin_packs=False, packs=[path]))
    assert engine.detect(NewsItem(id="1", title="Spotify ranks No. 2 among music apps"))
    assert not engine.detect(NewsItem(id="2", title="Spotify ranks No. 9 among music apps"))


def test_relative_pack_paths_are_relative_to_the_config_file(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "setup"
    (folder / "packs").mkdir(parents=True)
    (folder / "packs" / "mine.toml").write_text(
        '[[rule]]\nid = "my.zoom"\nkind = "price_move"\nany = ["zooms"]\n'
        'number = { unit = "percent", min = 1 }\n'
    )
    (folder / "catalyst-bot.toml").write_text('[rules]\npacks = ["packs/mine.toml", "packs"]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = load_config("../setup/catalyst-bot.toml").rules
    assert settings.packs == [folder.resolve() / "packs" / "mine.toml", folder.resolve() / "packs"]
    assert load_rules(settings).errors == []
    engine = RuleEngine.from_settings(settings)
    (catalyst,) = engine.detect(NewsItem(id="1", title="Nvidia zooms 2%"))
    assert catalyst.rule == "my.zoom"
