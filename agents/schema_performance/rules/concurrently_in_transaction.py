"""MIG003: a ``CONCURRENTLY`` operation inside ``BEGIN`` or beside other statements in one file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.sql.parse import Statement


def is_concurrent(stmt: Statement) -> bool:
    """True for ``CREATE/DROP INDEX CONCURRENTLY`` and ``REINDEX … CONCURRENTLY``."""
    if stmt.kind in ("IndexStmt", "DropStmt"):
        return bool(stmt.node.get("concurrent"))
    if stmt.kind == "ReindexStmt":
        return any(
            (p.get("DefElem") or {}).get("defname") == "concurrently"
            for p in stmt.node.get("params") or []
        )
    return False


class ConcurrentlyInTransaction(PerfRule):
    """Flags `CONCURRENTLY` operations that share a migration file with other statements.

    ## What it does
    Reports `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and
    `REINDEX … CONCURRENTLY` in a migration file that holds any other
    statement, including an explicit `BEGIN`.

    ## Why is this bad?
    These commands cannot run inside a transaction block. The Supabase CLI ran
    each migration file as one transaction before version 2.109, so such a
    migration fails on `supabase db push` / `db reset` with
    "CREATE INDEX CONCURRENTLY cannot run inside a transaction block", and a
    half-applied deploy is left to repair by hand. Newer CLIs split these
    statements out, but only outside an explicit `BEGIN … COMMIT`.

    ## Example
    ```sql
    alter table public.events add column campaign text;
    create index concurrently events_campaign_idx on public.events (campaign);
    ```

    ## Use instead
    ```sql
    -- 20240701000000_events_campaign.sql
    alter table public.events add column campaign text;
    -- 20240701000100_events_campaign_index.sql (alone)
    create index concurrently if not exists events_campaign_idx on public.events (campaign);
    ```

    ## References
    - supabase/cli issue #2898; supabase/cli PR #6276 (CLI 2.109.0)
    - squawk: transaction-nesting, require-concurrent-index-creation
    """

    code: ClassVar[str] = "MIG003"
    name: ClassVar[str] = "concurrently-in-transaction"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"IndexStmt", "DropStmt", "ReindexStmt"}
    )
    severity_reason: ClassVar[str] = (
        "The migration fails at deploy on CLIs that wrap each file in a transaction."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        statements = ctx.parsed.statements
        if len(statements) < 2:
            return
        in_block = any(
            s.kind == "TransactionStmt"
            and s.node.get("kind") in ("TRANS_STMT_BEGIN", "TRANS_STMT_START")
            for s in statements
        )
        for stmt in ctx.changed_statements():
            if not is_concurrent(stmt):
                continue
            why = (
                "inside an explicit BEGIN … COMMIT"
                if in_block
                else f"beside {len(statements) - 1} other statement(s)"
            )
            yield self.finding(
                ctx.path,
                stmt.line,
                f"This CONCURRENTLY operation sits {why} in one migration file; it cannot run in a "
                "transaction block, and Supabase CLIs before 2.109 run each file as one "
                "transaction, so the "
                "migration fails at deploy.",
                "Move the statement into a migration file of its own, with no BEGIN/COMMIT "
                "around it.",
            )
