"""A story's life on Slack (real slack_sdk client, fake Slack): first report posts, other outlets follow up, repeats are held."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from rich.console import Console

from adapters.console import ConsoleReceiver
from adapters.slack.receiver import SlackReceiver, slack_client
from bot.alerts.queue import AlertQueue
from bot.alerts.route_report import route_report
from bot.clock import ManualClock
from bot.delivery.sender import Deliverer
from tests.fakes.alertkit import RecordingReceiver, make_alert, make_config
from tests.fakes.slackfake import FakeSlack, Message
from tests.fakes.slackview import texts

T0 = 1_752_560_000.0
ROUTE = {"name": "desk", "receiver": "slack:C0DESK", "group_wait": 0, "cooldown": "1h"}


def report(source: str, item: str, direction: str = "positive", severity: str = "medium"):
    return make_alert("JD", item=item, source=source, direction=direction, severity=severity, title=f"JD wins licence ({source})")


async def play(store, receivers, route: dict, steps: list[tuple[float, object]]) -> None:
    """Queue each (seconds after T0, alert) and deliver, with the clock at that moment."""
    clock = ManualClock(T0)
    config = make_config([route])
    deliverer = Deliverer(store, receivers, clock)
    for offset, alert in steps:
        clock.now = T0 + offset
        with store.transaction():
            AlertQueue(store, config).queue(alert, clock(), [], [])
        await deliverer.deliver_pending()


def seen(message: Message, top: list[Message]) -> str:
    """A message as a reader sees it: where it is, its headline and the outlets it lists."""
    where = "channel" if message.thread_ts is None else f"thread of {top.index(next(m for m in top if m.ts == message.thread_ts)) + 1}"
    shown = texts(message.blocks)
    headline = shown[1].strip("*").split(" [")[0]
    also = [line.removeprefix("• ").split(" [")[0] for block in shown if block.startswith("*Also reported by*") for line in block.splitlines()[1:]]
    return f"{where}: {headline}" + (f" (also: {', '.join(also)})" if also else "")


def channel_view(fake: FakeSlack) -> list[str]:
    top = [m for m in fake.messages if m.thread_ts is None]
    return [seen(message, top) for message in fake.messages]


WIRE, FT, BBG = report("wire", "a"), report("ft", "b"), report("bloomberg", "c")
CASES = {
    "second outlet, thread": ({}, [(0, WIRE), (10, FT)], ["channel: JD wins licence (wire)", "thread of 1: JD wins licence (ft)"], 0),
    "second outlet, edit": ({"follow_ups": "edit"}, [(0, WIRE), (10, FT)], ["channel: JD wins licence (wire) (also: ft)"], 1),
    "second outlet, both": (
        {"follow_ups": "both"},
        [(0, WIRE), (10, FT)],
        ["channel: JD wins licence (wire) (also: ft)", "thread of 1: JD wins licence (ft)"],
        1,
    ),
    "three outlets, thread": (
        {},
        [(0, WIRE), (10, FT), (20, BBG)],
        ["channel: JD wins licence (wire)", "thread of 1: JD wins licence (ft)", "thread of 1: JD wins licence (bloomberg)"],
        0,
    ),
    "three outlets, edit": (
        {"follow_ups": "edit"},
        [(0, WIRE), (10, FT), (20, BBG)],
        ["channel: JD wins licence (wire) (also: ft, bloomberg)"],
        2,
    ),
    "same outlet again: a repeat": ({}, [(0, WIRE), (10, report("wire", "a2"))], ["channel: JD wins licence (wire)"], 0),
    "follow_ups none: held": ({"follow_ups": "none"}, [(0, WIRE), (10, FT)], ["channel: JD wins licence (wire)"], 0),
    "direction flip: to the thread even with follow_ups none": (
        {"follow_ups": "none"},
        [(0, WIRE), (10, report("ft", "b", direction="negative"))],
        ["channel: JD wins licence (wire)", "thread of 1: JD wins licence (ft)"],
        0,
    ),
    "severity rise: thread and channel with news_to_channel": (
        {"news_to_channel": True},
        [(0, WIRE), (10, report("wire", "a2", severity="high"))],
        ["channel: JD wins licence (wire)", "thread of 1: JD wins licence (wire)", "channel: JD wins licence (wire)"],
        0,
    ),
    "after the follow-up window: held": ({"follow_up_window": "1m"}, [(0, WIRE), (120, FT)], ["channel: JD wins licence (wire)"], 0),
    "after the cooldown: a new story": (
        {},
        [(0, WIRE), (3700, FT)],
        ["channel: JD wins licence (wire)", "channel: JD wins licence (ft)"],
        0,
    ),
}
HELD_REASONS = {
    "same outlet again: a repeat": "repeat of #1 from wire within the 3600s cooldown",
    "follow_ups none: held": 'another outlet\'s report of #1 within the 3600s cooldown (follow_ups = "none")',
    "after the follow-up window: held": "another outlet's report of #1 after the 60s follow-up window, within the 3600s cooldown",
}


@pytest.mark.parametrize("case", list(CASES))
async def test_what_a_slack_channel_shows_of_a_story(fake_slack, store, case):
    settings, steps, expected, updates = CASES[case]
    slack = SlackReceiver(slack_client("xoxb-test", fake_slack.api_url))
    await play(store, {"slack": slack}, {**ROUTE, **settings}, steps)
    assert channel_view(fake_slack) == expected
    assert len(fake_slack.called("chat.update")) == updates
    held = [entry.reason for entry in store.outbox_entries() if entry.status == "cooldown"]
    assert held == ([HELD_REASONS[case]] if case in HELD_REASONS else [])


async def test_an_edit_updates_the_first_message_in_place_with_its_ts(fake_slack, store):
    slack = SlackReceiver(slack_client("xoxb-test", fake_slack.api_url))
    await play(store, {"slack": slack}, {**ROUTE, "follow_ups": "edit"}, [(0, WIRE), (10, FT)])
    [post] = fake_slack.called("chat.postMessage")
    [update] = fake_slack.called("chat.update")
    [message] = fake_slack.messages
    assert (update.args["channel"], update.args["ts"]) == ("C0DESK", message.ts)
    assert update.args["text"] == post.args["text"] == "▲ JD · export_license · positive: JD wins licence (wire)"
    rows = [(entry.id, entry.status, entry.action, entry.message_id) for entry in store.outbox_entries()]
    assert rows == [(1, "sent", "post", f"C0DESK:{message.ts}"), (2, "sent", "edit-or-reply", f"C0DESK:{message.ts}")]


@pytest.mark.parametrize(
    ("follow_ups", "expected"),
    [
        ("edit", [("JD wins licence (wire)", None), ("JD wins licence (ft)", "m-1")]),  # posted as a reply instead
        ("both", [("JD wins licence (wire)", None), ("JD wins licence (ft)", "m-1")]),  # the reply only
    ],
)
async def test_a_receiver_that_cannot_edit_gets_the_report_in_the_thread(store, follow_ups, expected):
    receiver = RecordingReceiver()
    await play(store, {"slack": receiver}, {**ROUTE, "follow_ups": follow_ups}, [(0, WIRE), (10, FT)])
    assert [(post.alert.title, post.reply_to) for post in receiver.posts] == expected
    statuses = [entry.status for entry in store.outbox_entries()]
    assert statuses == (["sent", "sent"] if follow_ups == "edit" else ["sent", "sent", "not_edited"])


CONSOLE_ROUTE = {**ROUTE, "receiver": "console"}


@pytest.mark.parametrize(
    ("settings", "steps", "expected"),
    [
        ({}, [(0, WIRE), (10, FT)], ["▲ JD  export_license  (positive, medium)  #1", "▲ JD  export_license  (positive, medium)  #2",
                                      "  ↳ folded into #1"]),
        # The console cannot edit: the report comes as the reply a chat would show in the thread.
        ({"follow_ups": "edit"}, [(0, WIRE), (10, FT)], ["▲ JD  export_license  (positive, medium)  #1",
                                                         "▲ JD  export_license  (positive, medium)  #2", "  ↳ folded into #1"]),
        ({}, [(0, WIRE), (10, report("ft", "b", direction="negative"))],
         ["▲ JD  export_license  (positive, medium)  #1", "▼ JD  export_license  (negative, medium)  #2", "  ↳ folded into #1"]),
        ({}, [(0, WIRE), (3700, FT)], ["▲ JD  export_license  (positive, medium)  #1", "▲ JD  export_license  (positive, medium)  #2"]),
    ],
    ids=["thread", "edit", "news", "a new story"],
)
async def test_the_console_says_which_story_a_follow_up_is_folded_into(store, settings, steps, expected):
    screen = io.StringIO()
    console = ConsoleReceiver(Console(file=screen, width=200, highlight=False))
    await play(store, {"console": console}, {**CONSOLE_ROUTE, **settings}, steps)
    shown = [line for line in screen.getvalue().splitlines() if line.startswith(("▲", "▼", "  ↳"))]
    assert shown == expected
    assert [entry.message_id for entry in store.outbox_entries() if entry.status == "sent"] == ["#1", "#2"]


@pytest.mark.parametrize(
    ("route", "alert", "fate"),
    [
        (
            ROUTE,
            report("wire", "z"),
            "held back, kept in history: repeat of #1 from wire within the 3600s cooldown",
        ),
        (ROUTE, report("ft", "z"), "another outlet: posted in the thread of #1"),
        (
            {**ROUTE, "follow_ups": "edit"},
            report("ft", "z"),
            "added to #1 as another outlet (it is still waiting to be posted)",
        ),
        (
            {**ROUTE, "follow_ups": "both"},
            report("ft", "z"),
            "another outlet: listed in #1's \"also reported by\" and posted in its thread",
        ),
        (
            {**ROUTE, "news_to_channel": True},
            report("ft", "z", direction="negative"),
            "posted in the thread of #1 and in the channel: it is news (direction or severity)",
        ),
        (
            {**ROUTE, "cooldown_key": ["ticker", "kind", "source"]},
            report("ft", "z"),
            "posted after up to 0s of grouping; within 1h other outlets' reports of the same ticker/kind/source "
            "are posted in the thread of the first message; repeats within 1h are held back",
        ),
    ],
)
def test_routes_test_says_where_a_report_lands_in_the_story_under_way(store, route, alert, fate):
    config = make_config([route])
    with store.transaction():
        AlertQueue(store, config).queue(WIRE, T0, [], [])
    lines = route_report(alert, config, [], [], T0 + 10, store.story_messages)
    assert lines[-1] == f"  slack:C0DESK: {fate}"


def test_routes_test_says_an_earlier_report_takes_the_place_of_the_waiting_first_message(store):
    def published(alert, minute: int):
        return alert.model_copy(update={"published": datetime(2025, 7, 15, 10, minute, tzinfo=UTC)})

    config = make_config([ROUTE])
    with store.transaction():
        AlertQueue(store, config).queue(published(WIRE, 30), T0, [], [])
    lines = route_report(published(FT, 0), config, [], [], T0 + 10, store.story_messages)
    assert lines[-1] == (
        "  slack:C0DESK: published before the report #1 shows, which is not posted yet: "
        "#1 shows this one instead, and the other follows it"
    )
