"""The applied schema as the probe needs it, read from PostgreSQL's catalogue.

After the PR's migrations ran, the catalogue is the truth: column types with
their domains and enum labels, defaults, identity and generated columns, keys,
foreign keys, CHECK constraints, unique indexes, policies (deparsed with an
empty ``search_path``, so every name in them is schema-qualified), functions
and views.  Nothing here is inferred from the migration text.

Why one module of about 500 lines: one dataclass per object kind and one query per kind,
side by side, so that a query and the fields it fills change together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql

Conn = psycopg.Connection[tuple[object, ...]]

PLATFORM_SCHEMAS = frozenset(
    {
        "information_schema",
        "auth",
        "storage",
        "realtime",
        "_realtime",
        "extensions",
        "graphql",
        "graphql_public",
        "vault",
        "pgsodium",
        "pgsodium_masks",
        "net",
        "cron",
        "supabase_functions",
        "supabase_migrations",
        "pgbouncer",
        "pgtle",
        "_analytics",
    }
)
"""Schemas the platform owns: their tables are not the application's (storage is probed
through its buckets, auth.users through the two users)."""

IDENTITY_FUNCTIONS = frozenset({"auth.uid", "auth.jwt", "auth.email"})


def _schema_filter(column: str) -> sql.Composable:
    return sql.SQL("{col} <> all({platform}) and {col} !~ '^pg_'").format(
        col=sql.SQL(column), platform=sql.Literal(sorted(PLATFORM_SCHEMAS))
    )


@dataclass(frozen=True)
class Column:
    name: str
    attnum: int
    type_sql: str
    """``format_type`` of the column's own type (a domain keeps its name)."""
    base_sql: str
    """The type values are generated for (a domain's base type)."""
    category: str
    """``pg_type.typcategory`` of the base type (``S`` string, ``N`` numeric, ``E`` enum…)."""
    not_null: bool
    default: str | None
    generated: bool
    identity: str
    """``a`` (always), ``d`` (by default) or empty."""
    enum_labels: tuple[str, ...] = ()
    element_sql: str | None = None
    """Arrays: the element type."""
    element_category: str | None = None
    element_labels: tuple[str, ...] = ()
    domain_checks: tuple[str, ...] = ()
    domain: str | None = None
    """The domain's name when the column's type is a domain."""

    def literal(self, value: object) -> sql.Composable:
        """``NULL``, or the value as a literal cast to the column's type (how the seeder and
        the probes write rows)."""
        if value is None:
            return sql.SQL("NULL")
        return sql.SQL("{}::{}").format(sql.Literal(str(value)), sql.SQL(self.type_sql))

    length: int | None = None
    """``varchar(n)``/``char(n)``: at most n characters."""


@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    target: int
    """oid of the referenced table."""
    target_columns: tuple[str, ...]
    declared: bool = True
    """False for a reference the schema does not declare (see :func:`add_name_references`)."""


@dataclass(frozen=True)
class Check:
    name: str
    definition: str
    """``CHECK ((…))`` as pg_get_constraintdef prints it."""
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    name: str
    table: int
    command: str
    """``r`` select, ``a`` insert, ``w`` update, ``d`` delete, ``*`` all."""
    permissive: bool
    roles: tuple[str, ...]
    """Role names; ``public`` for every role."""
    using: str | None
    check: str | None

    def applies_to(self, command: str, role: str) -> bool:
        return self.command in (command, "*") and ("public" in self.roles or role in self.roles)

    @property
    def command_label(self) -> str:
        return {"r": "select", "a": "insert", "w": "update", "d": "delete", "*": "all"}[
            self.command
        ]


@dataclass
class Table:
    oid: int
    schema: str
    name: str
    rls: bool
    columns: list[Column] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    uniques: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    """(constraint or index name, columns)."""
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.name)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def overriding(self, names: list[str]) -> sql.Composable:
        """``overriding system value`` when one of ``names`` is a GENERATED ALWAYS identity
        (an insert naming it is refused otherwise), else nothing."""
        always = any((c := self.column(n)) is not None and c.identity == "a" for n in names)
        return sql.SQL("overriding system value " if always else "")


