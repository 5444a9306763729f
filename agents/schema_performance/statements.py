"""The PR's statements as the facts schema_performance rules ask about.

pglast's JSON AST spreads one idea over several shapes (a column comes from
``CREATE TABLE`` or ``ALTER TABLE … ADD COLUMN``; a policy from ``CREATE`` or
``ALTER POLICY``).  These iterators flatten them once, for changed statements
only, so each rule reads as the question it asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from agents.schema_performance.context import PerfContext
from agents.sql.ast import qualname_of_rangevar, role_names, type_mods, type_name
from agents.sql.model import QualName
from agents.sql.parse import Statement

AstNode = dict[str, Any]


@dataclass(frozen=True)
class PolicyFacts:
    """A policy the PR creates or alters."""

    stmt: Statement
    name: str
    table: QualName
    command: str
    """``all``, ``select``, ``insert``, ``update`` or ``delete`` (``all`` for ALTER POLICY)."""
    roles: tuple[str, ...]
    permissive: bool
    using: AstNode | None
    with_check: AstNode | None
    header_line: int
    """The ``on <table>`` line: where a finding about the policy as a whole goes."""


def changed_policies(ctx: PerfContext) -> Iterator[PolicyFacts]:
    """Policies created or altered by the PR's statements in this file."""
    for stmt in ctx.changed_statements():
        if stmt.kind not in ("CreatePolicyStmt", "AlterPolicyStmt"):
            continue
        node = stmt.node
        table = qualname_of_rangevar(node.get("table"))
        command = str(node.get("cmd_name") or "all").lower()
        if stmt.kind == "AlterPolicyStmt":
            existing = ctx.after.policies.get((table, str(node.get("policy_name", ""))))
            command = existing.command if existing else "all"
        yield PolicyFacts(
            stmt=stmt,
            name=str(node.get("policy_name", "")),
            table=table,
            command=command,
            roles=role_names(node.get("roles")),
            permissive=bool(node.get("permissive", True)),
            using=node.get("qual"),
            with_check=node.get("with_check"),
            header_line=ctx.line((node.get("table") or {}).get("location"), stmt.line),
        )


@dataclass(frozen=True)
class ColumnFacts:
    """A column the PR defines, in ``CREATE TABLE`` or ``ALTER TABLE … ADD COLUMN``."""

    stmt: Statement
    table: QualName
    name: str
    node: AstNode
    """The ``ColumnDef`` fields."""
    line: int
    added_to_existing: bool
    """True for ``ADD COLUMN`` on a table that existed before the PR."""

    def constraints(self, contype: str) -> list[AstNode]:
        """The column's inline constraints of one kind (``CONSTR_NOTNULL``, ``CONSTR_DEFAULT``…)."""
        return list(self._by_contype.get(contype, ()))

    @cached_property
    def _by_contype(self) -> dict[str, list[AstNode]]:
        """The inline constraints grouped by kind, read once: a dozen rules ask."""
        out: dict[str, list[AstNode]] = {}
        for item in self.node.get("constraints") or []:
            con = item.get("Constraint") if isinstance(item, dict) else None
            if con:
                out.setdefault(str(con.get("contype")), []).append(con)
        return out

    def has(self, contype: str) -> bool:
        return bool(self.constraints(contype))

    @cached_property
    def type(self) -> tuple[str, tuple[int, ...], bool]:
        """``(normalised type name, modifiers, is_array)``: four type rules ask it of
        every new column, so it is read from the AST once."""
        tn = self.node.get("typeName") or {}
        name = type_name(tn)
        return name.removesuffix("[]"), type_mods(tn), name.endswith("[]")


def changed_columns(ctx: PerfContext) -> list[ColumnFacts]:
    """Columns defined by the PR's statements in this file (computed once per file)."""
    return ctx.memo("columns", lambda: list(_columns(ctx)))


def _columns(ctx: PerfContext) -> Iterator[ColumnFacts]:
    for stmt in ctx.changed_statements():
        if stmt.kind == "CreateStmt":
            table = qualname_of_rangevar(stmt.node.get("relation"))
            for elt in stmt.node.get("tableElts") or []:
                col = elt.get("ColumnDef") if isinstance(elt, dict) else None
                if col and col.get("colname"):
                    yield _column(ctx, stmt, table, col, existing=False)
        for table, cmd in _alter_cmds(stmt):
            if cmd.get("subtype") == "AT_AddColumn":
                col = (cmd.get("def") or {}).get("ColumnDef")
                before = ctx.before.tables.get(table)
                if (
                    cmd.get("missing_ok")
                    and before is not None
                    and col
                    and col.get("colname") in before.columns
                ):
                    continue  # ADD COLUMN IF NOT EXISTS of a column that exists: nothing happens
                if col and col.get("colname"):
                    yield _column(ctx, stmt, table, col, existing=ctx.table_existed(table))


def _column(
    ctx: PerfContext, stmt: Statement, table: QualName, col: AstNode, existing: bool
) -> ColumnFacts:
    return ColumnFacts(
        stmt=stmt,
        table=table,
        name=str(col["colname"]),
        node=col,
        line=ctx.line(col.get("location"), stmt.line),
        added_to_existing=existing,
    )


@dataclass(frozen=True)
class AlterFacts:
    """One ``ALTER TABLE`` sub-command of the PR."""

    stmt: Statement
    table: QualName
    cmd: AstNode
    """The ``AlterTableCmd`` fields."""
    index: int
    """Position of the sub-command in its statement (for locating clauses by text)."""

    @property
    def subtype(self) -> str:
        return str(self.cmd.get("subtype", ""))


def _alter_cmds(stmt: Statement) -> Iterator[tuple[QualName, AstNode]]:
    if stmt.kind != "AlterTableStmt" or stmt.node.get("objtype", "OBJECT_TABLE") != "OBJECT_TABLE":
        return
    table = qualname_of_rangevar(stmt.node.get("relation"))
    for item in stmt.node.get("cmds") or []:
        cmd = item.get("AlterTableCmd") if isinstance(item, dict) else None
        if cmd:
            yield table, cmd


def changed_alters(ctx: PerfContext) -> list[AlterFacts]:
    """``ALTER TABLE`` sub-commands of the PR's statements in this file (computed once per file)."""
    return ctx.memo("alters", lambda: list(_alters(ctx)))


def _alters(ctx: PerfContext) -> Iterator[AlterFacts]:
    for stmt in ctx.changed_statements():
        for i, (table, cmd) in enumerate(_alter_cmds(stmt)):
            yield AlterFacts(stmt=stmt, table=table, cmd=cmd, index=i)
