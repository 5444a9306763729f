"""Apply parsed SQL statements, in order, to a :class:`~agents.sql.model.Catalog`.

``replay(catalog, parsed)`` mutates the catalogue the way PostgreSQL would
(as far as the model goes): DDL for tables, columns, constraints, RLS,
policies, indexes, functions, views, triggers, extensions and schemas; GRANT
/ REVOKE (objects, ``ALL … IN SCHEMA``, columns) and ``ALTER DEFAULT
PRIVILEGES``; and ``INSERT``/``UPDATE`` of ``storage.buckets``.  Statements the
model does not cover (DO blocks, data changes, comments…) are skipped: replay
never raises on SQL that parsed, because a half-modelled history is still far
better than none.  Objects that a statement refers to but the model does not
know (created outside migrations) are ignored rather than invented, except
for ``ALTER TABLE`` on an unknown table, which creates a stub so later
statements still land somewhere.

Each handler is small and keyed by the statement's node type in
``_HANDLERS``; an optional ``on_statement`` hook sees the catalogue just
before each statement (used for per-statement snapshots).

Why one module of about 1,200 lines: one handler per statement kind, all writing the
same catalogue through the private helpers they share (default grants, renames that
chase references, constraint bookkeeping); split by kind, each part would import the
others' privates, and ``_HANDLERS`` would stop being the one list of what the model
understands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.sql.ast import (
    const_value,
    qualname_of_names,
    qualname_of_rangevar,
    role_names,
    source_tables,
    strings,
    type_mods,
    type_name,
)
from agents.sql.model import (
    TABLE_PRIVILEGES,
    Bucket,
    Catalog,
    Column,
    ForeignKey,
    Function,
    GrantSource,
    Index,
    IndexMap,
    ObjectKind,
    Origin,
    Policy,
    QualName,
    Table,
    Trigger,
    View,
)
from agents.sql.parse import ParsedSql, Statement

AstNode = dict[str, Any]
StatementHook = Callable[[Statement, Catalog], None]
CreatedKey = tuple[str, QualName]


def replay(catalog: Catalog, parsed: ParsedSql, on_statement: StatementHook | None = None) -> None:
    """Apply every statement of ``parsed`` to ``catalog`` in order (mutates it)."""
    for stmt in parsed.statements:
        if on_statement is not None:
            on_statement(stmt, catalog)
        apply_statement(catalog, parsed, stmt)


def apply_statement(catalog: Catalog, parsed: ParsedSql, stmt: Statement) -> list[CreatedKey]:
    """Apply one statement; unknown kinds are ignored.

    Returns the objects the statement brought into existence (or renamed into
    place), as ``(kind, name)``: ``table``, ``view``, ``function``, ``index``
    (name = ``(schema, index name)``) or ``policy`` (name = ``("schema.table",
    policy name)``).
    """
    handler = _HANDLERS.get(stmt.kind)
    if handler is None:
        return []
    r = _Replayer(catalog, parsed, stmt)
    r.run(handler)
    return r.created


class _Replayer:
    """State for applying one statement (catalogue, file, statement)."""

    def __init__(self, catalog: Catalog, parsed: ParsedSql, stmt: Statement) -> None:
        self.cat = catalog
        self.parsed = parsed
        self.stmt = stmt
        self.created: list[CreatedKey] = []

    def run(self, handler: Callable[[_Replayer, AstNode], None]) -> None:
        handler(self, self.stmt.node)

    def origin(self, node: Any = None) -> Origin:
        line = self.stmt.line if node is None else self.parsed.line_of_node(node, self.stmt.line)
        return Origin(self.parsed.path, line)

    def described(self) -> GrantSource:
        """This statement as a grant's source: its text in backticks, then path:line."""
        text = " ".join(self.parsed.statement_text(self.stmt).split())
        if len(text) > 90:
            text = text[:87].rstrip() + "…"
        return GrantSource(f"`{text}` ({self.parsed.path}:{self.stmt.line})", self.origin())

    # -- privileges ---------------------------------------------------------

    def apply_defaults(self, kind: ObjectKind, obj: QualName) -> None:
        """Grant what a new object gets by default (global and per-schema defaults)."""
        grants: dict[str, set[str]] = {}
        sources: dict[str, dict[str, GrantSource]] = {}
        lookup: ObjectKind = "table" if kind == "view" else kind
        for key in (("*", lookup), (obj[0], lookup)):
            for role, privs in self.cat.default_privileges.get(key, {}).items():
                if not privs:
                    continue
                grants.setdefault(role, set()).update(privs)
                source = self.cat.default_sources.get((key[0], lookup, role))
                if source is not None:
                    sources.setdefault(role, {}).update(dict.fromkeys(privs, source))
        self.cat.privileges[(kind, obj)] = grants
        self.cat.grant_sources[(kind, obj)] = sources

    def drop_privileges(self, kind: ObjectKind, obj: QualName) -> None:
        self.cat.privileges.pop((kind, obj), None)
        self.cat.grant_sources.pop((kind, obj), None)
        if kind == "table":
            for key in [k for k in self.cat.column_privileges if k[0] == obj]:
                del self.cat.column_privileges[key]

    # -- tables -----------------------------------------------------------

    def table(self, name: QualName, create_stub: bool = False) -> Table | None:
        found = self.cat.tables.get(name)
        if found is None and create_stub and name[1]:
            found = Table(schema=name[0], name=name[1], origin=self.origin())
            self.cat.tables[name] = found
            self.created.append(("table", name))
            self.cat.schemas.add(name[0])
        return found


def _column_from_def(r: _Replayer, table: Table, cdef: AstNode) -> Column:
    tn = cdef.get("typeName")
    col = Column(
        name=str(cdef.get("colname", "")),
        type_name=type_name(tn).removesuffix("[]"),
        type_mods=type_mods(tn),
        array=bool((tn or {}).get("arrayBounds")),
        origin=r.origin(cdef),
    )
    if cdef.get("is_not_null"):
        col.nullable = False
    for c in cdef.get("constraints") or []:
        _apply_column_constraint(r, table, col, c.get("Constraint", {}))
    return col


