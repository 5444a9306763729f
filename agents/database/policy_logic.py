"""What the applied policies say about the caller, read from their parse trees.

The seeder needs to know which columns hold the caller's identity (so that
each world's rows carry its own user, e-mail or claim), the probes need the
claims policies read, and the judgement needs to know whether a policy, or one
branch of it, depends on who the caller is.  All of it comes from the deparsed
policy expressions (``pg_get_expr`` with an empty ``search_path``: every name
qualified) and from the bodies of the functions they call, parsed by pglast.

Column references are resolved the way PostgreSQL resolves them: a qualified
name by its alias, innermost query first; an unqualified one by the innermost
query whose tables have such a column, and only then by the policy's table.

Why one module of about 500 lines: the policy-expression reader (``PolicyLogic``) and
its parsing helpers are one small interpreter: identity bindings, disjunct splitting and
JWT paths feed one another.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import pglast
from pglast import parser as pg_parser
from pglast.stream import RawStream

from agents.database.catalog import Catalog, Function, Table
from agents.sql import model
from agents.sql.ast import (
    const_value,
    from_aliases,
    func_calls,
    func_name,
    is_jwt_setting_call,
    range_vars,
    references_identity,
    strings,
)
from agents.sql.body import body_sql

AstNode = dict[str, Any]
Scope = dict[str, int]
"""Alias (or table name) → table oid, for one query level."""

STANDARD_CLAIMS = frozenset(
    {
        "sub",
        "email",
        "phone",
        "role",
        "aud",
        "aal",
        "amr",
        "iss",
        "exp",
        "iat",
        "session_id",
        "is_anonymous",
        "app_metadata",
        "user_metadata",
    }
)
"""Claims every GoTrue access token carries (SUPABASE-PLATFORM.md §3.5)."""

NOT_IDENTITY_CLAIMS = frozenset(
    {"role", "aud", "aal", "amr", "iss", "exp", "iat", "session_id", "is_anonymous"}
)
"""Claims that say how, not who: a policy reading only these is not scoped to a user."""


@dataclass(frozen=True)
class Identity:
    """What part of the caller an expression stands for."""

    kind: Literal["uid", "email", "claim"]
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Binding:
    """A column whose value policies compare with the caller's identity."""

    table: int
    column: str
    identity: Identity
    array: bool = False
    """The column holds a list that must contain the identity (``= any(col)``, ``@>``)."""


@dataclass
class _FunctionInfo:
    fn: Function
    nodes: list[AstNode]
    direct_identity: bool
    calls: set[str]
    tables: set[int]
    opaque: bool


def parse_expression(text: str) -> AstNode | None:
    """The JSON AST of one SQL expression (None when pglast cannot read it)."""
    try:
        tree = json.loads(pg_parser.parse_sql_json(f"select ({text})"))
    except pg_parser.ParseError:
        return None
    stmts = tree.get("stmts") or []
    if not stmts:
        return None
    targets = stmts[0]["stmt"]["SelectStmt"].get("targetList") or []
    return targets[0]["ResTarget"]["val"] if targets else None


def split_disjuncts(text: str) -> list[str]:
    """The top-level OR branches of an expression, as SQL text (``[text]`` when none)."""
    try:
        stmt = pglast.parse_sql(f"select ({text})")[0].stmt
    except pglast.parser.ParseError:
        return [text]
    expr = getattr(stmt, "targetList")[0].val  # noqa: B009 - pglast's Node is untyped

    def flatten(node: Any) -> list[Any]:
        if type(node).__name__ == "BoolExpr" and int(node.boolop) == 1:  # OR_EXPR
            return [part for arg in node.args for part in flatten(arg)]
        return [node]

    parts = flatten(expr)
    if len(parts) < 2:
        return [text]
    return [str(RawStream()(part)) for part in parts]


def _strip(node: Any) -> Any:
    """Casts and one-row scalar sub-selects removed: ``(select auth.uid())::text`` → call."""
    while isinstance(node, dict):
        if "TypeCast" in node:
            node = node["TypeCast"].get("arg")
        elif "SubLink" in node and node["SubLink"].get("subLinkType") == "EXPR_SUBLINK":
            select = (node["SubLink"].get("subselect") or {}).get("SelectStmt") or {}
            targets = select.get("targetList") or []
            if len(targets) != 1 or select.get("fromClause"):
                return node
            node = targets[0]["ResTarget"].get("val")
        else:
            return node
    return node


