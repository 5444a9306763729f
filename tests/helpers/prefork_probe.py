"""Run one :mod:`pipeline.prefork` scenario in a fresh, single-threaded process.

Forking is only done from a process with one thread (see pipeline.prefork), and
a pytest process may hold others, so tests/pipeline/test_prefork.py runs each
scenario here as ``python -m tests.helpers.prefork_probe SCENARIO`` and reads
the one JSON line it prints.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys

from agents import registry
from agents.changes import Workspace
from agents.specialist import RuleOutcome
from pipeline.config import Config
from pipeline.prefork import StageWorkerError, start_workers
from pipeline.review import run_review
from tests.helpers.workspace import workspace_from_trees

PARENT = os.getpid()


def _workspace() -> Workspace:
    head: dict[str, str | None] = {}
    for n in range(12):
        head[f"supabase/migrations/2024010100{n:04d}_t{n}.sql"] = (
            f"create table public.t{n} (id bigint primary key, owner uuid);\n"
            f"create policy p{n} on public.t{n} for select using (true);\n"
        )
        head[f"supabase/functions/f{n}/index.ts"] = (
            "Deno.serve(async (req) => {\n"
            "  const body = await req.json();\n"
            "  return new Response(JSON.stringify(body));\n"
            "});\n"
        )
    return workspace_from_trees({}, head)


def _findings(review: object) -> list[tuple[str, str, int | None, str | None]]:
    return sorted((f.specialist, f.path, f.line, f.rule) for f in review.findings)  # type: ignore[attr-defined]


def _dies(files: object, workspace: object) -> RuleOutcome:
    if os.getpid() != PARENT:
        os._exit(3)  # the worker dies without answering
    return RuleOutcome(notes=["ran in the parent"])


def _raises(files: object, workspace: object) -> RuleOutcome:
    raise ValueError("rule pack exploded")


def main(scenario: str) -> dict[str, object]:
    workspace, config = _workspace(), Config()
    if scenario == "same":
        workers = start_workers(workspace, config, registry.STAGES, min_files=1)
        forked = sorted(workers.workers)
        with_workers = run_review(workspace, config, runners=workers.runs)
        workers.close()
        alone = run_review(_workspace(), config)
        return {
            "forked": forked,
            "same": _findings(with_workers) == _findings(alone),
            "count": len(alone.findings),
        }
    if scenario in ("dies", "raises"):
        run = _dies if scenario == "dies" else _raises
        stage = dataclasses.replace(registry.STAGES[0], run=run)
        workers = start_workers(workspace, config, [stage], min_files=1)
        files = [f for f in workspace.files if f.path.endswith(".sql")]
        try:
            outcome = workers.runs[stage.name](files, workspace)
            return {"notes": outcome.notes}
        except StageWorkerError as exc:
            return {"error": str(exc)}
    if scenario == "mismatch":
        workers = start_workers(workspace, config, registry.STAGES, min_files=1)
        outcome = workers.runs["rls_security"]([], workspace)
        workers.close()
        return {"findings": len(outcome.findings)}
    if scenario == "small":
        return {"forked": sorted(start_workers(workspace, config, registry.STAGES).workers)}
    raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