def _apply_column_constraint(r: _Replayer, table: Table, col: Column, con: AstNode) -> None:
    contype = con.get("contype")
    if contype == "CONSTR_NOTNULL":
        col.nullable = False
    elif contype == "CONSTR_NULL":
        col.nullable = True
    elif contype == "CONSTR_DEFAULT":
        col.default = con.get("raw_expr")
    elif contype == "CONSTR_IDENTITY":
        col.identity = True
        col.nullable = False
    elif contype == "CONSTR_GENERATED":
        col.generated = "virtual" if con.get("generated_kind") == "v" else "stored"
        col.default = con.get("raw_expr")
    elif contype == "CONSTR_PRIMARY":
        col.nullable = False
        _add_key(r, table, "primary", (col.name,), con)
    elif contype == "CONSTR_UNIQUE":
        _add_key(r, table, "unique", (col.name,), con)
    elif contype == "CONSTR_CHECK":
        if con.get("raw_expr") is not None:
            table.check_constraints.append(con["raw_expr"])
    elif contype == "CONSTR_FOREIGN":
        table.foreign_keys.append(_foreign_key(r, table, con, (col.name,)))


def _add_key(r: _Replayer, table: Table, kind: str, cols: tuple[str, ...], con: AstNode) -> None:
    if kind == "primary":
        table.primary_key = cols
        for c in cols:
            if c in table.columns:
                table.columns[c].nullable = False
        name = con.get("conname") or f"{table.name}_pkey"
    else:
        if cols not in table.unique_constraints:
            table.unique_constraints.append(cols)
        name = con.get("conname") or f"{table.name}_{'_'.join(cols)}_key"
    r.created.append(("index", (table.schema, str(name))))
    r.cat.indexes[(table.schema, str(name))] = Index(
        name=str(name),
        table=table.qualname,
        columns=cols,
        unique=True,
        origin=r.origin(con),
        expressions=tuple(None for _ in cols),
        constraint="primary" if kind == "primary" else "unique",
    )


def _constraint_using_index(r: _Replayer, table: Table, con: AstNode) -> None:
    """``add constraint … primary key / unique using index idx`` (what ``supabase db
    diff`` writes): the existing unique index becomes the constraint's, renamed to the
    constraint, with its columns; no second index appears."""
    index_key = (table.schema, str(con["indexname"]))
    index = r.cat.indexes.get(index_key)
    if index is None or any(c is None for c in index.columns):
        return  # made outside the migrations: nothing known to attach
    cols = tuple(c for c in index.columns if c is not None)
    primary = con.get("contype") == "CONSTR_PRIMARY"
    name = str(con.get("conname") or index.name)
    del r.cat.indexes[index_key]
    index.name = name
    index.unique = True
    index.constraint = "primary" if primary else "unique"
    r.cat.indexes[(table.schema, name)] = index
    if primary:
        table.primary_key = cols
        for c in cols:
            if c in table.columns:
                table.columns[c].nullable = False
    elif cols not in table.unique_constraints:
        table.unique_constraints.append(cols)


def _foreign_key(
    r: _Replayer, table: Table, con: AstNode, cols: tuple[str, ...] | None = None
) -> ForeignKey:
    ref = qualname_of_rangevar(con.get("pktable"))
    return ForeignKey(
        name=con.get("conname"),
        table=table.qualname,
        columns=cols if cols is not None else tuple(strings(con.get("fk_attrs"))),
        ref_table=ref,
        ref_columns=tuple(strings(con.get("pk_attrs"))),
        on_delete=str(con.get("fk_del_action", "a")),
        not_valid=bool(con.get("skip_validation")),
        origin=r.origin(con),
    )


def _apply_table_constraint(r: _Replayer, table: Table, con: AstNode) -> None:
    contype = con.get("contype")
    keys = tuple(strings(con.get("keys")))
    if con.get("indexname") and contype in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
        _constraint_using_index(r, table, con)
        return
    if contype == "CONSTR_PRIMARY":
        _add_key(r, table, "primary", keys, con)
    elif contype == "CONSTR_UNIQUE":
        _add_key(r, table, "unique", keys, con)
    elif contype == "CONSTR_CHECK":
        if con.get("raw_expr") is not None:
            table.check_constraints.append(con["raw_expr"])
    elif contype == "CONSTR_FOREIGN":
        table.foreign_keys.append(_foreign_key(r, table, con))
    elif contype == "CONSTR_NOTNULL":
        for k in keys:
            if k in table.columns:
                table.columns[k].nullable = False


def _create_table(r: _Replayer, node: AstNode, kind: str = "table") -> None:
    rv = node.get("relation") or {}
    if rv.get("relpersistence") == "t":
        return  # temporary tables vanish with the session
    name = qualname_of_rangevar(rv)
    if name in r.cat.tables and node.get("if_not_exists"):
        return
    table = Table(schema=name[0], name=name[1], origin=r.origin())
    if node.get("partspec"):
        table.kind = "partitioned"
    elif kind == "foreign":
        table.kind = "foreign"
    if node.get("partbound"):
        for parent in node.get("inhRelations") or []:
            pt = r.cat.tables.get(qualname_of_rangevar(parent))
            if pt is not None:
                table.columns = {k: Column(**vars(v)) for k, v in pt.columns.items()}
    r.cat.tables[name] = table
    r.created.append(("table", name))
    r.cat.schemas.add(name[0])
    for elt in node.get("tableElts") or []:
        if "ColumnDef" in elt:
            col = _column_from_def(r, table, elt["ColumnDef"])
            table.columns[col.name] = col
        elif "Constraint" in elt:
            _apply_table_constraint(r, table, elt["Constraint"])
    r.apply_defaults("table", name)


def _h_create(r: _Replayer, node: AstNode) -> None:
    _create_table(r, node)


def _h_create_foreign(r: _Replayer, node: AstNode) -> None:
    _create_table(r, node.get("base") or {}, kind="foreign")