@dataclass(frozen=True)
class Function:
    oid: int
    schema: str
    name: str
    language: str
    source: str
    definition: str | None
    security_definer: bool
    returns_set: bool
    returns: str
    arg_names: tuple[str, ...]
    arg_types: tuple[str, ...]
    """Input arguments only."""
    defaults: int
    anon: bool
    authenticated: bool
    """EXECUTE held by anon / authenticated."""

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class View:
    oid: int
    schema: str
    name: str
    security_invoker: bool
    anon: bool
    authenticated: bool

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class Catalog:
    tables: dict[int, Table]
    functions: dict[str, list[Function]]
    """``schema.name`` → overloads."""
    views: list[View]
    storage_objects: Table | None
    buckets: list[tuple[str, bool, tuple[str, ...]]]
    """(id, public, allowed mime types) of every storage bucket."""
    users_oid: int

    def by_name(self, schema: str, name: str) -> Table | None:
        return next(
            (t for t in self.tables.values() if t.schema == schema and t.name == name), None
        )


def _plurals(stem: str) -> list[str]:
    out = [stem, stem + "s", stem + "es"]
    if stem.endswith("y"):
        out.append(stem[:-1] + "ies")
    return out


def add_name_references(catalog: Catalog) -> None:
    """Undeclared references: ``team_id bigint`` beside a table ``teams`` keyed by a bigint.

    Many schemas leave the foreign key out (``team_members.team_id bigint not null``).
    Seeded with arbitrary values, such a column would make B a member of A's team by
    accident, and the probe would "prove" a leak that real data never has; seeded as a
    reference into the same world, it behaves as the application uses it.
    """
    by_name: dict[tuple[str, str], Table] = {(t.schema, t.name): t for t in catalog.tables.values()}
    for table in catalog.tables.values():
        declared = {c for fk in table.foreign_keys for c in fk.columns}
        for column in table.columns:
            name = column.name.lower()
            if not name.endswith("_id") or name in declared or column.name in table.primary_key:
                continue
            stem = name[:-3]
            for schema in dict.fromkeys((table.schema, "public")):
                target = next(
                    (by_name[(schema, n)] for n in _plurals(stem) if (schema, n) in by_name), None
                )
                if target is None or len(target.primary_key) != 1 or target.oid == table.oid:
                    continue
                key = target.column(target.primary_key[0])
                if key is None or key.base_sql != column.base_sql:
                    continue
                table.foreign_keys.append(
                    ForeignKey(
                        f"{column.name} (by name)",
                        (column.name,),
                        target.oid,
                        (key.name,),
                        declared=False,
                    )
                )
                break


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return (str(value),)


_COLUMNS = """
select a.attrelid::int8, a.attname, a.attnum::int, pg_catalog.format_type(a.atttypid, a.atttypmod),
  pg_catalog.format_type(coalesce(nullif(t.typbasetype, 0), t.oid),
    case when t.typbasetype <> 0 then t.typtypmod else a.atttypmod end),
  b.typcategory::text, a.attnotnull or coalesce(t.typnotnull, false),
  pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attgenerated <> '', a.attidentity::text,
  (select array_agg(e.enumlabel order by e.enumsortorder) from pg_catalog.pg_enum e
    where e.enumtypid = b.oid),
  case when b.typelem <> 0 and b.typcategory = 'A'
    then pg_catalog.format_type(b.typelem, null) end,
  el.typcategory::text,
  (select array_agg(e.enumlabel order by e.enumsortorder) from pg_catalog.pg_enum e
    where e.enumtypid = el.oid),
  (select array_agg(pg_catalog.pg_get_constraintdef(k.oid)) from pg_catalog.pg_constraint k
    where k.contypid = t.oid and k.contype = 'c'),
  case when t.typtype = 'd' then pg_catalog.format_type(t.oid, null) end,
  case when b.typname in ('varchar', 'bpchar') and
    (case when t.typbasetype <> 0 then t.typtypmod else a.atttypmod end) > 4
    then (case when t.typbasetype <> 0 then t.typtypmod else a.atttypmod end) - 4 end
from pg_catalog.pg_attribute a
join pg_catalog.pg_type t on t.oid = a.atttypid
join pg_catalog.pg_type b on b.oid = coalesce(nullif(t.typbasetype, 0), t.oid)
left join pg_catalog.pg_type el on el.oid = b.typelem and b.typcategory = 'A'
left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attrelid = any(%s::oid[]) and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum
"""

