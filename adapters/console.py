"""Print alerts and notices to the terminal, readable at a glance."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from adapters.sanitise import visible
from bot.delivery.receiver import DELIVERY_ID
from bot.models import Alert

_ARROWS = {"positive": ("▲", "green"), "negative": ("▼", "red"), "neutral": ("●", "yellow")}


def render_alert(alert: Alert, *, message_id: str | None = None, reply_to: str | None = None) -> Text:
    """Feed text is added as plain Text, never as markup, so a headline cannot style the console.

    `message_id` is the alert's own `#N`; `reply_to` the `#N` of the story it is part of, where a chat
    shows it in that message's thread (news, another outlet's follow-up).
    """
    arrow, colour = _ARROWS.get(alert.direction or "", ("●", "white"))
    text = Text()
    text.append(f"{arrow} {alert.ticker}", style=f"bold {colour}")
    text.append(f"  {alert.kind}", style="bold")
    text.append(f"  ({alert.direction or 'direction unknown'}, {alert.severity})", style="dim")
    text.append(f"  {message_id}\n" if message_id else "\n", style="dim")
    if reply_to:
        text.append(f"  ↳ folded into {reply_to}\n", style="bold")
    text.append(f"  {visible(alert.title)}\n")
    when = alert.published.strftime("%Y-%m-%d %H:%M UTC") if alert.published else "time unknown"
    text.append(f"  {alert.source} · {when}\n", style="dim")
    if alert.link:
        text.append(f"  {alert.link}\n", style="dim underline")
    text.append("  why: ", style="dim")
    text.append("; ".join(f"“{visible(span)}”" for span in alert.evidence) or "—", style="italic")
    text.append(f"  [{alert.rule}]", style="dim")
    for ref in alert.other_sources:
        text.append(f"\n  also reported by {visible(ref.source)}: {visible(ref.title)}", style="dim")
        if ref.link:
            text.append(f" {ref.link}", style="dim underline")
    return text


class ConsoleReceiver:
    """The `console` receiver: writes each alert as a short block of text, numbered `#N` by its outbox id.

    That number is its message id, so a story's later reports, which a chat posts in the first
    message's thread, arrive here with `reply_to` and say which story they are folded into.
    """

    platform = "console"

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(highlight=False)

    async def send(self, alert: Alert, target: str, *, reply_to: str | None = None) -> str | None:
        number = DELIVERY_ID.get()
        message_id = f"#{number}" if number is not None else None
        self._console.print(render_alert(alert, message_id=message_id, reply_to=reply_to), soft_wrap=True)
        self._console.print()
        return message_id

    async def send_text(self, text: str, target: str) -> str | None:
        """Digests and ops notices, printed as plain text."""
        self._console.print(Text(text), soft_wrap=True)
        self._console.print()
        return None

    def notice(self, message: str) -> None:
        self._console.print(Text(f"notice: {message}", style="bold yellow"))
