"""What a schema_performance SQL rule sees: one migration file judged against the schema.

Every rule here answers the same question: "what does this statement cost on
the database as it stood *before* the PR?".  A table created earlier in the
same PR is empty, so locking rules leave it alone; a table from the base tree
is assumed to hold data.  ``PerfContext`` bundles the parsed file with the
catalogue before the PR (``before``) and after it (``after``), and answers the
few questions rules share (is this table new? is this statement part of the
change? which index leads with this column?).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from agents.changes import ChangedFile, Workspace
from agents.schema_performance.indexes import indexes_by_table
from agents.sql.analysis import SchemaAnalysis
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, Index, QualName
from agents.sql.parse import ParsedSql, Statement

T = TypeVar("T")


@dataclass(frozen=True)
class PerfContext:
    """One changed SQL file with the schema before and after the PR."""

    file: ChangedFile
    parsed: ParsedSql
    before: Catalog
    """The catalogue replayed from the base tree's migrations."""
    after: Catalog
    """The catalogue after every migration of the PR."""
    workspace: Workspace
    statements: tuple[Statement, ...]
    """The statements the PR added or edited (an untouched old statement is history)."""
    is_migration: bool
    """True when the CLI will run this file's statements on databases that hold data: a
    migration of its project that the base does not have yet.  Locking rules judge only
    those; an edit to an already-applied migration never runs where the data is (the
    history rule ``applied-migration-edited`` reports the edit itself)."""
    analysis: SchemaAnalysis
    """The file's project analysis (what kind of file it is, the PR's migrations)."""
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_sql(cls, sql: SqlRuleContext, workspace: Workspace) -> PerfContext:
        """Build from the shared SQL context of one file."""
        analysis = sql.analysis
        return cls(
            file=sql.file,
            parsed=sql.parsed,
            before=sql.before,
            after=sql.after,
            workspace=workspace,
            statements=tuple(sql.statements),
            is_migration=analysis.is_migration(sql.path) and not analysis.applied_in_base(sql.path),
            analysis=analysis,
        )

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per file: the facts several rules read (its columns, its
        ALTER TABLE commands).  One file's rules run in one thread, so no lock is needed;
        facts shared across files go through ``workspace.cached``."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    @property
    def pr_files(self) -> Iterable[ParsedSql]:
        """Every SQL file of this project the PR adds or changes (what the PR itself creates).

        A view, not a copy per file: a PR of a thousand migrations would copy it a
        million times."""
        return self.analysis.parsed.values()

    def after_indexes(self) -> dict[QualName, list[Index]]:
        """The after-PR indexes grouped by table (computed once per project and review)."""
        key = f"perf:after-indexes:{id(self.analysis)}"
        return self.workspace.cached(key, lambda: indexes_by_table(self.after))

    @property
    def path(self) -> str:
        return self.file.path

    def changed_statements(self) -> Iterator[Statement]:
        """Statements that the PR added or edited."""
        yield from self.statements

    def table_existed(self, table: QualName) -> bool:
        """True when ``table`` was in the schema before the PR, so it is assumed to hold rows."""
        return table in self.before.tables

    def line(self, location: int | None, default: int) -> int:
        """Head line of a pglast byte ``location`` (``default`` when absent)."""
        if location is None or location < 0:
            return default
        return self.parsed.line_for(location)

    def clause_line(self, stmt: Statement, pattern: str, nth: int = 0) -> int:
        """Line of the ``nth`` match of ``pattern`` (case-insensitive regex) inside ``stmt``.

        For clauses pglast gives no location (``SET NOT NULL``, ``TYPE``…); falls
        back to the statement's first line.
        """
        text = self.parsed.statement_text(stmt)
        matches = list(re.finditer(pattern, text, re.IGNORECASE))
        if len(matches) <= nth:
            return stmt.line
        prefix = text[: matches[nth].start()].encode("utf-8")
        return self.parsed.line_for(stmt.start + len(prefix))
