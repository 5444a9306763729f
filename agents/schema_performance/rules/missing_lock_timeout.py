"""MIG014: locking DDL on an existing table with no ``lock_timeout`` set in the migration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.parse import Statement


def _locked_table(stmt: Statement) -> tuple[str, str] | None:
    """The table an ACCESS EXCLUSIVE / SHARE-locking DDL statement waits for, if any."""
    if stmt.kind == "AlterTableStmt" and stmt.node.get("objtype", "OBJECT_TABLE") == "OBJECT_TABLE":
        return qualname_of_rangevar(stmt.node.get("relation"))
    if stmt.kind == "IndexStmt" and not stmt.node.get("concurrent"):
        return qualname_of_rangevar(stmt.node.get("relation"))
    if stmt.kind == "RenameStmt" and stmt.node.get("relation"):
        return qualname_of_rangevar(stmt.node.get("relation"))
    return None


class MissingLockTimeout(PerfRule):
    """Notes locking DDL on an existing table in a migration that sets no `lock_timeout`.

    ## What it does
    Reports (as info, once per file) the first `ALTER TABLE`, non-concurrent
    `CREATE INDEX` or `RENAME` on a table that existed before the PR, when
    the migration file has not run `set lock_timeout` before it.

    ## Why is this bad?
    DDL waits for its lock behind any running query, and while it waits
    every other query on the table queues behind it: one slow report turns
    a 10 ms `ALTER TABLE` into a minute-long outage. `supabase db push`
    already sets `lock_timeout` to 4 s, so there the statement fails after
    4 s and the deploy stops with "canceling statement due to lock timeout"
    (retry when traffic is lower); migrations applied any other way (psql,
    another runner, `db reset` against a shared database) wait indefinitely.
    That is why this is info, not a defect.

    ## Example
    ```sql
    alter table public.orders add column note text;
    ```

    ## Use instead
    ```sql
    set lock_timeout = '4s';
    alter table public.orders add column note text;
    ```

    ## References
    - squawk: require-timeout-settings, require-lock-timeout, require-statement-timeout
      (squawk's identifier-too-long and require-table-schema do not apply: PostgreSQL
      truncates names consistently, and the CLI resolves unqualified names in `public`)
    - Supabase CLI: `db push` sets `lock_timeout` (4 s)
    """

    code: ClassVar[str] = "MIG014"
    name: ClassVar[str] = "missing-lock-timeout"
    severity: ClassVar[Severity] = Severity.INFO
    severity_reason: ClassVar[str] = (
        "Info: `supabase db push` already sets a 4 s lock_timeout; other runners do not."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        changed = {s.index for s in ctx.changed_statements()}
        for stmt in ctx.parsed.statements:
            if stmt.kind == "VariableSetStmt" and stmt.node.get("name") == "lock_timeout":
                return
            table = _locked_table(stmt)
            if stmt.index not in changed or table is None or not ctx.table_existed(table):
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"This DDL on `{format_qualname(table)}` waits for its lock with no "
                "`lock_timeout` set in "
                "the migration: while it waits, every query on the table queues behind it. "
                "`supabase db push` sets 4 s, so there the deploy fails with a lock timeout "
                "instead "
                "(retry later); other runners wait indefinitely.",
                "Start the migration with `set lock_timeout = '4s';` so it fails fast everywhere.",
            )
            return
