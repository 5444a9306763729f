"""Benchmark: replay a long generated migration history into the schema model.

Generates ``--migrations`` files (default 1,000) of about ``--statements``
statements each in total (default 50,000): tables, RLS, policies, indexes,
functions, grants, alters, views.  Reports parse+replay time and peak memory
(``tracemalloc``), then the per-PR cost when only the base model is cached by
content hash (``agents.sql.analysis.BaseModelCache``): a second review of the
same base re-uses the replayed catalogue and only clones it and replays the
PR's migration.

    python scripts/bench_replay.py [--migrations 1000] [--statements 50000] [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from agents.sql.analysis import BaseModelCache, build_analysis, paused_gc, replay_history
from tests.helpers.workspace import workspace_from_trees

_ME = "(select auth.uid())"


def _table_block(n: int) -> list[str]:
    t = f"public.t{n}"
    return [
        f"create table {t} (id uuid primary key default gen_random_uuid(), "
        f"user_id uuid not null references auth.users (id) on delete cascade, "
        "org_id uuid, title text not null, amount numeric(12, 2), created_at timestamptz "
        "default now())",
        f"alter table {t} enable row level security",
        f"create index t{n}_user_id_idx on {t} (user_id)",
        f'create policy "own {n}" on {t} for select to authenticated using ({_ME} = user_id)',
        f'create policy "ins {n}" on {t} for insert to authenticated with check ({_ME} = user_id)',
        f'create policy "upd {n}" on {t} for update to authenticated using ({_ME} = user_id) '
        f"with check ({_ME} = user_id)",
        f"alter table {t} add column note text",
        f"alter table {t} alter column title set default ''",
        f"create index concurrently if not exists t{n}_org_idx on {t} (org_id) where org_id is "
        "not null",
        f"revoke update on {t} from authenticated",
        f"grant update (title, note) on {t} to authenticated",
        f"create or replace function public.f{n}(p uuid) returns setof {t} language sql stable "
        f"security definer set search_path = '' as $$ select * from {t} where user_id = (select "
        "auth.uid()) $$",
        f"revoke execute on function public.f{n}(uuid) from public, anon",
        f"create view public.v{n} with (security_invoker = true) as select id, title from {t}",
        f"comment on table {t} is 'generated'",
    ]


def generate(migrations: int, statements: int) -> list[tuple[str, str]]:
    """``migrations`` files holding about ``statements`` statements in total."""
    per_table = len(_table_block(0))
    tables = max(1, statements // per_table)
    files: list[tuple[str, str]] = []
    per_file = max(1, tables // migrations)
    n = 0
    for m in range(migrations):
        stmts: list[str] = []
        for _ in range(per_file):
            if n >= tables:
                break
            stmts += _table_block(n)
            n += 1
        if m == migrations - 1:
            while n < tables:
                stmts += _table_block(n)
                n += 1
        files.append(
            (f"supabase/migrations/{20200101000000 + m:014d}_gen.sql", ";\n".join(stmts) + ";\n")
        )
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--migrations", type=int, default=1000)
    ap.add_argument("--statements", type=int, default=50_000)
    ap.add_argument("--cache-dir", type=Path, default=None)
    args = ap.parse_args()

    files = generate(args.migrations, args.statements)
    count = sum(text.count(";\n") for _, text in files)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    cat, parsed = replay_history(files)
    elapsed = time.perf_counter() - t0
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"replay: {len(files)} migrations, {count} statements -> {len(cat.tables)} tables, "
        f"{len(cat.policies)} policies, {len(cat.indexes)} indexes in {elapsed:.2f} s; "
        f"peak RSS {rss_after / 1024:.0f} MiB (+{(rss_after - rss_before) / 1024:.0f} MiB for the "
        "model and the parsed files)"
    )
    t0 = time.perf_counter()
    with paused_gc():
        cat.clone()
    print(f"clone of the replayed catalogue: {time.perf_counter() - t0:.2f} s")
    del parsed

    base = dict(files)
    pr_sql = ";\n".join(_table_block(999_999)) + ";\n"
    pr: dict[str, str | None] = {"supabase/migrations/29990101000000_pr.sql": pr_sql}
    cache = BaseModelCache()
    t0 = time.perf_counter()
    with paused_gc():
        build_analysis(workspace_from_trees(base, pr), cache)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    with paused_gc():
        build_analysis(workspace_from_trees(base, pr), cache)
    warm = time.perf_counter() - t0
    print(f"per-PR analysis: cold {cold:.2f} s, base cached by content hash {warm:.2f} s")
    if args.cache_dir is not None:
        t0 = time.perf_counter()
        with paused_gc():
            BaseModelCache().get_or_replay(files, ("public", "graphql_public"), args.cache_dir)
        write = time.perf_counter() - t0
        t0 = time.perf_counter()
        with paused_gc():
            BaseModelCache().get_or_replay(files, ("public", "graphql_public"), args.cache_dir)
        print(
            f"disk cache: first run {write:.2f} s, load from pickle "
            f"{time.perf_counter() - t0:.2f} s"
        )


if __name__ == "__main__":
    main()
