"""The cached rule engine: read back while its packs, settings, imported SEC list and code are
unchanged; built again when one changes, when the cache is unusable, or when it may not be kept."""

from __future__ import annotations

import json
import logging
import os
import pickle
from pathlib import Path

import pytest

import rules.cache
from bot.models import NewsItem
from rules.cache import CACHE_DIR_ENV
from rules.engine import RuleEngine, RuleError
from rules.engine_cache import load_engine
from rules.settings import RulesSettings
from rules.universe import IMPORTED_FILE

HEADLINES = [
    "Alibaba shares jump 8% after Nvidia wins an H20 export licence",
    "Acme Rockets zings 12% on a launch contract",
    "Analysts at Jefferies upgrade Tesla to buy",
    "Quiet day on the markets",
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(directory))
    return directory


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[RulesSettings]:
    """The settings of each engine actually built (not read back from the cache)."""
    made: list[RulesSettings] = []
    build = RuleEngine.from_settings

    def counted(settings: RulesSettings, data_dir: Path | None = None) -> RuleEngine:
        made.append(settings)
        return build(settings, data_dir)

    monkeypatch.setattr(RuleEngine, "from_settings", counted)
    return made


def found(engine: RuleEngine, title: str) -> list[dict]:
    return [c.to_scan_json() for c in engine.detect(NewsItem(id="1", title=title))]


