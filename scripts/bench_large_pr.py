#!/usr/bin/env python3
"""Time a large synthetic pull request end to end through the CLI (rules only).

Builds a throw-away git repository whose PR branch changes 300 files with about
30,000 changed lines — SQL migrations (new ones, and edits to migrations that
exist in the base) and Edge Functions — then runs::

    architect-review review --repo TMP --base base --head pr --format json --no-llm

as a subprocess and reports wall time, the child's peak memory
(``ru_maxrss`` of RUSAGE_CHILDREN) and what the review saw.  Target on a
2-core machine: under 2 s (issue 14) and under 300 MB.

Usage: ``python scripts/bench_large_pr.py [--files 300] [--lines 30000] [--keep]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+00:00",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
    )


def migration(n: int, lines: int) -> str:
    """About ``lines`` lines of ordinary migration SQL for table ``t{n}``."""
    out = [
        f"create table public.t{n} (",
        "  id uuid primary key default gen_random_uuid(),",
        "  owner_id uuid not null references auth.users (id),",
        "  title text not null,",
        "  created_at timestamptz not null default now()",
        ");",
        f"alter table public.t{n} enable row level security;",
        f"create index t{n}_owner_idx on public.t{n} (owner_id);",
        f'create policy "t{n} owner read" on public.t{n} for select to authenticated',
        "  using ((select auth.uid()) = owner_id);",
    ]
    i = 0
    while len(out) < lines - 1:
        out.append(f"comment on column public.t{n}.title is 'note {i}';")
        if i % 10 == 0:
            out.append(f'create policy "t{n} p{i}" on public.t{n} for update to authenticated')
            out.append("  using ((select auth.uid()) = owner_id)")
            out.append("  with check ((select auth.uid()) = owner_id);")
        i += 1
    return "\n".join(out[:lines]) + "\n"


def function(n: int, lines: int) -> str:
    """About ``lines`` lines of an Edge Function."""
    out = [
        'import { createClient } from "npm:@supabase/supabase-js@2.45.4";',
        "",
        "const corsHeaders = {",
        '  "Access-Control-Allow-Origin": "*",',
        '  "Access-Control-Allow-Headers": "authorization, content-type",',
        "};",
        "",
        "Deno.serve(async (req) => {",
        '  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });',
        "  const supabase = createClient(",
        '    Deno.env.get("SUPABASE_URL")!,',
        '    Deno.env.get("SUPABASE_ANON_KEY")!,',
        '    { global: { headers: { Authorization: req.headers.get("Authorization")! } } },',
        "  );",
        "  let total = 0;",
    ]
    i = 0
    while len(out) < lines - 4:
        out.append(f"  const v{i} = {i} * 2; // step {n}.{i}")
        out.append(f"  total += v{i};")
        i += 1
    out += [
        f'  const {{ data }} = await supabase.from("t{n}").select("id").limit(1);',
        "  return new Response(JSON.stringify({ total, data }), {",
        '    headers: { ...corsHeaders, "Content-Type": "application/json" },',
        "  });",
        "});",
    ]
    return "\n".join(out) + "\n"


def build(repo: Path, files: int, lines: int) -> None:
    """Base commit with some migrations; PR branch adding/modifying ``files`` files."""
    per_file = max(10, lines // files)
    git(repo, "init", "-q", "-b", "base")
    in_base = files // 5  # 20% of the PR's files already exist and are modified
    mig_dir = repo / "supabase/migrations"
    mig_dir.mkdir(parents=True)
    for n in range(in_base):
        (mig_dir / f"2024010100{n:04d}_t{n}.sql").write_text(migration(n, per_file))
    (repo / "README.md").write_text("bench\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "pr")
    for n in range(in_base):  # rewrite every line: fully changed files
        path = mig_dir / f"2024010100{n:04d}_t{n}.sql"
        path.write_text(migration(n, per_file).replace("note", "remark"))
    migrations = files // 2
    for n in range(in_base, migrations):
        (mig_dir / f"2024020100{n:04d}_t{n}.sql").write_text(migration(n, per_file))
    for n in range(migrations, files):
        fn = repo / f"supabase/functions/fn{n}"
        fn.mkdir(parents=True)
        (fn / "index.ts").write_text(function(n, per_file))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "pr")


def tool() -> list[str]:
    beside = Path(sys.executable).parent / "architect-review"
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-m", "pipeline.cli"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--lines", type=int, default=30_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    parser.add_argument(
        "--database",
        choices=("off", "auto"),
        default="off",
        help="off (default): the rules-only review, target < 2 s; auto: with the database "
        "stage (applies the 150 migrations and probes every table), reported, no target",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="architect-bench-"))
    repo = tmp / "repo"
    repo.mkdir()
    try:
        build(repo, args.files, args.lines)
        numstat = subprocess.run(
            ["git", "-C", str(repo), "diff", "--numstat", "base...pr"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        added = sum(int(line.split()[0]) for line in numstat)
        removed = sum(int(line.split()[1]) for line in numstat)
        command = [
            *tool(),
            "review",
            "--repo",
            str(repo),
            "--base",
            "base",
            "--head",
            "pr",
            "--format",
            "json",
            "--no-llm",
            "--database",
            args.database,
        ]
        env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024
        cpu = (usage.ru_utime + usage.ru_stime) - (before.ru_utime + before.ru_stime)
        if proc.returncode not in (0, 1):
            print(proc.stderr, file=sys.stderr)
            return 1
        review = json.loads(proc.stdout)
        stats = review["stats"]
        print(f"PR: {len(numstat)} files, +{added} -{removed} lines")
        print(f"findings: {len(review['findings'])}  verdict: {review['verdict']}")
        for name, s in stats["specialists"].items():
            error = f"  ERROR {s['error']}" if s["error"] else ""
            print(
                f"  {name:<20} {len(s['files']):>4} files {s['findings']:>5} findings "
                f"{s['seconds']:>6.2f} s{error}"
            )
            for line in s.get("coverage", []):
                print(f"  {'':<20} {line}")
        print(f"graph: {stats['seconds']:.2f} s")
        target = " (target < 2 s)" if args.database == "off" else ""
        print(f"wall: {wall:.2f} s{target}   peak RSS: {peak_mb:.0f} MB (target < 300 MB)")
        print(f"CPU (user+sys) of the review: {cpu:.2f} s")
        print(f"load average now: {os.getloadavg()[0]:.2f} (wall time is unreliable when > 1)")
        return 0
    finally:
        if args.keep:
            print(f"repository kept at {repo}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
