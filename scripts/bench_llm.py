"""Figures for the LLM part: requests and tokens sent, and how well calls overlap.

Runs the real CLI (``python -m pipeline.cli review --diff ... --format json``)
against a local fake Messages API (``tests/llm/fake_server.py``) reached
through ``ANTHROPIC_BASE_URL``, so the SDK, batching, budget and concurrency
all run as in production; only Claude is replaced.  Nothing leaves the
machine.

Reported for the bundled example PR (``examples/*.diff``) and a large synthetic
PR (many migrations and Edge Functions):

* requests, characters and estimated tokens sent (chars / 4, from the
  server's records), files left unreviewed by the budget;
* with every reply delayed by ``--delay`` seconds (default 1): the review's
  wall time, the span of the LLM calls, the serial sum of the call times and
  their ratio (well under 1 means specialists and batches overlap).

Usage: ``python scripts/bench_llm.py [--delay 1.0] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.llm.fake_server import FakeServer, no_findings  # noqa: E402


def synthetic_diff(migrations: int = 40, functions: int = 30) -> str:
    """A large PR: ``migrations`` new SQL files and ``functions`` new Edge Functions."""
    chunks: list[str] = []

    def add(path: str, lines: list[str]) -> None:
        chunks.append(
            f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
            f"@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{ln}\n" for ln in lines)
        )

    for i in range(migrations):
        t = f"items_{i}"
        lines = [
            f"create table public.{t} (",
            "  id uuid primary key default gen_random_uuid(),",
            "  owner_id uuid not null references auth.users (id),",
            "  title text not null,",
            "  created_at timestamptz not null default now()",
            ");",
            f"alter table public.{t} enable row level security;",
            f"create policy {t}_owner on public.{t} for all to authenticated",
            "  using (owner_id = (select auth.uid()))",
            "  with check (owner_id = (select auth.uid()));",
            f"create index {t}_owner_idx on public.{t} (owner_id);",
        ]
        for j in range(60):
            lines.append(f"comment on column public.{t}.title is 'note {j} for table {i}';")
        add(f"supabase/migrations/2024050100{i:04d}_{t}.sql", lines)
    for i in range(functions):
        lines = [
            "import { createClient } from 'npm:@supabase/supabase-js@2.45.4';",
            "const cors = { 'Access-Control-Allow-Origin': 'https://app.example.com' };",
            "Deno.serve(async (req) => {",
            "  if (req.method === 'OPTIONS') return new Response('ok', { headers: cors });",
            "  const auth = req.headers.get('Authorization') ?? '';",
            "  const supabase = createClient(Deno.env.get('SUPABASE_URL')!,",
            "    Deno.env.get('SUPABASE_ANON_KEY')!,",
            "    { global: { headers: { Authorization: auth } } });",
        ]
        for j in range(50):
            lines.append(f"  const r{j} = await supabase.from('items_{i}').select('id').limit(1);")
        lines += ["  return new Response('{}', { headers: cors });", "});"]
        add(f"supabase/functions/fn-{i}/index.ts", lines)
    return "".join(chunks)


def run(diff: Path, delay: float) -> dict[str, Any]:
    """One CLI review of ``diff`` against the fake API; figures from its records."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    with FakeServer(no_findings, delay=delay) as server:
        env.update(ANTHROPIC_API_KEY="sk-ant-bench", ANTHROPIC_BASE_URL=server.url)
        started = time.monotonic()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline.cli",
                "review",
                "--diff",
                str(diff),
                "--format",
                "json",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        wall = time.monotonic() - started
        records = list(server.records)
    if done.returncode not in (0, 1):
        raise SystemExit(f"review failed ({done.returncode}): {done.stderr[-2000:]}")
    review = json.loads(done.stdout)
    chars = [len(r.raw) for r in records]
    text_chars = [
        len(json.dumps(r.body.get("system", ""))) + len(json.dumps(r.body["messages"]))
        for r in records
    ]
    durations = [r.finished - r.started for r in records]
    span = (max(r.finished for r in records) - min(r.started for r in records)) if records else 0
    serial = sum(durations)
    return {
        "diff": diff.name,
        "files": review["stats"]["files_seen"],
        "requests": len(records),
        "request_bytes": sum(chars),
        "prompt_chars": sum(text_chars),
        "est_tokens_sent": sum(text_chars) // 4,
        "max_request_est_tokens": max(text_chars, default=0) // 4,
        "unreviewed_by_llm": len(review["stats"]["llm"]["unreviewed"]),
        "llm_status": review["stats"]["llm"]["status"],
        "review_wall_s": round(wall, 2),
        "llm_span_s": round(span, 2),
        "llm_serial_sum_s": round(serial, 2),
        "overlap_ratio": round(span / serial, 3) if serial else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=1.0, help="seconds per fake reply")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    examples = sorted((ROOT / "examples").glob("*.diff"))
    results = [run(d, args.delay) for d in examples]
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "synthetic-large-pr.diff"
        big.write_text(synthetic_diff(), encoding="utf-8")
        results.append(run(big, args.delay))

    for r in results:
        print(
            f"{r['diff']}: {r['files']} files, {r['requests']} requests, "
            f"~{r['est_tokens_sent']:,} tokens sent ({r['prompt_chars']:,} chars; largest request "
            f"~{r['max_request_est_tokens']:,}), {r['unreviewed_by_llm']} file(s) unreviewed by "
            f"budget; reply delay {args.delay:g} s: review {r['review_wall_s']} s, LLM calls span "
            f"{r['llm_span_s']} s vs serial sum {r['llm_serial_sum_s']} s "
            f"(ratio {r['overlap_ratio']})"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
