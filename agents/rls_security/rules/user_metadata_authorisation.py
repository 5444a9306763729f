"""RLS010: authorisation based on ``user_metadata`` / ``raw_user_meta_data``."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import function_for_statement, policy_for_statement
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import (
    called_functions,
    column_refs,
    qualname_of_names,
    string_constants,
    strings,
    walk,
)
from agents.sql.body import body_sql
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, Function, QualName

_META = ("user_metadata", "raw_user_meta_data")
_COMPARISONS = frozenset({"=", "<>", "!=", "~~", "~~*", "?", "@>"})
_META_PATH = re.compile(r'^\{\s*"?(user_metadata|raw_user_meta_data)"?\s*[,}]')
"""A ``#>``/``#>>`` path literal starting at the metadata: ``'{user_metadata,role}'``."""
_PREDICATE_NAME = re.compile(r"^(is|has|can|check)_")
_BOOLEAN = frozenset({"boolean", "bool", "pg_catalog.bool", "pg_catalog.boolean"})


def metadata_node(expr: Any) -> dict[str, Any] | None:
    """The first node of ``expr`` that reads user-editable metadata."""
    for text, fields in string_constants(expr):
        if text in _META or _META_PATH.match(text):
            return fields
    for parts, fields in column_refs(expr):
        if any(p in _META for p in parts):
            return fields
    return None


def compared_metadata(expr: Any) -> dict[str, Any] | None:
    """A comparison (``=``, ``IN``, ``<>``…) with a metadata read on one side."""
    for kind, fields in walk(expr):
        if kind != "A_Expr":
            continue
        op = strings(fields.get("name"))
        comparison = (op and op[0] in _COMPARISONS) or fields.get("kind") in (
            "AEXPR_IN",
            "AEXPR_LIKE",
            "AEXPR_ILIKE",
        )
        if comparison:
            for side in (fields.get("lexpr"), fields.get("rexpr")):
                found = metadata_node(side)
                if found is not None:
                    return found
    return None


def policy_helpers(cat: Catalog) -> set[QualName]:
    """Functions that some policy (as it stands after the PR) calls."""
    out: set[QualName] = set()
    for policy in cat.policies.values():
        for expr in (policy.using, policy.with_check):
            if expr is not None:
                out |= {qualname_of_names(n.split(".")) for n in called_functions(expr)}
    return out


def decides_from_metadata(fn: Function, helpers: Callable[[], set[QualName]]) -> bool:
    """True when ``fn`` turns user-editable metadata into an authorisation answer: it
    compares a metadata value, or it reads one and is a policy's helper or a yes/no
    permission check (``is_admin()``, ``has_role()``).  Trigger functions copying
    metadata into a profile row are not decisions."""
    body = body_sql(fn)
    if body is None or fn.returns in ("trigger", "event_trigger"):
        return False
    if any(compared_metadata(item.node) is not None for item in body.statements):
        return True
    if not any(metadata_node(item.node) is not None for item in body.statements):
        return False
    predicate = (fn.returns or "").lower() in _BOOLEAN and bool(_PREDICATE_NAME.match(fn.name))
    return predicate or fn.qualname in helpers()


class UserMetadataAuthorisation(RlsRule):
    """Authorisation decided by ``user_metadata``, which users can edit.

    ## What it does
    Flags a policy whose USING/WITH CHECK reads ``auth.jwt() -> 'user_metadata'``
    or ``auth.users.raw_user_meta_data``, and a function whose body compares
    such a value (``… ->> 'role' = 'admin'``) or that reads one and is called by
    a policy or is a yes/no permission check (``is_admin()`` returning boolean)
    (splinter ``rls_references_user_metadata``).  Copying metadata into a
    profile row (the usual ``handle_new_user`` trigger) is not flagged.

    ## Why is this bad?
    Every signed-in user can set their own ``user_metadata`` with
    ``supabase.auth.updateUser({ data: { role: 'admin' } })``.  Anything it
    authorises, anyone can get.

    ## Example
    ```sql
    create policy "support reads all" on public.tickets for select to authenticated
      using ((select auth.jwt()) -> 'user_metadata' ->> 'role' = 'support');
    ```

    ## Use instead
    ```sql
    create policy "support reads all" on public.tickets for select to authenticated
      using ((select auth.jwt()) -> 'app_metadata' ->> 'role' = 'support');
    ```

    ## References
    - https://supabase.com/docs/guides/database/database-advisors?lint=0015_rls_references_user_metadata
    - https://supabase.com/docs/guides/auth/managing-user-data#accessing-user-metadata
    """

    code: ClassVar[str] = "RLS010"
    name: ClassVar[str] = "user-metadata-authorisation"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreateFunctionStmt", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = "Any user can grant themselves the role the metadata encodes."

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None:
                continue
            for label, expr in (
                ("USING", stmt.node.get("qual")),
                ("WITH CHECK", stmt.node.get("with_check")),
            ):
                node = metadata_node(expr)
                if node is None:
                    continue
                yield self.finding(
                    ctx.path,
                    ctx.line_of(node, stmt),
                    f'Policy "{policy.name}" authorises on user_metadata in its {label}; users '
                    "can set that themselves with auth.updateUser().",
                    "Use `app_metadata` (only the service role can change it) or a roles table "
                    "maintained server-side.",
                )
        # Which functions policies call is a whole-catalogue scan: do it only when a
        # function here reads metadata at all (rare), once per file.
        helpers = functools.cache(lambda: policy_helpers(ctx.after))
        for stmt in ctx.statements_of("CreateFunctionStmt"):
            fn = function_for_statement(ctx, stmt)
            if fn is None or not decides_from_metadata(fn, helpers):
                continue
            yield self.finding(
                ctx.path,
                stmt.line,
                f"`{fn.schema}.{fn.name}` makes a decision from user_metadata, which "
                "users can set themselves.",
                "Read roles from `app_metadata` or a server-maintained table instead.",
            )
