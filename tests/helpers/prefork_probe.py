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
from agents.errors import ReviewAborted
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


def _aborts(files: object, workspace: object) -> RuleOutcome:
    raise ReviewAborted("required, but not available")


def _thread_name(files: object, workspace: object) -> RuleOutcome:
    import threading

    return RuleOutcome(notes=[threading.current_thread().name])


def main(scenario: str) -> dict[str, object]:
    # the forked rule packs are under test; the database stage never forks (it talks to a
    # server) and would start one per review in this fresh process
    workspace, config = _workspace(), Config(database="off")
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
    if scenario in ("dies", "raises", "aborts"):
        run = {"dies": _dies, "raises": _raises, "aborts": _aborts}[scenario]
        stage = dataclasses.replace(registry.STAGES[0], run=run)
        workers = start_workers(workspace, config, [stage], min_files=1)
        files = [f for f in workspace.files if f.path.endswith(".sql")]
        try:
            outcome = workers.runs[stage.name](files, workspace)
            return {"notes": outcome.notes}
        except StageWorkerError as exc:
            return {"error": str(exc)}
        except ReviewAborted as exc:
            return {"aborted": str(exc)}
    if scenario in ("thread", "thread-other-files"):
        # a stage that talks to a server: not forked, started in a thread before the graph
        stage = dataclasses.replace(registry.STAGES[0], run=_thread_name, worker_process=False)
        workers = start_workers(workspace, config, [stage], min_files=1)
        files = [f for f in workspace.files if f.path.endswith(".sql")]
        asked = files if scenario == "thread" else files[:1]
        outcome = workers.runs[stage.name](asked, workspace)
        workers.close()
        return {"forked": sorted(workers.workers), "notes": outcome.notes}
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