_CONSTRAINTS = """
select k.conrelid::int8, k.conname, k.contype::text,
  (select array_agg(a.attname order by u.ord) from unnest(k.conkey) with ordinality u(n, ord)
    join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n),
  k.confrelid::int8,
  (select array_agg(a.attname order by u.ord) from unnest(k.confkey) with ordinality u(n, ord)
    join pg_catalog.pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n),
  pg_catalog.pg_get_constraintdef(k.oid)
from pg_catalog.pg_constraint k
where k.conrelid = any(%s::oid[]) and k.contype in ('p', 'u', 'f', 'c')
order by k.conrelid, k.conname
"""

_UNIQUE_INDEXES = """
select i.indrelid::int8, c.relname,
  (select array_agg(a.attname order by u.ord) from unnest(i.indkey) with ordinality u(n, ord)
    join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = u.n)
from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indexrelid
where i.indrelid = any(%s::oid[]) and i.indisunique and not i.indisprimary
  and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = i.indexrelid)
"""

_POLICIES = """
select p.polrelid::int8, p.polname, p.polcmd::text, p.polpermissive,
  coalesce((select array_agg(case when r = 0 then 'public' else r::regrole::text end)
    from unnest(p.polroles) r), array['public']),
  pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)
from pg_catalog.pg_policy p where p.polrelid = any(%s::oid[])
order by p.polrelid, p.polname
"""


def _read_columns(conn: Conn, tables: dict[int, Table]) -> None:
    for row in conn.execute(_COLUMNS, (list(tables),)).fetchall():
        table = tables[int(str(row[0]))]
        table.columns.append(
            Column(
                name=str(row[1]),
                attnum=int(str(row[2])),
                type_sql=str(row[3]),
                base_sql=str(row[4]),
                category=_text(row[5]),
                not_null=bool(row[6]),
                default=None if row[7] is None else str(row[7]),
                generated=bool(row[8]),
                identity=_text(row[9]),
                enum_labels=_tuple(row[10]),
                element_sql=None if row[11] is None else str(row[11]),
                element_category=None if row[12] is None else str(row[12]),
                element_labels=_tuple(row[13]),
                domain_checks=_tuple(row[14]),
                domain=None if row[15] is None else str(row[15]),
                length=None if row[16] is None else int(str(row[16])),
            )
        )


def _read_constraints(conn: Conn, tables: dict[int, Table]) -> None:
    for oid, name, kind, cols, target, target_cols, definition in conn.execute(
        _CONSTRAINTS, (list(tables),)
    ).fetchall():
        table = tables[int(str(oid))]
        columns = _tuple(cols)
        if kind == "p":
            table.primary_key = columns
            table.uniques.append((str(name), columns))
        elif kind == "u":
            table.uniques.append((str(name), columns))
        elif kind == "f":
            table.foreign_keys.append(
                ForeignKey(str(name), columns, int(str(target)), _tuple(target_cols))
            )
        elif kind == "c":
            table.checks.append(Check(str(name), str(definition), columns))
    for oid, name, cols in conn.execute(_UNIQUE_INDEXES, (list(tables),)).fetchall():
        if cols is not None:
            tables[int(str(oid))].uniques.append((str(name), _tuple(cols)))


def _read_policies(conn: Conn, tables: dict[int, Table]) -> None:
    for oid, name, cmd, permissive, roles, using, check in conn.execute(
        _POLICIES, (list(tables),)
    ).fetchall():
        tables[int(str(oid))].policies.append(
            Policy(
                name=str(name),
                table=int(str(oid)),
                command=str(cmd),
                permissive=bool(permissive),
                roles=_tuple(roles),
                using=None if using is None else str(using),
                check=None if check is None else str(check),
            )
        )