def _op(fields: AstNode) -> str:
    names = strings(fields.get("name"))
    return names[-1] if names else ""


def _jwt_path(node: Any) -> tuple[str, ...] | None:
    """``auth.jwt() -> 'a' ->> 'b'`` → ``('a', 'b')``; None when not a claims read."""
    node = _strip(node)
    if not isinstance(node, dict):
        return None
    if "FuncCall" in node:
        fields = node["FuncCall"]
        name = func_name(fields)
        if name == "auth.jwt" or is_jwt_setting_call(name, fields):
            setting = const_value((fields.get("args") or [None])[0]) if fields.get("args") else None
            if isinstance(setting, str) and setting.startswith("request.jwt.claim."):
                return (setting.removeprefix("request.jwt.claim."),)
            return ()
        return None
    if "A_Expr" in node:
        fields = node["A_Expr"]
        if fields.get("kind") == "AEXPR_OP" and _op(fields) in ("->", "->>"):
            key = const_value(_strip(fields.get("rexpr")))
            base = _jwt_path(fields.get("lexpr"))
            if base is not None and isinstance(key, str):
                return (*base, key)
    return None


def _has_column_refs(node: Any) -> bool:
    from agents.sql.parse import walk

    return any(kind == "ColumnRef" for kind, _ in walk(node))


def _constants(node: Any) -> list[str] | None:
    """String/number constants of ``'a'``, ``('a', 'b')`` or ``array['a', 'b']``."""
    node = _strip(node)
    items: list[Any]
    if isinstance(node, list):
        items = node
    elif isinstance(node, dict) and "A_ArrayExpr" in node:
        items = node["A_ArrayExpr"].get("elements") or []
    elif isinstance(node, dict) and "List" in node:
        items = node["List"].get("items") or []
    else:
        items = [node]
    out: list[str] = []
    for item in items:
        value = const_value(_strip(item))
        if value is None or isinstance(value, dict | list):
            return None
        out.append(str(value).lower() if isinstance(value, bool) else str(value))
    return out


