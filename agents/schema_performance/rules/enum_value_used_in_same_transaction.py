"""MIG015: a new enum value used in the same migration file that adds it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.sql.ast import string_constants, strings
from agents.sql.parse import Statement, first_location


class EnumValueUsedInSameTransaction(PerfRule):
    """Flags a value added with `ALTER TYPE … ADD VALUE` and used later in the same migration file.

    ## What it does
    Follows `ALTER TYPE <enum> ADD VALUE '<v>'` on an enum the same file did
    not create, and reports the first later statement of the same migration file
    that uses the literal `'<v>'` (an UPDATE, a default, a CHECK, a policy…).

    ## Why is this bad?
    PostgreSQL refuses to use an enum value added in the still-open
    transaction: "unsafe use of new value". The Supabase CLI applies each
    migration file in one transaction, so the migration fails at deploy
    (it may pass locally when statements are run one by one).

    ## Example
    ```sql
    alter type public.order_status add value 'archived';
    update public.orders set status = 'archived' where placed_at < now() - interval '2 years';
    ```

    ## Use instead
    ```sql
    -- 20240801000000_order_status_archived.sql
    alter type public.order_status add value 'archived';
    -- 20240801000100_archive_old_orders.sql
    update public.orders set status = 'archived' where placed_at < now() - interval '2 years';
    ```

    ## References
    - PostgreSQL: ALTER TYPE (a new value cannot be used until the transaction commits)
    - squawk has no such rule; its require-enum-value-ordering (BEFORE/AFTER) does not
      apply: appending a value is the usual intent
    """

    code: ClassVar[str] = "MIG015"
    name: ClassVar[str] = "enum-value-used-in-same-transaction"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"AlterEnumStmt"})
    severity_reason: ClassVar[str] = "The migration fails at deploy."

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        # values added to an enum created in the same transaction are safe to use
        created = {
            tuple(strings(s.node.get("typeName")))[-1:]
            for s in ctx.parsed.statements
            if s.kind == "CreateEnumStmt"
        }
        added: dict[str, Statement] = {}
        changed = {s.index for s in ctx.changed_statements()}
        for stmt in ctx.parsed.statements:
            if stmt.kind == "AlterEnumStmt" and stmt.node.get("newVal"):
                type_name = tuple(strings(stmt.node.get("typeName")))[-1:]
                if type_name not in created and stmt.index in changed:
                    added[str(stmt.node["newVal"])] = stmt
                continue
            if not added:
                continue
            for text, const in string_constants(stmt.node):
                if text in added:
                    source = added.pop(text)
                    yield self.finding(
                        ctx.path,
                        ctx.line(first_location({"A_Const": const}), stmt.line),
                        f"The enum value '{text}' is added on line {source.line} and used here in "
                        'the same migration file: PostgreSQL rejects it ("unsafe use of new '
                        'value") because the file runs as one transaction, so the deploy fails.',
                        "Move the statements that use the new value into a later migration file.",
                    )
                    break
