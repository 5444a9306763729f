"""Lay Supabase's platform into a fresh cluster and database, before any migration.

The layer is plain SQL in ``agents/database/platform/`` (one file per part,
each saying which Supabase release it mirrors and what it leaves out), run as
the bootstrap superuser: cluster roles once (``00_*``, ``01_*``), then per
project database the schemas, ``auth``, ``storage``, ``realtime`` and the
extensions every project has (:data:`agents.database.extensions.PREINSTALLED`).
"""

from __future__ import annotations

from importlib import resources

import psycopg
from psycopg import sql

from agents.database.errors import DatabaseUnavailable
from agents.database.extensions import PREINSTALLED
from agents.database.server import BOOTSTRAP_USER, Server

MODELLED = (
    "roles anon, authenticated, service_role (BYPASSRLS), authenticator (NOINHERIT), "
    "postgres (migration owner, not superuser), supabase_auth_admin, supabase_storage_admin, "
    "supabase_realtime_admin, supabase_functions_admin, dashboard_user",
    "schemas public (legacy or 2026 default privileges), extensions, graphql_public, auth, "
    "storage, realtime; publication supabase_realtime",
    "auth.users (all columns), identities, sessions, refresh_tokens, audit_log_entries, "
    "instances; auth.uid(), role(), email(), jwt() reading request.jwt.claims",
    "storage.buckets, storage.objects (RLS on, no policies, API grants, delete guard); "
    "foldername(), filename(), extension()",
    "realtime.messages (partitioned), realtime.topic(), realtime.send()",
    "supautils policy_grants (policies/triggers on auth, storage and realtime tables)",
)
"""What the stand-in models, for the report and the docs."""

NOT_MODELLED = (
    "supautils itself (reserved roles, privileged_role_allowed_configs, extension "
    "parameter overrides)",
    "auth MFA/SSO/SAML/OAuth/flow_state/one_time_tokens tables",
    "storage search()/list_* functions, multipart uploads, prefixes, analytics/vector buckets",
    "realtime.subscription and broadcast_changes()",
    "pgbouncer, supabase_functions (webhooks), event triggers (pgrst_ddl_watch, "
    "issue_pg_*_access: their grants are in the stand-ins)",
    "extensions other than the stand-ins and the server's contrib + pgvector",
)

UNMODELLED_PLATFORM_OBJECTS = frozenset(
    {
        "mfa_factors",
        "mfa_challenges",
        "mfa_amr_claims",
        "one_time_tokens",
        "flow_state",
        "saml_providers",
        "saml_relay_states",
        "sso_providers",
        "sso_domains",
        "oauth_clients",
        "oauth_authorizations",
        "oauth_consents",
        "webauthn_credentials",
        "custom_oauth_providers",
        "s3_multipart_uploads",
        "s3_multipart_uploads_parts",
        "prefixes",
        "buckets_analytics",
        "buckets_vectors",
        "vector_indexes",
        "search",
        "search_v2",
        "search_by_timestamp",
        "list_objects_with_delimiter",
        "list_multipart_uploads_with_delimiter",
        "get_size_by_bucket",
        "can_insert_object",
        "operation",
        "allow_only_operation",
        "allow_any_operation",
        "subscription",
        "broadcast_changes",
        "hooks",
        "http_request",
        "get_auth",
    }
)
"""Names of real Supabase platform objects the stand-in lacks: a migration failing on one
of them could not be verified here (it is not a deploy failure)."""

PLATFORM_OWNERS = {
    "auth": "supabase_auth_admin",
    "storage": "supabase_storage_admin",
    "realtime": "supabase_realtime_admin",
}
"""Schema → owner role whose policies/triggers postgres may manage (supautils policy_grants)."""


def _files(prefix: str) -> list[tuple[str, str]]:
    folder = resources.files("agents.database") / "platform"
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql") and entry.name.startswith(prefix)
    )


