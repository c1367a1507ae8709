"""Queued Alerts in, chat messages out: the outbox sender, its rate limits and the receiver protocol."""
