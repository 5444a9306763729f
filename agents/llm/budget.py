"""Fitting a review into its token budget: rank files by risk, pack them into batches.

The budget (``LlmSettings.token_budget``, input + output tokens for the whole
review) is split evenly between the three specialists, less a reserve for the
architect's summary, so that what one specialist reviews never depends on how
fast another one ran.  Within its share a specialist packs its files, riskiest
first, into batches of at most ``MAX_BATCH_TOKENS`` input tokens; files that do
not fit go unreviewed by the LLM and are listed as such in the comment.

Risk is deterministic: rule findings already on the file weigh most (where
one problem is, others hide), then the kind of file (SQL migrations and Edge
Functions before anything else), then how much of it changed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from agents.findings import SPECIALISTS, Finding

from .prompting import FilePart, estimate_tokens, load_prompt

MAX_BATCH_TOKENS = 24_000
"""Input tokens per request: big enough for context, small enough to run batches in parallel."""

OUTPUT_RESERVE = 1_500
"""Output tokens counted against the budget for each request (replies are short lists)."""

MESSAGE_OVERHEAD = 400
"""Tokens of the task text, rule findings and schema excerpt around the files (estimate)."""

SUMMARY_SHARE = 0.05
"""Part of the budget kept for the architect's summary call."""

_SEVERITY_RISK = {"critical": 40, "high": 20, "medium": 8, "low": 2, "info": 0}


def path_risk(path: str) -> int:
    """How much damage a mistake in this kind of file can do.

    Judged from the path alone, wherever the Supabase project sits
    (``supabase/``, ``apps/api/supabase/``…): SQL first, then Edge Function
    code (anything under a ``supabase/functions/`` folder), then config files.
    """
    parts = PurePosixPath(path).parts
    if path.endswith(".sql"):
        return 30
    if any(a == "supabase" and b == "functions" for a, b in itertools.pairwise(parts)):
        return 25
    if path.endswith((".toml", ".json")):
        return 10
    return 5


def file_risk(part: FilePart, added: int, rule_findings: Sequence[Finding]) -> float:
    """Risk score: rule findings on the file, then file kind, then size of the change."""
    findings = sum(_SEVERITY_RISK[f.severity.value] for f in rule_findings if f.path == part.path)
    return findings + path_risk(part.path) + math.log1p(added)


def specialist_share(token_budget: int) -> int:
    """Tokens one specialist may spend."""
    return int(token_budget * (1 - SUMMARY_SHARE)) // len(SPECIALISTS)


@dataclass
class BatchPlan:
    """The batches one specialist will send, and what it leaves out."""

    batches: list[list[FilePart]] = field(default_factory=list)
    unreviewed: list[str] = field(default_factory=list)
    estimated_tokens: int = 0


def plan_batches(
    owner: str,
    parts: Sequence[FilePart],
    added_counts: dict[str, int],
    rule_findings: Sequence[Finding],
    budget: int,
    max_batch_tokens: int = MAX_BATCH_TOKENS,
) -> BatchPlan:
    """Riskiest files first, packed into batches while the budget lasts.

    A batch costs its system prompt, the message overhead, its files and an
    output reserve.  A file that does not fit in any batch on its own, or that
    would take the total past ``budget``, is left unreviewed; lower-risk files
    after it may still fit.
    """
    system = estimate_tokens(load_prompt(owner))
    fixed = system + MESSAGE_OVERHEAD + OUTPUT_RESERVE
    ranked = sorted(
        parts,
        key=lambda p: (-file_risk(p, added_counts.get(p.path, 0), rule_findings), p.path),
    )
    plan = BatchPlan()
    current: list[FilePart] = []
    current_tokens = 0
    for part in ranked:
        if fixed + part.tokens > max_batch_tokens + OUTPUT_RESERVE:
            plan.unreviewed.append(part.path)
            continue
        if current and fixed + current_tokens + part.tokens <= max_batch_tokens + OUTPUT_RESERVE:
            if plan.estimated_tokens + part.tokens > budget:
                plan.unreviewed.append(part.path)
                continue
            current.append(part)
            current_tokens += part.tokens
            plan.estimated_tokens += part.tokens
            continue
        if plan.estimated_tokens + fixed + part.tokens > budget:
            plan.unreviewed.append(part.path)
            continue
        current = [part]
        current_tokens = part.tokens
        plan.batches.append(current)
        plan.estimated_tokens += fixed + part.tokens
    return plan
