"""A bot worker for the multi-process test: the real CatalystBot on CONFIG's store, posting to the fake chat at URL until SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import aiohttp

from bot.app import CatalystBot
from bot.config import load_config
from bot.store.database import Store
from rules.engine import RuleEngine
from tests.fakes.chatfake import WebhookReceiver


async def work(config_path: str, chat_url: str) -> None:
    config = load_config(config_path)
    store = Store.from_config(config)
    engine = RuleEngine.from_settings(config.rules, config.resolved_data_dir())
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with aiohttp.ClientSession() as session:
        bot = CatalystBot(config, store, engine, {"slack": WebhookReceiver(chat_url, session)}, session)
        print(f"worker {bot.worker_id} ready", flush=True)
        await bot.run_forever(stop)
        won, lost = (bot.metrics.registry.get_sample_value("catalyst_bot_feed_claims_total", {"result": r}) for r in ("won", "lost"))
        print(f"claims won {won or 0:.0f} lost {lost or 0:.0f}", flush=True)
    store.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(process)d %(levelname)s %(name)s: %(message)s")
    asyncio.run(work(sys.argv[1], sys.argv[2]))
