"""``SqlRuleContext``: what every SQL rule (rls_security and schema_performance) receives.

One context per changed SQL file: the file, its parse, the
:class:`~agents.sql.analysis.SchemaAnalysis` of its Supabase project, the
statements the PR added or changed in it, and the catalogues before and after
the PR.  Rules iterate ``ctx.statements`` (never the whole file, so history is not re-flagged) and
judge each in the light of ``ctx.after`` / ``ctx.before``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.sql.analysis import SchemaAnalysis, SqlAnalyses, analyse
from agents.sql.ast import qualname_of_rangevar
from agents.sql.model import Catalog, Policy, QualName, Table
from agents.sql.parse import ParsedSql, Statement


@dataclass
class SqlRuleContext:
    """One changed SQL file as the SQL rules see it."""

    file: ChangedFile
    parsed: ParsedSql
    analysis: SchemaAnalysis
    statements: list[Statement] = field(default_factory=list)
    """The statements of this file the PR added or changed, in file order."""
    settings: dict[str, Any] = field(default_factory=dict)
    """The specialist's settings from the frozen config."""
    workspace: Workspace | None = None
    """The whole review's workspace, for the few rules that look beyond SQL (who queries
    a table in the application code); None where a context is built without one."""

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def before(self) -> Catalog:
        """The catalogue before the PR (base migrations replayed)."""
        return self.analysis.before

    @property
    def after(self) -> Catalog:
        """The catalogue after the PR (its migrations replayed on top)."""
        return self.analysis.after

    @property
    def is_migration(self) -> bool:
        """True when the Supabase CLI applies this file as a migration of its project."""
        return self.analysis.is_migration(self.file.path)

    @property
    def applied_in_base(self) -> bool:
        """True for a migration the base already has (the PR edits history)."""
        return self.analysis.applied_in_base(self.file.path)

    # -- lines ------------------------------------------------------------------

    def line_of(self, node: Any, stmt: Statement) -> int:
        """Line of the first location inside ``node``; the statement's line when none."""
        return self.parsed.line_of_node(node, stmt.line)

    def line_at(self, byte_offset: int) -> int:
        """Line of a pglast location (byte offset in this file)."""
        return self.parsed.line_for(byte_offset)

    def find_line(self, stmt: Statement, needle: str, start_line: int | None = None) -> int | None:
        """First line of ``stmt`` (from ``start_line``) whose text contains ``needle``
        (case-insensitive); None when absent.  For clauses pglast gives no location
        (``security definer``, ``with (security_invoker…)``)."""
        lines = self.parsed.text.splitlines()
        first = max(start_line or stmt.line, 1)
        low = needle.lower()
        for n in range(first, min(stmt.end_line, len(lines)) + 1):
            if low in lines[n - 1].lower():
                return n
        return None

    def touched(self, line: int, end_line: int | None = None) -> bool:
        """True when the PR added or changed a line in [line, end_line]."""
        return self.file.touches(line, end_line)

    # -- statements -------------------------------------------------------------

    def statements_of(self, *kinds: str) -> Iterator[Statement]:
        """Changed statements of the given node kinds (``CreatePolicyStmt``…)."""
        for stmt in self.statements:
            if stmt.kind in kinds:
                yield stmt

    def existed_before_statement(self, kind: str, name: QualName, stmt: Statement) -> bool:
        """Did the object exist just before ``stmt`` ran (base or an earlier PR statement)?"""
        return self.analysis.existed_before_statement(kind, name, self.path, stmt)

    def state_before(self, stmt: Statement) -> Catalog:
        """The whole catalogue just before ``stmt`` (costly; cached)."""
        return self.analysis.state_before(self.path, stmt)

    # -- objects ------------------------------------------------------------------

    def table_after(self, rangevar: dict[str, Any] | QualName | None) -> Table | None:
        """The table (after the PR) a RangeVar or qualified name refers to."""
        name = rangevar if isinstance(rangevar, tuple) else qualname_of_rangevar(rangevar)
        return self.after.tables.get(name)

    def policy_after(self, table: QualName, name: str) -> Policy | None:
        """The policy as it stands after the PR (None when dropped later in the PR)."""
        return self.after.policies.get((table, name))


def contexts_for(
    workspace: Workspace, settings: dict[str, Any] | None = None
) -> list[SqlRuleContext]:
    """One context per changed SQL file that parsed (the analysis is shared and cached),
    then one per migration the PR deletes (see :func:`deleted_migration_context`)."""
    out: list[SqlRuleContext] = []
    analyses = analyse(workspace)
    for analysis in analyses.analyses:
        for path, parsed in analysis.parsed.items():
            out.append(
                SqlRuleContext(
                    file=analysis.files[path],
                    parsed=parsed,
                    analysis=analysis,
                    statements=analysis.changed_statements(path),
                    settings=dict(settings or {}),
                    workspace=workspace,
                )
            )
    for file in workspace.files:
        if file.status == FileStatus.DELETED:
            ctx = deleted_migration_context(file, analyses, settings)
            if ctx is not None:
                out.append(ctx)
    return out


def deleted_migration_context(
    file: ChangedFile, analyses: SqlAnalyses, settings: dict[str, Any] | None = None
) -> SqlRuleContext | None:
    """A context for a base migration the PR deletes: no text, no statements, its
    project's analysis.  Only history rules have something to say about it."""
    owner = next(
        (
            a
            for a in analyses.analyses
            if any(r.path == file.path and r.renamed_to is None for r in a.removed_migrations)
        ),
        None,
    )
    if owner is None:
        return None
    return SqlRuleContext(
        file=file,
        parsed=ParsedSql(path=file.path, text=""),
        analysis=owner,
        settings=dict(settings or {}),
    )
