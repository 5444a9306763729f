"""Small, general helpers over pglast JSON AST values, shared by every SQL rule.

pglast's JSON AST is a tree of ``{"NodeType": {...fields...}}`` dicts.  Rules
should ask questions ("is this expression always true?", "does it read the
caller's identity?", "which tables does this query read?") through these
helpers rather than poke at the raw shape, so that the shape's quirks live in
one place:

* ``A_Const`` false/zero are ``{"boolval": {}}`` / ``{"ival": {}}`` (protobuf
  omits default values);
* names are lists of ``{"String": {"sval": ...}}``; built-in types come as
  ``pg_catalog.int4``;
* ``RoleSpec`` for PUBLIC has no ``rolename``.

Functions taking "a node" accept either a wrapped node (``{"FuncCall": {...}}``)
or any JSON value containing nodes; functions taking "fields" want the inner
dict.

Why one module of about 420 lines: about thirty small, separate readers of pglast's JSON
AST, in one place so that a rule finds every AST question there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from agents.sql.model import QualName
from agents.sql.parse import first_location as first_location  # re-exported for rules
from agents.sql.parse import walk as walk

AstNode = dict[str, Any]

IDENTITY_FUNCTIONS = frozenset({"auth.uid", "auth.jwt", "auth.email"})
"""Functions returning who the caller is (their id, claims or e-mail)."""

ROLE_FUNCTIONS = frozenset({"auth.role"})
"""Functions returning only the caller's database role, not who they are."""

JWT_SETTINGS = ("request.jwt.claim", "request.jwt.claims")
"""``current_setting`` names PostgREST fills with the caller's claims."""


# -- names --------------------------------------------------------------------


def strings(items: Any) -> list[str]:
    """The ``sval`` of each ``String`` node in a name list (``funcname``, ``names``…)."""
    out: list[str] = []
    for item in items or []:
        if isinstance(item, dict) and "String" in item:
            out.append(str(item["String"].get("sval", "")))
    return out


def qualname_of_names(names: list[str], default_schema: str = "public") -> QualName:
    """``["s", "t"]`` → ``("s", "t")``; ``["t"]`` → ``(default_schema, "t")``."""
    if not names:
        return (default_schema, "")
    if len(names) == 1:
        return (default_schema, names[0])
    return (names[-2], names[-1])


def qualname_of_rangevar(rv: AstNode | None, default_schema: str = "public") -> QualName:
    """Qualified name of a ``RangeVar`` fields dict (or a wrapped ``{"RangeVar": …}``)."""
    if not rv:
        return (default_schema, "")
    if "RangeVar" in rv:
        rv = rv["RangeVar"]
    return (str(rv.get("schemaname") or default_schema), str(rv.get("relname") or ""))


def format_qualname(name: QualName) -> str:
    """``("public", "t")`` → ``public.t``."""
    return f"{name[0]}.{name[1]}"


def type_name(tn: AstNode | None) -> str:
    """Normalised type name of a ``TypeName`` fields dict: ``int4``, ``text``, ``timestamptz``…

    The ``pg_catalog`` qualifier pglast adds to built-in types is dropped;
    other schemas are kept (``public.my_enum``).  Arrays get a ``[]`` suffix.
    """
    if not tn:
        return ""
    if "TypeName" in tn:
        tn = tn["TypeName"]
    names = strings(tn.get("names"))
    if names and names[0] == "pg_catalog":
        names = names[1:]
    base = ".".join(names)
    if tn.get("arrayBounds"):
        base += "[]"
    return base


def type_mods(tn: AstNode | None) -> tuple[int, ...]:
    """Integer type modifiers of a ``TypeName`` (``varchar(20)`` → ``(20,)``)."""
    if not tn:
        return ()
    if "TypeName" in tn:
        tn = tn["TypeName"]
    out: list[int] = []
    for mod in tn.get("typmods") or []:
        value = const_value(mod)
        if isinstance(value, int) and not isinstance(value, bool):
            out.append(value)
    return tuple(out)


def role_names(roles: Any) -> tuple[str, ...]:
    """Role names of a ``RoleSpec`` list (policy ``TO``, grant grantees).

    PUBLIC is ``"public"``; ``CURRENT_USER`` and friends are lower-cased keywords.
    An empty/absent list (a policy without ``TO``) is ``("public",)``.
    """
    out: list[str] = []
    for item in roles or []:
        spec = item.get("RoleSpec", item) if isinstance(item, dict) else {}
        roletype = spec.get("roletype", "")
        if roletype == "ROLESPEC_PUBLIC":
            out.append("public")
        elif roletype == "ROLESPEC_CSTRING":
            out.append(str(spec.get("rolename", "")).lower())
        else:
            out.append(str(roletype).removeprefix("ROLESPEC_").lower())
    return tuple(out) or ("public",)


# -- constants ------------------------------------------------------------------

_MISSING = object()


def const_value(node: Any) -> Any:
    """Python value of an ``A_Const`` (wrapped or fields), or of a ``TypeCast`` of one.

    Returns ``None`` for SQL NULL and for anything that is not a constant; use
    :func:`is_const` to tell them apart.
    """
    value = _const(node)
    return None if value is _MISSING else value