@dataclass
class PolicyLogic:
    """Caller-dependence, identity columns and claims of every policy and helper."""

    catalog: Catalog
    caller_functions: set[str] = field(default_factory=set)
    bindings: dict[tuple[int, str], Binding] = field(default_factory=dict)
    claim_constants: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    column_constants: dict[tuple[int, str], set[str]] = field(default_factory=dict)
    """Columns compared with literals inside caller-dependent queries (roles, flags)."""
    functions: dict[str, _FunctionInfo] = field(default_factory=dict)
    _names: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._names = {(t.schema, t.name): t.oid for t in self.catalog.tables.values()}
        self._names[("auth", "users")] = self.catalog.users_oid
        if self.catalog.storage_objects is not None:
            self._names[("storage", "objects")] = self.catalog.storage_objects.oid
        self._read_functions()
        for table in self._all_tables():
            for policy in table.policies:
                for text in (policy.using, policy.check):
                    node = parse_expression(text) if text else None
                    if node is not None:
                        self._visit(node, [{table.name: table.oid}], policy=True)
        for info in self.functions.values():
            if info.fn.label in self.caller_functions:
                for node in info.nodes:
                    self._visit(node, [], policy=False)

    # -- functions -------------------------------------------------------------

    def _all_tables(self) -> Iterator[Table]:
        yield from self.catalog.tables.values()
        if self.catalog.storage_objects is not None:
            yield self.catalog.storage_objects

    def resolve_function(self, name: str) -> str | None:
        if name in self.functions:
            return name
        if "." not in name:
            for schema in ("public", "extensions"):
                if f"{schema}.{name}" in self.functions:
                    return f"{schema}.{name}"
        return None

    def _read_functions(self) -> None:
        for label, overloads in self.catalog.functions.items():
            fn = overloads[0]
            nodes: list[AstNode] = []
            opaque = False
            if fn.language in ("sql", "plpgsql"):
                body = body_sql(
                    model.Function(
                        schema=fn.schema,
                        name=fn.name,
                        language=fn.language,
                        body=fn.source,
                        definition=fn.definition,
                    )
                )
                if body is None:
                    opaque = True
                else:
                    nodes = [item.node for item in body.statements]
            else:
                opaque = fn.schema != "auth"
            calls = {name for node in nodes for name, _ in func_calls(node)}
            tables = {oid for node in nodes for oid in self._tables_in(node)}
            self.functions[label] = _FunctionInfo(
                fn=fn,
                nodes=nodes,
                direct_identity=label in ("auth.uid", "auth.jwt", "auth.email")
                or any(references_identity(node) for node in nodes),
                calls=calls,
                tables=tables,
                opaque=opaque,
            )
        changed = True
        self.caller_functions = {
            label for label, info in self.functions.items() if info.direct_identity
        }
        while changed:
            changed = False
            for label, info in self.functions.items():
                if label in self.caller_functions:
                    continue
                if any(self.resolve_function(c) in self.caller_functions for c in info.calls):
                    self.caller_functions.add(label)
                    changed = True

    def _tables_in(self, node: Any) -> set[int]:
        out: set[int] = set()
        for rv in range_vars(node):
            key = (str(rv.get("schemaname") or "public"), str(rv.get("relname") or ""))
            oid = self._names.get(key)
            if oid is not None:
                out.add(oid)
        return out

    # -- questions the judgement asks -------------------------------------------

    def caller_dependent(self, text: str | None) -> bool:
        """True when the expression's value depends on who the caller is."""
        node = parse_expression(text) if text else None
        return node is not None and self._node_caller_dependent(node)

    def _node_caller_dependent(self, node: Any) -> bool:
        if references_identity(node):
            return True
        return any(
            self.resolve_function(name) in self.caller_functions for name, _ in func_calls(node)
        )

    def tables_read(self, text: str | None) -> set[int]:
        """Tables an expression reads, also through the functions it calls (transitively)."""
        node = parse_expression(text) if text else None
        if node is None:
            return set()
        out = self._tables_in(node)
        todo = [self.resolve_function(name) for name, _ in func_calls(node)]
        seen: set[str] = set()
        while todo:
            label = todo.pop()
            if label is None or label in seen:
                continue
            seen.add(label)
            info = self.functions[label]
            out |= info.tables
            todo.extend(self.resolve_function(c) for c in info.calls)
        return out

    def owner_comparison(self, node: Any, table: Table) -> bool:
        """``<column of table> = <the caller's id or e-mail>`` (either side, casts allowed)."""
        node = _strip(node)
        if not (isinstance(node, dict) and "A_Expr" in node):
            return False
        fields = node["A_Expr"]
        if fields.get("kind") != "AEXPR_OP" or _op(fields) != "=":
            return False
        for col_side, id_side in (("lexpr", "rexpr"), ("rexpr", "lexpr")):
            column = self._column(fields.get(col_side), [{table.name: table.oid}])
            identity = self._identity(fields.get(id_side))
            if (
                column is not None
                and column[0] == table.oid
                and identity is not None
                and identity.kind in ("uid", "email")
            ):
                return True
        return False

    def has_tenant_check(self, text: str | None, table: Table) -> bool:
        """The policy scopes rows by something other than "the row's owner is me":
        a membership, a team, an organisation claim, a helper taking a column."""
        node = parse_expression(text) if text else None
        if node is None:
            return False
        from agents.sql.ast import conjuncts, disjuncts

        for branch in disjuncts(node):
            for part in conjuncts(_strip(branch)):
                if self._node_caller_dependent(part) and not self.owner_comparison(part, table):
                    return True
        return False

    # -- the walk ----------------------------------------------------------------

    def _scope_of(self, select: AstNode) -> Scope:
        return {
            alias: oid
            for alias, name in from_aliases(select).items()
            if (oid := self._names.get(name)) is not None
        }

    def _table(self, oid: int) -> Table | None:
        if self.catalog.storage_objects is not None and oid == self.catalog.storage_objects.oid:
            return self.catalog.storage_objects
        return self.catalog.tables.get(oid)

    def _column(self, node: Any, scopes: list[Scope]) -> tuple[int, str] | None:
        node = _strip(node)
        if not (isinstance(node, dict) and "ColumnRef" in node):
            return None
        parts = [
            str(f["String"].get("sval", ""))
            for f in node["ColumnRef"].get("fields") or []
            if "String" in f
        ]
        if not parts:
            return None
        column = parts[-1]
        if len(parts) >= 2:
            for scope in reversed(scopes):
                if parts[-2] in scope:
                    return scope[parts[-2]], column
            return None
        for scope in reversed(scopes):
            for oid in scope.values():
                table = self._table(oid)
                if table is not None and table.column(column) is not None:
                    return oid, column
        return None

    def _identity(self, node: Any) -> Identity | None:
        if node is None or _has_column_refs(node) or not self._node_caller_dependent(node):
            return None
        path = _jwt_path(node)
        if path is not None:
            if path in (("sub",), ()):
                return Identity("uid") if path else None
            if path == ("email",):
                return Identity("email")
            return Identity("claim", path)
        stripped = _strip(node)
        names = {name for name, _ in func_calls(stripped)}
        if "auth.uid" in names:
            return Identity("uid")
        if "auth.email" in names:
            return Identity("email")
        # a helper without arguments returning a claim: look into its body
        if isinstance(stripped, dict) and "FuncCall" in stripped:
            label = self.resolve_function(func_name(stripped["FuncCall"]))
            info = self.functions.get(label or "")
            if info is not None and len(info.nodes) == 1 and not stripped["FuncCall"].get("args"):
                select = info.nodes[0].get("SelectStmt") or {}
                targets = select.get("targetList") or []
                if len(targets) == 1 and not select.get("fromClause"):
                    return self._identity(targets[0]["ResTarget"].get("val"))
        return None

    def _bind(self, column: tuple[int, str], identity: Identity, array: bool) -> None:
        self.bindings.setdefault(column, Binding(column[0], column[1], identity, array=array))

    def _compare(self, fields: AstNode, scopes: list[Scope], caller_query: bool) -> None:
        kind = fields.get("kind")
        op = _op(fields)
        left, right = fields.get("lexpr"), fields.get("rexpr")
        if kind == "AEXPR_OP" and op in ("=", "@>", "<@", "&&"):
            for a, b in ((left, right), (right, left)):
                column = self._column(a, scopes)
                identity = self._identity(b)
                if column is not None and identity is not None:
                    self._bind(column, identity, array=op != "=")
                    return
        if kind == "AEXPR_OP_ANY" and op == "=":
            column = self._column(right, scopes)
            identity = self._identity(left)
            if column is not None and identity is not None:
                self._bind(column, identity, array=True)
                return
        if kind in ("AEXPR_OP", "AEXPR_IN", "AEXPR_OP_ANY") and op in ("=", "<>", "!="):
            for a, b in ((left, right), (right, left)):
                values = _constants(b)
                if values is None:
                    continue
                path = _jwt_path(a)
                if path and self._node_caller_dependent(a):
                    self.claim_constants.setdefault(path, [])
                    for v in values:
                        if v not in self.claim_constants[path]:
                            self.claim_constants[path].append(v)
                    return
                column = self._column(a, scopes)
                if column is not None and caller_query:
                    self.column_constants.setdefault(column, set()).update(values)
                    return

    def _visit(self, node: Any, scopes: list[Scope], *, policy: bool) -> None:
        """Walk ``node`` keeping the query scopes, recording bindings and constants."""
        if isinstance(node, list):
            for item in node:
                self._visit(item, scopes, policy=policy)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key == "SelectStmt" and isinstance(value, dict):
                inner = [*scopes, self._scope_of(value)]
                caller_query = self._node_caller_dependent(value)
                for part in ("whereClause", "havingClause"):
                    where = value.get(part)
                    if where is not None and caller_query:
                        self._flags(where, inner)
                for sub in value.values():
                    if isinstance(sub, dict | list):
                        self._visit(sub, inner, policy=policy)
            elif key == "A_Expr" and isinstance(value, dict):
                self._compare(value, scopes, caller_query=not policy or len(scopes) > 1)
                self._visit(value, scopes, policy=policy)
            else:
                self._visit(value, scopes, policy=policy)

    def _flags(self, where: Any, scopes: list[Scope]) -> None:
        """Bare boolean columns in a caller-dependent query's WHERE (``and p.is_admin``)."""
        from agents.sql.ast import conjuncts

        for part in conjuncts(where):
            column = self._column(part, scopes)
            if column is not None:
                self.column_constants.setdefault(column, set()).add("true")
