"""RLS022: an extension installed into the ``public`` schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.sql.context import SqlRuleContext


class ExtensionInPublic(RlsRule):
    """Extension installed in ``public``.

    ## What it does
    Flags ``CREATE EXTENSION`` in the PR that installs (or leaves) the
    extension in ``public`` (splinter ``extension_in_public``).  Extensions
    Supabase already installed in ``extensions`` with ``IF NOT EXISTS`` are
    no-ops and not flagged.

    ## Why is this bad?
    The extension's functions and tables become part of the exposed API
    schema, callable over RPC, and clutter generated types.

    ## Example
    ```sql
    create extension pg_trgm;
    ```

    ## Use instead
    ```sql
    create extension if not exists pg_trgm with schema extensions;
    ```

    ## References
    - https://supabase.com/docs/guides/database/database-advisors?lint=0014_extension_in_public
    """

    code: ClassVar[str] = "RLS022"
    name: ClassVar[str] = "extension-in-public"
    severity: ClassVar[Severity] = Severity.LOW
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreateExtensionStmt"})
    severity_reason: ClassVar[str] = (
        "Hygiene: widens the API surface; rarely exploitable by itself."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreateExtensionStmt"):
            name = str(stmt.node.get("extname", ""))
            if name == "plpgsql" or ctx.after.extensions.get(name) != "public":
                continue
            if stmt.node.get("if_not_exists") and ctx.before.extensions.get(name) == "public":
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"Extension `{name}` is installed into the exposed `public` schema.",
                f"Use `create extension if not exists {name} with schema extensions;`.",
            )