def _run(conn: psycopg.Connection[tuple[object, ...]], name: str, text: str) -> None:
    try:
        conn.execute(text.encode("utf-8"))
    except psycopg.Error as exc:
        raise DatabaseUnavailable(f"platform layer {name} failed: {exc}".splitlines()[0]) from exc


def lay_cluster(server: Server) -> None:
    """Cluster-wide roles (once per server)."""
    owner_file = (
        "01_owner_roles_pg16.sql" if server.binaries.major >= 16 else "01_owner_roles_pg15.sql"
    )
    with server.connect(BOOTSTRAP_USER, "postgres") as conn:
        for name, text in _files("0"):
            if name.startswith("01_") and name != owner_file:
                continue
            _run(conn, name, text)


_TEMPLATE = "architect_review_platform"
"""The database the platform is laid in once per server; project databases copy it."""


def create_project_database(server: Server, dbname: str, *, from_template: bool = True) -> None:
    """A fresh database owned by ``postgres`` with the platform laid in it.

    ``from_template``: the platform is laid once per server, in a template database, and
    each project database is a copy of it — a file copy takes a fifth of the time of
    replaying the platform's SQL, which pays from the second database on (a monorepo's
    projects, a server shared by a test suite).  PR SQL never connects to the template
    (it runs in the copies, as ``postgres``, which does not own it).  Otherwise the
    platform is laid in place (a review of one project).
    """
    if not from_template:
        _create_database(server, dbname, "template0")
        _lay_project(server, dbname)
        return
    with server.template_lock:
        if server.platform_template is None:
            # owned by the bootstrap superuser: `postgres` (and so PR SQL) cannot drop,
            # rename or reconfigure it
            _create_database(server, _TEMPLATE, "template0", owner=BOOTSTRAP_USER, replace=True)
            _lay_project(server, _TEMPLATE)
            server.platform_template = _TEMPLATE
    # FILE_COPY copies the template's files (two checkpoints, cheap with fsync off) instead
    # of writing every page to the WAL: 20 ms instead of 50 ms per copy
    _create_database(
        server, dbname, server.platform_template, file_copy=server.binaries.major >= 15
    )


def _create_database(
    server: Server,
    dbname: str,
    template: str,
    *,
    owner: str = "postgres",
    replace: bool = False,
    file_copy: bool = False,
) -> None:
    with server.connect(BOOTSTRAP_USER, "postgres") as conn:
        try:
            if replace:
                conn.execute(sql.SQL("drop database if exists {}").format(sql.Identifier(dbname)))
            conn.execute(
                sql.SQL("create database {} owner {} template {}{}").format(
                    sql.Identifier(dbname),
                    sql.Identifier(owner),
                    sql.Identifier(template),
                    sql.SQL(" strategy file_copy" if file_copy else ""),
                )
            )
        except psycopg.Error as exc:
            raise DatabaseUnavailable(f"cannot create the review database: {exc}") from exc


def _lay_project(server: Server, dbname: str) -> None:
    """The platform's schemas, tables, functions and preinstalled extensions."""
    with server.connect(BOOTSTRAP_USER, dbname) as conn:
        conn.execute("set search_path = pg_catalog")
        for name, text in _files(""):
            if name[:1] in "0":
                continue
            _run(conn, name, text)
        available = {
            str(r[0])
            for r in conn.execute("select name from pg_catalog.pg_available_extensions").fetchall()
        }
        for ext in PREINSTALLED:
            if ext not in available:
                continue
            target = "vault" if ext == "supabase_vault" else "extensions"
            schema_clause = (
                sql.SQL("")
                if ext == "supabase_vault"
                else sql.SQL(" with schema {}").format(sql.Identifier(target))
            )
            _run(
                conn,
                f"extension {ext}",
                sql.SQL("create extension if not exists {}{}")
                .format(sql.Identifier(ext), schema_clause)
                .as_string(conn),
            )
