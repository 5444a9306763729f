"""RLS019: the PR creates a public storage bucket for non-public content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import const_value, qualname_of_rangevar, walk
from agents.sql.context import SqlRuleContext

PUBLIC_ASSETS = re.compile(
    r"avatar|public|asset|image|img|logo|banner|thumbnail|thumb|media|static|cover|icon|"
    r"photo|picture|og|marketing|website|emoji|sticker",
    re.I,
)
"""Bucket names whose content is meant to be public (profile pictures, site assets)."""


class PublicBucket(RlsRule):
    """Storage bucket made public.

    ## What it does
    Flags ``INSERT INTO storage.buckets … public = true`` (or ``UPDATE
    storage.buckets SET public = true``) for a bucket whose name does not say
    it holds public assets (avatars, images, logos…).

    ## Why is this bad?
    Files in a public bucket are served to anyone who knows or guesses the
    URL, with no policy check: invoices, documents and exports leak.

    ## Example
    ```sql
    insert into storage.buckets (id, name, public) values ('invoices', 'invoices', true);
    ```

    ## Use instead
    ```sql
    insert into storage.buckets (id, name, public) values ('invoices', 'invoices', false);
    -- and serve files with signed URLs after a policy check
    ```

    ## References
    - https://supabase.com/docs/guides/storage/buckets/fundamentals#public-buckets
    """

    code: ClassVar[str] = "RLS019"
    name: ClassVar[str] = "public-bucket"
    severity: ClassVar[Severity] = Severity.HIGH
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset({"InsertStmt", "UpdateStmt"})
    severity_reason: ClassVar[str] = "Every file in the bucket is readable by anyone with its URL."

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt in ctx.statements_of("InsertStmt", "UpdateStmt"):
            if qualname_of_rangevar(stmt.node.get("relation")) != ("storage", "buckets"):
                continue
            for bucket in ctx.after.buckets.values():
                if not bucket.public or bucket.origin is None or bucket.origin.path != ctx.path:
                    continue
                if not (stmt.line <= bucket.origin.line <= stmt.end_line):
                    continue
                if PUBLIC_ASSETS.search(bucket.id):
                    continue
                line = bucket.origin.line
                for kind, fields in walk(stmt.node):
                    if kind == "A_Const" and const_value(fields) is True:
                        line = ctx.parsed.line_for(int(fields.get("location", 0)))
                        break
                yield self.finding(
                    ctx.path,
                    line,
                    f"Bucket `{bucket.id}` is public: its files are served to anyone with the URL, "
                    "without any policy check.",
                    "Make the bucket private and hand out signed URLs after checking the caller.",
                )
