"""`catalyst-bot db migrate` and `db status` on each engine, and a config's [store] section."""

from __future__ import annotations

import re
import time

import pytest

from bot.cli.main import main
from bot.config import BotConfig, load_config
from bot.errors import ConfigError
from bot.store.database import Store
from bot.store.migrations import MIGRATIONS
from tests.store.test_store import NOW


def write_config(tmp_path, store_url: str, extra: str = "") -> str:
    path = tmp_path / "bot.toml"
    path.write_text(f"data_dir = '{tmp_path}'\n[store]\nurl = '{store_url}'\n{extra}", encoding="utf-8")
    return str(path)


def test_db_migrate_is_idempotent_and_status_shows_version_and_counts(store_url, tmp_path, capsys):
    config = write_config(tmp_path, store_url)
    assert main(["db", "status", "-c", config]) == 1
    assert "schema version: 0 of" in capsys.readouterr().out
    assert main(["db", "migrate", "-c", config]) == 0
    assert f"migrated to schema version {len(MIGRATIONS)}" in capsys.readouterr().out
    assert main(["db", "migrate", "-c", config]) == 0
    assert "nothing to do" in capsys.readouterr().out
    store = Store(store_url)
    store.sync_feeds([("wire", "https://x/wire", 60)], NOW)
    store.close()
    assert main(["db", "status", "-c", config]) == 0
    out = capsys.readouterr().out
    assert f"schema version: {len(MIGRATIONS)} of {len(MIGRATIONS)}" in out
    assert "  feeds: 1 row(s)" in out and "outbox by status: empty" in out
    assert "feeds due now: 1 (0 claimed by a worker)" in out


def test_db_status_names_the_live_workers_their_share_of_the_feeds_and_who_holds_each_duty(
    store_url, tmp_path, capsys
):
    config = write_config(tmp_path, store_url)
    store = Store(store_url)
    store.sync_feeds([(f"feed{n}", f"https://x/{n}", 60) for n in range(40)], NOW)
    now = time.time()
    for worker in ("w-a", "w-b"):
        store.acquire_lease(f"worker:{worker}", worker, now, 30)
    store.acquire_lease("worker:w-gone", "w-gone", now - 60, 30)  # its heartbeat ran out
    store.acquire_lease("scheduled-jobs", "w-b", now, 90)
    shared = store.shared
    store.close()
    assert main(["db", "status", "-c", config]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^scheduled-jobs: held by w-b for (89|90)s more$", out, re.MULTILINE)
    polls = [int(n) for n in re.findall(r"^  w-[ab]: polls (\d+) of 40 enabled feeds$", out, re.MULTILINE)]
    assert ("live workers: 2" in out, sum(polls), len(polls)) == ((True, 40, 2) if shared else (False, 0, 0))
    assert "w-gone" not in out


def test_no_store_section_keeps_the_sqlite_file_in_the_data_dir(tmp_path):
    config = BotConfig(data_dir=tmp_path)
    assert config.store_url() == f"sqlite:///{tmp_path / 'catalyst-bot.sqlite3'}"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("url = 'postgresql://bot:hunter2@db/catalyst'", "password must not be in the file"),
        ("url = 'mysql://bot@db/catalyst'", "unsupported store URL"),
        ("url = 'sqlite:///x.db'\npath = 'y.db'", "either path or url"),
    ],
)
def test_store_section_errors_are_clear(tmp_path, lines, message):
    path = tmp_path / "bot.toml"
    path.write_text(f"[store]\n{lines}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as error:
        load_config(path)
    assert "hunter2" not in str(error.value)


def test_a_missing_password_variable_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CATALYST_DB_PASSWORD", raising=False)
    config = write_config(tmp_path, "postgresql://bot@127.0.0.1:1/catalyst", "password_env = 'CATALYST_DB_PASSWORD'\n")
    assert main(["db", "status", "-c", config]) == 2
    assert "$CATALYST_DB_PASSWORD, which is not set" in capsys.readouterr().err


def test_check_refuses_an_unreachable_database_with_the_words_run_uses(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CATALYST_BOT_DATA_DIR", str(tmp_path))
    config = write_config(tmp_path, "postgresql://bot@127.0.0.1:1/catalyst")
    assert main(["check", config]) == 2
    error = "cannot connect to the store at postgresql://bot@127.0.0.1:1/catalyst"
    assert error in capsys.readouterr().err
    assert main(["run", "--once", "-c", config]) == 2
    assert error in capsys.readouterr().err


def test_check_names_an_unset_store_password_as_a_missing_secret(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CATALYST_DB_PASSWORD", raising=False)
    config = write_config(tmp_path, "postgresql://bot@127.0.0.1:1/catalyst", "password_env = 'CATALYST_DB_PASSWORD'\n")
    assert main(["check", "--strict", config]) == 2
    err = capsys.readouterr().err
    assert "store.password_env is configured but the environment variable(s) CATALYST_DB_PASSWORD is not set" in err
    assert "cannot connect" not in err


def test_check_refuses_a_database_migrated_by_a_newer_catalyst_bot(store_url, tmp_path, capsys):
    if not store_url.startswith("postgresql"):
        pytest.skip("check does not open a SQLite file (run makes it on first use)")
    config = write_config(tmp_path, store_url)
    assert main(["check", config]) == 0
    store = Store(store_url)
    with store.transaction():
        store._db.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS) + 1,))
    store.close()
    capsys.readouterr()
    assert main(["check", config]) == 2
    assert f"has schema version {len(MIGRATIONS) + 1}, newer than this catalyst-bot understands" in capsys.readouterr().err
