"""MIG012: explicit transaction control that fights the migration runner's own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule

_OPEN = ("TRANS_STMT_BEGIN", "TRANS_STMT_START")
_CLOSE = (
    "TRANS_STMT_COMMIT",
    "TRANS_STMT_ROLLBACK",
    "TRANS_STMT_COMMIT_PREPARED",
    "TRANS_STMT_ROLLBACK_PREPARED",
)


class TransactionHygiene(PerfRule):
    """Flags `BEGIN` without a matching `COMMIT`, and `BEGIN` inside an open transaction.

    ## What it does
    Follows the `BEGIN` / `COMMIT` / `ROLLBACK` statements of a migration
    file and reports a `BEGIN` that is never closed, and a second `BEGIN`
    while one is open (PostgreSQL has no nested transactions).

    ## Why is this bad?
    An unclosed `BEGIN` leaves the migration's changes uncommitted (they are
    rolled back when the session ends, or the runner's own COMMIT applies
    them in an order nobody reviewed). A nested `BEGIN` only warns, and the
    first `COMMIT` then ends the outer transaction: later statements run
    outside it and a failure leaves the schema half-migrated.

    ## Example
    ```sql
    begin;
    alter table public.orders add column note text;
    ```

    ## Use instead
    ```sql
    -- no explicit transaction: the Supabase CLI wraps each migration file itself
    alter table public.orders add column note text;
    ```

    ## References
    - PostgreSQL: BEGIN ("issuing BEGIN when already inside a transaction block provokes a warning")
    - squawk: transaction-nesting, ban-uncommitted-transaction (squawk's
      prefer-robust-stmts does not apply on Supabase: the CLI records applied migrations
      and runs each file in a transaction, so a file is never re-run half-applied)
    """

    code: ClassVar[str] = "MIG012"
    name: ClassVar[str] = "transaction-hygiene"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"TransactionStmt"})
    severity_reason: ClassVar[str] = (
        "The migration commits partially or not at all, in ways the review did not see."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        open_line: int | None = None
        open_changed = False
        changed = {s.index for s in ctx.changed_statements()}
        for stmt in ctx.parsed.statements:
            if stmt.kind != "TransactionStmt":
                continue
            kind = stmt.node.get("kind")
            if kind in _OPEN:
                if open_line is not None and stmt.index in changed:
                    yield self.finding(
                        ctx.path,
                        stmt.line,
                        f"`BEGIN` while the transaction opened on line {open_line} is still "
                        "open: PostgreSQL "
                        "only warns, and the next COMMIT ends the outer transaction too.",
                        "Remove the nested BEGIN/COMMIT; one transaction per migration file is "
                        "enough.",
                    )
                    continue
                open_line = stmt.line
                open_changed = stmt.index in changed
            elif kind in _CLOSE:
                open_line = None
        if open_line is not None and open_changed:
            yield self.finding(
                ctx.path,
                open_line,
                "This `BEGIN` is never committed in the file: its changes are rolled back or "
                "committed by "
                "whatever runs next, not by this migration.",
                "Add the matching `COMMIT;`, or drop the explicit transaction (the CLI wraps "
                "each file).",
            )
