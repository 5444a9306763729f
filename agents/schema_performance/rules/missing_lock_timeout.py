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
    a 10 ms `ALTER TABLE` into a minute-long outage.  The Supabase CLI does
    not protect you: it sets `lock_timeout = '4s'` only while it creates its
    own migration-history table, and sends `RESET ALL` before each migration
    file, so migrations run with the role's and server's settings (no lock
    timeout).  It is info, not a defect: the statement is correct, and the
    lock it takes is what the locking rules (and the database stage, which
    measures it) report.

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
    - Supabase CLI `pkg/migration/history.go`: `lock_timeout` is set for the history table
      only, and `RESET ALL` runs before every migration file
    """

    code: ClassVar[str] = "MIG014"
    name: ClassVar[str] = "missing-lock-timeout"
    severity: ClassVar[Severity] = Severity.INFO
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterTableStmt", "IndexStmt", "RenameStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Info: a hardening habit, not a defect; the lock itself is the locking rules' finding."
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
                "the migration: while it waits, every query on the table queues behind it "
                "(the Supabase CLI sets no lock timeout for migration files).",
                "Start the migration with `set lock_timeout = '4s';` so it fails fast everywhere.",
            )
            return