def is_const(node: Any) -> bool:
    """True when ``node`` is a literal (possibly cast), NULL included."""
    return _const(node) is not _MISSING


def _const(node: Any) -> Any:
    if not isinstance(node, dict):
        return _MISSING
    if "TypeCast" in node:
        inner = _const(node["TypeCast"].get("arg"))
        if inner is _MISSING:
            return _MISSING
        target = type_name(node["TypeCast"].get("typeName"))
        if target in ("bool", "boolean") and isinstance(inner, str):
            lowered = inner.strip().lower()
            if lowered in ("t", "true", "on", "yes", "1", "y"):
                return True
            if lowered in ("f", "false", "off", "no", "0", "n"):
                return False
        return inner
    fields = node.get("A_Const", node if "location" in node and len(node) <= 3 else None)
    if not isinstance(fields, dict):
        return _MISSING
    if fields.get("isnull"):
        return None
    if "boolval" in fields:
        return bool(fields["boolval"].get("boolval", False))
    if "ival" in fields:
        return int(fields["ival"].get("ival", 0))
    if "fval" in fields:
        return float(fields["fval"].get("fval", "0"))
    if "sval" in fields:
        return str(fields["sval"].get("sval", ""))
    if "bsval" in fields:
        return str(fields["bsval"].get("bsval", ""))
    return _MISSING


def is_constant_true(expr: Any) -> bool:
    """True when ``expr`` is true whatever the row and the caller.

    Recognises ``true``, ``'t'::bool``, ``1 = 1`` / ``'a' = 'a'`` (equal
    literals), ``NOT false``, ``x AND y`` with both always true, ``x OR y``
    with either always true.  Conservative: anything else is False.
    """
    if not isinstance(expr, dict):
        return False
    value = _const(expr)
    if value is not _MISSING:
        return value is True
    if "BoolExpr" in expr:
        b = expr["BoolExpr"]
        args = b.get("args") or []
        op = b.get("boolop")
        if op == "AND_EXPR":
            return bool(args) and all(is_constant_true(a) for a in args)
        if op == "OR_EXPR":
            return any(is_constant_true(a) for a in args)
        if op == "NOT_EXPR" and args:
            inner = _const(args[0])
            return inner is False
        return False
    if "A_Expr" in expr:
        a = expr["A_Expr"]
        if a.get("kind") == "AEXPR_OP" and strings(a.get("name")) == ["="]:
            left, right = _const(a.get("lexpr")), _const(a.get("rexpr"))
            return (
                left is not _MISSING
                and right is not _MISSING
                and left is not None
                and left == right
            )
    return False


def is_tautology(expr: Any) -> bool:
    """``col = col`` (the same column on both sides): true for every non-null row,
    usually a typo for a comparison with the caller or another table."""
    if not isinstance(expr, dict) or "A_Expr" not in expr:
        return False
    a = expr["A_Expr"]
    if a.get("kind") != "AEXPR_OP" or strings(a.get("name")) != ["="]:
        return False
    left, right = a.get("lexpr") or {}, a.get("rexpr") or {}
    if "ColumnRef" not in left or "ColumnRef" not in right:
        return False
    return bool(left["ColumnRef"].get("fields")) and (
        left["ColumnRef"].get("fields") == right["ColumnRef"].get("fields")
    )


def is_constant_false(expr: Any) -> bool:
    """True for ``false``, ``1 = 0`` style literal comparisons that never hold."""
    value = _const(expr)
    if value is not _MISSING:
        return value is False or value is None
    if isinstance(expr, dict) and "A_Expr" in expr:
        a = expr["A_Expr"]
        if a.get("kind") == "AEXPR_OP" and strings(a.get("name")) == ["="]:
            left, right = _const(a.get("lexpr")), _const(a.get("rexpr"))
            return left is not _MISSING and right is not _MISSING and left != right
    return False


# -- calls and references -------------------------------------------------------


def func_name(fields: AstNode) -> str:
    """Dotted lower-case name of a ``FuncCall`` fields dict: ``auth.uid``, ``now``."""
    return ".".join(s.lower() for s in strings(fields.get("funcname")) if s != "pg_catalog")


def func_calls(node: Any) -> Iterator[tuple[str, AstNode]]:
    """``(dotted name, FuncCall fields)`` for every function call inside ``node``."""
    for kind, fields in walk(node):
        if kind == "FuncCall":
            yield func_name(fields), fields


def column_refs(node: Any) -> Iterator[tuple[tuple[str, ...], AstNode]]:
    """``(name parts, ColumnRef fields)`` of every column reference; ``*`` is ``"*"``."""
    for kind, fields in walk(node):
        if kind == "ColumnRef":
            parts: list[str] = []
            for f in fields.get("fields") or []:
                if "String" in f:
                    parts.append(str(f["String"].get("sval", "")))
                elif "A_Star" in f:
                    parts.append("*")
            yield tuple(parts), fields


