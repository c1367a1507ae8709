"""Logging setup and a command's messages on stderr: one line per event, JSON when not on a TTY, and never a secret."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

FIELDS = ("feed", "item", "rule", "receiver", "ticker", "kind")
CLI_LOGGER = "catalyst-bot"
_SECRET_ENV = re.compile(r"TOKEN|SECRET|PASSWORD|WEBHOOK", re.IGNORECASE)
_SECRET_PATTERNS = re.compile(
    r"xox[abposr]-[\w-]+"  # Slack bot/user tokens
    r"|xapp-[\w-]+"  # Slack app-level tokens
    r"|[\w-]{24,28}\.[\w-]{6}\.[\w-]{27,40}"  # Discord bot tokens
    r"|(?<=/webhooks/)\d+/[\w-]+"  # Discord webhook id/token
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Remove secret values (from the environment, or by their well-known shapes) from `text`."""
    for name, value in os.environ.items():
        if len(value) >= 8 and _SECRET_ENV.search(name) and value in text:
            text = text.replace(value, REDACTED)
    return _SECRET_PATTERNS.sub(REDACTED, text)


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    def formatException(self, ei) -> str:  # noqa: N802 - logging's API name
        return redact(super().formatException(ei))


class JsonFormatter(_RedactingFormatter):
    """One JSON object per line: time, level, logger, message, known fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        event.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info:
            event["exc"] = self.formatException(record.exc_info)
        return redact(json.dumps(event, ensure_ascii=False, default=str))


class TextFormatter(_RedactingFormatter):
    """Readable lines for a terminal, with the known fields appended as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(f"{name}={getattr(record, name)}" for name in FIELDS if hasattr(record, name))
        return redact(f"{line}  {fields}") if fields else line


def tell(message: str, level: int = logging.ERROR, stream: TextIO | None = None) -> None:
    """A command's message to the person running it, on stderr: `catalyst-bot: MESSAGE` on a terminal,
    else one JSON line like a log line (logger `catalyst-bot`), so that stderr is JSON throughout."""
    stream = stream or sys.stderr
    if stream.isatty():
        print(f"{CLI_LOGGER}: {redact(message)}", file=stream, flush=True)
    else:
        record = logging.LogRecord(CLI_LOGGER, level, "", 0, message, None, None)
        print(JsonFormatter().format(record), file=stream, flush=True)


def configure_logging(verbose: bool = False, *, quiet: bool = False, stream: TextIO | None = None) -> None:
    """Log to stderr: debug if `verbose`, warnings only if `quiet` (one-shot commands), else info."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TextFormatter() if stream.isatty() else JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    for noisy in ("apscheduler", "aiohttp.access", "discord", "slack_bolt", "slack_sdk"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)
