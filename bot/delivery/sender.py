"""Send queued alerts from the outbox to their receivers: claims, retries, rate limits and a give-up time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.alerts.queue import mute_reason
from bot.clock import Clock
from bot.config import DeliveryConfig, RateLimitConfig
from bot.delivery.ratelimit import ChannelRateLimiter
from bot.delivery.receiver import (
    DELIVERY_ID,
    DELIVERY_KEY,
    DELIVERY_MAY_EXIST_SINCE,
    EditableReceiver,
    Receiver,
    TextReceiver,
)
from bot.errors import DeliveryError, RateLimited
from bot.ops.metrics import Metrics
from bot.retry import backoff_delay
from bot.store.database import Store
from bot.store.records import EDIT_ACTIONS, Delivery, Mute

_LOGGER = logging.getLogger(__name__)

PARENT_WAIT = 5.0
# The delivery job runs every 2 s: a channel whose Retry-After (or rate-limit token) comes due within
# this much of the start of a pass is woken then and carries on, instead of waiting for the next pass.
WAKE_WINDOW = 1.5


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    given_up: int = 0
    muted: int = 0


class Deliverer:
    """Drains the outbox: a row is claimed before its send and marked sent only after the receiver took it.

    Channels are drained concurrently, each in order; a channel that answered 429 or ran out of
    tokens in its bucket waits (and wakes when that ends, if it ends within WAKE_WINDOW), the others carry on.
    """

    def __init__(
        self,
        store: Store,
        receivers: dict[str, Receiver],
        clock: Clock,
        *,
        give_up_after: float = 3600.0,
        backoff_base: float = 5.0,
        backoff_cap: float = 300.0,
        send_timeout: float = 30.0,
        rate_limit_for: Callable[[str], RateLimitConfig | None] = lambda channel: None,
        metrics: Metrics | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._store = store
        self._receivers = receivers
        self._clock = clock
        self._give_up_after = give_up_after
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._send_timeout = send_timeout
        self._limiter = ChannelRateLimiter(clock, rate_limit_for, shared=store if store.shared else None)
        self._blocked_until: dict[str, float] = {}
        self._metrics = metrics or Metrics()
        self._sleep = sleep

    @classmethod
    def from_config(
        cls,
        store: Store,
        receivers: dict[str, Receiver],
        clock: Clock,
        config: DeliveryConfig,
        metrics: Metrics | None = None,
    ) -> Deliverer:
        return cls(
            store,
            receivers,
            clock,
            give_up_after=config.give_up_after,
            backoff_base=config.backoff_base,
            backoff_cap=config.backoff_cap,
            send_timeout=config.send_timeout,
            rate_limit_for=config.rate_limit_for,
            metrics=metrics,
        )

    @property
    def lease(self) -> float:
        """How long a claim lasts: past it, another sender may take the row over."""
        return 2 * self._send_timeout + 5

    async def deliver_pending(self, limit: int = 500, *, flush: bool = False) -> DeliveryReport:
        """Send what is due; `flush` also sends alerts still waiting for their group to fill."""
        report = DeliveryReport()
        now = self._clock()
        mutes = self._store.active_mutes(now)
        channels: dict[str, list[Delivery]] = {}
        for delivery in self._store.pending_deliveries(now, limit, flush=flush):
            channels.setdefault(delivery.receiver, []).append(delivery)
        wake_until = now + WAKE_WINDOW
        await asyncio.gather(
            *(self._drain(rows, mutes, report, wake_until, limit, flush) for rows in channels.values())
        )
        return report

    async def _drain(
        self, rows: list[Delivery], mutes: list[Mute], report: DeliveryReport, wake_until: float, limit: int, flush: bool
    ) -> None:
        """Send one channel's rows in order; when it must wait, wake at the end of the wait if before `wake_until`."""
        channel = rows[0].receiver
        while rows:
            for delivery in rows:
                if not await self._deliver(delivery, mutes, report):
                    break
            else:
                return
            blocked_until = self._blocked_until.get(channel, 0.0)
            if blocked_until > wake_until:
                return
            await self._sleep(max(0.0, blocked_until - self._clock()))
            if self._clock() < blocked_until:
                return  # the clock did not get there (a test's manual clock): leave it to the next pass
            due = self._store.pending_deliveries(self._clock(), limit, flush=flush)
            rows = [delivery for delivery in due if delivery.receiver == channel]

    async def _deliver(self, delivery: Delivery, mutes: list[Mute], report: DeliveryReport) -> bool:
        """Try one row; False when its channel must wait (rate limit), so the rest of it waits too."""
        platform, _, target = delivery.receiver.partition(":")
        receiver = self._receivers.get(platform)
        if receiver is None:
            self._store.mark_given_up(delivery.id, f"no {platform} adapter is configured")
            _LOGGER.error("alert %d for %s dropped: no %s adapter", delivery.id, delivery.receiver, platform)
            report.given_up += 1
            return True
        now = self._clock()
        if self._blocked_until.get(delivery.receiver, 0.0) > now:
            return False
        claimed = self._store.claim(delivery, now, self.lease)
        if claimed is None:
            return True
        if claimed.reclaimed:
            _LOGGER.warning(
                "alert %d for %s was being sent by a sender that stopped; resending with the same key",
                delivery.id,
                delivery.receiver,
            )
        mute = next((m for m in mutes if claimed.alert is not None and m.matches(claimed.alert, now)), None)
        if mute is not None:
            self._store.mark_suppressed(delivery.id, "muted", mute_reason(mute), claimed.claim)
            report.muted += 1
            return True
        reply_to = self._reply_to(claimed, now)
        if reply_to is False:
            return True
        editing = claimed.action in EDIT_ACTIONS and isinstance(receiver, EditableReceiver) and reply_to is not None
        if claimed.action == "edit" and not editing:
            why = "has no message to edit" if isinstance(receiver, EditableReceiver) else f"cannot be edited on {platform}"
            reason = f"#{claimed.parent_id} {why}; the report is in its thread"
            self._store.mark_suppressed(delivery.id, "not_edited", reason, claimed.claim)
            return True
        wait = self._limiter.wait_time(delivery.receiver)
        if wait:
            self._store.postpone(delivery.id, now + wait, claimed.claim)
            self._blocked_until[delivery.receiver] = now + wait
            return False
        key = DELIVERY_KEY.set(f"{self._store.instance_id}-{delivery.id}")
        number = DELIVERY_ID.set(delivery.id)
        resend = claimed.reclaimed or claimed.attempts > 0
        may_exist = DELIVERY_MAY_EXIST_SINCE.set(claimed.created_at if resend else None)
        try:
            if editing:
                send = self._edit(receiver, claimed, target, reply_to)
            else:
                send = self._send(receiver, claimed, target, reply_to)
            message_id = await asyncio.wait_for(send, self._send_timeout)
        except RateLimited as exc:
            self._blocked_until[delivery.receiver] = now + exc.retry_after
            self._retry_or_give_up(claimed, str(exc), report, delay=exc.retry_after)
            return False
        except DeliveryError as exc:
            if not exc.permanent:
                self._retry_or_give_up(claimed, f"{type(exc).__name__}: {exc}", report)
                return True
            self._store.mark_given_up(delivery.id, f"permanent error: {exc}", claimed.claim)
            _LOGGER.error("alert %d for %s given up: %s", delivery.id, delivery.receiver, exc)
            report.given_up += 1
            return True
        except TimeoutError:
            self._retry_or_give_up(claimed, f"no answer within {self._send_timeout:g}s", report)
            return True
        except Exception as exc:  # noqa: BLE001 - any adapter failure is retried, never fatal
            self._retry_or_give_up(claimed, f"{type(exc).__name__}: {exc}", report)
            return True
        finally:
            DELIVERY_KEY.reset(key)
            DELIVERY_ID.reset(number)
            DELIVERY_MAY_EXIST_SINCE.reset(may_exist)
        sent_at = self._clock()
        self._store.mark_sent(delivery.id, message_id, sent_at, claimed.claim)
        self._observe_latency(claimed, sent_at)
        report.sent += 1
        return True

    def _observe_latency(self, delivery: Delivery, sent_at: float) -> None:
        self._metrics.delivery_latency.observe(max(0.0, sent_at - delivery.created_at))
        if delivery.alert is not None and delivery.alert.published is not None:
            self._metrics.publish_to_post.observe(max(0.0, sent_at - delivery.alert.published.timestamp()))

    def _reply_to(self, delivery: Delivery, now: float) -> str | None | bool:
        """The message id to reply to; None to post on its own; False to wait for the parent's send."""
        if delivery.parent_id is None or delivery.alert is None:
            return None
        parent = self._store.outbox_entry(delivery.parent_id)
        if parent is not None and parent.status in ("pending", "sending"):
            self._store.postpone(delivery.id, now + PARENT_WAIT, delivery.claim)
            return False
        return parent.message_id if parent is not None and parent.status == "sent" else None

    async def _edit(self, receiver: EditableReceiver, delivery: Delivery, target: str, message_id: str) -> str:
        """Show the story's first message with the outlets it has now; its id stays the same."""
        head = self._store.outbox_entry(delivery.parent_id) if delivery.parent_id is not None else None
        if head is None or head.alert is None:
            raise DeliveryError(f"the story's first message #{delivery.parent_id} is gone", permanent=True)
        await receiver.edit(head.alert, target, message_id)
        return message_id

    @staticmethod
    async def _send(receiver: Receiver, delivery: Delivery, target: str, reply_to: str | None) -> str | None:
        if delivery.alert is not None:
            return await receiver.send(delivery.alert, target, reply_to=reply_to)
        if not isinstance(receiver, TextReceiver):
            raise DeliveryError(f"the {receiver.platform} adapter cannot post text notices", permanent=True)
        return await receiver.send_text(delivery.text or "", target)

    def _retry_or_give_up(
        self, delivery: Delivery, error: str, report: DeliveryReport, *, delay: float | None = None
    ) -> None:
        now = self._clock()
        if now - delivery.created_at >= self._give_up_after:
            reason = f"gave up after {delivery.attempts + 1} attempts over {now - delivery.created_at:.0f}s: {error}"
            self._store.mark_given_up(delivery.id, reason, delivery.claim)
            _LOGGER.error("alert %d for %s given up: %s", delivery.id, delivery.receiver, error)
            report.given_up += 1
            return
        if delay is None:
            delay = backoff_delay(delivery.attempts + 1, base=self._backoff_base, cap=self._backoff_cap)
        self._store.mark_retry(delivery.id, error, now + delay, delivery.claim)
        _LOGGER.warning("alert %d for %s failed (%s); retrying in %.0fs", delivery.id, delivery.receiver, error, delay)
        report.retried += 1
