"""The outbox sender: an alert is marked sent only once its receiver took it; failures retry, then give up."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.delivery.receiver import DELIVERY_MAY_EXIST_SINCE
from bot.delivery.sender import Deliverer
from bot.models import Alert

ALERT = Alert(
    ticker="BABA",
    kind="fund_position",
    rule="fund-opens-position",
    severity="medium",
    direction="positive",
    evidence=("reopens position",),
    title="Ark reopens position in Alibaba",
    link="https://news.example.com/ark",
    source="wire",
    published=datetime(2025, 9, 30, tzinfo=UTC),
    item_id="ark-1",
)


class FlakyReceiver:
    platform = "slack"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.posted: list[tuple[str, Alert]] = []
        self.may_exist_since: list[float | None] = []

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        self.may_exist_since.append(DELIVERY_MAY_EXIST_SINCE.get())
        if self.failures:
            self.failures -= 1
            raise ConnectionError("chat API unreachable")
        self.posted.append((target, alert))
        return f"msg-{len(self.posted)}"


async def test_failed_send_is_retried_after_backoff_then_delivered_once(store):
    clock = ManualClock()
    receiver = FlakyReceiver(failures=1)
    with store.transaction():
        store.enqueue(ALERT, "slack:#desk", clock())
    deliverer = Deliverer(store, {"slack": receiver}, clock, backoff_base=10, backoff_cap=10)
    first = await deliverer.deliver_pending()
    assert (first.sent, first.retried) == (0, 1)
    assert (await deliverer.deliver_pending()).sent == 0, "not before the backoff has passed"
    clock.advance(10)
    assert (await deliverer.deliver_pending()).sent == 1
    assert receiver.posted == [("#desk", ALERT)]
    clock.advance(100)
    assert (await deliverer.deliver_pending()).sent == 0
    assert store.outbox_counts() == {"sent": 1}


async def test_gives_up_after_the_limit_and_records_why(store):
    clock = ManualClock()
    with store.transaction():
        store.enqueue(ALERT, "slack:#desk", clock())
    deliverer = Deliverer(store, {"slack": FlakyReceiver(failures=99)}, clock, give_up_after=60, backoff_base=1, backoff_cap=1)
    await deliverer.deliver_pending()
    clock.advance(61)
    report = await deliverer.deliver_pending()
    assert report.given_up == 1
    assert store.outbox_counts() == {"failed": 1}


async def test_alert_for_an_unconfigured_platform_is_given_up_not_retried_forever(store):
    clock = ManualClock()
    with store.transaction():
        store.enqueue(ALERT, "discord:123", clock())
    report = await Deliverer(store, {}, clock).deliver_pending()
    assert report.given_up == 1
    assert store.outbox_counts() == {"failed": 1}


async def test_receiver_is_told_when_a_send_is_a_resend_that_may_already_be_posted(store):
    clock = ManualClock()
    queued_at = clock()
    with store.transaction():
        store.enqueue(ALERT, "slack:#desk", queued_at)
        store.enqueue(ALERT.model_copy(update={"item_id": "ark-2"}), "slack:#desk", queued_at)
    receiver = FlakyReceiver(failures=1)
    deliverer = Deliverer(store, {"slack": receiver}, clock, backoff_base=10, backoff_cap=10)
    [_, second] = store.pending_deliveries(clock())
    store.claim(second, clock(), deliverer.lease)  # a sender that stops mid-send
    await deliverer.deliver_pending()
    clock.advance(deliverer.lease)
    await deliverer.deliver_pending()
    # First attempt; then the failed one's retry and the stopped sender's row, both as of queueing.
    assert receiver.may_exist_since == [None, queued_at, queued_at]
    assert store.outbox_counts() == {"sent": 2}
