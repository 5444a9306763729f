"""Benchmark the database stage (a script, not a timed test).

    .venv/bin/python scripts/bench_database.py

Measures: server start + platform + 50 migrations; the replay benchmark's
1,000-migration history (``scripts/bench_replay.py``'s generator); peak
memory (ours, and the server's RSS summed over its processes).  Targets from
issue 11: ≤ 2 s and ≤ 10 s on a 2-core machine.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.database.stage import DatabaseSettings, run_database_stage
from tests.helpers.workspace import workspace_from_trees


def history(n: int) -> dict[str, str]:
    """``n`` realistic migrations: tables with FKs, indexes, RLS and policies."""
    out: dict[str, str] = {}
    for i in range(n):
        prev = f"references public.t{i - 1} (id)" if i else ""
        out[f"supabase/migrations/2024{i:010d}_t{i}.sql"] = (
            f"create table public.t{i} (\n  id bigint generated always as identity primary key,\n"
            f"  owner uuid not null default auth.uid() references auth.users (id),\n"
            f"  parent bigint {prev},\n  body text,\n  created_at timestamptz default now()\n);\n"
            f"create index t{i}_owner_idx on public.t{i} (owner);\n"
            f"alter table public.t{i} enable row level security;\n"
            f'create policy "own rows" on public.t{i} for all to authenticated\n'
            f"  using ((select auth.uid()) = owner) with check ((select auth.uid()) = owner);\n"
        )
    return out


def run(n_base: int, label: str) -> None:
    base = history(n_base)
    head = {
        "supabase/migrations/20261201000000_pr.sql": (
            "alter table public.t0 add column note text;\n"
            "alter table public.t0 alter column body set not null;\n"
            "create index concurrently t0_created_idx on public.t0 (created_at);\n"
        )
    }
    ws = workspace_from_trees(base, head)
    started = time.perf_counter()
    out = run_database_stage(ws, DatabaseSettings(deadline=120))
    took = time.perf_counter() - started
    print(f"{label}: {took:.2f} s — {out.coverage_line()}; findings {len(out.findings)}")


def main() -> None:
    run(49, "start + platform + 50 migrations")
    run(999, "start + platform + 1,000 migrations")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: review process {peak:.0f} MiB, largest server process {children:.0f} MiB")


if __name__ == "__main__":
    main()
