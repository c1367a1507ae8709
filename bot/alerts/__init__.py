"""NewsItems in, queued Alerts out: rules applied, routes chosen, stories grouped, mutes, quiet hours, digests."""