def _h_create_table_as(r: _Replayer, node: AstNode) -> None:
    into = node.get("into") or {}
    rv = into.get("rel") or {}
    if rv.get("relpersistence") == "t":
        return
    name = qualname_of_rangevar(rv)
    query = node.get("query")
    if node.get("objtype") == "OBJECT_MATVIEW":
        if name in r.cat.views and node.get("if_not_exists"):
            return
        r.cat.views[name] = View(
            schema=name[0],
            name=name[1],
            materialized=True,
            source_tables=source_tables(query),
            query=query,
            origin=r.origin(),
        )
        r.cat.schemas.add(name[0])
        r.created.append(("view", name))
        r.apply_defaults("view", name)
        return
    if name in r.cat.tables and node.get("if_not_exists"):
        return
    table = Table(schema=name[0], name=name[1], origin=r.origin())
    for col_name in strings(into.get("colNames")):
        table.columns[col_name] = Column(name=col_name, type_name="")
    if not table.columns and isinstance(query, dict):
        for target in (query.get("SelectStmt") or {}).get("targetList") or []:
            rt = target.get("ResTarget", {})
            label = rt.get("name")
            if label is None:
                val = rt.get("val") or {}
                fields = strings((val.get("ColumnRef") or {}).get("fields"))
                label = fields[-1] if fields else None
            if label:
                table.columns[str(label)] = Column(name=str(label), type_name="")
    r.cat.tables[name] = table
    r.created.append(("table", name))
    r.cat.schemas.add(name[0])
    r.apply_defaults("table", name)


_RLS_FLAGS = {
    "AT_EnableRowSecurity": ("rls_enabled", True),
    "AT_DisableRowSecurity": ("rls_enabled", False),
    "AT_ForceRowSecurity": ("rls_forced", True),
    "AT_NoForceRowSecurity": ("rls_forced", False),
}


