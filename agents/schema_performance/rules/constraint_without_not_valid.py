"""MIG004: a FOREIGN KEY or CHECK constraint added to a populated table without ``NOT VALID``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules._base import PerfRule
from agents.schema_performance.statements import changed_alters
from agents.sql.ast import format_qualname, strings


class ConstraintWithoutNotValid(PerfRule):
    """Flags a FOREIGN KEY / CHECK added to an existing table and validated in the same transaction.

    ## What it does
    Reports `ALTER TABLE … ADD CONSTRAINT` of a foreign key or CHECK constraint
    on a table that existed before the PR when the constraint is not added
    `NOT VALID`, or when it is added `NOT VALID` and validated in the same
    migration file (which runs as one transaction, so nothing is gained).
    `ADD COLUMN … REFERENCES` is not reported: PostgreSQL does not scan to
    validate a foreign key on a column added in the same statement (measured:
    under 1 ms on 3M rows).
    `ALTER DOMAIN … ADD CONSTRAINT` on a domain the PR did not create is
    reported the same way.

    ## Why is this bad?
    Adding a validated constraint scans the whole table while holding a lock
    that blocks writes (SHARE ROW EXCLUSIVE for a foreign key, also on the
    referenced table; ACCESS EXCLUSIVE for a CHECK). `NOT VALID` makes the
    addition instant; a later `VALIDATE CONSTRAINT` scans under a lock that
    lets reads and writes continue.

    ## Example
    ```sql
    alter table public.orders
      add constraint orders_coupon_fk foreign key (coupon_id) references public.coupons (id);
    ```

    ## Use instead
    ```sql
    alter table public.orders
      add constraint orders_coupon_fk foreign key (coupon_id)
      references public.coupons (id) not valid;
    -- next migration file
    alter table public.orders validate constraint orders_coupon_fk;
    ```

    ## References
    - PostgreSQL: ALTER TABLE, ADD table_constraint … NOT VALID
    - squawk: adding-foreign-key-constraint, constraint-missing-not-valid,
      ban-alter-domain-with-add-constraint (ban-create-domain-with-constraint does not
      apply: a domain created in the PR has no data to check)
    """

    code: ClassVar[str] = "MIG004"
    name: ClassVar[str] = "constraint-without-not-valid"
    severity: ClassVar[Severity] = Severity.MEDIUM
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterTableStmt.AT_AddConstraint", "AlterDomainStmt"}
    )
    severity_reason: ClassVar[str] = "Scans a populated table while blocking its writes."

    def check(self, ctx: PerfContext) -> Iterator[Finding]:
        if not ctx.is_migration:
            return
        validated_here = {
            (a.table, str(a.cmd.get("name", "")))
            for a in changed_alters(ctx)
            if a.subtype == "AT_ValidateConstraint"
        }
        for alter in changed_alters(ctx):
            if alter.subtype != "AT_AddConstraint" or not ctx.table_existed(alter.table):
                continue
            con = (alter.cmd.get("def") or {}).get("Constraint") or {}
            contype = con.get("contype")
            if contype not in ("CONSTR_FOREIGN", "CONSTR_CHECK"):
                continue
            kind = "foreign key" if contype == "CONSTR_FOREIGN" else "CHECK constraint"
            line = ctx.line(con.get("location"), alter.stmt.line)
            table = format_qualname(alter.table)
            if not con.get("skip_validation"):
                yield self.finding(
                    ctx.path,
                    line,
                    f"Adding this {kind} to `{table}`, which already holds data, scans every row "
                    "while "
                    "blocking writes to it.",
                    "Add it `NOT VALID` (instant), then run `alter table … validate constraint "
                    "…` in a later "
                    "migration file; validation does not block reads or writes.",
                )
            elif (alter.table, str(con.get("conname", ""))) in validated_here:
                yield self.finding(
                    ctx.path,
                    line,
                    f"This {kind} on `{table}` is added NOT VALID but validated in the same "
                    "migration file: "
                    "the file is one transaction, so the write-blocking lock is held during the "
                    "validation scan.",
                    "Move `validate constraint` into a later migration file.",
                )
        yield from self._domains(ctx)

    def _domains(self, ctx: PerfContext) -> Iterator[Finding]:
        """``ALTER DOMAIN … ADD CONSTRAINT`` re-checks every column of that domain."""
        alters = [
            s
            for s in ctx.changed_statements()
            if s.kind == "AlterDomainStmt" and s.node.get("subtype") == "C"
        ]
        if not alters:
            return
        created = {
            tuple(strings(s.node.get("domainname")))
            for parsed in ctx.pr_files
            for s in parsed.statements
            if s.kind == "CreateDomainStmt"
        }
        for stmt in alters:
            con = (stmt.node.get("def") or {}).get("Constraint") or {}
            name = tuple(strings(stmt.node.get("typeName")))
            if con.get("skip_validation") or name in created:
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"Adding a constraint to the existing domain `{'.'.join(name)}` checks every "
                "column of that "
                "type in every table while holding locks that block their writes.",
                "Add it `NOT VALID`, then `alter domain … validate constraint …` in a later "
                "migration.",
            )
