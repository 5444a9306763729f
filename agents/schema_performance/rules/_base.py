"""The base class of schema_performance SQL rules (fixes the specialist and the context type),
and the statement kinds the shared fact iterators of ``statements.py`` read."""

from __future__ import annotations

from typing import ClassVar

from agents.findings import Specialist
from agents.rules import Rule
from agents.schema_performance.context import PerfContext


class PerfRule(Rule[PerfContext]):
    """A schema_performance rule over one SQL file."""

    specialist: ClassVar[Specialist] = "schema_performance"


POLICY_STATEMENTS: frozenset[str] = frozenset({"CreatePolicyStmt", "AlterPolicyStmt"})
"""The statements ``changed_policies`` reads: rules about the PR's policies need one."""
COLUMN_STATEMENTS: frozenset[str] = frozenset({"CreateStmt", "AlterTableStmt.AT_AddColumn"})
"""The statements ``changed_columns`` reads: every column the PR defines."""
