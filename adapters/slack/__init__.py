"""Slack adapter: alerts in Block Kit, `/catalysts` and buttons through a slack-bolt AsyncApp."""
