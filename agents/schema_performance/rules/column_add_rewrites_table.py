"""MIG006: adding a column whose value must be computed per row rewrites a populated table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import ColumnFacts, changed_columns
from agents.sql.ast import format_qualname, func_calls, type_name

VOLATILE_FUNCTIONS = frozenset(
    {
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "extensions.uuid_generate_v1",
        "extensions.uuid_generate_v1mc",
        "extensions.uuid_generate_v4",
        "uuidv4",
        "uuidv7",
        "random",
        "clock_timestamp",
        "timeofday",
        "nextval",
        "txid_current",
        "gen_random_bytes",
        "extensions.gen_random_bytes",
    }
)
"""Built-in volatile functions commonly used as defaults (``now()`` is stable: metadata-only)."""

SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})


class ColumnAddRewritesTable(PerfRule):
    """Flags `ADD COLUMN` on an existing table whose value must be computed for every row.

    ## What it does
    Reports a column added to a table that existed before the PR when its
    value has to be computed for each existing row: a volatile default
    (`gen_random_uuid()`, `clock_timestamp()`, `random()`, a sequence), a
    `GENERATED ALWAYS AS (…) STORED` expression, a `serial` type or an
    identity column. Constant and stable defaults (`now()`, `'pending'`) are
    metadata-only since PostgreSQL 11 and are not reported.

    ## Why is this bad?
    PostgreSQL rewrites the whole table (and rebuilds its indexes) under an
    ACCESS EXCLUSIVE lock: every read and write waits for the rewrite, minutes
    on a large table.

    ## Example
    ```sql
    alter table public.orders add column public_id uuid not null default gen_random_uuid();
    ```

    ## Use instead
    ```sql
    alter table public.orders add column public_id uuid;             -- metadata only
    alter table public.orders alter column public_id set default gen_random_uuid();
    -- backfill existing rows in batches, then add NOT NULL via a validated CHECK
    ```

    ## References
    - PostgreSQL: ALTER TABLE, Notes (a volatile DEFAULT requires a rewrite)
    - squawk: adding-field-with-default, adding-serial-primary-key-field
    """

    code: ClassVar[str] = "MIG006"
    name: ClassVar[str] = "column-add-rewrites-table"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"AlterTableStmt.AT_AddColumn"})
    severity_reason: ClassVar[str] = (
        "A full table rewrite under ACCESS EXCLUSIVE stops reads and writes."
    )

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        for col in changed_columns(ctx):
            if not col.added_to_existing:
                continue
            reason = self._rewrite_reason(ctx, col)
            if reason is None:
                continue
            yield self.finding(
                ctx.path,
                col.line,
                f"Adding `{col.name}` to `{format_qualname(col.table)}` {reason}, so PostgreSQL "
                "rewrites the "
                "whole table under an ACCESS EXCLUSIVE lock: reads and writes wait until it "
                "finishes.",
                "Add the column without the default (nullable), set the default afterwards "
                "(`alter column … set default …` only affects new rows), backfill existing rows "
                "in batches, "
                "then enforce NOT NULL through a `check (… is not null) not valid` + `validate "
                "constraint`.",
            )

    def _rewrite_reason(self, ctx: PerfContext, col: ColumnFacts) -> str | None:
        tname = type_name(col.node.get("typeName"))
        if tname in SERIAL_TYPES:
            return f"as `{tname}` fills every existing row from a sequence"
        if col.has("CONSTR_IDENTITY"):
            return "as an identity column fills every existing row from a sequence"
        if any(c.get("generated_kind", "s") == "s" for c in col.constraints("CONSTR_GENERATED")):
            return "as a STORED generated column computes a value for every existing row"
        for default in col.constraints("CONSTR_DEFAULT"):
            for name, _ in func_calls(default.get("raw_expr")):
                if name in VOLATILE_FUNCTIONS or self._user_volatile(ctx, name):
                    return f"with the volatile default `{name}()` fills every existing row"
        return None

    @staticmethod
    def _user_volatile(ctx: PerfContext, name: str) -> bool:
        parts = name.split(".")
        qual = (parts[0], parts[1]) if len(parts) == 2 else ("public", parts[0])
        fn = ctx.after.functions.get(qual)
        return fn is not None and fn.volatility == "volatile"
