"""Slack resends after a crash or a failed post: a message that reached Slack is found by its delivery key, not posted twice."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pytest

from adapters.slack.receiver import SlackReceiver, slack_client
from bot.clock import ManualClock
from bot.delivery.receiver import DELIVERY_KEY, DELIVERY_MAY_EXIST_SINCE
from bot.delivery.sender import Deliverer
from bot.errors import DeliveryError
from tests.fakes.alertkit import make_alert
from tests.fakes.slackfake import FakeSlack

ALERT = make_alert("NVDA", title="Nvidia to resume H20 chip shipments to China")
QUEUED_AT = 1_752_560_990.0  # ten seconds before the fake Slack's first message
TAG = {"event_type": "catalyst_bot_alert", "event_payload": {"delivery_key": "s-1"}}


@contextlib.contextmanager
def delivery(key: str, may_exist_since: float | None = None) -> Iterator[None]:
    """Run a send as the Deliverer would: with the delivery's key, and the resend time when it is one."""
    key_token = DELIVERY_KEY.set(key)
    since_token = DELIVERY_MAY_EXIST_SINCE.set(may_exist_since)
    try:
        yield
    finally:
        DELIVERY_KEY.reset(key_token)
        DELIVERY_MAY_EXIST_SINCE.reset(since_token)


def receiver_for(fake: FakeSlack) -> SlackReceiver:
    return SlackReceiver(slack_client("xoxb-test-token", fake.api_url))


def methods(fake: FakeSlack) -> list[str]:
    return [call.method for call in fake.calls]


async def test_first_attempt_posts_once_tagged_with_its_key_and_looks_nowhere(fake_slack):
    with delivery("s-1"):
        message_id = await receiver_for(fake_slack).send(ALERT, "#desk")
    assert methods(fake_slack) == ["chat.postMessage"]
    [message] = fake_slack.messages
    assert (f"{message.channel}:{message.ts}", message.metadata) == (message_id, TAG)


async def test_restart_after_the_post_reached_slack_returns_it_and_posts_nothing(fake_slack, store):
    clock = ManualClock(QUEUED_AT)
    with store.transaction():
        row_id = store.enqueue(ALERT, "slack:#desk", clock())
    receiver = receiver_for(fake_slack)
    deliverer = Deliverer(store, {"slack": receiver}, clock)
    # The first sender claims the row, posts, and is killed before it can mark the row sent.
    [row] = store.pending_deliveries(clock())
    store.claim(row, clock(), deliverer.lease)
    with delivery(f"{store.instance_id}-{row_id}"):
        posted = await receiver.send(ALERT, "#desk")

    clock.advance(deliverer.lease + 1)
    assert (await deliverer.deliver_pending()).sent == 1
    assert len(fake_slack.messages) == 1
    assert [entry.message_id for entry in store.outbox_entries()] == [posted]
    lookup = fake_slack.called("conversations.history")[0].args
    assert (lookup["channel"], float(lookup["oldest"]), lookup["include_all_metadata"]) == ("C0DESK", QUEUED_AT - 60, "1")


async def test_restart_after_the_post_was_lost_posts_it_once(fake_slack, store):
    clock = ManualClock(QUEUED_AT)
    with store.transaction():
        store.enqueue(ALERT, "slack:#desk", clock())
        store.enqueue(make_alert("BABA", item="i-2"), "slack:#desk", clock())
    deliverer = Deliverer(store, {"slack": receiver_for(fake_slack)}, clock)
    [row, _] = store.pending_deliveries(clock())
    store.claim(row, clock(), deliverer.lease)  # killed before its post left

    clock.advance(deliverer.lease + 1)
    assert (await deliverer.deliver_pending()).sent == 2
    assert [message.text.split(": ", 1)[1] for message in fake_slack.messages] == [ALERT.title, "BABA export_license story from wire"]
    assert methods(fake_slack) == ["conversations.list", "conversations.history", "chat.postMessage", "chat.postMessage"]


async def test_post_whose_connection_dropped_is_retried_by_looking_not_by_reposting(fake_slack, store):
    clock = ManualClock(QUEUED_AT)
    with store.transaction():
        store.enqueue(ALERT, "slack:C0DESK", clock())
    deliverer = Deliverer(store, {"slack": receiver_for(fake_slack)}, clock, backoff_base=10, backoff_cap=10)
    fake_slack.drop("chat.postMessage")  # Slack takes the post, the answer never arrives

    assert (await deliverer.deliver_pending()).retried == 1
    clock.advance(10)
    assert (await deliverer.deliver_pending()).sent == 1
    [message] = fake_slack.messages
    assert [entry.message_id for entry in store.outbox_entries()] == [f"C0DESK:{message.ts}"]
    assert methods(fake_slack) == ["chat.postMessage", "conversations.history"]


async def test_resent_follow_up_is_looked_for_in_its_thread(fake_slack):
    receiver = receiver_for(fake_slack)
    parent = await receiver.send(ALERT, "C0DESK")
    with delivery("s-1"):
        reply = await receiver.send(ALERT, "C0DESK", reply_to=parent)
    with delivery("s-1", may_exist_since=QUEUED_AT):
        assert await receiver.send(ALERT, "C0DESK", reply_to=parent) == reply
    assert len(fake_slack.messages) == 2
    assert fake_slack.called("conversations.replies")[0].args["ts"] == parent.split(":")[1]


async def test_without_the_history_scope_a_resend_is_posted_and_the_gap_is_warned_about_once(fake_slack, caplog):
    receiver = receiver_for(fake_slack)
    for key in ("s-1", "s-2"):
        fake_slack.fail("conversations.history", 200, {"ok": False, "error": "missing_scope", "needed": "channels:history"})
        with delivery(key, may_exist_since=QUEUED_AT), caplog.at_level(logging.WARNING):
            await receiver.send(ALERT, "C0DESK")
    assert len(fake_slack.messages) == 2
    [warning] = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warning.startswith("slack: cannot look in C0DESK for alerts already posted (missing_scope: add the channels:history")
    assert "may show twice" in warning


async def test_resend_whose_lookup_fails_for_now_waits_for_a_retry_instead_of_posting(fake_slack):
    fake_slack.fail("conversations.history", 200, {"ok": False, "error": "internal_error"})
    with delivery("s-1", may_exist_since=QUEUED_AT), pytest.raises(DeliveryError) as raised:
        await receiver_for(fake_slack).send(ALERT, "C0DESK")
    assert not raised.value.permanent
    assert str(raised.value) == "Slack could not show the history of C0DESK: internal_error"
    assert fake_slack.messages == []
