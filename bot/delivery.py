"""Send queued alerts from the outbox to their receivers, with retries and a give-up time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from bot.clock import Clock
from bot.models import Alert
from bot.poller import backoff_delay
from bot.store import Delivery, Store

_LOGGER = logging.getLogger(__name__)


class Receiver(Protocol):
    """A chat platform adapter as the core sees it."""

    platform: str

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        """Post the alert to `target` (a channel; empty for the console); return the message id.

        `reply_to` is the id of an earlier message about the same story: post as a thread reply
        where the platform allows. Raise `RateLimited` or `DeliveryError` on failure.
        """


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    given_up: int = 0


class Deliverer:
    """Drains the outbox: an alert is marked sent only after its receiver accepted it."""

    def __init__(
        self,
        store: Store,
        receivers: dict[str, Receiver],
        clock: Clock,
        *,
        give_up_after: float = 3600.0,
        backoff_base: float = 5.0,
        backoff_cap: float = 300.0,
    ) -> None:
        self._store = store
        self._receivers = receivers
        self._clock = clock
        self._give_up_after = give_up_after
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap

    async def deliver_pending(self, limit: int = 500) -> DeliveryReport:
        report = DeliveryReport()
        for delivery in self._store.pending_deliveries(self._clock(), limit):
            await self._deliver(delivery, report)
        return report

    async def _deliver(self, delivery: Delivery, report: DeliveryReport) -> None:
        platform, _, target = delivery.receiver.partition(":")
        receiver = self._receivers.get(platform)
        if receiver is None:
            self._store.mark_given_up(delivery.id, f"no {platform} adapter is configured")
            _LOGGER.error("alert %d for %s dropped: no %s adapter", delivery.id, delivery.receiver, platform)
            report.given_up += 1
            return
        try:
            message_id = await receiver.send(delivery.alert, target)
        except Exception as exc:  # noqa: BLE001 - any adapter failure is retried, never fatal
            self._retry_or_give_up(delivery, f"{type(exc).__name__}: {exc}", report)
            return
        self._store.mark_sent(delivery.id, message_id, self._clock())
        report.sent += 1

    def _retry_or_give_up(self, delivery: Delivery, error: str, report: DeliveryReport) -> None:
        now = self._clock()
        if now - delivery.created_at >= self._give_up_after:
            self._store.mark_given_up(delivery.id, f"gave up after {delivery.attempts + 1} attempts: {error}")
            _LOGGER.error("alert %d for %s given up: %s", delivery.id, delivery.receiver, error)
            report.given_up += 1
            return
        delay = backoff_delay(delivery.attempts + 1, base=self._backoff_base, cap=self._backoff_cap)
        self._store.mark_retry(delivery.id, error, now + delay)
        _LOGGER.warning("alert %d for %s failed (%s); retrying in %.0fs", delivery.id, delivery.receiver, error, delay)
        report.retried += 1