def pack(folder: Path, verb: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mine.toml"
    path.write_text(
        f'[[rule]]\nid = "my.move"\nkind = "price_move"\nany = ["{verb}"]\nnumber = {{ unit = "percent", min = 1 }}\n'
    )
    return path


def rockets(path: Path, **settings) -> RulesSettings:
    return RulesSettings(packs=[path], aliases={"ACME": ["Acme Rockets"]}, **settings)


def test_a_second_start_reads_back_an_engine_that_finds_the_same(cache: Path, tmp_path: Path, builds) -> None:
    settings = rockets(pack(tmp_path / "packs", "zings"))
    built = load_engine(settings)
    again = load_engine(settings)
    assert len(builds) == 1
    assert again is not built
    assert [found(again, t) for t in HEADLINES] == [found(built, t) for t in HEADLINES]
    assert found(again, HEADLINES[1])[0]["tickers"] == ["ACME"]
    assert len(list(cache.glob("engine-*.pickle"))) == 1


def test_an_edited_pack_builds_a_new_engine_even_with_the_old_size_and_time(cache: Path, tmp_path: Path, builds) -> None:
    path = pack(tmp_path / "packs", "zings")
    assert found(load_engine(rockets(path)), "Acme Rockets zings 12%")
    stat = path.stat()
    pack(tmp_path / "packs", "twirls")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    engine = load_engine(rockets(path))
    assert len(builds) == 2
    assert found(engine, "Acme Rockets twirls 12%")[0]["rule"] == "my.move"
    assert not [c for c in found(engine, "Acme Rockets zings 12%") if c["rule"] == "my.move"]


def test_a_pack_added_to_a_folder_builds_a_new_engine(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    pack(folder, "zings")
    load_engine(rockets(folder))
    (folder / "more.toml").write_text('[[rule]]\nid = "my.whirls"\nkind = "price_move"\nany = ["whirls"]\n'
                                      'number = { unit = "percent", min = 1 }\n')
    assert found(load_engine(rockets(folder)), "Acme Rockets whirls 12%")[0]["rule"] == "my.whirls"


@pytest.mark.parametrize(
    ("changed", "title", "before", "after"),
    [
        ({"disable": ["my.*"]}, "Acme Rockets zings 12%", ["my.move"], []),
        ({"price_move_threshold": 20.0}, "Acme Rockets jumps 12%", ["price_move.verb_percent"], []),
        ({"builtin_packs": False}, "Acme Rockets jumps 12%", ["price_move.verb_percent"], []),
    ],
)
def test_other_settings_build_another_engine(cache: Path, tmp_path: Path, changed, title, before, after) -> None:
    path = pack(tmp_path / "packs", "zings")
    assert [c["rule"] for c in found(load_engine(rockets(path)), title)] == before
    assert [c["rule"] for c in found(load_engine(rockets(path, **changed)), title)] == after


def test_other_aliases_build_another_engine(cache: Path, tmp_path: Path) -> None:
    path = pack(tmp_path / "packs", "zings")
    load_engine(rockets(path))
    renamed = RulesSettings(packs=[path], aliases={"ACME": ["Acme Balloons"]})
    engine = load_engine(renamed)
    assert found(engine, "Acme Balloons zings 12%")[0]["tickers"] == ["ACME"]
    assert found(engine, "Acme Rockets zings 12%") == []


def sec_file(data_dir: Path, ticker: str, title: str) -> None:
    data_dir.mkdir(exist_ok=True)
    rows = {"0": {"cik_str": 7, "ticker": ticker, "title": title}}
    (data_dir / IMPORTED_FILE).write_text(json.dumps(rows))


def test_a_new_import_builds_a_new_engine(cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    sec_file(data, "ZZQQ", "ZEBULON QUARTZ CORP")
    assert found(load_engine(RulesSettings(), data), "Zebulon Quartz shares jump 9%")[0]["tickers"] == ["ZZQQ"]
    sec_file(data, "YYRR", "YARROW RIVETS INC")
    engine = load_engine(RulesSettings(), data)
    assert found(engine, "Yarrow Rivets shares jump 9%")[0]["tickers"] == ["YYRR"]
    assert found(engine, "Zebulon Quartz shares jump 9%") == []


def test_a_broken_import_is_built_and_warned_about_at_every_start(cache: Path, tmp_path: Path, caplog, builds) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / IMPORTED_FILE).write_text("not json")
    for start in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            engine = load_engine(RulesSettings(), data)
        assert "ignoring imported universe" in caplog.text
        assert found(engine, "Nvidia shares jump 9%")[0]["tickers"] == ["NVDA"]
        assert len(builds) == start + 1
    assert list(cache.glob("engine-*.pickle")) == []


def test_invalid_packs_are_refused_at_every_start(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[rule]]\nid = "Bad Id"\nkind = "price_move"\nany = ["zings"]\n')
    for _start in range(2):
        with pytest.raises(RuleError, match="bad.toml: rule Bad Id: id: ids use lower-case"):
            load_engine(RulesSettings(packs=[path]))
    assert list(cache.glob("engine-*.pickle")) == []


def test_a_missing_pack_is_refused_with_its_name(cache: Path, tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="gone.toml: cannot read rule pack"):
        load_engine(RulesSettings(packs=[tmp_path / "gone.toml"]))


def test_new_code_builds_a_new_engine(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builds) -> None:
    settings = rockets(pack(tmp_path / "packs", "zings"))
    load_engine(settings)
    monkeypatch.setattr(rules.cache, "_code_digest", lambda: b"the next release")
    assert found(load_engine(settings), "Acme Rockets zings 12%")[0]["rule"] == "my.move"
    assert len(builds) == 2


def test_a_corrupt_cache_file_is_rebuilt_and_replaced(cache: Path, tmp_path: Path, builds) -> None:
    settings = rockets(pack(tmp_path / "packs", "zings"))
    load_engine(settings)
    [stored] = cache.glob("engine-*.pickle")
    stored.write_bytes(b"\x80\x05 truncated")
    assert found(load_engine(settings), "Acme Rockets zings 12%")[0]["tickers"] == ["ACME"]
    assert len(builds) == 2
    assert stored.read_bytes() != b"\x80\x05 truncated"
    load_engine(settings)
    assert len(builds) == 2


def test_an_unwritable_cache_directory_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    assert found(load_engine(RulesSettings()), "Nvidia shares jump 9%")[0]["tickers"] == ["NVDA"]
    assert list(tmp_path.iterdir()) == [blocker]


def test_an_engine_that_cannot_be_stored_is_still_used(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unpicklable(value: object, file: object, protocol: int) -> None:
        raise pickle.PicklingError(f"cannot pickle {type(value).__name__}")

    monkeypatch.setattr(rules.cache.pickle, "dump", unpicklable)
    for _start in range(2):
        assert found(load_engine(RulesSettings()), "Nvidia shares jump 9%")[0]["tickers"] == ["NVDA"]
    assert list(cache.glob("engine-*.pickle")) == []
    assert list(cache.glob(".tmp-*")) == []