def _read_functions(conn: Conn) -> dict[str, list[Function]]:
    out: dict[str, list[Function]] = {}
    query = sql.SQL(
        "select p.oid::int8, n.nspname, p.proname, l.lanname, p.prosrc, "
        " case when l.lanname in ('sql', 'plpgsql') then pg_catalog.pg_get_functiondef(p.oid) end, "
        " p.prosecdef, p.proretset, pg_catalog.format_type(p.prorettype, null), "
        " (select array_agg(coalesce(p.proargnames[i], '') order by i) "
        "   from generate_series(1, coalesce(array_length(p.proargtypes::oid[], 1), 0)) i), "
        " (select array_agg(pg_catalog.format_type(t, null) order by ord) "
        "   from unnest(p.proargtypes::oid[]) with ordinality u(t, ord)), "
        " p.pronargdefaults, "
        " pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE'), "
        " pg_catalog.has_function_privilege('authenticated', p.oid, 'EXECUTE') "
        "from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace "
        "join pg_catalog.pg_language l on l.oid = p.prolang "
        "where p.prokind = 'f' and ({filter} or n.nspname = 'auth') "
        "and not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid "
        " and d.classid = 'pg_catalog.pg_proc'::regclass and d.deptype = 'e')"
    ).format(filter=_schema_filter("n.nspname"))
    for row in conn.execute(query).fetchall():
        fn = Function(
            oid=int(str(row[0])),
            schema=str(row[1]),
            name=str(row[2]),
            language=str(row[3]),
            source=_text(row[4]),
            definition=None if row[5] is None else str(row[5]),
            security_definer=bool(row[6]),
            returns_set=bool(row[7]),
            returns=str(row[8]),
            arg_names=_tuple(row[9]),
            arg_types=_tuple(row[10]),
            defaults=int(str(row[11])),
            anon=bool(row[12]),
            authenticated=bool(row[13]),
        )
        out.setdefault(fn.label, []).append(fn)
    return out


def _read_views(conn: Conn, schemas: tuple[str, ...]) -> list[View]:
    rows = conn.execute(
        "select c.oid::int8, n.nspname, c.relname, "
        " coalesce(c.reloptions @> array['security_invoker=true'] "
        "  or c.reloptions @> array['security_invoker=on'] "
        "  or c.reloptions @> array['security_invoker=1'], false), "
        " pg_catalog.has_table_privilege('anon', c.oid, 'SELECT'), "
        " pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT') "
        "from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
        "where c.relkind in ('v', 'm') and n.nspname = any(%s) order by 2, 3",
        (list(schemas),),
    ).fetchall()
    return [
        View(int(str(r[0])), str(r[1]), str(r[2]), bool(r[3]), bool(r[4]), bool(r[5])) for r in rows
    ]


def read_catalog(conn: Conn, exposed: tuple[str, ...]) -> Catalog:
    """Everything the seeder and the probes need (call with ``search_path`` empty)."""
    tables: dict[int, Table] = {}
    query = sql.SQL(
        "select c.oid::int8, n.nspname, c.relname, c.relrowsecurity "
        "from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
        "where c.relkind in ('r', 'p') and not c.relispartition "
        "and ({filter} or (n.nspname = 'storage' and c.relname = 'objects')) "
        "and not exists (select 1 from pg_catalog.pg_depend d where d.objid = c.oid "
        " and d.classid = 'pg_catalog.pg_class'::regclass and d.deptype = 'e') "
        "order by n.nspname, c.relname"
    ).format(filter=_schema_filter("n.nspname"))
    for oid, schema, name, rls in conn.execute(query).fetchall():
        tables[int(str(oid))] = Table(int(str(oid)), str(schema), str(name), bool(rls))
    users = conn.execute("select 'auth.users'::regclass::oid::int8").fetchone()
    users_oid = int(str(users[0])) if users else 0
    if tables:
        _read_columns(conn, tables)
        _read_constraints(conn, tables)
        _read_policies(conn, tables)
    objects = next(
        (t for t in tables.values() if (t.schema, t.name) == ("storage", "objects")), None
    )
    if objects is not None:
        del tables[objects.oid]
    buckets = [
        (str(r[0]), bool(r[1]), _tuple(r[2]))
        for r in conn.execute(
            "select id, coalesce(public, false), allowed_mime_types "
            "from storage.buckets order by id"
        ).fetchall()
    ]
    catalog = Catalog(
        tables=tables,
        functions=_read_functions(conn),
        views=_read_views(conn, exposed),
        storage_objects=objects,
        buckets=buckets,
        users_oid=users_oid,
    )
    add_name_references(catalog)
    return catalog
