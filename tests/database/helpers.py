"""Build a workspace from base/head migration texts and run the stage on it."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterator

import psycopg
from psycopg import sql

from agents.database.apply import Applier, migration_from
from agents.database.catalog import Catalog, read_catalog
from agents.database.platform import create_project_database
from agents.database.policy_logic import PolicyLogic
from agents.database.seeder import Seed, Seeder
from agents.database.server import BOOTSTRAP_USER, Server
from agents.database.session import Session
from agents.database.stage import DatabaseOutcome, DatabaseSettings, run_database_stage
from agents.database.watchdog import Watchdog
from tests.helpers.workspace import workspace_from_trees

Conn = psycopg.Connection[tuple[object, ...]]
_NAMES = itertools.count()

MIG = "supabase/migrations/"


def stage(
    base: dict[str, str],
    head: dict[str, str | None],
    settings: DatabaseSettings | None = None,
    extra: dict[str, str] | None = None,
) -> DatabaseOutcome:
    """``base``/``head``: file name (under supabase/migrations/) → SQL."""
    base_tree = {MIG + k: v for k, v in base.items()}
    base_tree.update(extra or {})
    head_tree = {MIG + k: v for k, v in head.items()}
    ws = workspace_from_trees(base_tree, head_tree)
    return run_database_stage(ws, settings or DatabaseSettings())


@contextlib.contextmanager
def seeded(server: Server, *migrations: str) -> Iterator[tuple[Seed, Catalog, Conn]]:
    """A fresh database with the platform, ``migrations`` applied as the CLI would, and the
    two worlds seeded (committed); yields the seed, the catalogue and the connection."""
    name = f"seed_{next(_NAMES)}"
    create_project_database(server, name)
    try:
        with server.connect("postgres", name) as conn:
            watchdog = Watchdog(time.monotonic() + 60, 10, lambda: None)
            with watchdog.watch(conn):
                applier = Applier(conn, watchdog)
                for i, text in enumerate(migrations):
                    mig = migration_from(f"{MIG}2024010100000{i}_m.sql", text, pr=True)
                    assert mig is not None
                    result = applier.apply(mig)
                    assert result.applied, result.failure
                session = Session(conn, watchdog)
                session.query("begin")
                session.query("set local search_path = ''")
                catalog = read_catalog(conn, ("public",))
                seeder = Seeder(conn, catalog, PolicyLogic(catalog), session.attempt)
                seeder.create_users()
                seed = seeder.seed_tables()
                seeder.seed_storage()
                session.query("commit")
                yield seed, catalog, conn
    finally:
        with server.connect(BOOTSTRAP_USER, "postgres") as admin:
            admin.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
