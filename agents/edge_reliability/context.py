"""What an edge_reliability rule looks at: one function source, the config, or an import map.

Most rules read one TypeScript file (``source``); the ``verify_jwt`` rule
reads a project's ``config.toml`` together with the functions it names, and the
import-pinning rule also reads ``deno.json``/import maps.  One context type
with a ``kind`` keeps a single registry and lets each rule say which kinds it
handles.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal

from agents.changes import Workspace
from agents.findings import Finding, Specialist
from agents.rules import Rule
from agents.ts.context import TsRuleContext

ContextKind = Literal["source", "config", "import_map"]


@dataclass(frozen=True)
class EdgeContext:
    """One unit of review for the edge_reliability rules."""

    kind: ContextKind
    path: str
    workspace: Workspace
    ts: TsRuleContext | None = None
    """The parsed function file (kind ``source``)."""
    text: str | None = None
    """Raw text (kinds ``config`` and ``import_map``)."""
    changed_functions: frozenset[str] = frozenset()
    """Names of functions whose source this PR changes (kind ``config``)."""


class EdgeRule(Rule[EdgeContext]):
    """An edge_reliability rule; most only need ``check_source``."""

    specialist: ClassVar[Specialist] = "edge_reliability"

    def check(self, ctx: EdgeContext) -> Iterator[Finding]:
        if ctx.kind == "source" and ctx.ts is not None:
            # tree-sitter recovers from syntax errors, so rules still see what parsed
            yield from self.check_source(ctx.ts)
        elif ctx.kind == "config":
            yield from self.check_config(ctx)
        elif ctx.kind == "import_map":
            yield from self.check_import_map(ctx)

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        """Findings in one function source file that parsed."""
        return iter(())

    def check_config(self, ctx: EdgeContext) -> Iterator[Finding]:
        """Findings in a project's ``config.toml``."""
        return iter(())

    def check_import_map(self, ctx: EdgeContext) -> Iterator[Finding]:
        """Findings in ``deno.json`` / import maps."""
        return iter(())
