"""The typed catalogue a migration history builds: what the database looks like.

Replaying every migration of the base tree gives the catalogue *before* the
PR; replaying the PR's migrations on top gives the one *after*.  Rules compare
the two, so they can judge a statement in context (the table was created three
migrations ago; the policy lives on a table whose RLS is off…).

Names are ``QualName = (schema, name)``, lower-cased as PostgreSQL folds
unquoted identifiers; unqualified names resolve to ``public``.  Expressions
(defaults, policy ``USING``/``WITH CHECK``, view queries) are kept as pglast
JSON AST dicts (``{"FuncCall": {...}}``), never as text to regex over.

Supabase defaults modelled here (``Catalog.default_privileges``): under the
legacy regime new tables, views and functions in ``public`` are granted to
``anon``, ``authenticated`` and ``service_role``; under the restricted regime
(hosted projects since 2026-10-30, see :mod:`agents.sql.platform`) they are
not; new functions get EXECUTE for PUBLIC in both; ``REVOKE … FROM PUBLIC``
leaves the role grants in place.  ``Catalog.grant_sources`` remembers what gave
each role its privileges, so a finding can say which grant makes a table
reachable.

Why one module of about 500 lines: these are the data classes of one catalogue, the
vocabulary replay, rules and the database stage share; ``Catalog.clone`` must see every
one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

QualName = tuple[str, str]
AstNode = dict[str, Any]
"""A pglast JSON AST node: ``{"NodeType": {...fields...}}``."""

PolicyCommand = Literal["all", "select", "insert", "update", "delete"]

API_ROLES = frozenset({"anon", "authenticated", "public"})
"""Roles that reach an exposed schema through the Data API (``public`` = PUBLIC)."""

DEFAULT_EXPOSED_SCHEMAS = ("public", "graphql_public")

SUPABASE_API_ROLES = ("anon", "authenticated", "service_role")
BUILTIN_ROLES = frozenset(
    {"anon", "authenticated", "service_role", "postgres", "supabase_admin", "authenticator"}
)
TABLE_PRIVILEGES = frozenset(
    {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}
)
"""What ``ALL`` expands to on a table, view or materialized view."""


@dataclass(frozen=True)
class Origin:
    """Where an object was (last) defined: file path and 1-based line in that file."""

    path: str
    line: int


@dataclass(frozen=True)
class GrantSource:
    """What gave a role a privilege: a statement of the history, or a platform default."""

    text: str
    """In words a finding can quote: "`grant select on table public.notes to anon`
    (supabase/migrations/1_a.sql:12)", or "Supabase's legacy default grant …"."""
    origin: Origin | None = None
    """The statement's place, when a statement of the history made the grant."""


@dataclass
class Column:
    name: str
    type_name: str
    """Normalised type name as pglast gives it: ``int4``, ``text``, ``timestamptz``…"""
    type_mods: tuple[int, ...] = ()
    array: bool = False
    nullable: bool = True
    default: AstNode | None = None
    generated: Literal["stored", "virtual"] | None = None
    identity: bool = False
    origin: Origin | None = None


@dataclass
class ForeignKey:
    name: str | None
    table: QualName
    columns: tuple[str, ...]
    ref_table: QualName
    ref_columns: tuple[str, ...]
    on_delete: str = "a"
    """pglast action code: a=no action, r=restrict, c=cascade, n=set null, d=set default."""
    not_valid: bool = False
    origin: Origin | None = None


