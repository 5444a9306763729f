"""Supabase's platform as laid before any migration: roles, auth, storage, extensions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from agents.database.platform import create_project_database
from agents.database.server import Server


@pytest.fixture(scope="module")
def db(server: Server) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    name = f"platform_{uuid.uuid4().hex[:8]}"
    create_project_database(server, name)
    with server.connect("postgres", name) as conn:
        yield conn


def test_postgres_is_the_non_superuser_migration_owner(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    row = db.execute(
        "select rolsuper, rolbypassrls, rolcreaterole from pg_roles where rolname = current_user"
    ).fetchone()
    assert db.execute("select current_user").fetchone() == ("postgres",)
    assert row == (False, True, True)


def test_api_roles(db: psycopg.Connection[tuple[object, ...]]) -> None:
    rows = dict(
        db.execute(
            "select rolname, rolbypassrls from pg_roles "
            "where rolname in ('anon', 'authenticated', 'service_role')"
        ).fetchall()
    )
    assert rows == {"anon": False, "authenticated": False, "service_role": True}


def test_auth_uid_reads_request_jwt_claims(db: psycopg.Connection[tuple[object, ...]]) -> None:
    user = uuid.uuid4()
    with db.transaction(force_rollback=True):
        db.execute("set local role authenticated")
        db.execute(
            "select set_config('request.jwt.claims', %s, true)",
            (f'{{"sub": "{user}", "role": "authenticated", "email": "a@example.com"}}',),
        )
        row = db.execute(
            "select auth.uid(), auth.role(), auth.email(), auth.jwt()->>'sub'"
        ).fetchone()
    assert row == (user, "authenticated", "a@example.com", str(user))
    assert db.execute("select auth.uid()").fetchone() == (None,)


def test_auth_users_has_the_real_columns(db: psycopg.Connection[tuple[object, ...]]) -> None:
    cols = {
        r[0]
        for r in db.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'auth' and table_name = 'users'"
        ).fetchall()
    }
    assert {"id", "email", "raw_user_meta_data", "raw_app_meta_data", "is_anonymous"} <= cols
    with pytest.raises(psycopg.errors.InsufficientPrivilege), db.transaction(force_rollback=True):
        db.execute("set local role anon")
        db.execute("select * from auth.users")


def test_storage_helpers(db: psycopg.Connection[tuple[object, ...]]) -> None:
    row = db.execute(
        "select storage.foldername('a/b/c.tar.gz'), storage.filename('a/b/c.tar.gz'), "
        "storage.extension('a/b/c.tar.gz')"
    ).fetchone()
    assert row == (["a", "b"], "c.tar.gz", "gz")


def test_storage_objects_is_not_owned_by_postgres(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    # As on Supabase: `alter table storage.objects …` fails for the migration owner.
    with pytest.raises(psycopg.errors.InsufficientPrivilege), db.transaction(force_rollback=True):
        db.execute("alter table storage.objects enable row level security")


def test_preinstalled_extensions_live_in_extensions(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    rows = dict(
        db.execute("select extname, extnamespace::regnamespace::text from pg_extension").fetchall()
    )
    assert rows.get("pgcrypto") == "extensions"
    assert rows.get("uuid-ossp") == "extensions"
    assert rows.get("supabase_vault") == "vault"
    assert db.execute("select extensions.uuid_generate_v4() is not null").fetchone() == (True,)


@pytest.mark.parametrize(
    ("create", "call"),
    [
        ("create extension if not exists pg_net", "select net.http_post('https://example.com')"),
        (
            "create extension pg_cron with schema pg_catalog",
            "select cron.schedule('j', '* * * * *', 'select 1')",
        ),
        (
            "create extension if not exists pg_jsonschema with schema extensions",
            "select extensions.jsonb_matches_schema('{}', '{}'::jsonb)",
        ),
        (
            "create extension if not exists moddatetime with schema extensions",
            "select 1 from pg_proc where proname = 'moddatetime'",
        ),
        (
            "create extension if not exists vector with schema extensions",
            "select '[1,2]'::extensions.vector",
        ),
    ],
)
def test_postgres_creates_supabase_extensions(
    db: psycopg.Connection[tuple[object, ...]], create: str, call: str
) -> None:
    with db.transaction(force_rollback=True):
        db.execute(create)
        assert db.execute(call).fetchone() is not None


def test_project_databases_are_copies_that_do_not_share_changes(server: Server) -> None:
    # the platform is laid once per server; each project database is a copy of it, so a
    # PR's changes in one project never show up in another
    first, second = (f"copy_{uuid.uuid4().hex[:8]}" for _ in range(2))
    create_project_database(server, first)
    template = server.platform_template
    assert template is not None
    with server.connect("postgres", first) as conn:
        conn.execute("create table public.only_here (id int)")
        conn.execute("create schema only_here_too")
    create_project_database(server, second)
    assert server.platform_template == template
    with server.connect("postgres", second) as conn:
        assert conn.execute("select to_regclass('public.only_here')").fetchone() == (None,)
        schemas = conn.execute("select count(*) from pg_namespace where nspname = 'only_here_too'")
        assert schemas.fetchone() == (0,)
        assert conn.execute("select to_regprocedure('auth.uid()') is not null").fetchone() == (
            True,
        )
        # and the template itself is out of PR SQL's reach
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"drop database {template}")


def test_a_database_laid_in_place_matches_a_copy(server: Server) -> None:
    laid, copied = (f"same_{uuid.uuid4().hex[:8]}" for _ in range(2))
    create_project_database(server, laid, from_template=False)
    create_project_database(server, copied)
    shape = (
        "select n.nspname, count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname in ('auth', 'storage', 'realtime', 'extensions', 'vault', 'public')"
        " group by 1 order by 1"
    )
    owner = "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"
    found = []
    for name in (laid, copied):
        with server.connect("postgres", name) as conn:
            found.append((conn.execute(shape).fetchall(), conn.execute(owner).fetchone()))
    assert found[0] == found[1] and found[0][1] == ("postgres",)
    assert dict(found[0][0])["auth"] > 0
