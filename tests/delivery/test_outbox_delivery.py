"""Outbox sending rules on a manual clock: Retry-After per channel, token buckets, permanent errors, claims, keys."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.config import RateLimitConfig
from bot.delivery.receiver import DELIVERY_KEY
from bot.delivery.sender import Deliverer
from bot.errors import DeliveryError, RateLimited
from bot.models import Alert
from bot.store.database import Store
from tests.fakes.alertkit import RecordingReceiver, make_alert


class ScriptedReceiver(RecordingReceiver):
    """Raises the scripted errors for a target, in order, before accepting."""

    def __init__(self, errors: dict[str, list[Exception]]) -> None:
        super().__init__()
        self.errors = errors
        self.keys: list[str | None] = []

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        self.keys.append(DELIVERY_KEY.get())
        if self.errors.get(target):
            raise self.errors[target].pop(0)
        return await super().send(alert, target, reply_to=reply_to)


def queue(store: Store, clock: ManualClock, *targets: str) -> None:
    with store.transaction():
        for n, target in enumerate(targets):
            store.enqueue(make_alert(f"T{n}", item=f"i{n}", title=f"story {n}"), f"slack:{target}", clock())


def titles(receiver: RecordingReceiver) -> list[tuple[str, str]]:
    return [(post.target, post.alert.title) for post in receiver.posts]


async def test_retry_after_holds_back_that_channel_only(store):
    clock = ManualClock()
    queue(store, clock, "#a", "#a", "#b")
    receiver = ScriptedReceiver({"#a": [RateLimited(30)]})
    deliverer = Deliverer(store, {"slack": receiver}, clock)
    report = await deliverer.deliver_pending()
    assert (report.sent, report.retried) == (1, 1)
    assert titles(receiver) == [("#b", "story 2")]
    clock.advance(29)
    await deliverer.deliver_pending()
    assert len(receiver.posts) == 1, "nothing to #a before Retry-After has passed"
    clock.advance(1)
    await deliverer.deliver_pending()
    assert titles(receiver)[1:] == [("#a", "story 0"), ("#a", "story 1")]


async def test_a_permanent_error_gives_up_at_once_with_the_reason(store):
    clock = ManualClock()
    queue(store, clock, "#gone")
    receiver = ScriptedReceiver({"#gone": [DeliveryError("channel_not_found", permanent=True)]})
    report = await Deliverer(store, {"slack": receiver}, clock).deliver_pending()
    assert report.given_up == 1 and len(receiver.keys) == 1
    assert [(e.status, e.reason) for e in store.outbox_entries()] == [("failed", "permanent error: channel_not_found")]


async def test_token_bucket_per_channel(store):
    clock = ManualClock()
    queue(store, clock, *["#a"] * 5, "#b")
    receiver = RecordingReceiver()
    deliverer = Deliverer(store, {"slack": receiver}, clock, rate_limit_for=lambda c: RateLimitConfig(per_second=0.5, burst=2))
    await deliverer.deliver_pending()
    assert sorted(titles(receiver)) == [("#a", "story 0"), ("#a", "story 1"), ("#b", "story 5")]
    clock.advance(1)
    await deliverer.deliver_pending()
    assert len(receiver.posts) == 3, "half a token after one second"
    clock.advance(1)
    await deliverer.deliver_pending()
    assert [title for _, title in titles(receiver)][3:] == ["story 2"]
    clock.advance(4)
    await deliverer.deliver_pending()
    assert [title for _, title in titles(receiver)][4:] == ["story 3", "story 4"]


async def test_the_idempotency_key_is_the_same_on_every_attempt(store):
    clock = ManualClock()
    queue(store, clock, "#a")
    receiver = ScriptedReceiver({"#a": [DeliveryError("HTTP 502"), DeliveryError("HTTP 502")]})
    deliverer = Deliverer(store, {"slack": receiver}, clock, backoff_base=1, backoff_cap=1)
    for _ in range(3):
        await deliverer.deliver_pending()
        clock.advance(1)
    assert len(receiver.keys) == 3 and len(set(receiver.keys)) == 1
    assert receiver.keys[0] == f"{store.instance_id}-{store.outbox_entries()[0].id}"


async def test_a_claimed_row_is_not_sent_by_another_sender_until_its_lease_runs_out(store):
    clock = ManualClock()
    queue(store, clock, "#a")
    first = Deliverer(store, {"slack": RecordingReceiver()}, clock, send_timeout=10)
    (due,) = store.pending_deliveries(clock())
    claimed = store.claim(due, clock(), first.lease)
    assert claimed is not None and store.claim(due, clock(), first.lease) is None
    other = RecordingReceiver()
    await Deliverer(store, {"slack": other}, clock).deliver_pending()
    assert other.posts == []
    clock.advance(first.lease)
    await Deliverer(store, {"slack": other}, clock).deliver_pending()
    assert len(other.posts) == 1
    store.mark_retry(due.id, "late answer from the first sender", clock() + 60, claimed.claim)
    assert store.outbox_entries()[0].status == "sent", "a sender whose claim was taken over changes nothing"


async def test_text_notices_need_a_receiver_that_posts_text(store):
    class AlertsOnly:
        platform = "discord"

        async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
            return "x"

    clock = ManualClock()
    with store.transaction():
        store.enqueue_text("feed x is silent", "discord:1", "ops:1", clock())
        store.enqueue_text("feed x is silent", "slack:#ops", "ops:1", clock())
        assert store.enqueue_text("feed x is silent", "slack:#ops", "ops:1", clock()) is None
    slack = RecordingReceiver()
    await Deliverer(store, {"discord": AlertsOnly(), "slack": slack}, clock).deliver_pending()
    assert [(p.target, p.text) for p in slack.posts] == [("#ops", "feed x is silent")]
    failed = [e for e in store.outbox_entries() if e.status == "failed"]
    assert [e.reason for e in failed] == ["permanent error: the discord adapter cannot post text notices"]


async def test_a_channel_wakes_when_its_retry_after_ends_not_on_the_next_pass(store):
    clock = ManualClock()
    queue(store, clock, "#a", "#a", "#a")
    receiver = ScriptedReceiver({"#a": [RateLimited(0.4), RateLimited(0.4), RateLimited(0.4)]})
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        clock.advance(seconds)

    report = await Deliverer(store, {"slack": receiver}, clock, sleep=sleep).deliver_pending()
    assert titles(receiver) == [("#a", "story 0"), ("#a", "story 1"), ("#a", "story 2")]
    assert (report.sent, report.retried, slept) == (3, 3, [0.4, 0.4, 0.4])


async def test_a_long_retry_after_is_left_to_a_later_pass(store):
    clock = ManualClock()
    queue(store, clock, "#a")
    receiver = ScriptedReceiver({"#a": [RateLimited(5)]})
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    report = await Deliverer(store, {"slack": receiver}, clock, sleep=sleep).deliver_pending()
    assert (report.sent, report.retried, slept) == (0, 1, [])
