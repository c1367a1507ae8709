"""A digest process for the crash test: queues the due digest, posts it to the fake Slack, is SIGKILLed before the mark."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from adapters.slack.receiver import SlackReceiver, slack_client
from bot.alerts.digest import queue_due_digests
from bot.delivery.sender import Deliverer
from bot.store.database import Store
from tests.fakes.alertkit import make_config

ROUTE = {
    "name": "desk",
    "receiver": "slack:C0DESK",
    "group_wait": 0,
    "quiet_hours": {"start": "06:00", "end": "07:00"},
    "digest": {"cron": "* * * * *"},
}


def die(*args: object, **kwargs: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def post_digest_then_die(store_path: str, api_url: str, now: float) -> None:
    store = Store(store_path)
    queue_due_digests(store, make_config([ROUTE]), now)
    store.mark_sent = die  # the crash: after Slack took the digest, before the outbox knows
    await Deliverer(store, {"slack": SlackReceiver(slack_client("xoxb-test", api_url))}, lambda: now).deliver_pending()


if __name__ == "__main__":
    asyncio.run(post_digest_then_die(sys.argv[1], sys.argv[2], float(sys.argv[3])))
