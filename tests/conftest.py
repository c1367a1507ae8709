"""Shared pytest fixtures: a local feed server and an aiohttp client session."""

from collections.abc import AsyncIterator

import aiohttp
import pytest_asyncio

from tests.feedserver import FeedServer


@pytest_asyncio.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server


@pytest_asyncio.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
