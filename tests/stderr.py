"""What a command said on stderr, read back: off a terminal (as under pytest) every line is one JSON object."""

from __future__ import annotations

import json


def said(err: str) -> list[str]:
    """The message of each stderr line; a line that is not a JSON log object fails the test."""
    return [json.loads(line)["msg"] for line in err.splitlines()]


def said_at(err: str, level: str) -> list[str]:
    """The messages of the stderr lines at `level` ("error", "warning", ...)."""
    events = [json.loads(line) for line in err.splitlines()]
    return [event["msg"] for event in events if event["level"] == level]
