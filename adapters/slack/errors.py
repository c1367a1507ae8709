"""Read Slack API errors, whether Slack or a proxy in between answered."""

from __future__ import annotations

from slack_sdk.web.async_slack_response import AsyncSlackResponse


def slack_error(response: AsyncSlackResponse) -> str:
    """Slack's error code, or the HTTP status when the body is not Slack's JSON (a proxy's 502 page)."""
    error = response.data.get("error") if isinstance(response.data, dict) else None
    return error or f"HTTP {response.status_code}"
