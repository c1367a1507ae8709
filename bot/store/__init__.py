"""All persistent state: feeds, seen items, catalysts, the outbox, mutes and the watchlist."""
