"""What the PR touched, and where each object is defined in the head version.

The probe judges everything it can reach, but only what the PR created or
changed (a table, its policies or grants, a view's or function's definition, a
storage bucket), plus the tables the PR's policies read, belongs in the
verdict; the rest is an existing risk.  :func:`take` snapshots the catalogue
before and after the PR's migrations; :func:`diff` compares them.
:func:`head_index` finds the ``create policy``/``create view``/``create
function`` statement of each object in the head version of the migrations, so
that a finding can point at the line that defines what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

from agents.database.apply import Migration
from agents.database.catalog import PLATFORM_SCHEMAS
from agents.database.privileges import ObjectState, snapshot
from agents.sql.ast import qualname_of_names, qualname_of_rangevar, strings
from agents.sql.parse import parse_sql

Conn = psycopg.Connection[tuple[object, ...]]
Place = tuple[str, int, int]
"""(path, line, end line) of a statement."""


@dataclass
class Snapshot:
    objects: dict[int, ObjectState]
    policies: dict[tuple[int, str], str]
    buckets: set[str]


def take(conn: Conn) -> Snapshot:
    schemas = tuple(
        str(r[0])
        for r in conn.execute(
            "select nspname from pg_catalog.pg_namespace where nspname !~ '^pg_' "
            "and nspname <> all(%s)",
            (sorted(PLATFORM_SCHEMAS - {"storage"}),),
        ).fetchall()
    )
    policies = {
        (int(str(r[0])), str(r[1])): str(r[2])
        for r in conn.execute(
            "select polrelid::int8, polname, md5(concat_ws('|', polcmd, polpermissive, "
            "polroles::text, pg_catalog.pg_get_expr(polqual, polrelid), "
            "pg_catalog.pg_get_expr(polwithcheck, polrelid))) from pg_catalog.pg_policy"
        ).fetchall()
    }
    buckets = {str(r[0]) for r in conn.execute("select id from storage.buckets").fetchall()}
    return Snapshot(snapshot(conn, schemas), policies, buckets)


@dataclass
class Scope:
    """Objects the PR created or changed (oids), its policies, its buckets."""

    created: set[int] = field(default_factory=set)
    changed: set[int] = field(default_factory=set)
    policies: set[tuple[int, str]] = field(default_factory=set)
    buckets: set[str] = field(default_factory=set)
    read_by_changed: set[int] = field(default_factory=set)
    """Tables the PR's new or changed policies read (filled by the probe)."""

    def touched(self, oid: int) -> bool:
        return oid in self.created or oid in self.changed


def diff(before: Snapshot, after: Snapshot) -> Scope:
    scope = Scope()
    for oid, state in after.objects.items():
        old = before.objects.get(oid)
        if old is None:
            scope.created.add(oid)
        elif old.signature != state.signature:
            scope.changed.add(oid)
    for key, digest in after.policies.items():
        if before.policies.get(key) != digest:
            scope.policies.add(key)
            scope.changed.add(key[0])
    scope.buckets = after.buckets - before.buckets
    return scope


@dataclass
class HeadIndex:
    """Where things are defined in the head version of the migrations (last wins)."""

    policies: dict[tuple[str, str, str], Place] = field(default_factory=dict)
    """(schema, table, policy name) → place of its ``create policy``."""
    views: dict[tuple[str, str], Place] = field(default_factory=dict)
    functions: dict[tuple[str, str], Place] = field(default_factory=dict)
    tables: dict[tuple[str, str], Place] = field(default_factory=dict)
    buckets: dict[str, Place] = field(default_factory=dict)
    """Bucket id → the migration statement inserting it (first seen)."""


def head_index(migrations: list[Migration]) -> HeadIndex:
    index = HeadIndex()
    for mig in migrations:
        parsed = parse_sql(mig.path, mig.text)
        for stmt in parsed.statements:
            node = stmt.node
            place = (mig.path, stmt.line, stmt.end_line)
            if stmt.kind == "CreatePolicyStmt":
                schema, table = qualname_of_rangevar(node.get("table"))
                index.policies[(schema, table, str(node.get("policy_name", "")))] = place
            elif stmt.kind == "ViewStmt":
                index.views[qualname_of_rangevar(node.get("view"))] = place
            elif stmt.kind == "CreateTableAsStmt":
                rel = (node.get("into") or {}).get("rel")
                index.views[qualname_of_rangevar(rel)] = place
            elif stmt.kind == "CreateFunctionStmt":
                index.functions[qualname_of_names(strings(node.get("funcname")))] = place
            elif stmt.kind == "CreateStmt":
                index.tables.setdefault(qualname_of_rangevar(node.get("relation")), place)
            elif stmt.kind == "InsertStmt":
                if qualname_of_rangevar(node.get("relation")) != ("storage", "buckets"):
                    continue
                for bucket in _bucket_ids(node):
                    index.buckets.setdefault(bucket, place)
    return index


def _bucket_ids(node: dict[str, Any]) -> list[str]:
    from agents.sql.ast import const_value

    select = (node.get("selectStmt") or {}).get("SelectStmt") or {}
    out: list[str] = []
    for values in select.get("valuesLists") or []:
        items = (values.get("List") or {}).get("items") or []
        if items:
            value = const_value(items[0])
            if isinstance(value, str):
                out.append(value)
    return out
