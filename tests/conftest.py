"""Shared pytest fixtures: a local feed server and fake Slack, an aiohttp session, a SQLite store, and a bot wired to a recording receiver."""

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator

import aiohttp
import pytest
import pytest_asyncio

from bot.app import CatalystBot
from bot.clock import ManualClock
from bot.config import BotConfig
from bot.store.database import Store
from rules.cache import CACHE_DIR_ENV
from rules.compiled import stale_modules
from rules.engine import RuleEngine
from tests.fakes.alertkit import RecordingReceiver
from tests.fakes.feedserver import FeedServer
from tests.fakes.slackfake import FakeSlack

_ENGINES: dict[str, RuleEngine] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Tests, and the commands they start, cache the universe in a directory of their own (set
    before collection: some modules build an engine when imported). A compiled rule module
    older than its source would test the old code (Python imports the build first): stop."""
    stale = stale_modules()
    if stale:
        pytest.exit(
            f"{', '.join(f'rules/{name}.py' for name in stale)} changed after the build compiled them: run `.ci/install test`"
            " again (or install with CATALYST_BOT_PURE_PYTHON=1 while editing them)",
            returncode=4,
        )
    os.environ[CACHE_DIR_ENV] = tempfile.mkdtemp(prefix="catalyst-bot-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop(CACHE_DIR_ENV, ""), ignore_errors=True)


@pytest_asyncio.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server


@pytest_asyncio.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make_bot(http_session) -> Iterator[Callable[..., tuple[CatalystBot, RecordingReceiver]]]:
    """Build a CatalystBot on the config's store, posting to a RecordingReceiver; stores closed after."""
    stores: list[Store] = []

    def build(config: BotConfig, clock: ManualClock | None = None, notices: list[str] | None = None):
        rules_key = config.rules.model_dump_json()
        if rules_key not in _ENGINES:
            _ENGINES[rules_key] = RuleEngine.from_settings(config.rules)
        store = Store(config.store_path())
        stores.append(store)
        receiver = RecordingReceiver(platform="console")
        bot = CatalystBot(
            config,
            store,
            _ENGINES[rules_key],
            {"console": receiver},
            http_session,
            clock=clock or ManualClock(),
            on_notice=notices.append if notices is not None else None,
        )
        return bot, receiver

    yield build
    for store in stores:
        store.close()


@pytest_asyncio.fixture
async def fake_slack():
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    """A SQLite store in the test's directory."""
    store = Store(tmp_path / "s.sqlite3")
    yield store
    store.close()
