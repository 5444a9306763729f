"""Extensions a Supabase migration may create, on a server that lacks most of them.

The wheel's PostgreSQL has contrib and pgvector but not pgcrypto, uuid-ossp
(built without OpenSSL/libuuid), nor Supabase's own (pg_net, pg_cron,
supabase_vault, pgsodium, pg_graphql, pg_jsonschema, http).  Migrations call
them all the time, so the review ships **stand-ins**: control files and SQL
scripts in ``agents/database/extensions/`` with the real signatures and
placeholder behaviour (nothing is ever sent, scheduled or encrypted).

How they reach the server: PostgreSQL 18's ``extension_control_path`` puts the
server's private ``ext/`` folder before ``$system``.  Every stand-in is marked
``trusted``, and so are copies of the real extensions Supabase lets the
non-superuser ``postgres`` create through supautils' ``privileged_extensions``
(``moddatetime``, ``vector``, ``pg_stat_statements``), so that
``create extension`` in a migration runs exactly as written, as ``postgres``.
Extensions outside that list (``dblink``, ``postgres_fdw``, ``file_fdw``,
untrusted languages) stay superuser-only: PR SQL cannot reach the network or
the server's files through them.

On PostgreSQL < 18 (a system server) there is no ``extension_control_path``:
only the real trusted extensions exist, and a migration creating another one
is reported as "could not verify".
"""

from __future__ import annotations

import subprocess
from importlib import resources
from pathlib import Path

from agents.database.server import Binaries

STUBBED = frozenset(
    {
        "pgcrypto",
        "uuid-ossp",
        "pg_net",
        "pg_cron",
        "pgsodium",
        "supabase_vault",
        "pg_graphql",
        "pg_jsonschema",
        "http",
    }
)
"""Extensions this review replaces with stand-ins (their objects exist; behaviour does not)."""

PRIVILEGED_REAL = ("moddatetime", "vector", "pg_stat_statements")
"""Real extensions of the server that supautils lets ``postgres`` create; copied as trusted."""

PREINSTALLED = ("uuid-ossp", "pgcrypto", "supabase_vault")
"""Installed on every Supabase project before any migration (uuid-ossp and pgcrypto in
``extensions``, vault in ``vault``): SUPABASE-PLATFORM.md §7.1."""

EXTENSION_SCHEMAS = frozenset(
    {
        "net",
        "cron",
        "pgsodium",
        "pgsodium_masks",
        "vault",
        "graphql",
        "pgmq",
        "pgtle",
        "tiger",
        "topology",
        "pgroonga",
        "_timescaledb_catalog",
        "supabase_functions",
        "repack",
    }
)
"""Schemas that only extensions (or Supabase services) create: an object missing there
means our stand-in lacks it, not that the migration is wrong."""


def _stub_files() -> dict[str, str]:
    folder = resources.files("agents.database") / "extensions"
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith((".control", ".sql"))
    }


def _sharedir(binaries: Binaries) -> Path | None:
    try:
        out = subprocess.run(
            [str(binaries.bindir / "pg_config"), "--sharedir"],
            env={},
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        guess = binaries.bindir.parent / "share"
        return guess if (guess / "extension").is_dir() else None
    return Path(out) if out else None


def _trusted_copies(binaries: Binaries) -> dict[str, str]:
    share = _sharedir(binaries)
    if share is None:
        return {}
    folder = share / "extension"
    out: dict[str, str] = {}
    for name in PRIVILEGED_REAL:
        control = folder / f"{name}.control"
        if not control.is_file():
            continue
        text = control.read_text(encoding="utf-8")
        out[control.name] = (
            f"# architect-review: {name} marked trusted, as supautils lets postgres create it\n"
            + text.rstrip("\n")
            + "\ntrusted = true\n"
        )
        for script in folder.glob(f"{name}--*.sql"):
            out[script.name] = script.read_text(encoding="utf-8")
    return out


def extension_files(binaries: Binaries) -> dict[str, str]:
    """File name → text for the server's ``ext/`` folder (empty before PostgreSQL 18)."""
    if binaries.major < 18:
        return {}
    return {**_trusted_copies(binaries), **_stub_files()}
