"""Run the CPU-bound stages of a large review in forked worker processes.

The three rule packs are pure Python CPU work, and the graph runs each in a
thread of one process, so they take turns on one GIL: on a two-core runner
half the machine sits idle while a 300-file PR is reviewed.  Here, before the
graph (and LangGraph itself) is even imported, each stage whose ``Stage.
worker_process`` is set is started in a child made with ``fork``: the child
inherits the workspace as it is (no pickling of trees), runs the stage's
``run`` on exactly the files the graph's route node will hand it, and sends
the :class:`~agents.specialist.RuleOutcome` back through a pipe.  The graph
then runs as usual; the stage's ``run`` is replaced by one that collects the
child's outcome.

Correctness never depends on the workers: a child that dies, answers garbage
or was given other files than the graph routes is ignored and the stage runs
in-process as it always did.  Only small, safe cases fork: Linux, a single
thread in the process (forking a threaded process can deadlock the child),
trees that are local (git or in memory; a GitHub tree holds HTTP connections
a child must not share), and a change large enough for the fork to pay off.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from agents.changes import ChangedFile, DictTree, EmptyTree, Workspace
from agents.errors import ArchitectReviewError
from agents.registry import Stage
from agents.specialist import RuleOutcome, RuleRunner
from pipeline.config import Config, configured_workspace
from pipeline.routing import plan_for

MIN_FILES = 40
"""Below this many routed files a review takes well under a second in-process, and
forking (a few ms per child, plus the copies its writes cause) does not pay off."""


class StageWorkerError(ArchitectReviewError):
    """A stage raised inside its worker process (re-raised in the graph, like in-process)."""


def _fork_safe_tree(tree: object) -> bool:
    from pipeline.sources.git import GitTree

    return isinstance(tree, GitTree | DictTree | EmptyTree)


def can_fork(workspace: Workspace) -> bool:
    """Whether this process may fork workers for ``workspace`` (see the module docstring)."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and threading.active_count() == 1
        and _fork_safe_tree(workspace.base)
        and _fork_safe_tree(workspace.head)
    )


@dataclass
class _Worker:
    """One forked child running one stage."""

    stage: Stage
    pid: int
    fd: int
    paths: tuple[str, ...]
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _done: bool = False

    def collect(self, files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        """The child's outcome, or the stage run in-process when the child cannot give it."""
        with self._lock:
            if self._done:  # asked twice: never wait on a reaped child
                return self.stage.run(files, workspace)
            self._done = True
            if tuple(f.path for f in files) != self.paths:
                self._stop()
                return self.stage.run(files, workspace)
            data = self._read()
            os.waitpid(self.pid, 0)
        try:
            kind, payload = pickle.loads(data)
        except Exception:  # died before answering, or answered garbage: do it here
            return self.stage.run(files, workspace)
        if kind == "error":
            raise StageWorkerError(str(payload))
        if not isinstance(payload, RuleOutcome):
            return self.stage.run(files, workspace)
        return payload

    def _read(self) -> bytes:
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
        return b"".join(chunks)

    def _stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.fd)
        os.waitpid(self.pid, 0)

    def abandon(self) -> None:
        """Stop the child if nobody collected it (the review ended early)."""
        with self._lock:
            if not self._done:
                self._done = True
                self._stop()


def _child(stage: Stage, files: list[ChangedFile], workspace: Workspace, fd: int) -> None:
    """In the worker: run the stage, write ``("ok", outcome)`` or ``("error", text)``."""
    try:
        try:
            payload = pickle.dumps(("ok", stage.run(files, workspace)), pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # the parent re-raises it as the stage's failure
            text = " ".join(str(exc).split())
            described = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
            payload = pickle.dumps(("error", described))
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os._exit(0)  # no atexit handlers, finalizers or buffered output of the parent's


@dataclass
class Workers:
    """The workers started for one review; ``runs`` replaces the stages' ``run``."""

    workers: dict[str, _Worker] = field(default_factory=dict)

    @property
    def runs(self) -> Mapping[str, RuleRunner]:
        return {name: w.collect for name, w in self.workers.items()}

    def close(self) -> None:
        """Stop every child that was not collected (safe to call more than once)."""
        for worker in self.workers.values():
            worker.abandon()


def start_workers(
    workspace: Workspace, config: Config, stages: Sequence[Stage], *, min_files: int = MIN_FILES
) -> Workers:
    """Fork one worker per CPU-bound stage with files, when that is safe and worth it."""
    if not can_fork(workspace):
        return Workers()
    workspace = configured_workspace(workspace, config)
    plan = plan_for(workspace, config.routes, config.skip, config.max_file_bytes, stages)
    routed = {f.path for files in plan.by_stage.values() for f in files}
    if len(routed) < min_files:
        return Workers()
    sys.stdout.flush()
    sys.stderr.flush()
    out = Workers()
    for stage in stages:
        files = plan.by_stage.get(stage.name, [])
        if not stage.worker_process or not files:
            continue
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns (coverage cannot see it)
            os.close(read_fd)
            _child(stage, list(files), workspace, write_fd)
        os.close(write_fd)
        out.workers[stage.name] = _Worker(stage, pid, read_fd, tuple(f.path for f in files))
    return out
