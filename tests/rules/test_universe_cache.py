"""The cached universe: read back while its sources are unchanged, rebuilt when one changes or the cache is unusable."""

import json
import logging
from pathlib import Path

import pytest

import rules.universe
from bot.models import NewsItem
from rules.cache import CACHE_DIR_ENV
from rules.engine import RuleEngine
from rules.settings import RulesSettings
from rules.universe import IMPORTED_FILE

ROCKETS = RulesSettings(aliases={"ACME": ["Acme Rockets"]})


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(directory))
    return directory


def tickers(engine: RuleEngine, title: str) -> list[str]:
    return [t for c in engine.detect(NewsItem(id="1", title=title)) for t in c.tickers]


def no_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args):
        raise AssertionError("the universe was rebuilt")

    monkeypatch.setattr(rules.universe, "builtin_universe", fail)


def sec_file(data_dir: Path, ticker: str, title: str) -> None:
    data_dir.mkdir(exist_ok=True)
    rows = {"0": {"cik_str": 7, "ticker": ticker, "title": title}}
    (data_dir / IMPORTED_FILE).write_text(json.dumps(rows))


def test_a_second_start_reads_the_universe_back(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tickers(RuleEngine.from_settings(ROCKETS), "Acme Rockets shares jump 9%") == ["ACME"]
    assert len(list(cache.glob("universe-*.pickle"))) == 1
    no_rebuild(monkeypatch)
    assert tickers(RuleEngine.from_settings(ROCKETS), "Acme Rockets shares jump 9%") == ["ACME"]


def test_other_aliases_build_another_universe(cache: Path) -> None:
    RuleEngine.from_settings(ROCKETS)
    renamed = RulesSettings(aliases={"ACME": ["Acme Balloons"]})
    engine = RuleEngine.from_settings(renamed)
    assert tickers(engine, "Acme Balloons shares jump 9%") == ["ACME"]
    assert tickers(engine, "Acme Rockets shares jump 9%") == []
    assert len(list(cache.glob("universe-*.pickle"))) == 2


def test_a_new_import_replaces_the_cached_companies(cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    sec_file(data, "ZZQQ", "ZEBULON QUARTZ CORP")
    engine = RuleEngine.from_settings(RulesSettings(), data)
    assert tickers(engine, "Zebulon Quartz shares jump 9%") == ["ZZQQ"]
    sec_file(data, "YYRR", "YARROW RIVETS INC")
    engine = RuleEngine.from_settings(RulesSettings(), data)
    assert tickers(engine, "Yarrow Rivets shares jump 9%") == ["YYRR"]
    assert tickers(engine, "Zebulon Quartz shares jump 9%") == []


def test_a_broken_import_warns_at_every_start(cache: Path, tmp_path: Path, caplog) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / IMPORTED_FILE).write_text("not json")
    for _start in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            engine = RuleEngine.from_settings(RulesSettings(), data)
        assert "ignoring imported universe" in caplog.text
        assert tickers(engine, "Nvidia shares jump 9%") == ["NVDA"]


def test_a_corrupt_cache_file_is_rebuilt(cache: Path) -> None:
    RuleEngine.from_settings(ROCKETS)
    [stored] = cache.glob("universe-*.pickle")
    stored.write_bytes(b"\x80\x05 truncated")
    assert tickers(RuleEngine.from_settings(ROCKETS), "Acme Rockets shares jump 9%") == ["ACME"]
    assert stored.read_bytes() != b"\x80\x05 truncated"  # the rebuilt universe replaced it


def test_an_unwritable_cache_directory_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    assert tickers(RuleEngine.from_settings(ROCKETS), "Acme Rockets shares jump 9%") == ["ACME"]
    assert list(tmp_path.iterdir()) == [blocker]
