"""Start the stages before LangGraph is imported: CPU-bound ones in forked worker processes.

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

Stages that are not CPU work on the workspace (``worker_process`` False: the
database stage, which waits on a PostgreSQL server) start in a thread of this
process right after the forks, for the same reason: their server starts and
their migrations apply while LangGraph is imported, instead of after.

Correctness never depends on the workers: a child that dies, answers garbage
or was given other files than the graph routes is ignored and the stage runs
in-process as it always did; a thread given other files is not asked either.
Only small, safe cases fork: Linux, a single thread in the process (forking a
threaded process can deadlock the child), trees that are local (git or in
memory; a GitHub tree holds HTTP connections a child must not share), and a
change large enough for the fork to pay off.
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
from agents.errors import ArchitectReviewError, ReviewAborted
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
        if kind == "abort":  # the stage ends the review, as it would in-process
            raise ReviewAborted(str(payload))
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


@dataclass
class _Early:
    """One stage running in a thread of this process since before the graph started."""

    stage: Stage
    paths: tuple[str, ...]
    thread: threading.Thread | None = None
    outcome: RuleOutcome | None = None
    failure: BaseException | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _done: bool = False

    def start(self, files: Sequence[ChangedFile], workspace: Workspace) -> None:
        # not a daemon: a stage that holds a server must get to stop it, even when the
        # review ends early (its own deadline bounds the wait)
        self.thread = threading.Thread(
            target=self._run, args=(list(files), workspace), name=f"stage-{self.stage.name}"
        )
        self.thread.start()

    def _run(self, files: list[ChangedFile], workspace: Workspace) -> None:
        try:
            self.outcome = self.stage.run(files, workspace)
        except BaseException as exc:  # handed to the graph node, which decides what it means
            self.failure = exc

    def collect(self, files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
        """The thread's outcome (its exception re-raised), or a run here for other files."""
        with self._lock:
            asked_before, self._done = self._done, True
        if asked_before or tuple(f.path for f in files) != self.paths:
            return self.stage.run(files, workspace)
        assert self.thread is not None
        self.thread.join()
        if self.failure is not None:
            raise self.failure
        assert self.outcome is not None
        return self.outcome


def _child(stage: Stage, files: list[ChangedFile], workspace: Workspace, fd: int) -> None:
    """In the worker: run the stage, write ``("ok", outcome)``, ``("abort", text)`` (it raised
    :class:`~agents.errors.ReviewAborted`) or ``("error", text)``."""
    try:
        try:
            payload = pickle.dumps(("ok", stage.run(files, workspace)), pickle.HIGHEST_PROTOCOL)
        except ReviewAborted as exc:
            payload = pickle.dumps(("abort", str(exc)))
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
    """The workers and threads started for one review; ``runs`` replaces the stages' ``run``."""

    workers: dict[str, _Worker] = field(default_factory=dict)
    threads: dict[str, _Early] = field(default_factory=dict)

    @property
    def runs(self) -> Mapping[str, RuleRunner]:
        runs: dict[str, RuleRunner] = {name: w.collect for name, w in self.workers.items()}
        runs.update({name: t.collect for name, t in self.threads.items()})
        return runs

    def close(self) -> None:
        """Stop every child that was not collected (safe to call more than once).  A thread
        cannot be stopped: it ends with its stage (bounded by the stage's own deadline)."""
        for worker in self.workers.values():
            worker.abandon()


def start_workers(
    workspace: Workspace, config: Config, stages: Sequence[Stage], *, min_files: int = MIN_FILES
) -> Workers:
    """Fork one worker per CPU-bound stage with files, when that is safe and worth it; then
    start every other stage with files in a thread."""
    workspace = configured_workspace(workspace, config)
    plan = plan_for(workspace, config.routes, config.skip, config.max_file_bytes, stages)
    out = Workers()
    if can_fork(workspace):
        _fork(out, workspace, plan.by_stage, stages, min_files)
    for stage in stages:  # after the forks: a process with threads must not fork
        files = plan.by_stage.get(stage.name, [])
        if stage.worker_process or not files:
            continue
        early = _Early(stage, tuple(f.path for f in files))
        early.start(files, workspace)
        out.threads[stage.name] = early
    return out


def _fork(
    out: Workers,
    workspace: Workspace,
    by_stage: Mapping[str, Sequence[ChangedFile]],
    stages: Sequence[Stage],
    min_files: int,
) -> None:
    routed = {f.path for files in by_stage.values() for f in files}
    if len(routed) < min_files:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    for stage in stages:
        files = by_stage.get(stage.name, [])
        if not stage.worker_process or not files:
            continue
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns (coverage cannot see it)
            os.close(read_fd)
            _child(stage, list(files), workspace, write_fd)
        os.close(write_fd)
        out.workers[stage.name] = _Worker(stage, pid, read_fd, tuple(f.path for f in files))
