"""Build a workspace from base/head migration texts and run the stage on it."""

from __future__ import annotations

from agents.database.stage import DatabaseOutcome, DatabaseSettings, run_database_stage
from tests.helpers.workspace import workspace_from_trees

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
