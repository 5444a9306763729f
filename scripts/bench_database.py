"""Benchmark the database stage (a script, not a timed test).

    .venv/bin/python scripts/bench_database.py

Measures: server start + platform + 50 migrations; the replay benchmark's
1,000-migration history (``scripts/bench_replay.py``'s generator); peak
memory (ours, and the server's RSS summed over its processes).  Targets from
issue 11: ≤ 2 s and ≤ 10 s on a 2-core machine.

The two-user RLS probe (issue 12): its own time (seed + probe + judgement, as
``ProbeReport.seconds``) for a PR that changes the policies of 20 tables, and
for an initial migration of 100 tables of mixed shapes (owned rows, team
membership, children, enums, CHECKs, bigint identities).  Targets: ≤ 3 s and
≤ 15 s.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.database.settings import DatabaseSettings
from agents.database.stage import run_database_stage
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
    head_tree: dict[str, str | None] = dict(head)
    ws = workspace_from_trees(base, head_tree)
    started = time.perf_counter()
    out = run_database_stage(ws, DatabaseSettings(deadline=120))
    took = time.perf_counter() - started
    probe = out.probe_line() or "no probe"
    print(f"{label}: {took:.2f} s — {out.coverage_line()}; findings {len(out.findings)}; {probe}")


def schema(n: int) -> str:
    """``n`` tables of mixed shapes, with policies a real project would write."""
    parts = [
        "create type public.state as enum ('draft', 'active', 'archived');\n"
        "create table public.teams (id uuid primary key default gen_random_uuid(),\n"
        "  name text not null check (char_length(name) between 1 and 80));\n"
        "create table public.team_members (team_id uuid not null references public.teams (id),\n"
        "  user_id uuid not null references auth.users (id), primary key (team_id, user_id));\n"
        "alter table public.teams enable row level security;\n"
        "alter table public.team_members enable row level security;\n"
        'create policy "own memberships" on public.team_members for select to authenticated\n'
        "  using (user_id = (select auth.uid()));\n"
        'create policy "member teams" on public.teams for select to authenticated using (id in\n'
        "  (select m.team_id from public.team_members m where m.user_id = (select auth.uid())));\n"
    ]
    for i in range(n - 2):
        shape = i % 3
        if shape == 0:
            cols = "owner_id uuid not null default auth.uid() references auth.users (id)"
            check = "owner_id = (select auth.uid())"
        elif shape == 1:
            cols = "team_id uuid not null references public.teams (id)"
            check = (
                "team_id in (select m.team_id from public.team_members m "
                "where m.user_id = (select auth.uid()))"
            )
        else:
            parent = f"public.t{i - 1}" if i else "public.teams"
            cols = f"parent_id {'bigint' if i else 'uuid'} not null references {parent} (id),\n"
            cols += "  owner_id uuid not null default auth.uid() references auth.users (id)"
            check = "owner_id = (select auth.uid())"
        parts.append(
            f"create table public.t{i} (\n  id bigint generated always as identity primary key,\n"
            f"  {cols},\n  title text not null check (char_length(title) between 1 and 200),\n"
            "  state public.state not null default 'draft',\n"
            "  amount_cents bigint not null default 0 check (amount_cents >= 0),\n"
            "  created_at timestamptz not null default now()\n);\n"
            f"alter table public.t{i} enable row level security;\n"
            f'create policy "read t{i}" on public.t{i} for select to authenticated\n'
            f"  using ({check});\n"
            f'create policy "write t{i}" on public.t{i} for all to authenticated\n'
            f"  using ({check}) with check ({check});\n"
        )
    return "".join(parts)


def run_probe(base: dict[str, str], head: dict[str, str], label: str) -> None:
    head_tree: dict[str, str | None] = dict(head)
    ws = workspace_from_trees(base, head_tree)
    started = time.perf_counter()
    out = run_database_stage(ws, DatabaseSettings(deadline=120))
    took = time.perf_counter() - started
    probe = out.probes[0] if out.probes else None
    if probe is None:
        print(f"{label}: no probe ({out.coverage_line()})")
        return
    findings = len(probe.findings) + len(probe.existing_risks)
    print(
        f"{label}: probe {probe.seconds:.2f} s ({probe.statements} statements, "
        f"{len(probe.probed)} probed, {len(probe.not_probed)} not probed, {findings} findings); "
        f"whole stage {took:.2f} s"
    )


def main() -> None:
    run(49, "start + platform + 50 migrations")
    run(999, "start + platform + 1,000 migrations")
    base = {"supabase/migrations/20240101000000_schema.sql": schema(22)}
    member = (
        "team_id in (select m.team_id from public.team_members m "
        "where m.user_id = (select auth.uid()))"
    )
    pr = "".join(
        f'drop policy "read t{i}" on public.t{i};\n'
        f'create policy "read t{i}" on public.t{i} for select to authenticated\n'
        "  using (created_at is not null and "
        f"{'owner_id = (select auth.uid())' if i % 3 != 1 else member});\n"
        for i in range(20)
    )
    run_probe(
        base, {"supabase/migrations/20261201000000_pr.sql": pr}, "probe, PR touching 20 tables"
    )
    run_probe(
        {},
        {"supabase/migrations/20240101000000_init.sql": schema(100)},
        "probe, initial migration of 100 tables",
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: review process {peak:.0f} MiB, largest server process {children:.0f} MiB")


if __name__ == "__main__":
    main()
