"""The per-file context TypeScript rules of any specialist receive.

``ts_context_for`` is the one entry point other specialists call (the
schema_performance ``run_rules`` calls it for TS/JS files before running its
``TS_RULES``): it parses the head text once per review (cached on the
workspace, so edge_reliability and schema_performance share one parse) and
returns None for files that are not TypeScript/JavaScript or have no text.

The context carries the Edge Function model
(:mod:`agents.edge_reliability.model`) because every TS rule so far judges
Edge Function code and needs its clients and handler; this is the one place
where ``agents/ts`` reaches into the Edge specialist's package, so that the
model is built once for all specialists.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.edge_reliability.model.build import build_model
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.ts.parse import ParsedTs, parse_ts

TS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs", ".cts", ".cjs")


@dataclass(frozen=True)
class TsRuleContext:
    """One parsed TS/JS file as rules see it."""

    file: ChangedFile
    workspace: Workspace
    parsed: ParsedTs
    model: EdgeFunctionModel

    @property
    def path(self) -> str:
        return self.file.path


def is_ts_path(path: str) -> bool:
    """Whether ``path`` is a TypeScript/JavaScript source file."""
    return path.endswith(TS_SUFFIXES) and not path.endswith(".d.ts")


def ts_context_for(file: ChangedFile, workspace: Workspace) -> TsRuleContext | None:
    """The parsed context of ``file`` (cached per review), or None when not TS/JS."""
    if file.status == FileStatus.DELETED or file.is_binary or not is_ts_path(file.path):
        return None
    text = file.head_text
    if text is None:
        text = workspace.head.read_text(file.path)
    if text is None:
        return None
    source = text

    def build() -> TsRuleContext:
        parsed = parse_ts(file.path, source)
        project = workspace.project_for(file.path)
        name = project.function_name(file.path) if project is not None else None
        model = build_model(parsed, lambda p: read_head(workspace, p), name)
        return TsRuleContext(file=file, workspace=workspace, parsed=parsed, model=model)

    return workspace.cached(f"ts-context:{file.path}", build)


def read_head(workspace: Workspace, path: str) -> str | None:
    """A file of the head tree (a changed file's own head text first)."""
    changed = workspace.file(path)
    if changed is not None and changed.head_text is not None:
        return changed.head_text
    return workspace.head.read_text(path)