def column_names(node: Any) -> set[str]:
    """Last name part of every column reference inside ``node``."""
    return {parts[-1] for parts, _ in column_refs(node) if parts and parts[-1] != "*"}


def string_constants(node: Any) -> Iterator[tuple[str, AstNode]]:
    """``(text, A_Const fields)`` for every string literal inside ``node``."""
    for kind, fields in walk(node):
        if kind == "A_Const" and "sval" in fields:
            yield str(fields["sval"].get("sval", "")), fields


def is_jwt_setting_call(name: str, fields: AstNode) -> bool:
    """``current_setting('request.jwt.claim…')``: the caller's claims, read raw."""
    if name != "current_setting":
        return False
    args = fields.get("args") or []
    first = const_value(args[0]) if args else None
    return isinstance(first, str) and first.startswith(JWT_SETTINGS)


def references_identity(node: Any) -> bool:
    """True when ``node`` reads who the caller is: ``auth.uid()``, ``auth.jwt()``,
    ``auth.email()``, or ``current_setting('request.jwt.claims…')``."""
    for name, fields in func_calls(node):
        if name in IDENTITY_FUNCTIONS or is_jwt_setting_call(name, fields):
            return True
    return False


def references_caller(node: Any) -> bool:
    """Like :func:`references_identity`, also counting ``auth.role()``,
    ``current_user`` and ``session_user`` (the caller's role)."""
    if references_identity(node):
        return True
    for name, _ in func_calls(node):
        if name in ROLE_FUNCTIONS:
            return True
    for kind, fields in walk(node):
        if kind == "SQLValueFunction" and str(fields.get("op", "")).endswith(
            ("CURRENT_USER", "SESSION_USER")
        ):
            return True
    return False


def called_functions(node: Any) -> set[str]:
    """Dotted names of all functions called inside ``node``."""
    return {name for name, _ in func_calls(node)}


# -- queries --------------------------------------------------------------------


def range_vars(node: Any) -> Iterator[AstNode]:
    """Every ``RangeVar`` fields dict inside ``node`` (tables in FROM/JOIN, DML targets)."""
    for kind, fields in walk(node):
        if kind == "RangeVar":
            yield fields


def cte_names(node: Any) -> set[str]:
    """Names of CTEs defined anywhere in ``node`` (so they are not taken for tables)."""
    out: set[str] = set()
    for kind, fields in walk(node):
        if kind == "CommonTableExpr":
            out.add(str(fields.get("ctename", "")))
    return out


def source_tables(query: Any, default_schema: str = "public") -> frozenset[QualName]:
    """Tables and views a query reads (CTE names excluded)."""
    ctes = cte_names(query)
    out: set[QualName] = set()
    for rv in range_vars(query):
        if not rv.get("schemaname") and rv.get("relname") in ctes:
            continue
        out.add(qualname_of_rangevar(rv, default_schema))
    return frozenset(out)


def sublinks(node: Any) -> Iterator[AstNode]:
    """Every ``SubLink`` (EXISTS, IN, scalar sub-select) fields dict inside ``node``."""
    for kind, fields in walk(node):
        if kind == "SubLink":
            yield fields


def from_aliases(select: AstNode) -> dict[str, QualName]:
    """Alias (or bare table name) → table for the FROM items directly in a ``SelectStmt``."""
    if "SelectStmt" in select:
        select = select["SelectStmt"]
    out: dict[str, QualName] = {}

    def visit(item: Any) -> None:
        if not isinstance(item, dict):
            return
        if "RangeVar" in item:
            rv = item["RangeVar"]
            alias = (rv.get("alias") or {}).get("aliasname") or rv.get("relname")
            out[str(alias)] = qualname_of_rangevar(rv)
        elif "JoinExpr" in item:
            visit(item["JoinExpr"].get("larg"))
            visit(item["JoinExpr"].get("rarg"))

    for item in select.get("fromClause") or []:
        visit(item)
    return out


def conjuncts(expr: Any) -> list[Any]:
    """Top-level AND operands of ``expr`` (``[expr]`` when it is not an AND)."""
    if (
        isinstance(expr, dict)
        and "BoolExpr" in expr
        and expr["BoolExpr"].get("boolop") == "AND_EXPR"
    ):
        out: list[Any] = []
        for arg in expr["BoolExpr"].get("args") or []:
            out.extend(conjuncts(arg))
        return out
    return [expr]


def disjuncts(expr: Any) -> list[Any]:
    """Top-level OR operands of ``expr`` (``[expr]`` when it is not an OR)."""
    if (
        isinstance(expr, dict)
        and "BoolExpr" in expr
        and expr["BoolExpr"].get("boolop") == "OR_EXPR"
    ):
        out: list[Any] = []
        for arg in expr["BoolExpr"].get("args") or []:
            out.extend(disjuncts(arg))
        return out
    return [expr]


def any_node(node: Any, kinds: Iterable[str]) -> bool:
    """True when a node of one of ``kinds`` occurs inside ``node``."""
    wanted = set(kinds)
    return any(kind in wanted for kind, _ in walk(node))
