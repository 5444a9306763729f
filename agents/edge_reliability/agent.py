"""The edge_reliability specialist's deterministic part: run the rule pack.

Routed files are Edge Function sources (``supabase/functions/**`` TS/JS),
``supabase/config.toml`` (function settings) and ``deno.json``/import maps.
Each becomes an :class:`EdgeContext`; every rule sees every context and
picks the kinds it handles.  A rule that crashes on one file becomes a note,
never an exception, so one odd file cannot sink the review.
"""

from __future__ import annotations

from collections.abc import Sequence

import tree_sitter as ts

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.edge_reliability.config import CONFIG_PATH
from agents.edge_reliability.context import EdgeContext
from agents.edge_reliability.rules import RULES
from agents.findings import Finding, SuppressedFinding
from agents.rules import run_rule
from agents.specialist import RuleOutcome
from agents.ts.context import is_ts_path, read_head, ts_context_for
from agents.ts.parse import ParsedTs, statement_of
from agents.ts.syntax import FUNCTION_TYPES

FUNCTIONS_DIR = "supabase/functions/"
LOCAL_RULES = frozenset(
    {"EDGE004", "EDGE005", "EDGE011", "EDGE013", "EDGE014", "EDGE015", "EDGE016"}
)
"""Rules that judge one expression on its own, so they can run on a partial file (diff only)."""
WHOLE_FUNCTION_RULES = frozenset({"EDGE001", "EDGE002", "EDGE008", "EDGE009", "EDGE003"})
"""Rules whose finding can be caused by a change elsewhere in the same function."""
IMPORT_MAP_NAMES = ("deno.json", "deno.jsonc", "import_map.json", "import-map.json")


def run_rules(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    """Run every edge_reliability rule on the routed files."""
    outcome = RuleOutcome()
    contexts: list[EdgeContext] = []
    changed_functions: set[str] = set()
    for file in files:
        if file.status == FileStatus.DELETED or file.is_binary:
            continue
        path = file.path
        if path.startswith(FUNCTIONS_DIR) and is_ts_path(path):
            ts_ctx = ts_context_for(file, workspace)
            if ts_ctx is None:
                continue
            if ts_ctx.model.name:
                changed_functions.add(ts_ctx.model.name)
            contexts.append(EdgeContext(kind="source", path=path, workspace=workspace, ts=ts_ctx))
        elif path.rsplit("/", 1)[-1] in IMPORT_MAP_NAMES and (
            path.startswith("supabase/") or "/" not in path
        ):
            text = read_head(workspace, path)
            contexts.append(
                EdgeContext(kind="import_map", path=path, workspace=workspace, text=text)
            )
    config_text = read_head(workspace, CONFIG_PATH)
    if config_text is not None and (workspace.file(CONFIG_PATH) is not None or changed_functions):
        contexts.append(
            EdgeContext(
                kind="config",
                path=CONFIG_PATH,
                workspace=workspace,
                text=config_text,
                changed_functions=frozenset(changed_functions),
            )
        )
    rules = [rule_cls() for rule_cls in RULES]
    for ctx in contexts:
        partial = ctx.ts is not None and not ctx.ts.file.head_complete
        if partial:
            outcome.notes.append(
                f"{ctx.path}: only the diff is known, so checks that need the whole function "
                "(CORS preflight, authentication, error handling) were skipped"
            )
        for rule in rules:
            if partial and rule.code not in LOCAL_RULES:
                continue
            for finding in run_rule(rule, ctx, ctx.path, outcome.notes):
                if not _in_changed_code(ctx, finding):
                    continue
                reason = _suppression(ctx, finding)
                if reason is None:
                    outcome.findings.append(finding)
                else:
                    outcome.suppressed.append(SuppressedFinding(finding=finding, reason=reason))
    return outcome


def _in_changed_code(ctx: EdgeContext, finding: Finding) -> bool:
    """Whether a finding in a modified function file concerns code this PR changed.

    Added files are new code throughout.  In a modified file, a finding is kept
    when its statement was touched; for rules about the handler as a whole
    (missing preflight, unverified identity…), when the enclosing function was.
    Problems that sit untouched in old code are not this PR's to fix.
    """
    if ctx.ts is None or finding.path != ctx.path or finding.line is None:
        return True
    file = ctx.ts.file
    if file.status != FileStatus.MODIFIED or (not file.added_lines and not file.hunks):
        return True
    node = _node_at_line(ctx.ts.parsed, finding.line)
    if node is None:
        return True
    stmt = statement_of(node)
    if _touched(file, stmt.start_point[0] + 1, stmt.end_point[0] + 1):
        return True
    if finding.rule not in WHOLE_FUNCTION_RULES:
        return False
    outer = _outermost_function(node) or (ctx.ts.model.handler)
    return outer is not None and _touched(file, outer.start_point[0] + 1, outer.end_point[0] + 1)


def _touched(file: ChangedFile, first: int, last: int) -> bool:
    if file.touches(first, last):
        return True
    return any(
        hunk.removed
        and hunk.target_start <= last
        and first <= hunk.target_start + max(hunk.target_length, 1) - 1
        for hunk in file.hunks
    )


def _outermost_function(node: ts.Node) -> ts.Node | None:
    found: ts.Node | None = None
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            found = current
        current = current.parent
    return found


def _suppression(ctx: EdgeContext, finding: Finding) -> str | None:
    """The reason of an ``architect-review: ignore CODE`` comment covering ``finding``."""
    if finding.rule is None or finding.line is None:
        return None
    if ctx.ts is not None and finding.path == ctx.path:
        parsed = ctx.ts.parsed
        stmt_line = _statement_line(parsed, finding.line)
        return parsed.suppression_for(finding.rule, finding.line, stmt_line)
    if ctx.text is not None and finding.path == ctx.path:
        return _hash_comment_suppression(ctx.text, finding.rule, finding.line)
    return None


def _statement_line(parsed: ParsedTs, line: int) -> int | None:
    node = _node_at_line(parsed, line)
    if node is None:
        return None
    return statement_of(node).start_point[0] + 1


def _node_at_line(parsed: ParsedTs, line: int) -> ts.Node | None:
    """The smallest named node at the first non-blank column of ``line``."""
    lines = parsed.source.split(b"\n")
    if not 0 < line <= len(lines):
        return None
    text = lines[line - 1]
    column = len(text) - len(text.lstrip())
    return parsed.root.named_descendant_for_point_range((line - 1, column), (line - 1, column))


def _hash_comment_suppression(text: str, code: str, line: int) -> str | None:
    """``# architect-review: ignore CODE reason`` on the line or the comment lines above it."""
    lines = text.splitlines()
    index = line - 1
    candidates = [index]
    above = index - 1
    while above >= 0 and lines[above].lstrip().startswith("#"):
        candidates.append(above)
        above -= 1
    marker = f"architect-review: ignore {code}"
    for i in candidates:
        if 0 <= i < len(lines) and marker in lines[i]:
            return lines[i].split(marker, 1)[1].strip() or "no reason given"
    return None
