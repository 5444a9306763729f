"""RLS012: a view in an exposed schema that bypasses the RLS of its tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import publicly_readable, reach
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname, qualname_of_rangevar
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, QualName

AUTH_USERS: QualName = ("auth", "users")


def rls_sources(cat: Catalog, sources: frozenset[QualName], depth: int = 0) -> list[QualName]:
    """RLS-protected tables a view reads, following views it reads (3 levels)."""
    out: list[QualName] = []
    for src in sorted(sources):
        table = cat.tables.get(src)
        if (
            table is not None
            and table.rls_enabled
            and src[0] != "storage"
            and not publicly_readable(cat, src)
        ):
            out.append(src)
        view = cat.views.get(src)
        if view is not None and depth < 3 and not view.security_invoker:
            out += rls_sources(cat, view.source_tables, depth + 1)
    return out


class SecurityDefinerView(RlsRule):
    """View that runs with its owner's rights and bypasses RLS.

    ## What it does
    Flags a ``CREATE VIEW`` in an exposed schema, selectable by ``anon`` or
    ``authenticated``, without ``security_invoker = true``, over tables that
    have RLS enabled (splinter ``security_definer_view``).

    ## Why is this bad?
    Views run as their owner (``postgres``, which bypasses RLS) unless
    ``security_invoker`` is set: the view returns every tenant's rows to any
    caller, whatever the underlying policies say.

    ## Example
    ```sql
    create view public.project_overview as
      select p.id, p.name, count(t.id) from public.projects p
      left join public.tasks t on t.project_id = p.id group by p.id;
    ```

    ## Use instead
    ```sql
    create view public.project_overview with (security_invoker = true) as
      select p.id, p.name, count(t.id) from public.projects p
      left join public.tasks t on t.project_id = p.id group by p.id;
    ```

    ## References
    - https://supabase.com/docs/guides/database/database-advisors?lint=0010_security_definer_view
    - https://www.postgresql.org/docs/current/sql-createview.html
    """

    code: ClassVar[str] = "RLS012"
    name: ClassVar[str] = "security-definer-view"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"ViewStmt"})
    severity_reason: ClassVar[str] = (
        "Rows that RLS hides are served to every API caller through the view."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("ViewStmt"):
            name = qualname_of_rangevar(stmt.node.get("view"))
            view = ctx.after.views.get(name)
            if view is None or view.materialized or view.security_invoker:
                continue
            if not ctx.after.is_exposed(name[0]) or AUTH_USERS in view.source_tables:
                continue  # auth.users exposure is RLS013
            protected = rls_sources(ctx.after, view.source_tables)
            if not protected:
                continue
            exposure = reach(ctx.after, name, ("SELECT",))
            head = (
                f"View `{format_qualname(name)}` runs with its owner's rights, bypassing the RLS "
                f"of {', '.join(f'`{format_qualname(t)}`' for t in protected[:3])}"
            )
            fix = (
                "Create it `with (security_invoker = true)` so the caller's policies apply "
                "(or revoke select from anon, authenticated)."
            )
            if not exposure.reachable:
                yield self.finding(
                    ctx.path,
                    stmt.line,
                    f"{head}. No grant lets anon or authenticated select it yet (views created "
                    "since 2026-10-30 are not granted by default): fix it before anyone does.",
                    fix,
                    severity=Severity.MEDIUM,
                )
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"{head}: {exposure.who} see every row{exposure.because()}.",
                fix,
            )
