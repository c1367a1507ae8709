"""The store: every read and write of the bot's state, inside transactions, on SQLite or PostgreSQL.

One class over ~600 lines: every query shares one connection and one transaction discipline, and
the SQL is written once with `?` placeholders; bot/store/engines.py holds the few differences
(placeholders, row locks, advisory locks, identity columns) between SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import StoreError
from bot.models import Alert, Catalyst, NewsItem
from bot.store import records
from bot.store.engines import Engine, open_engine
from bot.store.migrations import MIGRATIONS, TABLES
from bot.store.records import (
    POSTING_STATUSES,
    Delivery,
    FeedState,
    Mute,
    OutboxEntry,
    StoredCatalyst,
)

if TYPE_CHECKING:
    from bot.config import BotConfig

_LOGGER = logging.getLogger(__name__)
MIGRATION_LOCK = "catalyst-bot:migrate"
BucketStep = Callable[[float | None, float | None], tuple[float, float]]


@dataclass(frozen=True)
class FeedChanges:
    """How the configured feed set differed from the database's."""

    before: int
    added: int
    removed: int
    changed: int

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


class Store:
    """The bot's database; every write happens inside `transaction()`.

    `target` is a `sqlite:///PATH` or `postgresql://...` URL, or a plain SQLite file path.
    """

    def __init__(self, target: Path | str, *, password_env: str | None = None, migrate: bool = True) -> None:
        self._db: Engine = open_engine(target, password_env)
        self.engine = self._db.name
        self.location = self._db.location
        try:
            if migrate:
                self.migrate()
        except Exception:
            self._db.close()
            raise

    @classmethod
    def from_config(cls, config: BotConfig, *, migrate: bool = True) -> Store:
        return cls(config.store_url(), password_env=config.store.password_env, migrate=migrate)

    @property
    def shared(self) -> bool:
        """True when several processes may use this database at once (PostgreSQL)."""
        return self._db.shared

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes so they land together or not at all."""
        with self._db.transaction():
            yield

    def lock_all(self, keys: Iterable[str]) -> None:
        """Inside a transaction: wait until no other worker's transaction holds any of `keys`, then hold them
        (taken in one order, so two transactions never wait for each other in a circle)."""
        self._db.lock_all(keys)

    @property
    def schema_version(self) -> int:
        if not self._db.has_table("schema_version"):
            return 0
        row = self._db.execute("SELECT version FROM schema_version").fetchone()
        return row[0] if row else 0

    def schema_problem(self) -> str | None:
        """Why this catalyst-bot cannot use the store (its schema is newer than it understands), or None."""
        return self._schema_problem(self.schema_version)

    def _schema_problem(self, version: int) -> str | None:
        if version <= len(MIGRATIONS):
            return None
        return (
            f"the store at {self.location} has schema version {version}, newer than this "
            f"catalyst-bot understands ({len(MIGRATIONS)}): upgrade catalyst-bot"
        )

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks, one transaction each; returns the versions applied."""
        applied: list[int] = []
        while True:
            with self.transaction():
                self._db.lock(MIGRATION_LOCK)
                self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                row = self._db.execute("SELECT version FROM schema_version").fetchone()
                if row is None:
                    self._db.execute("INSERT INTO schema_version (version) VALUES (0)")
                current = row[0] if row else 0
                if problem := self._schema_problem(current):
                    raise StoreError(problem)
                if current == len(MIGRATIONS):
                    if applied:
                        _LOGGER.info("store migrated from schema version %d to %d", applied[0] - 1, applied[-1])
                    return applied
                for statement in filter(str.strip, MIGRATIONS[current].split(";")):
                    self._db.execute(self._db.ddl(statement))
                self._db.execute("UPDATE schema_version SET version = ?", (current + 1,))
            applied.append(current + 1)

    def table_counts(self) -> dict[str, int]:
        return {table: self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}

    def dump(self, table: str, batch: int = 1000) -> Iterator[list]:
        """The rows of one table in batches, each row a mapping of column to value."""
        cursor = self._db.execute(f"SELECT * FROM {table}")
        while rows := cursor.fetchmany(batch):
            yield [dict(zip(row.keys(), row, strict=True)) for row in rows]

    def load(self, table: str, rows: list[dict]) -> None:
        """Insert copied rows as they are, ids included (inside the caller's transaction)."""
        if rows:
            columns = list(rows[0])
            marks = ", ".join("?" * len(columns))
            self._db.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", [tuple(row.values()) for row in rows]
            )

    def reset_ids(self, table: str) -> None:
        self._db.reset_ids(table)

    # -- feeds --------------------------------------------------------------------------

    def sync_feeds(self, feeds: Iterable[tuple[str, str, float]], now: float) -> FeedChanges:
        """Make the `feeds` table match the configured (name, url, interval) triples; returns what changed.

        New feeds are due now; a feed whose URL changed starts over; removed feeds are dropped.
        """
        wanted = {name: (url, interval) for name, url, interval in feeds}
        with self.transaction():
            self._db.lock("catalyst-bot:feeds")
            rows = self._db.execute("SELECT name, url, interval_s FROM feeds")
            existing = {row["name"]: (row["url"], row["interval_s"]) for row in rows}
            changes = FeedChanges(
                before=len(existing),
                added=len(wanted.keys() - existing.keys()),
                removed=len(existing.keys() - wanted.keys()),
                changed=sum(1 for name in wanted.keys() & existing.keys() if wanted[name] != existing[name]),
            )
            for name in existing.keys() - wanted.keys():
                self._db.execute("DELETE FROM feeds WHERE name = ?", (name,))
            for name, (url, interval) in wanted.items():
                if name not in existing:
                    self._db.execute(
                        "INSERT INTO feeds (name, url, interval_s, next_poll_at) VALUES (?, ?, ?, ?)",
                        (name, url, interval, now),
                    )
                elif existing[name][0] != url:
                    self._db.execute(
                        "UPDATE feeds SET url = ?, interval_s = ?, etag = NULL, last_modified = NULL,"
                        " body_hash = NULL, failures = 0, last_error = NULL, disabled_reason = NULL,"
                        " next_poll_at = ? WHERE name = ?",
                        (url, interval, now, name),
                    )
                elif existing[name][1] != interval:
                    self._db.execute("UPDATE feeds SET interval_s = ? WHERE name = ?", (interval, name))
        return changes

    def claim_feed(self, name: str, worker: str, now: float, lease: float) -> FeedState | None:
        """Take the due feed `name` for `worker` until `now + lease`; None if another worker holds it or it is not due.

        A claim ends when the poll's `update_feed` sets the next poll time, or when its lease runs
        out (the worker died).
        """
        with self.transaction():
            row = self._db.execute(
                "UPDATE feeds SET claimed_by = ?, claimed_until = ? WHERE name = ? AND disabled_reason IS NULL"
                " AND next_poll_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) RETURNING *",
                (worker, now + lease, name, now, now),
            ).fetchone()
        return records.feed_state(row) if row else None

    def renew_feed_claims(self, worker: str, now: float, lease: float) -> int:
        """Extend `worker`'s running claims to `now + lease` (its polls still in flight); returns how many."""
        with self.transaction():
            return self._db.execute(
                "UPDATE feeds SET claimed_until = ? WHERE claimed_by = ? AND claimed_until > ?", (now + lease, worker, now)
            ).rowcount

    def release_feeds(self, worker: str) -> None:
        """Give up the claims of a worker that stops without polling them."""
        with self.transaction():
            self._db.execute("UPDATE feeds SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?", (worker,))

    def feeds(self) -> list[FeedState]:
        return [records.feed_state(row) for row in self._db.execute("SELECT * FROM feeds ORDER BY name")]

    def feed(self, name: str) -> FeedState | None:
        row = self._db.execute("SELECT * FROM feeds WHERE name = ?", (name,)).fetchone()
        return records.feed_state(row) if row else None

    def update_feed(self, name: str, **fields: object) -> None:
        """Set columns of one feed row (inside the caller's transaction).

        Setting `next_poll_at` ends a poll, so it also releases the feed's claim.
        """
        fields = _ending_claims(fields)
        columns = ", ".join(f"{column} = ?" for column in fields)
        self._db.execute(f"UPDATE feeds SET {columns} WHERE name = ?", (*fields.values(), name))

    def update_feeds(self, updates: Iterable[tuple[str, dict[str, object]]]) -> None:
        """Set columns of many feed rows (inside the caller's transaction), later updates of a row winning;
        one statement per set of columns. As in `update_feed`, setting `next_poll_at` releases the claim."""
        merged: dict[str, dict[str, object]] = {}
        for name, fields in updates:
            merged[name] = {**merged[name], **fields} if name in merged else fields
        by_columns: dict[tuple[str, ...], list[tuple[object, ...]]] = {}
        for name, fields in merged.items():
            fields = _ending_claims(fields)
            by_columns.setdefault(tuple(fields), []).append((*fields.values(), name))
        for columns, rows in by_columns.items():
            assignments = ", ".join(f"{column} = ?" for column in columns)
            self._db.executemany(f"UPDATE feeds SET {assignments} WHERE name = ?", rows)

    def enable_feed(self, name: str, now: float) -> bool:
        """Re-enable a disabled feed; returns False if there is no such feed."""
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE feeds SET disabled_reason = NULL, failures = 0, next_poll_at = ? WHERE name = ?",
                (now, name),
            )
        return cursor.rowcount == 1

    # -- seen items ---------------------------------------------------------------------

    def seen_keys(self, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self._db.execute(f"SELECT item_key FROM seen_items WHERE item_key IN ({marks})", chunk)
            )
        return found

    def mark_seen(self, keys: Iterable[str], feed: str, now: float) -> None:
        self._db.executemany(
            "INSERT INTO seen_items (item_key, feed, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(key, feed, now) for key in keys],
        )

    def items_seen_by_feed(self) -> dict[str, int]:
        """How many items each feed brought in (one `id:` key per item), within the seen-key retention."""
        rows = self._db.execute("SELECT feed, COUNT(*) FROM seen_items WHERE item_key LIKE 'id:%' GROUP BY feed")
        return {feed: count for feed, count in rows}

    def forget_seen_before(self, cutoff: float, prefix: str = "") -> int:
        """Drop seen keys (those starting with `prefix`) recorded before `cutoff`."""
        with self.transaction():
            return self._db.execute(
                "DELETE FROM seen_items WHERE seen_at < ? AND item_key LIKE ?", (cutoff, prefix + "%")
            ).rowcount

    # -- catalysts ----------------------------------------------------------------------

    def record_catalyst(self, item: NewsItem, catalyst: Catalyst, now: float) -> None:
        """Keep one history row per ticker of the catalyst."""
        published = item.published.isoformat() if item.published else None
        self._db.executemany(
            "INSERT INTO catalysts (item_id, feed, ticker, kind, rule, severity, direction, evidence,"
            " title, link, published, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    item.id,
                    item.feed,
                    ticker,
                    catalyst.kind,
                    catalyst.rule,
                    catalyst.severity,
                    catalyst.direction,
                    json.dumps(catalyst.evidence),
                    item.title,
                    item.link,
                    published,
                    now,
                )
                for ticker in catalyst.tickers
            ],
        )

    def catalysts_for(self, ticker: str, since: float) -> list[StoredCatalyst]:
        """A ticker's catalysts found at or after `since`, newest first."""
        rows = self._db.execute(
            "SELECT * FROM catalysts WHERE ticker = ? AND found_at >= ? ORDER BY found_at DESC, id DESC",
            (ticker.upper(), since),
        )
        return [records.stored_catalyst(row) for row in rows]

    def known_tickers(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT DISTINCT ticker FROM catalysts")}

    # -- outbox -------------------------------------------------------------------------

    def enqueue(
        self,
        alert: Alert,
        receiver: str,
        now: float,
        *,
        route: str | None = None,
        story_key: str | None = None,
        send_at: float | None = None,
        status: str = "pending",
        reason: str | None = None,
        parent_id: int | None = None,
        action: str = "post",
        copy: str = "",
    ) -> int | None:
        """Record an alert for a receiver once; returns the row id, or None if it was recorded before.

        `status` other than pending records an alert that is not posted (muted, held, grouped,
        cooldown) with the `reason`, so nothing routed is ever lost from the record. An edit
        `action`, or a `copy` name (a second post of the alert), makes a row of its own.
        """
        dedup_key = f"{alert.item_id}|{alert.ticker}|{alert.kind}" + (f"|{copy}" if copy else "")
        dedup_key += "|edit" if action != "post" else ""
        cursor = self._db.execute(
            "INSERT INTO outbox (receiver, dedup_key, alert, status, created_at, next_attempt_at, last_error,"
            " route, story_key, parent_id, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (
                receiver,
                dedup_key,
                alert.model_dump_json(),
                status,
                now,
                now if send_at is None else send_at,
                reason,
                route,
                story_key,
                parent_id,
                action,
            ),
        )
        row = cursor.fetchone()
        return row[0] if row else None

    def enqueue_text(self, text: str, receiver: str, dedup_key: str, now: float, *, route: str | None = None) -> int | None:
        """Queue a text notice (digest, ops notice) once per `dedup_key`; returns its row id or None."""
        cursor = self._db.execute(
            "INSERT INTO outbox (receiver, dedup_key, alert, text_body, route, created_at, next_attempt_at)"
            " VALUES (?, ?, '', ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (receiver, dedup_key, text, route, now, now),
        )
        row = cursor.fetchone()
        return row[0] if row else None

    def story_messages(self, story_key: str, since: float) -> list[OutboxEntry]:
        """The posting rows of a story created at or after `since`, oldest first."""
        marks = ",".join("?" * len(POSTING_STATUSES))
        rows = self._db.execute(
            f"SELECT * FROM outbox WHERE story_key = ? AND created_at >= ? AND status IN ({marks}) ORDER BY id",
            (story_key, since, *POSTING_STATUSES),
        )
        return [records.outbox_entry(row) for row in rows]

    def replace_alert(self, delivery_id: int, alert: Alert) -> None:
        """Update a row's alert (a story's first message gains the outlets that also reported it)."""
        self._db.execute("UPDATE outbox SET alert = ? WHERE id = ?", (alert.model_dump_json(), delivery_id))

    def pending_deliveries(self, now: float, limit: int = 100, *, flush: bool = False) -> list[Delivery]:
        """Rows due at `now` (pending, or claimed by a sender whose lease ran out), in the order queued.

        `flush` also includes rows never tried yet that are only waiting for their group to fill.
        """
        rows = self._db.execute(
            "SELECT * FROM outbox WHERE (status = 'pending' AND (next_attempt_at <= ? OR (? AND attempts = 0)))"
            " OR (status = 'sending' AND claimed_until <= ?) ORDER BY id LIMIT ?",
            (now, flush, now, limit),
        )
        return [records.delivery(row) for row in rows]

    def claim(self, delivery: Delivery, now: float, lease: float) -> Delivery | None:
        """Take a due row for sending until `now + lease`; None if another sender took it first,
        or changed it since `delivery` was read (its attempts and reclaimed flag would be stale,
        and a resend must know the message may exist)."""
        token = uuid.uuid4().hex
        if delivery.reclaimed:
            state, values = "status = 'sending' AND claimed_until <= ?", (now,)
        else:
            state, values = "status = 'pending'", ()
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE outbox SET status = 'sending', claim_token = ?, claimed_until = ? WHERE id = ?"
                f" AND attempts = ? AND {state}",
                (token, now + lease, delivery.id, delivery.attempts, *values),
            )
        if cursor.rowcount != 1:
            return None
        return Delivery(**{**delivery.__dict__, "claim": token})

    def mark_sent(self, delivery_id: int, message_id: str | None, now: float, claim: str | None = None) -> None:
        self._finish(
            delivery_id, claim, "status = 'sent', sent_at = ?, message_id = ?, attempts = attempts + 1", (now, message_id)
        )

    def mark_retry(self, delivery_id: int, error: str, next_attempt_at: float, claim: str | None = None) -> None:
        self._finish(
            delivery_id,
            claim,
            "status = 'pending', attempts = attempts + 1, last_error = ?, next_attempt_at = ?",
            (error, next_attempt_at),
        )

    def postpone(self, delivery_id: int, next_attempt_at: float, claim: str | None = None) -> None:
        """Back to pending without counting an attempt (e.g. a reply waiting for its parent)."""
        self._finish(delivery_id, claim, "status = 'pending', next_attempt_at = ?", (next_attempt_at,))

    def mark_given_up(self, delivery_id: int, reason: str, claim: str | None = None) -> None:
        self._finish(delivery_id, claim, "status = 'failed', attempts = attempts + 1, last_error = ?", (reason,))

    def mark_suppressed(self, delivery_id: int, status: str, reason: str, claim: str | None = None) -> None:
        """Record that a queued alert was not posted after all (e.g. `muted`), and why."""
        self._finish(delivery_id, claim, "status = ?, last_error = ?", (status, reason))

    def _finish(self, delivery_id: int, claim: str | None, assignments: str, values: tuple) -> None:
        """Update a row; with a `claim`, only if that claim still owns it (a late sender changes nothing)."""
        sql = f"UPDATE outbox SET {assignments}, claim_token = NULL, claimed_until = NULL WHERE id = ?"
        with self.transaction():
            if claim is None:
                cursor = self._db.execute(sql, (*values, delivery_id))
            else:
                cursor = self._db.execute(sql + " AND claim_token = ?", (*values, delivery_id, claim))
        if cursor.rowcount != 1:
            _LOGGER.warning("outbox row %d was taken over by another sender; its update was skipped", delivery_id)

    def outbox_entry(self, delivery_id: int) -> OutboxEntry | None:
        row = self._db.execute("SELECT * FROM outbox WHERE id = ?", (delivery_id,)).fetchone()
        return records.outbox_entry(row) if row else None

    def outbox_entries(self, *, route: str | None = None, since: float = 0.0, until: float | None = None) -> list[OutboxEntry]:
        """Rows created in [since, until), optionally of one route, oldest first."""
        sql, params = "SELECT * FROM outbox WHERE created_at >= ?", [since]
        if route is not None:
            sql, params = sql + " AND route = ?", [*params, route]
        if until is not None:
            sql, params = sql + " AND created_at < ?", [*params, until]
        rows = self._db.execute(sql + " ORDER BY id", params)
        return [records.outbox_entry(row) for row in rows]

    def held_for_digest(self, route: str, until: float) -> list[OutboxEntry]:
        """A route's alerts held for its digest and in none yet, created before `until`, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM outbox WHERE route = ? AND status = 'held' AND created_at < ? ORDER BY id", (route, until)
        )
        return [records.outbox_entry(row) for row in rows]

    def oldest_held(self, route: str) -> float | None:
        """When the oldest alert held for the route's digest and in none yet was created."""
        return self._db.execute(
            "SELECT MIN(created_at) FROM outbox WHERE route = ? AND status = 'held'", (route,)
        ).fetchone()[0]

    def mark_digested(self, delivery_ids: Iterable[int], digest_id: int) -> int:
        """The held rows `delivery_ids` now belong to the digest `digest_id`; returns how many were marked."""
        ids = list(delivery_ids)
        marked = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            marked += self._db.execute(
                f"UPDATE outbox SET status = 'digested', parent_id = ? WHERE status = 'held' AND id IN ({marks})",
                (digest_id, *chunk),
            ).rowcount
        return marked

    def digest_last_run(self, route: str) -> float | None:
        row = self._db.execute("SELECT last_run_at FROM digest_runs WHERE route = ?", (route,)).fetchone()
        return row[0] if row else None

    def set_digest_run(self, route: str, at: float) -> None:
        self._db.execute(
            "INSERT INTO digest_runs (route, last_run_at) VALUES (?, ?)"
            " ON CONFLICT (route) DO UPDATE SET last_run_at = excluded.last_run_at",
            (route, at),
        )

    @functools.cached_property
    def instance_id(self) -> str:
        """A random id made once per store, so idempotency keys of two stores never collide."""
        row = self._db.execute("SELECT value FROM store_meta WHERE key = 'instance_id'").fetchone()
        if row:
            return row[0]
        with self.transaction():
            self._db.execute(
                "INSERT INTO store_meta (key, value) VALUES ('instance_id', ?) ON CONFLICT DO NOTHING",
                (uuid.uuid4().hex[:12],),
            )
        return self._db.execute("SELECT value FROM store_meta WHERE key = 'instance_id'").fetchone()[0]

    def outbox_counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {status: count for status, count in rows}

    def outbox_counts_by_receiver(self) -> list[tuple[str, str, int]]:
        """(receiver, status, count) for every outbox row ever written."""
        rows = self._db.execute("SELECT receiver, status, COUNT(*) FROM outbox GROUP BY receiver, status")
        return [(receiver, status, count) for receiver, status, count in rows]

    def check_writable(self) -> str | None:
        """None if a write transaction can be opened now, else why not."""
        try:
            with self.transaction():
                self._db.execute("UPDATE schema_version SET version = version")
        except Exception as exc:  # any driver's error: the point is to report it, not to crash /healthz
            return f"{type(exc).__name__}: {str(exc).strip()}"
        return None


    # -- work shared between workers ---------------------------------------------------

    def acquire_lease(self, name: str, holder: str, now: float, ttl: float) -> bool:
        """Hold (or keep holding) the named job until `now + ttl`; False while another holder's lease lasts."""
        with self.transaction():
            row = self._db.execute(
                "INSERT INTO leases (name, holder, held_until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
                " SET holder = excluded.holder, held_until = excluded.held_until"
                " WHERE leases.holder = excluded.holder OR leases.held_until <= ? RETURNING holder",
                (name, holder, now + ttl, now),
            ).fetchone()
        return row is not None

    def lease_holders(self, prefix: str, now: float) -> list[str]:
        """The holders of the leases named `prefix...` that last beyond `now`."""
        rows = self._db.execute("SELECT holder FROM leases WHERE name LIKE ? AND held_until > ?", (prefix + "%", now))
        return [row[0] for row in rows]

    def live_leases(self, now: float) -> list[tuple[str, str, float]]:
        """Every lease that lasts beyond `now`: (name, holder, held until), by name."""
        rows = self._db.execute("SELECT name, holder, held_until FROM leases WHERE held_until > ? ORDER BY name", (now,))
        return [(row[0], row[1], row[2]) for row in rows]

    def release_lease(self, name: str, holder: str) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    def update_bucket(self, channel: str, now: float, step: BucketStep) -> float:
        """Apply `step(tokens, updated_at)` to a channel's shared token bucket; returns its wait time.

        `step` gets None for a channel never used and returns (tokens, wait); the row is locked
        meanwhile, so workers take tokens one at a time.
        """
        with self.transaction():
            row = self._db.execute(
                f"SELECT tokens, updated_at FROM rate_buckets WHERE channel = ?{self._db.for_update}", (channel,)
            ).fetchone()
            tokens, wait = step(row[0] if row else None, row[1] if row else None)
            self._db.execute(
                "INSERT INTO rate_buckets (channel, tokens, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (channel) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at",
                (channel, tokens, now),
            )
        return wait

    def cluster_gauges(self, now: float) -> dict[str, float]:
        """Figures for the whole database: due and claimed feeds, and the oldest due poll's lag."""
        due, claimed, oldest = self._db.execute(
            "SELECT COUNT(*), SUM(CASE WHEN claimed_until > ? THEN 1 ELSE 0 END), MIN(next_poll_at) FROM feeds"
            " WHERE disabled_reason IS NULL AND next_poll_at <= ?",
            (now, now),
        ).fetchone()
        return {"due_feeds": due, "claimed_feeds": claimed or 0, "poll_lag_seconds": now - oldest if oldest else 0.0}

    # -- mutes and the chat-managed watchlist -------------------------------------------

    def add_mute(
        self, ticker: str | None, kind: str | None, starts_at: float, ends_at: float, created_by: str, comment: str
    ) -> Mute:
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO mutes (ticker, kind, starts_at, ends_at, created_by, comment) VALUES (?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                (ticker, kind, starts_at, ends_at, created_by, comment),
            )
            mute_id = cursor.fetchone()[0]
        return Mute(mute_id, ticker, kind, starts_at, ends_at, created_by, comment)

    def active_mutes(self, now: float) -> list[Mute]:
        rows = self._db.execute(
            "SELECT * FROM mutes WHERE starts_at <= ? AND ends_at > ? ORDER BY ends_at, id", (now, now)
        )
        return [Mute(**dict(row)) for row in rows]

    def remove_mute(self, mute_id: int) -> bool:
        with self.transaction():
            return self._db.execute("DELETE FROM mutes WHERE id = ?", (mute_id,)).rowcount == 1

    def watch(self, ticker: str, added_by: str, now: float) -> bool:
        """Add a ticker to the chat-managed watchlist; False if it was there already."""
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO watchlist (ticker, added_by, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (ticker, added_by, now),
            )
        return cursor.rowcount == 1

    def unwatch(self, ticker: str) -> bool:
        with self.transaction():
            return self._db.execute("DELETE FROM watchlist WHERE ticker = ?", (ticker,)).rowcount == 1

    def watched_tickers(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT ticker FROM watchlist ORDER BY ticker")]

    def recent_catalysts(self, tickers: list[str], since: float, limit: int) -> list[StoredCatalyst]:
        """Catalysts of any of `tickers` found since `since`, newest first."""
        if not tickers:
            return []
        marks = ",".join("?" * len(tickers))
        rows = self._db.execute(
            f"SELECT * FROM catalysts WHERE ticker IN ({marks}) AND found_at >= ?"
            " ORDER BY found_at DESC, id DESC LIMIT ?",
            (*tickers, since, limit),
        )
        return [records.stored_catalyst(row) for row in rows]


def _ending_claims(fields: dict[str, object]) -> dict[str, object]:
    """The feed columns to set, with the claim released when they end a poll (set `next_poll_at`)."""
    return {**fields, "claimed_by": None, "claimed_until": None} if "next_poll_at" in fields else fields
