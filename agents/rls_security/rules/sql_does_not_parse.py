"""SQL001: a SQL file of the PR that PostgreSQL's parser rejects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.changes import FileStatus
from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.sql.context import SqlRuleContext


class SqlDoesNotParse(RlsRule):
    """SQL that does not parse.

    ## What it does
    Flags a SQL file of the PR that PostgreSQL's own parser (libpg_query, through
    pglast) rejects, at the line where it stops.  A migration or declarative
    schema file is high; seed data, tests and other SQL are medium.  Every other
    SQL rule skips the file, so the review also says it is incomplete.  A file
    rebuilt from the diff's hunks alone (no repository) is not judged: the gaps
    between hunks, not the SQL, may be what fails to parse.

    ## Why is this bad?
    A migration that does not parse fails the deploy (`supabase db push`, the
    GitHub integration, preview branches) and blocks every migration after it.
    And nothing in the file was reviewed: an exposed table or an open policy in
    it would pass unseen.

    ## Example
    ```sql
    create table public.invoices (
      id bigint primary key,
      total numeric not null,,
    );
    ```

    ## Use instead
    ```sql
    create table public.invoices (
      id bigint primary key,
      total numeric not null
    );
    ```
    Run `supabase db reset` (or `supabase migration up`) locally before pushing.

    ## References
    - https://supabase.com/docs/guides/deployment/database-migrations
    - https://github.com/pganalyze/libpg_query
    """

    code: ClassVar[str] = "SQL001"
    name: ClassVar[str] = "sql-does-not-parse"
    severity: ClassVar[Severity] = Severity.HIGH
    severity_reason: ClassVar[str] = (
        "The migration fails to deploy and none of it was reviewed (medium for seed and test "
        "SQL, which only breaks local resets)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        error = ctx.parsed.error
        if error is None:
            return
        if not ctx.file.head_complete and ctx.file.status != FileStatus.ADDED:
            return  # only the hunks are known: the agent notes it instead
        schema_file = ctx.is_migration or ctx.analysis.is_schema_file(ctx.path)
        yield self.finding(
            ctx.path,
            error.line,
            f"PostgreSQL's parser stops at line {error.line} of {ctx.path}: {error.message}. "
            + ("The migration cannot deploy, and " if ctx.is_migration else "")
            + "the SQL rules did not review this file.",
            "Fix the syntax error (apply it locally with `supabase db reset` before pushing).",
            severity=Severity.HIGH if schema_file else Severity.MEDIUM,
        )
