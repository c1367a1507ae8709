"""Helpers for alert-pipeline tests: build alerts and configs, and a receiver that records what users see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import BotConfig
from bot.delivery.receiver import DELIVERY_KEY
from bot.models import Alert

# Tuesday 2025-07-15 14:00 UTC = 10:00 in New York, during market hours.
TUESDAY_10AM_NY = datetime(2025, 7, 15, 14, 0, tzinfo=UTC).timestamp()


def make_alert(
    ticker: str = "BABA",
    kind: str = "export_license",
    *,
    item: str = "i-1",
    source: str = "wire",
    title: str | None = None,
    severity: str = "medium",
    direction: str | None = "positive",
    tags: tuple[str, ...] = (),
) -> Alert:
    return Alert(
        ticker=ticker,
        kind=kind,
        rule=f"{kind}-rule",
        severity=severity,
        direction=direction,
        evidence=("evidence",),
        title=title or f"{ticker} {kind} story from {source}",
        link=f"https://{source}.example.com/{item}",
        source=source,
        published=None,
        item_id=item,
        tags=tags,
    )


def make_config(routes: list[dict], **extra: object) -> BotConfig:
    return BotConfig.model_validate({"routes": routes, **extra})


@dataclass
class Posted:
    target: str
    alert: Alert | None
    text: str | None
    reply_to: str | None
    key: str | None


@dataclass
class RecordingReceiver:
    """Records every post; message ids are m-1, m-2, ..."""

    platform: str = "slack"
    posts: list[Posted] = field(default_factory=list)

    @property
    def alerts(self) -> list[Alert]:
        return [post.alert for post in self.posts if post.alert is not None]

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        self.posts.append(Posted(target, alert, None, reply_to, DELIVERY_KEY.get()))
        return f"m-{len(self.posts)}"

    async def send_text(self, text: str, target: str) -> str | None:
        self.posts.append(Posted(target, None, text, None, DELIVERY_KEY.get()))
        return f"m-{len(self.posts)}"