def _h_alter_table(r: _Replayer, node: AstNode) -> None:
    name = qualname_of_rangevar(node.get("relation"))
    objtype = node.get("objtype")
    if objtype in ("OBJECT_VIEW", "OBJECT_MATVIEW") or (
        name in r.cat.views and name not in r.cat.tables
    ):
        view = r.cat.views.get(name)
        if view is not None:
            for cmd in node.get("cmds") or []:
                c = cmd.get("AlterTableCmd", {})
                if c.get("subtype") == "AT_SetRelOptions":
                    _view_options(view, (c.get("def") or {}).get("List", {}).get("items") or [])
                elif c.get("subtype") == "AT_ResetRelOptions":
                    for item in (c.get("def") or {}).get("List", {}).get("items") or []:
                        opt = item.get("DefElem", {}).get("defname")
                        if opt in ("security_invoker", "security_barrier"):
                            setattr(view, opt, False)
        return
    if objtype not in (None, "OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
        return
    if name not in r.cat.tables and node.get("missing_ok"):
        return
    table = r.table(name, create_stub=True)
    if table is None:
        return
    for cmd in node.get("cmds") or []:
        _alter_table_cmd(r, table, cmd.get("AlterTableCmd", {}))


def _alter_table_cmd(r: _Replayer, table: Table, c: AstNode) -> None:
    sub = c.get("subtype", "")
    col_name = c.get("name")
    col = table.columns.get(str(col_name)) if col_name else None
    if sub in _RLS_FLAGS:
        attr, value = _RLS_FLAGS[sub]
        setattr(table, attr, value)
    elif sub == "AT_AddColumn":
        cdef = (c.get("def") or {}).get("ColumnDef")
        if cdef:
            if cdef.get("colname") in table.columns and c.get("missing_ok"):
                return
            new = _column_from_def(r, table, cdef)
            table.columns[new.name] = new
    elif sub == "AT_DropColumn":
        if col is not None:
            del table.columns[col.name]
            _forget_column(r, table, col.name)
    elif sub == "AT_AlterColumnType" and col is not None:
        tn = ((c.get("def") or {}).get("ColumnDef") or {}).get("typeName")
        col.type_name = type_name(tn).removesuffix("[]")
        col.type_mods = type_mods(tn)
        col.array = bool((tn or {}).get("arrayBounds"))
    elif sub == "AT_SetNotNull" and col is not None:
        col.nullable = False
    elif sub == "AT_DropNotNull" and col is not None:
        col.nullable = True
    elif sub == "AT_ColumnDefault" and col is not None:
        col.default = c.get("def")
    elif sub == "AT_AddIdentity" and col is not None:
        col.identity = True
    elif sub == "AT_DropIdentity" and col is not None:
        col.identity = False
    elif sub == "AT_AddConstraint":
        con = (c.get("def") or {}).get("Constraint")
        if con:
            _apply_table_constraint(r, table, con)
    elif sub == "AT_DropConstraint" and col_name:
        _drop_constraint(r, table, str(col_name))


def _forget_column(r: _Replayer, table: Table, column: str) -> None:
    table.foreign_keys = [fk for fk in table.foreign_keys if column not in fk.columns]
    if table.primary_key and column in table.primary_key:
        table.primary_key = None
    table.unique_constraints = [u for u in table.unique_constraints if column not in u]
    assert isinstance(r.cat.indexes, IndexMap)
    for key, index in r.cat.indexes.items_on(table.qualname):
        if column in index.columns:
            del r.cat.indexes[key]
    r.cat.column_privileges.pop((table.qualname, column), None)


def _drop_constraint(r: _Replayer, table: Table, conname: str) -> None:
    table.foreign_keys = [fk for fk in table.foreign_keys if fk.name != conname]
    index = r.cat.indexes.get((table.schema, conname))
    if index is not None and index.constraint is not None:
        del r.cat.indexes[(table.schema, conname)]
        if index.constraint == "primary":
            table.primary_key = None
        elif index.columns in table.unique_constraints:
            table.unique_constraints.remove(tuple(c for c in index.columns if c is not None))


# -- policies -------------------------------------------------------------


def _h_create_policy(r: _Replayer, node: AstNode) -> None:
    table = qualname_of_rangevar(node.get("table"))
    name = str(node.get("policy_name", ""))
    roles = node.get("roles") or []
    has_to = any(
        (item.get("RoleSpec") or {}).get("location", -1) >= 0
        for item in roles
        if isinstance(item, dict)
    )
    r.created.append(("policy", (f"{table[0]}.{table[1]}", name)))
    r.cat.policies[(table, name)] = Policy(
        name=name,
        table=table,
        command=node.get("cmd_name", "all"),
        roles=role_names(roles),
        permissive=bool(node.get("permissive", False)),
        using=node.get("qual"),
        with_check=node.get("with_check"),
        origin=r.origin(),
        has_to_clause=has_to,
    )


def _h_alter_policy(r: _Replayer, node: AstNode) -> None:
    table = qualname_of_rangevar(node.get("table"))
    policy = r.cat.policies.get((table, str(node.get("policy_name", ""))))
    if policy is None:
        return
    if node.get("roles"):
        policy.roles = role_names(node["roles"])
        policy.has_to_clause = True
    if node.get("qual") is not None:
        policy.using = node["qual"]
    if node.get("with_check") is not None:
        policy.with_check = node["with_check"]
    policy.origin = r.origin()


# -- indexes --------------------------------------------------------------


def _h_index(r: _Replayer, node: AstNode) -> None:
    table = qualname_of_rangevar(node.get("relation"))
    cols: list[str | None] = []
    exprs: list[AstNode | None] = []
    for p in node.get("indexParams") or []:
        elem = p.get("IndexElem", {})
        if elem.get("name"):
            cols.append(str(elem["name"]))
            exprs.append(None)
        else:
            cols.append(None)
            exprs.append(elem.get("expr"))
    name = node.get("idxname")
    if not name:
        name = f"{table[1]}_{'_'.join(c or 'expr' for c in cols)}_idx"
        while (table[0], name) in r.cat.indexes:
            name += "1"
    key = (table[0], str(name))
    if key in r.cat.indexes and node.get("if_not_exists"):
        return
    r.created.append(("index", key))
    r.cat.indexes[key] = Index(
        name=str(name),
        table=table,
        columns=tuple(cols),
        unique=bool(node.get("unique") or node.get("primary")),
        partial=node.get("whereClause") is not None,
        concurrently=bool(node.get("concurrent")),
        method=str(node.get("accessMethod", "btree")),
        origin=r.origin(),
        expressions=tuple(exprs),
        where=node.get("whereClause"),
    )


# -- functions ------------------------------------------------------------


def _function_options(fn: Function, options: list[Any]) -> None:
    for opt in options:
        d = opt.get("DefElem", {})
        defname = d.get("defname")
        arg = d.get("arg") or {}
        if defname == "language":
            fn.language = (_string_arg(arg) or "sql").lower()
        elif defname == "volatility":
            vol = strings([arg])
            if vol and vol[0] in ("volatile", "stable", "immutable"):
                fn.volatility = vol[0]  # type: ignore[assignment]
        elif defname == "security":
            fn.security_definer = bool((arg.get("Boolean") or {}).get("boolval", False))
        elif defname == "leakproof":
            fn.leakproof = bool((arg.get("Boolean") or {}).get("boolval", False))
        elif defname in ("set", "reset"):
            vs = arg.get("VariableSetStmt", {})
            if (
                str(vs.get("name", "")).lower() != "search_path"
                and vs.get("kind") != "VAR_RESET_ALL"
            ):
                continue
            if defname == "reset" or vs.get("kind") in ("VAR_RESET", "VAR_RESET_ALL"):
                fn.search_path = None
            elif vs.get("kind") == "VAR_SET_CURRENT":
                fn.search_path = "from current"
            elif vs.get("kind") == "VAR_SET_DEFAULT":
                fn.search_path = None
            else:
                values = [const_value(a) for a in vs.get("args") or []]
                fn.search_path = ", ".join(str(v) for v in values if v is not None)


def _string_arg(arg: AstNode) -> str | None:
    if "String" in arg:
        return str(arg["String"].get("sval", ""))
    items = (arg.get("List") or {}).get("items") or []
    return str(items[0]["String"].get("sval", "")) if items and "String" in items[0] else None


def _h_create_function(r: _Replayer, node: AstNode) -> None:
    name = qualname_of_names(strings(node.get("funcname")))
    arg_types: list[str] = []
    arg_names: list[str] = []
    arg_modes: list[str] = []
    for p in node.get("parameters") or []:
        fp = p.get("FunctionParameter", {})
        arg_types.append(type_name(fp.get("argType")))
        arg_names.append(str(fp.get("name", "")))
        arg_modes.append(str(fp.get("mode", "FUNC_PARAM_DEFAULT")))
    # overloads share one entry: the model keeps the last definition of a name
    returns = type_name(node.get("returnType")) if node.get("returnType") else None
    if returns and (node.get("returnType") or {}).get("setof"):
        returns = f"setof {returns}"
    fn = Function(
        schema=name[0],
        name=name[1],
        arg_types=tuple(arg_types),
        arg_names=tuple(arg_names),
        arg_modes=tuple(arg_modes),
        returns=returns,
        origin=r.origin(),
        sql_body=node.get("sql_body"),
    )
    _function_options(fn, node.get("options") or [])
    for opt in node.get("options") or []:
        d = opt.get("DefElem", {})
        if d.get("defname") == "as":
            fn.body = _string_arg(d.get("arg") or {})
    if fn.body is not None:
        fn.body_line = _body_line(r, fn.body)
        if fn.language == "plpgsql":
            fn.definition = r.parsed.statement_text(r.stmt)
    elif fn.sql_body is not None:
        fn.body = r.parsed.statement_text(r.stmt)
        fn.body_line = r.stmt.line
    existed = name in r.cat.functions
    r.cat.functions[name] = fn
    r.created.append(("function", name))
    r.cat.schemas.add(name[0])
    if not existed or (("function", name) not in r.cat.privileges):
        r.apply_defaults("function", name)


def _body_line(r: _Replayer, body: str) -> int | None:
    """Line where ``body`` starts in the file (searched inside the statement's text)."""
    text = r.parsed.statement_text(r.stmt)
    idx = text.find(body) if body else -1
    if idx < 0:
        return None
    start_bytes = r.stmt.start + len(text[:idx].encode("utf-8"))
    return r.parsed.line_for(start_bytes)


def _function_name(obj: AstNode) -> QualName:
    owa = obj.get("ObjectWithArgs", obj)
    return qualname_of_names(strings(owa.get("objname")))


def _h_alter_function(r: _Replayer, node: AstNode) -> None:
    fn = r.cat.functions.get(_function_name(node.get("func") or {}))
    if fn is not None:
        _function_options(fn, node.get("actions") or [])


# -- views ----------------------------------------------------------------

_TRUTHY = ("true", "on", "1", "yes", "t", "y")


def _view_options(view: View, options: list[Any]) -> None:
    for opt in options:
        d = opt.get("DefElem", {})
        defname = d.get("defname")
        if defname not in ("security_invoker", "security_barrier"):
            continue
        arg = d.get("arg")
        if arg is None:
            value = True
        else:
            raw = const_value(arg)
            if raw is None:
                raw = _string_arg(arg) or ""
            if "Boolean" in arg:
                raw = arg["Boolean"].get("boolval", False)
            value = raw is True or str(raw).strip().lower() in _TRUTHY
        setattr(view, defname, value)


def _h_view(r: _Replayer, node: AstNode) -> None:
    rv = node.get("view") or {}
    if rv.get("relpersistence") == "t":
        return
    name = qualname_of_rangevar(rv)
    existed = name in r.cat.views
    query = node.get("query")
    view = View(
        schema=name[0],
        name=name[1],
        source_tables=source_tables(query),
        query=query,
        origin=r.origin(),
    )
    _view_options(view, node.get("options") or [])
    r.cat.views[name] = view
    r.created.append(("view", name))
    r.cat.schemas.add(name[0])
    if not existed:
        r.apply_defaults("view", name)


# -- triggers, extensions, schemas --------------------------------------------

_TRIGGER_EVENTS = ((4, "insert"), (8, "delete"), (16, "update"), (32, "truncate"))


def _h_trigger(r: _Replayer, node: AstNode) -> None:
    table = qualname_of_rangevar(node.get("relation"))
    timing_bits = int(node.get("timing", 0) or 0)
    timing = "before" if timing_bits & 2 else "instead of" if timing_bits & 64 else "after"
    events_bits = int(node.get("events", 0) or 0)
    name = str(node.get("trigname", ""))
    r.cat.triggers[(table, name)] = Trigger(
        name=name,
        table=table,
        function=qualname_of_names(strings(node.get("funcname"))),
        timing=timing,
        events=tuple(e for bit, e in _TRIGGER_EVENTS if events_bits & bit),
        origin=r.origin(),
        for_each_row=bool(node.get("row")),
        columns=tuple(strings(node.get("columns"))),
    )


def _h_extension(r: _Replayer, node: AstNode) -> None:
    name = str(node.get("extname", ""))
    if name in r.cat.extensions and node.get("if_not_exists"):
        return
    schema = "public"
    for opt in node.get("options") or []:
        d = opt.get("DefElem", {})
        if d.get("defname") == "schema":
            schema = _string_arg(d.get("arg") or {}) or schema
    r.cat.extensions[name] = schema


def _h_create_schema(r: _Replayer, node: AstNode) -> None:
    name = str(node.get("schemaname", ""))
    if name:
        r.cat.schemas.add(name)


# -- drop, rename, set schema -----------------------------------------------------


def _drop_table(r: _Replayer, name: QualName) -> None:
    if r.cat.tables.pop(name, None) is None:
        return
    r.drop_privileges("table", name)
    for pkey in [k for k in r.cat.policies if k[0] == name]:
        del r.cat.policies[pkey]
    for ikey in [k for k, i in r.cat.indexes.items() if i.table == name]:
        del r.cat.indexes[ikey]
    for tkey in [k for k in r.cat.triggers if k[0] == name]:
        del r.cat.triggers[tkey]


def _h_drop(r: _Replayer, node: AstNode) -> None:
    kind = node.get("removeType")
    for obj in node.get("objects") or []:
        if kind in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
            fname = _function_name(obj)
            if r.cat.functions.pop(fname, None) is not None:
                r.drop_privileges("function", fname)
            continue
        if "String" in obj:
            names = [str(obj["String"].get("sval", ""))]
        else:
            names = strings((obj.get("List") or {}).get("items"))
        if kind in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE"):
            _drop_table(r, qualname_of_names(names))
        elif kind in ("OBJECT_VIEW", "OBJECT_MATVIEW"):
            vname = qualname_of_names(names)
            if r.cat.views.pop(vname, None) is not None:
                r.drop_privileges("view", vname)
        elif kind == "OBJECT_INDEX":
            r.cat.indexes.pop(qualname_of_names(names), None)
        elif kind in ("OBJECT_POLICY", "OBJECT_TRIGGER") and len(names) >= 2:
            table = qualname_of_names(names[:-1])
            if kind == "OBJECT_POLICY":
                r.cat.policies.pop((table, names[-1]), None)
            else:
                r.cat.triggers.pop((table, names[-1]), None)
        elif kind == "OBJECT_SCHEMA" and names:
            _drop_schema(r, names[0], cascade=node.get("behavior") == "DROP_CASCADE")
        elif kind == "OBJECT_EXTENSION" and names:
            r.cat.extensions.pop(names[0], None)


def _drop_schema(r: _Replayer, schema: str, cascade: bool) -> None:
    r.cat.schemas.discard(schema)
    if not cascade:
        return
    for name in [n for n in r.cat.tables if n[0] == schema]:
        _drop_table(r, name)
    for vname in [n for n in r.cat.views if n[0] == schema]:
        del r.cat.views[vname]
    for fname in [n for n in r.cat.functions if n[0] == schema]:
        del r.cat.functions[fname]


def _rename_table(r: _Replayer, old: QualName, new: QualName) -> None:
    table = r.cat.tables.pop(old, None)
    if table is None:
        return
    table.schema, table.name = new
    r.cat.tables[new] = table
    r.created.append(("table", new))
    r.cat.schemas.add(new[0])
    if ("table", old) in r.cat.privileges:
        r.cat.privileges[("table", new)] = r.cat.privileges.pop(("table", old))
    if ("table", old) in r.cat.grant_sources:
        r.cat.grant_sources[("table", new)] = r.cat.grant_sources.pop(("table", old))
    for ckey in [k for k in r.cat.column_privileges if k[0] == old]:
        r.cat.column_privileges[(new, ckey[1])] = r.cat.column_privileges.pop(ckey)
    for pkey in [k for k in r.cat.policies if k[0] == old]:
        policy = r.cat.policies.pop(pkey)
        policy.table = new
        r.cat.policies[(new, pkey[1])] = policy
    for ikey in [k for k, index in r.cat.indexes.items() if index.table == old]:
        index = r.cat.indexes.pop(ikey)  # re-inserted so the catalogue's by-table grouping follows
        index.table = new
        r.cat.indexes[(new[0], ikey[1])] = index
    for tkey in [k for k in r.cat.triggers if k[0] == old]:
        trig = r.cat.triggers.pop(tkey)
        trig.table = new
        r.cat.triggers[(new, tkey[1])] = trig
    for other in r.cat.tables.values():
        for fk in other.foreign_keys:
            if fk.table == old:
                fk.table = new
            if fk.ref_table == old:
                fk.ref_table = new


def _rename_view(r: _Replayer, old: QualName, new: QualName) -> None:
    view = r.cat.views.pop(old, None)
    if view is None:
        return
    view.schema, view.name = new
    r.cat.views[new] = view
    r.created.append(("view", new))
    if ("view", old) in r.cat.privileges:
        r.cat.privileges[("view", new)] = r.cat.privileges.pop(("view", old))
    if ("view", old) in r.cat.grant_sources:
        r.cat.grant_sources[("view", new)] = r.cat.grant_sources.pop(("view", old))


def _rename_function(r: _Replayer, old: QualName, new: QualName) -> None:
    fn = r.cat.functions.pop(old, None)
    if fn is None:
        return
    fn.schema, fn.name = new
    r.cat.functions[new] = fn
    r.created.append(("function", new))
    if ("function", old) in r.cat.privileges:
        r.cat.privileges[("function", new)] = r.cat.privileges.pop(("function", old))
    if ("function", old) in r.cat.grant_sources:
        r.cat.grant_sources[("function", new)] = r.cat.grant_sources.pop(("function", old))


def _h_rename(r: _Replayer, node: AstNode) -> None:
    kind = node.get("renameType")
    newname = str(node.get("newname", ""))
    if kind in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW"):
        old = qualname_of_rangevar(node.get("relation"))
        if old in r.cat.tables:
            _rename_table(r, old, (old[0], newname))
        elif old in r.cat.views:
            _rename_view(r, old, (old[0], newname))
    elif kind == "OBJECT_COLUMN":
        table = r.cat.tables.get(qualname_of_rangevar(node.get("relation")))
        old_col = str(node.get("subname", ""))
        if table is not None and old_col in table.columns:
            col = table.columns.pop(old_col)
            col.name = newname
            table.columns[newname] = col
            _rename_column_refs(r, table, old_col, newname)
    elif kind == "OBJECT_POLICY":
        table_name = qualname_of_rangevar(node.get("relation"))
        policy = r.cat.policies.pop((table_name, str(node.get("subname", ""))), None)
        if policy is not None:
            policy.name = newname
            r.cat.policies[(table_name, newname)] = policy
    elif kind in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
        old = _function_name(node.get("object") or {})
        _rename_function(r, old, (old[0], newname))
    elif kind == "OBJECT_INDEX":
        old = qualname_of_rangevar(node.get("relation"))
        index = r.cat.indexes.pop(old, None)
        if index is not None:
            index.name = newname
            r.cat.indexes[(old[0], newname)] = index
    elif kind == "OBJECT_SCHEMA":
        _rename_schema(r, str(node.get("subname", "")), newname)


def _rename_column_refs(r: _Replayer, table: Table, old: str, new: str) -> None:
    def swap(cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if c == old else c for c in cols)

    if table.primary_key:
        table.primary_key = swap(table.primary_key)
    table.unique_constraints = [swap(u) for u in table.unique_constraints]
    for fk in table.foreign_keys:
        fk.columns = swap(fk.columns)
    for other in r.cat.tables.values():
        for fk in other.foreign_keys:
            if fk.ref_table == table.qualname:
                fk.ref_columns = swap(fk.ref_columns)
    for index in r.cat.indexes_on(table.qualname):
        index.columns = tuple(new if c == old else c for c in index.columns)
    key = (table.qualname, old)
    if key in r.cat.column_privileges:
        r.cat.column_privileges[(table.qualname, new)] = r.cat.column_privileges.pop(key)


def _rename_schema(r: _Replayer, old: str, new: str) -> None:
    if old not in r.cat.schemas:
        return
    r.cat.schemas.discard(old)
    r.cat.schemas.add(new)
    for name in [n for n in r.cat.tables if n[0] == old]:
        _rename_table(r, name, (new, name[1]))
    for name in [n for n in r.cat.views if n[0] == old]:
        _rename_view(r, name, (new, name[1]))
    for name in [n for n in r.cat.functions if n[0] == old]:
        _rename_function(r, name, (new, name[1]))


def _h_set_schema(r: _Replayer, node: AstNode) -> None:
    kind = node.get("objectType")
    newschema = str(node.get("newschema", ""))
    if kind in ("OBJECT_TABLE", "OBJECT_FOREIGN_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW"):
        old = qualname_of_rangevar(node.get("relation"))
        if old in r.cat.tables:
            _rename_table(r, old, (newschema, old[1]))
        elif old in r.cat.views:
            _rename_view(r, old, (newschema, old[1]))
    elif kind in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE"):
        old = _function_name(node.get("object") or {})
        _rename_function(r, old, (newschema, old[1]))
    elif kind == "OBJECT_EXTENSION":
        obj = node.get("object") or {}
        ext = str(obj.get("String", {}).get("sval", "")) if isinstance(obj, dict) else ""
        if ext in r.cat.extensions:
            r.cat.extensions[ext] = newschema


# -- grants -----------------------------------------------------------------

_FUNCTION_OBJTYPES = ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE")


def _privileges(node: AstNode, kind: ObjectKind) -> tuple[set[str], dict[str, set[str]]]:
    """(table/object-level privileges, column → privileges) named by a GRANT/REVOKE."""
    privs = node.get("privileges")
    if not privs:
        if kind in ("table", "view"):
            return set(TABLE_PRIVILEGES), {}
        if kind == "function":
            return {"EXECUTE"}, {}
        if kind == "schema":
            return {"USAGE", "CREATE"}, {}
        return {"USAGE", "SELECT", "UPDATE"}, {}
    whole: set[str] = set()
    cols: dict[str, set[str]] = {}
    for p in privs:
        ap = p.get("AccessPriv", {})
        name = str(ap.get("priv_name") or "all").upper()
        expanded = set(TABLE_PRIVILEGES) if name == "ALL" and kind in ("table", "view") else {name}
        if ap.get("cols"):
            for col in strings(ap["cols"]):
                cols.setdefault(col, set()).update(expanded)
        else:
            whole.update(expanded)
    return whole, cols


def _grant_targets(r: _Replayer, node: AstNode) -> list[tuple[ObjectKind, QualName]]:
    objtype = node.get("objtype")
    targets: list[tuple[ObjectKind, QualName]] = []
    if node.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
        schemas = set(strings(node.get("objects")))
        if objtype == "OBJECT_TABLE":
            targets += [("table", n) for n in r.cat.tables if n[0] in schemas]
            targets += [("view", n) for n in r.cat.views if n[0] in schemas]
        elif objtype in _FUNCTION_OBJTYPES:
            targets += [("function", n) for n in r.cat.functions if n[0] in schemas]
        return targets
    for obj in node.get("objects") or []:
        if objtype == "OBJECT_TABLE":
            name = qualname_of_rangevar(obj.get("RangeVar", obj))
            targets.append(
                ("view" if name in r.cat.views and name not in r.cat.tables else "table", name)
            )
        elif objtype in _FUNCTION_OBJTYPES:
            targets.append(("function", _function_name(obj)))
        elif objtype == "OBJECT_SCHEMA" and "String" in obj:
            schema = str(obj["String"].get("sval", ""))
            targets.append(("schema", (schema, "")))
        elif objtype == "OBJECT_SEQUENCE":
            targets.append(("sequence", qualname_of_rangevar(obj.get("RangeVar", obj))))
    return targets


def _h_grant(r: _Replayer, node: AstNode) -> None:
    grantees = role_names(node.get("grantees"))
    is_grant = bool(node.get("is_grant"))
    for kind, obj in _grant_targets(r, node):
        whole, cols = _privileges(node, kind)
        grants = r.cat.privileges.setdefault((kind, obj), {})
        sources = r.cat.grant_sources.setdefault((kind, obj), {})
        for role in grantees:
            if is_grant:
                added = whole - grants.get(role, set())
                if added:
                    sources.setdefault(role, {}).update(dict.fromkeys(added, r.described()))
                grants.setdefault(role, set()).update(whole)
                for col, privs in cols.items():
                    r.cat.column_privileges.setdefault((obj, col), {}).setdefault(
                        role, set()
                    ).update(privs)
                continue
            held = grants.get(role, set())
            if "ALL" in held:
                held = (set(TABLE_PRIVILEGES) if kind in ("table", "view") else {"EXECUTE"}) | (
                    held - {"ALL"}
                )
            grants[role] = held - whole - ({"ALL"} if whole else set())
            for privilege in whole:
                sources.get(role, {}).pop(privilege, None)
            table = r.cat.tables.get(obj) if kind == "table" else None
            if table is not None and whole:
                for col_name in table.columns:
                    by_role = r.cat.column_privileges.get((obj, col_name))
                    if by_role is not None and role in by_role:
                        by_role[role] -= whole
            for col, privs in cols.items():
                col_grants = r.cat.column_privileges.get((obj, col), {})
                if role in col_grants:
                    col_grants[role] -= privs


_MIGRATION_OWNERS = frozenset({"postgres", "current_user", "session_user"})
"""Roles whose default privileges apply to objects a migration creates (it runs as postgres)."""


def _h_default_privileges(r: _Replayer, node: AstNode) -> None:
    action = node.get("action") or {}
    objtype = action.get("objtype")
    kind: ObjectKind | None = {
        "OBJECT_TABLE": "table",
        "OBJECT_FUNCTION": "function",
        "OBJECT_ROUTINE": "function",
        "OBJECT_SEQUENCE": "sequence",
    }.get(str(objtype))  # type: ignore[assignment]
    if kind is None:
        return
    schemas: list[str] = []
    for opt in node.get("options") or []:
        d = opt.get("DefElem", {})
        if d.get("defname") == "schemas":
            schemas += strings(((d.get("arg") or {}).get("List") or {}).get("items"))
        elif d.get("defname") == "roles":
            owners = role_names(((d.get("arg") or {}).get("List") or {}).get("items"))
            if not set(owners) & _MIGRATION_OWNERS:
                return  # defaults for objects another role creates (supabase_admin…)
    whole, _ = _privileges(action, kind)
    grantees = role_names(action.get("grantees"))
    for schema in schemas or ["*"]:
        grants = r.cat.default_privileges.setdefault((schema, kind), {})
        for role in grantees:
            if action.get("is_grant"):
                if whole - grants.get(role, set()):
                    r.cat.default_sources[(schema, kind, role)] = r.described()
                grants.setdefault(role, set()).update(whole)
            elif role in grants:
                grants[role] -= whole
                if not grants[role] - {"TRUNCATE", "REFERENCES", "TRIGGER"}:
                    r.cat.default_sources.pop((schema, kind, role), None)


# -- storage buckets -----------------------------------------------------------------


def _h_insert(r: _Replayer, node: AstNode) -> None:
    if qualname_of_rangevar(node.get("relation")) != ("storage", "buckets"):
        return
    cols = [str((c.get("ResTarget") or {}).get("name", "")) for c in node.get("cols") or []]
    select = (node.get("selectStmt") or {}).get("SelectStmt") or {}
    for row in select.get("valuesLists") or []:
        values = (row.get("List") or {}).get("items") or []
        record = {c: const_value(v) for c, v in zip(cols, values, strict=False)}
        bucket_id = record.get("id") or record.get("name")
        if bucket_id is None:
            continue
        public = record.get("public") is True
        if node.get("onConflictClause") and str(bucket_id) in r.cat.buckets:
            public = public or r.cat.buckets[str(bucket_id)].public
        r.cat.buckets[str(bucket_id)] = Bucket(
            id=str(bucket_id), public=public, origin=r.origin(row)
        )


def _h_update(r: _Replayer, node: AstNode) -> None:
    if qualname_of_rangevar(node.get("relation")) != ("storage", "buckets"):
        return
    new_public: bool | None = None
    for t in node.get("targetList") or []:
        rt = t.get("ResTarget", {})
        if rt.get("name") == "public":
            new_public = const_value(rt.get("val")) is True
    if new_public is None:
        return
    where = node.get("whereClause") or {}
    target_id = None
    a = where.get("A_Expr") or {}
    if strings(a.get("name")) == ["="]:
        target_id = const_value(a.get("rexpr")) or const_value(a.get("lexpr"))
    for bucket in r.cat.buckets.values():
        if target_id is None or bucket.id == target_id:
            bucket.public = new_public
            bucket.origin = r.origin()
    if new_public and target_id is not None and str(target_id) not in r.cat.buckets:
        # a bucket made in the dashboard (or by the CLI's config) and opened up here
        r.cat.buckets[str(target_id)] = Bucket(id=str(target_id), public=True, origin=r.origin())


_HANDLERS: dict[str, Callable[[_Replayer, AstNode], None]] = {
    "CreateStmt": _h_create,
    "CreateForeignTableStmt": _h_create_foreign,
    "CreateTableAsStmt": _h_create_table_as,
    "AlterTableStmt": _h_alter_table,
    "CreatePolicyStmt": _h_create_policy,
    "AlterPolicyStmt": _h_alter_policy,
    "IndexStmt": _h_index,
    "CreateFunctionStmt": _h_create_function,
    "AlterFunctionStmt": _h_alter_function,
    "ViewStmt": _h_view,
    "CreateTrigStmt": _h_trigger,
    "CreateExtensionStmt": _h_extension,
    "CreateSchemaStmt": _h_create_schema,
    "DropStmt": _h_drop,
    "RenameStmt": _h_rename,
    "AlterObjectSchemaStmt": _h_set_schema,
    "GrantStmt": _h_grant,
    "AlterDefaultPrivilegesStmt": _h_default_privileges,
    "InsertStmt": _h_insert,
    "UpdateStmt": _h_update,
}


def builtin_catalog(exposed_schemas: tuple[str, ...] | None = None) -> Catalog:
    """A catalogue holding what every Supabase project starts with.

    ``auth.users`` (RLS on, no API grants), ``storage.objects`` /
    ``storage.buckets`` (RLS on), the ``auth.uid()/jwt()/role()/email()``
    helpers, and the extensions Supabase pre-installs into ``extensions``.
    """
    cat = Catalog() if exposed_schemas is None else Catalog(exposed_schemas=exposed_schemas)
    cat.schemas.update({"graphql_public", "realtime", "vault"})
    users = Table(schema="auth", name="users", rls_enabled=True)
    for col, typ in (
        ("id", "uuid"),
        ("email", "text"),
        ("raw_user_meta_data", "jsonb"),
        ("raw_app_meta_data", "jsonb"),
        ("created_at", "timestamptz"),
    ):
        users.columns[col] = Column(name=col, type_name=typ, nullable=col != "id")
    users.primary_key = ("id",)
    cat.tables[users.qualname] = users
    cat.indexes[("auth", "users_pkey")] = Index(
        name="users_pkey",
        table=users.qualname,
        columns=("id",),
        unique=True,
        constraint="primary",
        expressions=(None,),
    )
    objects = Table(schema="storage", name="objects", rls_enabled=True)
    for col, typ in (
        ("id", "uuid"),
        ("bucket_id", "text"),
        ("name", "text"),
        ("owner", "uuid"),
        ("owner_id", "text"),
    ):
        objects.columns[col] = Column(name=col, type_name=typ)
    cat.tables[objects.qualname] = objects
    buckets = Table(schema="storage", name="buckets", rls_enabled=True)
    for col, typ in (("id", "text"), ("name", "text"), ("public", "bool"), ("owner", "uuid")):
        buckets.columns[col] = Column(name=col, type_name=typ)
    cat.tables[buckets.qualname] = buckets
    for fname, returns in (("uid", "uuid"), ("jwt", "jsonb"), ("role", "text"), ("email", "text")):
        cat.functions[("auth", fname)] = Function(
            schema="auth", name=fname, returns=returns, volatility="stable"
        )
    for ext in (
        "pgcrypto",
        "uuid-ossp",
        "pg_stat_statements",
        "pgjwt",
        "supabase_vault",
        "pg_graphql",
    ):
        cat.extensions[ext] = "extensions"
    for rel in (users.qualname, objects.qualname, buckets.qualname):
        cat.privileges[("table", rel)] = {"service_role": set(TABLE_PRIVILEGES)}
    for rel in (objects.qualname, buckets.qualname):
        cat.privileges[("table", rel)].update(
            {"anon": set(TABLE_PRIVILEGES), "authenticated": set(TABLE_PRIVILEGES)}
        )
        storage = GrantSource("Supabase's grants on the storage schema")
        cat.grant_sources[("table", rel)] = {
            role: dict.fromkeys(TABLE_PRIVILEGES, storage) for role in ("anon", "authenticated")
        }
    return cat
