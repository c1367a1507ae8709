"""The receiver protocol: what the core asks of a chat adapter, and the delivery context it passes along."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Protocol, runtime_checkable

from bot.models import Alert

# The stable key of the delivery being sent, the same on every retry and after a restart. An
# adapter whose platform de-duplicates on a client key (an Idempotency-Key header, Discord's
# `nonce` with `enforce_nonce`) passes it on, so a resend after a crash does not post twice.
DELIVERY_KEY: ContextVar[str | None] = ContextVar("catalyst_bot_delivery_key", default=None)
# None on a first attempt. On a resend that may already have been posted (a sender that stopped
# mid-send held the row, or an earlier attempt failed or timed out, perhaps after the platform took
# it): the time the delivery was queued, the earliest it can have been posted. An adapter whose
# platform has no client key can look for its message from then on before posting again.
DELIVERY_MAY_EXIST_SINCE: ContextVar[float | None] = ContextVar("catalyst_bot_delivery_may_exist_since", default=None)
# The delivery's outbox id: the #N by which outbox reasons, `routes test` and the console name it.
DELIVERY_ID: ContextVar[int | None] = ContextVar("catalyst_bot_delivery_id", default=None)

class Receiver(Protocol):
    """A chat platform adapter as the core sees it."""

    platform: str

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        """Post the alert to `target` (a channel; empty for the console); return the message id.

        `reply_to` is the id of an earlier message about the same story: post as a thread reply
        where the platform allows. Raise `RateLimited` or `DeliveryError` on failure. The
        delivery's idempotency key is in `DELIVERY_KEY.get()`; `DELIVERY_MAY_EXIST_SINCE.get()` is
        set on a resend that may already have been posted.
        """


@runtime_checkable
class TextReceiver(Protocol):
    """Optional: a receiver that can also post plain text (digests, ops notices)."""

    async def send_text(self, text: str, target: str) -> str | None:
        """Post `text` to `target`; return the message id. Raises like `Receiver.send`."""


@runtime_checkable
class EditableReceiver(Protocol):
    """Optional: a receiver that can change a message it posted (a story's "also reported by" list)."""

    async def edit(self, alert: Alert, target: str, message_id: str) -> None:
        """Make the message `message_id` (as `send` returned it) in `target` show `alert`. Raises like `Receiver.send`."""


@runtime_checkable
class ConnectionAware(Protocol):
    """Optional: a receiver that keeps a connection open (for commands) and can say if it is up."""

    async def is_connected(self) -> bool:
        """True while the platform connection is established."""
