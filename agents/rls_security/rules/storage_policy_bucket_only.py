"""RLS020: a ``storage.objects`` policy that checks only the bucket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import policy_for_statement, policy_reaches_api
from agents.rls_security.rules._base import RlsRule
from agents.rls_security.rules.public_bucket import PUBLIC_ASSETS
from agents.rls_security.rules.role_only_guard import is_role_check
from agents.sql.ast import (
    column_names,
    conjuncts,
    func_calls,
    references_identity,
    string_constants,
)
from agents.sql.context import SqlRuleContext

_STORAGE_OBJECTS = ("storage", "objects")
_SCOPING_COLUMNS = frozenset({"owner", "owner_id", "name"})


def scoped(expr: Any) -> bool:
    """True when the condition looks at the caller, the owner, the path, or calls a helper.

    A bare "signed in" test (``auth.role() = 'authenticated'``, ``auth.uid() is not
    null``) AND-ed to the bucket check does not scope anything."""
    parts = [p for p in conjuncts(expr) if not is_role_check(p)]
    if any(references_identity(p) or column_names(p) & _SCOPING_COLUMNS for p in parts):
        return True
    return any(not name.startswith("pg_catalog") for p in parts for name, _ in func_calls(p))


class StoragePolicyBucketOnly(RlsRule):
    """Storage policy that checks the bucket but not the owner or folder.

    ## What it does
    Flags a ``storage.objects`` policy for API roles whose condition mentions
    ``bucket_id`` but not the caller (``auth.uid()``), the ``owner`` or the
    object path (``storage.foldername(name)``).  SELECT and INSERT policies on
    public buckets or buckets named as public assets (avatars, images…) are
    left alone; UPDATE and DELETE there are not (anyone could replace or
    remove other users' files).

    ## Why is this bad?
    Every user can read, overwrite or delete every other user's files in that
    bucket.

    ## Example
    ```sql
    create policy "upload docs" on storage.objects for insert to authenticated
      with check (bucket_id = 'documents');
    ```

    ## Use instead
    ```sql
    create policy "upload own docs" on storage.objects for insert to authenticated
      with check (bucket_id = 'documents'
                  and (storage.foldername(name))[1] = (select auth.uid())::text);
    ```

    ## References
    - https://supabase.com/docs/guides/storage/security/access-control
    """

    code: ClassVar[str] = "RLS020"
    name: ClassVar[str] = "storage-policy-bucket-only"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterPolicyStmt", "CreatePolicyStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Any signed-in user reaches every user's files in the bucket (critical when the "
        "policy lets them overwrite or delete them)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("CreatePolicyStmt", "AlterPolicyStmt"):
            policy = policy_for_statement(ctx, stmt)
            if policy is None or policy.table != _STORAGE_OBJECTS:
                continue
            if not policy.permissive or not policy_reaches_api(policy):
                continue
            for expr in (stmt.node.get("qual"), stmt.node.get("with_check")):
                if expr is None or "bucket_id" not in column_names(expr) or scoped(expr):
                    continue
                buckets = [t for t, _ in string_constants(expr)]
                public_content = any(
                    PUBLIC_ASSETS.search(b)
                    or (b in ctx.after.buckets and ctx.after.buckets[b].public)
                    for b in buckets
                )
                if public_content and policy.command in ("select", "insert"):
                    continue  # reading or adding files of a public-asset bucket is the intent
                writes = policy.command in ("update", "delete", "all")
                yield self.finding(
                    ctx.path,
                    ctx.line_of(expr, stmt),
                    f'Storage policy "{policy.name}" ({policy.command}) checks only the bucket: '
                    "every user reaches every other user's files in it"
                    + (" and can overwrite or delete them." if writes else "."),
                    "Also require the owner or folder, e.g. "
                    "`(storage.foldername(name))[1] = (select auth.uid())::text`.",
                    severity=Severity.CRITICAL if writes else None,
                )
                break
