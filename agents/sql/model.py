"""The typed catalogue a migration history builds: what the database looks like.

Replaying every migration of the base tree gives the catalogue *before* the
PR; replaying the PR's migrations on top gives the one *after*.  Rules compare
the two, so they can judge a statement in context (the table was created three
migrations ago; the policy lives on a table whose RLS is off…).

Names are ``QualName = (schema, name)``, lower-cased as PostgreSQL folds
unquoted identifiers; unqualified names resolve to ``public``.  Expressions
(defaults, policy ``USING``/``WITH CHECK``, view queries) are kept as pglast
JSON AST dicts (``{"FuncCall": {...}}``), never as text to regex over.

Supabase defaults modelled here (``Catalog.grant_defaults``): new tables, views
and functions in ``public`` are granted to ``anon``, ``authenticated`` and
``service_role``; new functions get EXECUTE for PUBLIC; ``REVOKE … FROM PUBLIC``
leaves the role grants in place.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

QualName = tuple[str, str]
AstNode = dict[str, Any]
"""A pglast JSON AST node: ``{"NodeType": {...fields...}}``."""

PolicyCommand = Literal["all", "select", "insert", "update", "delete"]

API_ROLES = frozenset({"anon", "authenticated", "public"})
"""Roles that reach an exposed schema through the Data API (``public`` = PUBLIC)."""

DEFAULT_EXPOSED_SCHEMAS = ("public", "graphql_public")


@dataclass(frozen=True)
class Origin:
    """Where an object was (last) defined: file path and 1-based line in that file."""

    path: str
    line: int


@dataclass
class Column:
    name: str
    type_name: str
    """Normalised type name as pglast gives it, e.g. ``int4``, ``text``, ``timestamptz``, ``varchar``."""
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

    @property
    def qualname(self) -> QualName:
        return (self.schema, self.name)


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


@dataclass
class Bucket:
    id: str
    public: bool = False
    origin: Origin | None = None


ObjectKind = Literal["table", "view", "function", "sequence", "schema"]


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

    # -- queries rules use -------------------------------------------------

    def is_exposed(self, schema: str) -> bool:
        """True when the Data API serves this schema (``[api] schemas``)."""
        return schema in self.exposed_schemas

    def policies_on(self, table: QualName) -> list[Policy]:
        return [p for (t, _), p in self.policies.items() if t == table]

    def indexes_on(self, table: QualName) -> list[Index]:
        return [i for i in self.indexes.values() if i.table == table]

    def grantees(self, kind: ObjectKind, obj: QualName, privilege: str) -> set[str]:
        """Roles holding ``privilege`` on the object (``public`` means PUBLIC)."""
        grants = self.privileges.get((kind, obj), {})
        return {role for role, privs in grants.items() if privilege in privs or "ALL" in privs}

    def clone(self) -> Catalog:
        """A deep copy, so replaying the PR on top of the base leaves the base intact."""
        return copy.deepcopy(self)
