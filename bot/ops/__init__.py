"""What the operator sees: metrics, the health endpoint, the heartbeat, logs, hot reload and ops notices."""
