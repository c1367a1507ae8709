"""`catalyst-bot db migrate|status|copy`: bring the schema up to date, show it, or move a store to another database."""

from __future__ import annotations

import argparse
import time
from collections import Counter

from bot.config import load_config
from bot.errors import CatalystBotError, StoreError
from bot.ingest.ownership import HEARTBEAT_PREFIX, owner
from bot.store.database import Store
from bot.store.migrations import ID_TABLES, MIGRATIONS, TABLES


def db(args: argparse.Namespace) -> int:
    if args.action == "copy":
        if not (args.source and args.target):
            raise CatalystBotError("db copy needs FROM_URL and TO_URL, e.g. sqlite:///bot.sqlite3 postgresql://bot@db/catalyst")
        return _copy(args.source, args.target, args.password_env)
    if args.source or args.target:
        raise CatalystBotError(f"db {args.action} takes no URLs: it uses the config's [store]")
    config = load_config(args.config)
    store = Store.from_config(config, migrate=False)
    try:
        if args.action == "migrate":
            applied = store.migrate()
            print(
                f"{store.location}: migrated to schema version {store.schema_version}"
                if applied
                else f"{store.location}: already at schema version {store.schema_version}; nothing to do"
            )
            return 0
        return _status(store)
    finally:
        store.close()


def _status(store: Store) -> int:
    version = store.schema_version
    print(f"store: {store.location} ({store.engine})")
    print(f"schema version: {version} of {len(MIGRATIONS)}")
    if version < len(MIGRATIONS):
        print("run `catalyst-bot db migrate` to bring it up to date")
        return 1
    for table, count in store.table_counts().items():
        print(f"  {table}: {count} row(s)")
    outbox = ", ".join(f"{status} {count}" for status, count in sorted(store.outbox_counts().items()))
    print(f"outbox by status: {outbox or 'empty'}")
    now = time.time()
    gauges = store.cluster_gauges(now)
    print(
        f"feeds due now: {gauges['due_feeds']} ({gauges['claimed_feeds']} claimed by a worker),"
        f" oldest due for {gauges['poll_lag_seconds']:.0f}s"
    )
    leases = store.live_leases(now)
    if store.shared:
        _workers([holder for name, holder, _ in leases if name.startswith(HEARTBEAT_PREFIX)], store)
    for name, holder, until in leases:
        if not name.startswith(HEARTBEAT_PREFIX):
            print(f"{name}: held by {holder} for {until - now:.0f}s more")
    return 0


def _workers(workers: list[str], store: Store) -> None:
    """The live workers of a shared database, and how many of the enabled feeds hash to each."""
    if not workers:
        print("live workers: none (no worker renewed its heartbeat within [store] feed_lease)")
        return
    feeds = [feed.name for feed in store.feeds() if feed.disabled_reason is None]
    polls = Counter(owner(feed, workers) for feed in feeds)
    print(f"live workers: {len(workers)}")
    for worker in workers:
        print(f"  {worker}: polls {polls[worker]} of {len(feeds)} enabled feeds")


def _copy(source_url: str, target_url: str, password_env: str | None) -> int:
    """Copy every table from one store to an empty one, ids included, in one transaction on the target."""
    source = Store(source_url)
    try:
        target = Store(target_url, password_env=password_env)
    except BaseException:
        source.close()
        raise
    try:
        filled = {table: count for table, count in target.table_counts().items() if count}
        if filled:
            listed = ", ".join(f"{table} ({count})" for table, count in filled.items())
            raise StoreError(f"the target {target.location} is not empty: {listed}; copy only into a new database")
        copied: dict[str, int] = {}
        with target.transaction():
            for table in TABLES:
                copied[table] = 0
                for rows in source.dump(table):
                    target.load(table, rows)
                    copied[table] += len(rows)
            for table in ID_TABLES:
                target.reset_ids(table)
            if copied != source.table_counts():
                raise StoreError("the source changed during the copy: stop every worker, then copy again")
    finally:
        source.close()
        target.close()
    print(f"copied {source.location} -> {target.location}:")
    for table, count in copied.items():
        print(f"  {table}: {count} row(s)")
    return 0
