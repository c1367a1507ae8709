"""Benchmark alerts/s through routing + mutes + grouping/cooldown + outbox + delivery into a local fake receiver."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.alerts.queue import AlertQueue  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.config import BotConfig  # noqa: E402
from bot.delivery.sender import Deliverer  # noqa: E402
from bot.models import Alert  # noqa: E402
from bot.store.database import Store  # noqa: E402

KINDS = ("export_license", "price_move", "52_week_high", "analyst_upgrade", "fund_position", "leaderboard", "ai_model")
CONFIG = {
    "watchlist": ["T0", "T1", "T2", "T3", "T4"],
    "routes": [
        {"name": "watch", "receiver": "slack:#watch", "tickers": "watchlist", "continue": True},
        {"name": "big", "receiver": "slack:#big", "min_severity": "high"},
        {"name": "chips", "receiver": "discord:1", "kinds": ["export_license"], "directions": ["negative"]},
    ],
    "default_route": {"receiver": "slack:#all", "cooldown": "1h"},
}


class CountingReceiver:
    """A fake receiver in the same process: counts posts and returns message ids."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.posts = 0

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        self.posts += 1
        return f"{self.platform}-{self.posts}"


def synthetic_alerts(count: int, tickers: int, rng: random.Random) -> list[Alert]:
    return [
        Alert(
            ticker=f"T{rng.randrange(tickers)}",
            kind=rng.choice(KINDS),
            rule="bench",
            severity=rng.choice(("low", "medium", "high")),
            direction=rng.choice(("positive", "negative", None)),
            evidence=("bench",),
            title=f"Synthetic story {n}",
            link=f"https://news.example.com/{n}",
            source=f"feed-{n % 50}",
            published=None,
            item_id=f"item-{n}",
        )
        for n in range(count)
    ]


async def run(count: int, tickers: int, batch: int, seconds_per_batch: float) -> None:
    config = BotConfig.model_validate(CONFIG)
    alerts = synthetic_alerts(count, tickers, random.Random(7))
    clock = ManualClock()
    receivers = {"slack": CountingReceiver("slack"), "discord": CountingReceiver("discord")}
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.sqlite3")
        store.add_mute("T9", None, clock(), clock() + 10 * 86400, "bench", "")
        queue = AlertQueue(store, config)
        deliverer = Deliverer(store, receivers, clock)
        outcome: Counter[str] = Counter()
        queue_time = deliver_time = 0.0
        for start in range(0, count, batch):
            began = time.perf_counter()
            with store.transaction():  # one transaction per feed batch, as the pipeline does
                mutes = store.active_mutes(clock())
                for alert in alerts[start : start + batch]:
                    outcome += queue.queue(alert, clock(), config.watchlist, mutes)
            queue_time += time.perf_counter() - began
            clock.advance(seconds_per_batch)
            began = time.perf_counter()
            while (await deliverer.deliver_pending(limit=5000)).sent:
                pass
            deliver_time += time.perf_counter() - began
        clock.advance(3600)
        began = time.perf_counter()
        while (await deliverer.deliver_pending(limit=5000)).sent:
            pass
        deliver_time += time.perf_counter() - began
        posted = sum(receiver.posts for receiver in receivers.values())
        rows = sum(outcome.values())
        store.close()
    total = queue_time + deliver_time
    print(f"{count} alerts over {tickers} tickers, {batch} per transaction, {seconds_per_batch:g}s apart (simulated)")
    print(f"  outbox rows by status at queue time: {dict(sorted(outcome.items()))}")
    print(f"  routing + mutes + grouping/cooldown + outbox write: {count / queue_time:,.0f} alerts/s ({rows / queue_time:,.0f} rows/s)")
    print(f"  delivery (claim, send, mark sent) of {posted} posts: {posted / deliver_time:,.0f} posts/s")
    print(f"  end to end: {count / total:,.0f} alerts/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=20_000)
    parser.add_argument("--tickers", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--seconds-per-batch", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(run(args.alerts, args.tickers, args.batch, args.seconds_per_batch))


if __name__ == "__main__":
    main()
