"""The schema as numbered migrations, run in order by every store backend."""

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
# The SQL is kept to what both SQLite and PostgreSQL accept.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE feeds (
        name TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        interval_s DOUBLE PRECISION NOT NULL,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        disabled_reason TEXT,
        baseline_done INTEGER NOT NULL DEFAULT 0,
        last_polled_at DOUBLE PRECISION,
        last_new_item_at DOUBLE PRECISION,
        next_poll_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX feeds_due ON feeds (next_poll_at);
    CREATE TABLE seen_items (
        item_key TEXT PRIMARY KEY,
        feed TEXT NOT NULL,
        seen_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX seen_items_age ON seen_items (seen_at);
    CREATE TABLE catalysts (
        id INTEGER PRIMARY KEY,
        item_id TEXT NOT NULL,
        feed TEXT NOT NULL,
        ticker TEXT NOT NULL,
        kind TEXT NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        direction TEXT,
        evidence TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT,
        published TEXT,
        found_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX catalysts_by_ticker ON catalysts (ticker, found_at);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        receiver TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        alert TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at DOUBLE PRECISION NOT NULL,
        next_attempt_at DOUBLE PRECISION NOT NULL,
        sent_at DOUBLE PRECISION,
        message_id TEXT,
        last_error TEXT,
        UNIQUE (receiver, dedup_key)
    );
    CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
    """,
    """
    CREATE TABLE mutes (
        id INTEGER PRIMARY KEY,
        ticker TEXT,
        kind TEXT,
        starts_at DOUBLE PRECISION NOT NULL,
        ends_at DOUBLE PRECISION NOT NULL,
        created_by TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX mutes_active ON mutes (ends_at);
    CREATE TABLE watchlist (
        ticker TEXT PRIMARY KEY,
        added_by TEXT NOT NULL,
        added_at DOUBLE PRECISION NOT NULL
    );
    """,
    """
    ALTER TABLE outbox ADD COLUMN route TEXT;
    ALTER TABLE outbox ADD COLUMN story_key TEXT;
    ALTER TABLE outbox ADD COLUMN parent_id INTEGER;
    ALTER TABLE outbox ADD COLUMN text_body TEXT;
    ALTER TABLE outbox ADD COLUMN claim_token TEXT;
    ALTER TABLE outbox ADD COLUMN claimed_until DOUBLE PRECISION;
    CREATE INDEX outbox_story ON outbox (story_key, created_at);
    CREATE INDEX outbox_route ON outbox (route, created_at);
    CREATE TABLE digest_runs (
        route TEXT PRIMARY KEY,
        last_run_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE store_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE outbox ADD COLUMN action TEXT NOT NULL DEFAULT 'post';
    """,
    """
    ALTER TABLE feeds ADD COLUMN claimed_by TEXT;
    ALTER TABLE feeds ADD COLUMN claimed_until DOUBLE PRECISION;
    CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        held_until DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE rate_buckets (
        channel TEXT PRIMARY KEY,
        tokens DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    );
    """,
)

# The tables holding state worth keeping, in an order that `db copy` can load them in.
TABLES = ("feeds", "seen_items", "catalysts", "outbox", "mutes", "watchlist", "digest_runs", "store_meta")
# Tables whose `id` column the database numbers.
ID_TABLES = ("catalysts", "outbox", "mutes")