@dataclass
class Table:
    schema: str
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: tuple[str, ...] | None = None
    unique_constraints: list[tuple[str, ...]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    check_constraints: list[AstNode] = field(default_factory=list)
    rls_enabled: bool = False
    rls_forced: bool = False
    kind: Literal["table", "foreign", "partitioned"] = "table"
    origin: Origin | None = None

    @property
    def qualname(self) -> QualName:
        return (self.schema, self.name)


@dataclass
class Policy:
    name: str
    table: QualName
    command: PolicyCommand = "all"
    roles: tuple[str, ...] = ("public",)
    """Role names; ``public`` (PUBLIC) when the policy has no ``TO`` clause."""
    permissive: bool = True
    using: AstNode | None = None
    with_check: AstNode | None = None
    origin: Origin | None = None
    has_to_clause: bool = False


@dataclass
class Index:
    name: str | None
    table: QualName
    columns: tuple[str | None, ...]
    """Key columns in order; None for an expression key."""
    unique: bool = False
    partial: bool = False
    concurrently: bool = False
    method: str = "btree"
    origin: Origin | None = None
    expressions: tuple[AstNode | None, ...] = ()
    """Per key: the expression AST for expression keys, None for plain columns."""
    where: AstNode | None = None
    """The partial index predicate."""
    constraint: Literal["primary", "unique"] | None = None
    """Set when the index backs a PRIMARY KEY / UNIQUE constraint (implicitly created)."""


@dataclass
class Function:
    schema: str
    name: str
    arg_types: tuple[str, ...] = ()
    arg_names: tuple[str, ...] = ()
    returns: str | None = None
    language: str = "sql"
    volatility: Literal["volatile", "stable", "immutable"] = "volatile"
    security_definer: bool = False
    search_path: str | None = None
    """The function's own ``SET search_path`` value, None when not pinned."""
    body: str | None = None
    origin: Origin | None = None
    arg_modes: tuple[str, ...] = ()
    """pglast parameter modes (``FUNC_PARAM_IN``, ``FUNC_PARAM_DEFAULT``, ``FUNC_PARAM_TABLE``…)."""
    body_line: int | None = None
    """Line in ``origin.path`` where the body text starts (plpgsql ``lineno`` 1 is this line)."""
    sql_body: AstNode | None = None
    """AST of a SQL-standard body (``RETURN …`` / ``BEGIN ATOMIC … END``)."""
    leakproof: bool = False
    definition: str | None = None
    """The whole ``CREATE FUNCTION`` text (kept for plpgsql, whose parser needs it)."""

    @property
    def qualname(self) -> QualName:
        return (self.schema, self.name)

    @property
    def input_arg_names(self) -> tuple[str, ...]:
        """Names of the parameters a caller passes (OUT/TABLE columns excluded)."""
        out: list[str] = []
        for i, name in enumerate(self.arg_names):
            mode = self.arg_modes[i] if i < len(self.arg_modes) else "FUNC_PARAM_DEFAULT"
            if mode not in ("FUNC_PARAM_OUT", "FUNC_PARAM_TABLE"):
                out.append(name)
        return tuple(out)


@dataclass
class View:
    schema: str
    name: str
    materialized: bool = False
    security_invoker: bool = False
    security_barrier: bool = False
    source_tables: frozenset[QualName] = frozenset()
    query: AstNode | None = None
    origin: Origin | None = None

    @property
    def qualname(self) -> QualName:
        return (self.schema, self.name)


@dataclass
class Trigger:
    name: str
    table: QualName
    function: QualName
    timing: str = "before"
    events: tuple[str, ...] = ()
    origin: Origin | None = None
    for_each_row: bool = False
    columns: tuple[str, ...] = ()
    """``UPDATE OF col, …`` columns (empty: any column)."""


@dataclass
class Bucket:
    id: str
    public: bool = False
    origin: Origin | None = None


ObjectKind = Literal["table", "view", "function", "sequence", "schema"]

LEGACY_DEFAULT = GrantSource(
    "Supabase's legacy default grant to the API roles, in force for migrations dated before "
    "2026-10-30"
)
"""The grant every table, view and function created in ``public`` got until 2026-10-30."""
PUBLIC_EXECUTE = GrantSource("PostgreSQL's default EXECUTE to PUBLIC on new functions")


K = TypeVar("K")
V = TypeVar("V")


class ByTable(dict[K, V], Generic[K, V]):
    """A dict that also keeps its values grouped by the table they belong to.

    Rules ask "the policies (indexes) on table T" for every statement they
    judge; scanning every policy of a large schema each time made that
    quadratic.  Every mutating dict method keeps the grouping in step, so the
    replay code can go on assigning and deleting as with a plain dict.
    """

    def __init__(self, items: Iterable[tuple[K, V]] = ()) -> None:
        super().__init__()
        self._groups: dict[QualName, dict[K, V]] = {}
        for key, value in items:
            self[key] = value

    @staticmethod
    def table_of(key: K, value: V) -> QualName:
        raise NotImplementedError

    def on(self, table: QualName) -> list[V]:
        """Values on ``table``, in insertion order."""
        return list(self._groups.get(table, {}).values())

    def items_on(self, table: QualName) -> list[tuple[K, V]]:
        """(key, value) pairs on ``table``, in insertion order."""
        return list(self._groups.get(table, {}).items())

    def __setitem__(self, key: K, value: V) -> None:
        if key in self:
            self._ungroup(key)
        super().__setitem__(key, value)
        self._groups.setdefault(self.table_of(key, value), {})[key] = value

    def __delitem__(self, key: K) -> None:
        self._ungroup(key)
        super().__delitem__(key)

    def _ungroup(self, key: K) -> None:
        table = self.table_of(key, super().__getitem__(key))
        group = self._groups.get(table)
        if group is not None:
            group.pop(key, None)
            if not group:
                del self._groups[table]

    _MISSING: Any = object()

    def pop(self, key: K, default: Any = _MISSING) -> Any:
        if key in self:
            value = super().__getitem__(key)
            del self[key]
            return value
        if default is ByTable._MISSING:
            raise KeyError(key)
        return default

    def popitem(self) -> tuple[K, V]:
        key = next(reversed(self))
        return key, self.pop(key)

    def setdefault(self, key: K, default: V = None) -> V:  # type: ignore[assignment]
        if key not in self:
            self[key] = default
        return super().__getitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def clear(self) -> None:
        super().clear()
        self._groups.clear()

    def __reduce__(self) -> Any:
        # rebuild through __setitem__ (pickle and copy), never from a stale grouping
        return (type(self), (list(self.items()),))


class PolicyMap(ByTable[tuple[QualName, str], "Policy"]):
    """Policies keyed by (table, policy name)."""

    @staticmethod
    def table_of(key: tuple[QualName, str], value: Policy) -> QualName:
        return key[0]


class IndexMap(ByTable[QualName, "Index"]):
    """Indexes keyed by (schema, index name)."""

    @staticmethod
    def table_of(key: QualName, value: Index) -> QualName:
        return value.table


@dataclass
class Catalog:
    """The whole modelled database at one point in the migration history."""

    schemas: set[str] = field(default_factory=lambda: {"public", "auth", "storage", "extensions"})
    exposed_schemas: tuple[str, ...] = DEFAULT_EXPOSED_SCHEMAS
    tables: dict[QualName, Table] = field(default_factory=dict)
    policies: dict[tuple[QualName, str], Policy] = field(default_factory=dict)
    indexes: dict[QualName, Index] = field(default_factory=dict)
    """Keyed by (schema, index name); anonymous indexes get a generated name."""
    functions: dict[QualName, Function] = field(default_factory=dict)
    views: dict[QualName, View] = field(default_factory=dict)
    triggers: dict[tuple[QualName, str], Trigger] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)
    """Extension name → schema it was installed into."""
    buckets: dict[str, Bucket] = field(default_factory=dict)
    privileges: dict[tuple[ObjectKind, QualName], dict[str, set[str]]] = field(default_factory=dict)
    """(kind, object) → grantee role → privileges (``SELECT``, ``INSERT``, ``EXECUTE``…)."""
    column_privileges: dict[tuple[QualName, str], dict[str, set[str]]] = field(default_factory=dict)
    """(table, column) → grantee → privileges granted on that column only."""
    default_privileges: dict[tuple[str, ObjectKind], dict[str, set[str]]] = field(
        default_factory=lambda: {
            ("*", "function"): {"public": {"EXECUTE"}},
            ("public", "table"): {r: set(TABLE_PRIVILEGES) for r in SUPABASE_API_ROLES},
            ("public", "function"): {r: {"EXECUTE"} for r in SUPABASE_API_ROLES},
            ("public", "sequence"): {r: {"USAGE", "SELECT", "UPDATE"} for r in SUPABASE_API_ROLES},
        }
    )
    """(schema or ``*`` for every schema, kind) → grantee → privileges a new object gets.

    Seeded with PostgreSQL's EXECUTE-to-PUBLIC on functions and Supabase's
    ``ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL … TO anon,
    authenticated, service_role``.  Views and materialized views use the
    ``table`` entry, as in PostgreSQL."""
    roles: set[str] = field(default_factory=lambda: set(BUILTIN_ROLES))
    grant_sources: dict[tuple[ObjectKind, QualName], dict[str, dict[str, GrantSource]]] = field(
        default_factory=dict
    )
    """(kind, object) → grantee → privilege → what granted it (see :class:`GrantSource`)."""
    default_sources: dict[tuple[str, ObjectKind, str], GrantSource] = field(
        default_factory=lambda: {
            ("*", "function", "public"): PUBLIC_EXECUTE,
            **{
                ("public", kind, role): LEGACY_DEFAULT
                for kind in ("table", "function", "sequence")
                for role in SUPABASE_API_ROLES
            },
        }
    )
    """(schema or ``*``, kind, grantee) → what set that default privilege."""
    grant_regime: str = "legacy"
    """``legacy`` or ``restricted``: Supabase's default grants as they stand (see
    :mod:`agents.sql.platform`)."""
    regime_changed_at: str | None = None
    """Where in the history the restricted defaults took effect (for messages)."""

    # -- queries rules use -------------------------------------------------

    def is_exposed(self, schema: str) -> bool:
        """True when the Data API serves this schema (``[api] schemas``)."""
        return schema in self.exposed_schemas

    def __post_init__(self) -> None:
        if not isinstance(self.policies, PolicyMap):
            self.policies = PolicyMap(self.policies.items())
        if not isinstance(self.indexes, IndexMap):
            self.indexes = IndexMap(self.indexes.items())

    def policies_on(self, table: QualName) -> list[Policy]:
        """The policies on ``table`` (grouped as they are stored: no scan)."""
        assert isinstance(self.policies, PolicyMap)
        return self.policies.on(table)

    def indexes_on(self, table: QualName) -> list[Index]:
        """The indexes on ``table`` (grouped as they are stored: no scan)."""
        assert isinstance(self.indexes, IndexMap)
        return self.indexes.on(table)

    def relation_kind(self, name: QualName) -> ObjectKind | None:
        """``table`` or ``view`` (materialized included) for a known relation, else None."""
        if name in self.tables:
            return "table"
        if name in self.views:
            return "view"
        return None

    def has_privilege(self, role: str, kind: ObjectKind, obj: QualName, privilege: str) -> bool:
        """True when ``role`` holds ``privilege`` directly or through PUBLIC."""
        holders = self.grantees(kind, obj, privilege)
        return role in holders or "public" in holders

    def column_grantees(self, table: QualName, column: str, privilege: str) -> set[str]:
        """Roles holding ``privilege`` on one column: table-level holders plus column grants."""
        out = set(self.grantees("table", table, privilege))
        for role, privs in self.column_privileges.get((table, column), {}).items():
            if privilege in privs:
                out.add(role)
        return out

    def api_can(self, kind: ObjectKind, obj: QualName, privilege: str) -> set[str]:
        """Which of ``anon``/``authenticated`` hold ``privilege`` (directly or via PUBLIC)."""
        holders = self.grantees(kind, obj, privilege)
        if "public" in holders:
            return {"anon", "authenticated"}
        return holders & {"anon", "authenticated"}

    def grantees(self, kind: ObjectKind, obj: QualName, privilege: str) -> set[str]:
        """Roles holding ``privilege`` on the object (``public`` means PUBLIC)."""
        grants = self.privileges.get((kind, obj), {})
        return {role for role, privs in grants.items() if privilege in privs or "ALL" in privs}

    def clone(self) -> Catalog:
        """A copy whose objects can be changed without touching this one.

        Replaying the PR on top of the (cached) base must leave the base
        intact.  Every model object and container is copied; the pglast AST
        dicts inside them (defaults, policy expressions, view queries) are
        shared, because replay only ever *replaces* them, never edits them in
        place.  That keeps a clone of a 50,000-statement history well under a
        second, where a deep copy took seconds.
        """

        def grants(src: dict[Any, dict[str, set[str]]]) -> dict[Any, dict[str, set[str]]]:
            return {k: {role: set(p) for role, p in v.items()} for k, v in src.items()}

        return Catalog(
            schemas=set(self.schemas),
            exposed_schemas=self.exposed_schemas,
            tables={k: _copy_table(t) for k, t in self.tables.items()},
            policies={k: _shallow(p) for k, p in self.policies.items()},
            indexes={k: _shallow(i) for k, i in self.indexes.items()},
            functions={k: _shallow(f) for k, f in self.functions.items()},
            views={k: _shallow(v) for k, v in self.views.items()},
            triggers={k: _shallow(t) for k, t in self.triggers.items()},
            extensions=dict(self.extensions),
            buckets={k: _shallow(b) for k, b in self.buckets.items()},
            privileges=grants(self.privileges),
            column_privileges=grants(self.column_privileges),
            default_privileges=grants(self.default_privileges),
            roles=set(self.roles),
            grant_sources={
                k: {role: dict(p) for role, p in v.items()} for k, v in self.grant_sources.items()
            },
            default_sources=dict(self.default_sources),
            grant_regime=self.grant_regime,
            regime_changed_at=self.regime_changed_at,
        )


_M = TypeVar("_M")


def _shallow(obj: _M) -> _M:
    """``copy.copy`` of one of the model's plain dataclasses, without the copy module's
    reduce protocol (about 5× faster): a clone copies every object of the schema."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def _copy_table(table: Table) -> Table:
    new = _shallow(table)
    new.columns = {n: _shallow(c) for n, c in table.columns.items()}
    new.unique_constraints = list(table.unique_constraints)
    new.foreign_keys = [_shallow(fk) for fk in table.foreign_keys]
    new.check_constraints = list(table.check_constraints)
    return new
