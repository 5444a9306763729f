"""Who can do what after the PR: effective privileges read from the catalogue.

Rules model grants from the parse tree; the database simply answers
``has_table_privilege('anon', oid, 'SELECT')`` after the PR's migrations ran
under the right default-privilege regime.  :func:`snapshot` records every
relation and function in the exposed schemas (with its ACL and RLS flags) so
that the stage can tell which ones the PR created or changed; :func:`facts`
then reads the effective privileges of ``anon`` and ``authenticated`` on those.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

API_ROLES = ("anon", "authenticated")
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")

_RELATION_KINDS = {
    "r": "table",
    "p": "table",
    "v": "view",
    "m": "materialized view",
    "f": "foreign table",
}
_POLICY_DIGEST = (
    "(select pg_catalog.string_agg(p.polname || pg_catalog.md5("
    "coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') "
    "|| coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '') "
    "|| p.polroles::text), ',' order by p.polname) "
    "from pg_catalog.pg_policy p where p.polrelid = c.oid)"
)
_COLUMN_COUNT = (
    "(select pg_catalog.count(*) from pg_catalog.pg_attribute a "
    "where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped)"
)


@dataclass(frozen=True)
class ObjectState:
    """One relation or function in an exposed schema, as the catalogue holds it."""

    oid: int
    kind: str
    name: str
    """``schema.name`` (functions: ``schema.name(args)``)."""
    signature: str
    """ACL, RLS flags, policy count, definition hash: changes when the PR changes access."""


@dataclass(frozen=True)
class PrivilegeFact:
    """Effective privileges of the API roles on one object the PR created or changed."""

    kind: str
    name: str
    created: bool
    rls: bool | None
    """Tables: row level security enabled (None for views and functions)."""
    policies: int
    anon: tuple[str, ...]
    authenticated: tuple[str, ...]
    security_definer: bool = False
    """Functions: runs with its owner's rights (views: not security_invoker)."""

    @property
    def reachable(self) -> bool:
        return bool(self.anon or self.authenticated)

    def describe(self) -> str:
        """``anon: SELECT, INSERT; authenticated: SELECT…; RLS off`` (the evidence line)."""
        parts = []
        for role, privs in (("anon", self.anon), ("authenticated", self.authenticated)):
            parts.append(f"{role} can {', '.join(privs)}" if privs else f"{role} has no privilege")
        if self.rls is not None:
            parts.append("RLS on" if self.rls else "RLS off")
        if self.security_definer:
            parts.append("runs with its owner's rights")
        return "; ".join(parts)


def snapshot(
    conn: psycopg.Connection[tuple[object, ...]], schemas: tuple[str, ...]
) -> dict[int, ObjectState]:
    """Every relation and function in ``schemas`` (oid → state)."""
    out: dict[int, ObjectState] = {}
    for oid, kind, name, sig in conn.execute(
        "select c.oid::int8, c.relkind::text, pg_catalog.format('%%I.%%I', n.nspname, c.relname), "
        "concat_ws('|', c.relacl::text, c.relrowsecurity, c.relforcerowsecurity, "
        " (select pg_catalog.count(*) from pg_catalog.pg_policy p where p.polrelid = c.oid), "
        f" {_POLICY_DIGEST}, c.reloptions::text, "
        " case when c.relkind in ('v', 'm') "
        "  then pg_catalog.md5(pg_catalog.pg_get_viewdef(c.oid)) end, "
        f" {_COLUMN_COUNT}) "
        "from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'f')",
        (list(schemas),),
    ).fetchall():
        out[int(str(oid))] = ObjectState(
            int(str(oid)), _RELATION_KINDS[str(kind)], str(name), str(sig)
        )
    for oid, name, sig in conn.execute(
        "select p.oid::int8, pg_catalog.format('%%I.%%I(%%s)', n.nspname, p.proname, "
        " pg_catalog.pg_get_function_identity_arguments(p.oid)), "
        "concat_ws('|', p.proacl::text, p.prosecdef, pg_catalog.md5(p.prosrc)) "
        "from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace "
        "where n.nspname = any(%s) and p.prokind = 'f' "
        "and not exists (select 1 from pg_catalog.pg_depend d where d.objid = p.oid "
        " and d.classid = 'pg_catalog.pg_proc'::regclass and d.deptype = 'e')",
        (list(schemas),),
    ).fetchall():
        out[int(str(oid))] = ObjectState(int(str(oid)), "function", str(name), str(sig))
    return out


def facts(
    conn: psycopg.Connection[tuple[object, ...]],
    before: dict[int, ObjectState],
    after: dict[int, ObjectState],
) -> list[PrivilegeFact]:
    """Effective privileges on the objects the PR created or changed (sorted by name)."""
    out: list[PrivilegeFact] = []
    for oid, state in sorted(after.items(), key=lambda kv: kv[1].name):
        old = before.get(oid)
        if old is not None and old.signature == state.signature:
            continue
        if state.kind == "function":
            row = conn.execute(
                "select pg_catalog.has_function_privilege('anon', %s::oid, 'EXECUTE'), "
                "pg_catalog.has_function_privilege('authenticated', %s::oid, 'EXECUTE'), "
                "p.prosecdef "
                "from pg_catalog.pg_proc p where p.oid = %s::oid",
                (oid, oid, oid),
            ).fetchone()
            if row is None:
                continue
            out.append(
                PrivilegeFact(
                    kind="function",
                    name=state.name,
                    created=old is None,
                    rls=None,
                    policies=0,
                    anon=("EXECUTE",) if row[0] else (),
                    authenticated=("EXECUTE",) if row[1] else (),
                    security_definer=bool(row[2]),
                )
            )
            continue
        checks = ", ".join(
            f"pg_catalog.has_table_privilege('{role}', c.oid, '{priv}')"
            for role in API_ROLES
            for priv in TABLE_PRIVILEGES
        )
        row = conn.execute(
            f"select {checks}, c.relrowsecurity, "
            "(select pg_catalog.count(*) from pg_catalog.pg_policy p where p.polrelid = c.oid), "
            "coalesce(not (c.reloptions @> array['security_invoker=true'] "
            " or c.reloptions @> array['security_invoker=on']), true) "
            "from pg_catalog.pg_class c where c.oid = %s::oid",
            (oid,),
        ).fetchone()
        if row is None:
            continue
        n = len(TABLE_PRIVILEGES)
        anon = tuple(p for p, ok in zip(TABLE_PRIVILEGES, row[:n], strict=True) if ok)
        auth = tuple(p for p, ok in zip(TABLE_PRIVILEGES, row[n : 2 * n], strict=True) if ok)
        is_table = state.kind in ("table", "foreign table")
        out.append(
            PrivilegeFact(
                kind=state.kind,
                name=state.name,
                created=old is None,
                rls=bool(row[2 * n]) if is_table else None,
                policies=int(str(row[2 * n + 1])),
                anon=anon,
                authenticated=auth,
                security_definer=state.kind == "view" and bool(row[2 * n + 2]),
            )
        )
    return out
