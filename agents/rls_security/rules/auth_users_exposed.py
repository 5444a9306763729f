"""RLS013: ``auth.users`` exposed through a view or materialized view."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import reach
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import column_refs, format_qualname, qualname_of_rangevar
from agents.sql.context import SqlRuleContext
from agents.sql.model import QualName
from agents.sql.parse import Statement

AUTH_USERS: QualName = ("auth", "users")

_PRIVATE_AUTH_COLUMNS = frozenset(
    {
        "email",
        "phone",
        "raw_user_meta_data",
        "raw_app_meta_data",
        "encrypted_password",
        "last_sign_in_at",
        "email_confirmed_at",
        "phone_confirmed_at",
        "confirmation_token",
        "recovery_token",
        "identities",
    }
)
"""auth.users columns holding contact details, metadata or secrets."""


def reads_private_auth_columns(query: object) -> bool:
    """True when a view query selects ``*`` or a private auth.users column (e-mail,
    phone, metadata, sign-in data)."""
    return any(
        parts and (parts[-1] == "*" or parts[-1] in _PRIVATE_AUTH_COLUMNS)
        for parts, _ in column_refs(query)
    )


def view_name(stmt: Statement) -> QualName | None:
    """Name of the view or materialized view a statement creates."""
    if stmt.kind == "ViewStmt":
        return qualname_of_rangevar(stmt.node.get("view"))
    if stmt.kind == "CreateTableAsStmt" and stmt.node.get("objtype") == "OBJECT_MATVIEW":
        return qualname_of_rangevar((stmt.node.get("into") or {}).get("rel"))
    return None


class AuthUsersExposed(RlsRule):
    """``auth.users`` readable through the API.

    ## What it does
    Flags a view (without ``security_invoker``) or materialized view in an
    exposed schema, selectable by ``anon`` or ``authenticated``, that reads
    ``auth.users`` (splinter ``auth_users_exposed``).

    ## Why is this bad?
    ``auth.users`` holds every user's e-mail, phone, metadata and sign-in
    history.  A definer view or a materialized view serves it to anyone with
    the API key.

    ## Example
    ```sql
    create view public.members as select id, email from auth.users;
    ```

    ## Use instead
    ```sql
    -- keep a public.profiles table (filled by a trigger) with only what others may see,
    -- protected by RLS
    ```

    ## References
    - https://supabase.com/docs/guides/database/database-advisors?lint=0002_auth_users_exposed
    """

    code: ClassVar[str] = "RLS013"
    name: ClassVar[str] = "auth-users-exposed"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"CreateTableAsStmt", "ViewStmt"})
    severity_reason: ClassVar[str] = (
        "Every user's account data is served to API callers (critical when it includes "
        "e-mails, phone numbers, metadata or sign-in data)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("ViewStmt", "CreateTableAsStmt"):
            name = view_name(stmt)
            view = ctx.after.views.get(name) if name is not None else None
            if name is None or view is None or AUTH_USERS not in view.source_tables:
                continue
            if not view.materialized and view.security_invoker:
                continue
            if not ctx.after.is_exposed(name[0]):
                continue
            exposure = reach(ctx.after, name, ("SELECT",))
            kind = "Materialized view" if view.materialized else "View"
            private = reads_private_auth_columns(view.query)
            fix = (
                "Expose a public.profiles table with only the fields others may see, protected "
                "by RLS, or move the view to an unexposed schema and revoke select."
            )
            if not exposure.reachable:
                yield self.finding(
                    ctx.path,
                    stmt.line,
                    f"{kind} `{format_qualname(name)}` reads auth.users in an exposed schema. "
                    "No grant lets anon or authenticated select it yet (views created since "
                    "2026-10-30 are not granted by default): fix it before anyone does.",
                    fix,
                    severity=Severity.MEDIUM,
                )
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"{kind} `{format_qualname(name)}` reads auth.users and is selectable by "
                f"{exposure.who}{exposure.because()}: every user's account data is exposed.",
                fix,
                severity=Severity.CRITICAL if private else Severity.HIGH,
            )
