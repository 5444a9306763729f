"""Grouping: the same rule on many statements of one file becomes one finding listing its lines.

A migration that creates eighteen tables without RLS holds one problem, fixed
the same way eighteen times; eighteen entries of the same text bury the one
finding that differs.  So, after deduplication, rule findings that share a
file, a rule and a severity are folded into one when there are at least
:data:`MIN_GROUP` of them: it keeps the first one's line, title, message,
fix and fingerprint, lists every line in ``lines``, and its message ends with
where else the rule fired.

Never across severities: the set of severities, and so the verdict and the
``--fail-on`` exit code, is the same grouped or not.  LLM findings (no rule
code) always stand alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.findings import Finding

MIN_GROUP = 5
"""Findings of one rule in one file (same severity) from which they are shown as one.

Up to four are still read one by one (each names its own table or import, and
the labelled bench cases judge four unpinned imports of one function as four
findings); from five on the list is a wall.  Measured on the real-world bench
(116 ranges): findings fall from 1,309 to 681 with every labelled true positive
kept; at three they would fall to 552 but the bench loses three expectations."""


MAX_NAMED_LINES = 20
"""A grouped finding's message names at most this many of its other lines."""


def _lines_text(lines: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:MAX_NAMED_LINES])
    extra = len(lines) - MAX_NAMED_LINES
    return shown + (f" and {extra} more" if extra > 0 else "")


def group_findings(findings: Sequence[Finding]) -> tuple[list[Finding], int]:
    """``findings`` with same-rule runs grouped (first occurrence keeps its position), and
    how many findings were folded into another."""
    keyed: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(findings):
        if f.rule is not None and f.line is not None:
            keyed.setdefault((f.path, f.rule, f.severity.value), []).append(i)
    folded: set[int] = set()
    replaced: dict[int, Finding] = {}
    for members in keyed.values():
        if len(members) < MIN_GROUP:
            continue
        ordered = sorted(members, key=lambda i: (findings[i].line or 0, i))
        first = findings[ordered[0]]
        lines = sorted({n for i in ordered for n in findings[i].lines or (findings[i].line or 0,)})
        lines = [n for n in lines if n]
        others = [n for n in lines if n != first.line]
        message = (
            f"{first.message} The same at line{'s' if len(others) > 1 else ''} "
            f"{_lines_text(others)} ({len(lines)} places in this file)."
        ).strip()
        slot = min(members)
        replaced[slot] = first.model_copy(update={"lines": tuple(lines), "message": message})
        folded.update(m for m in members if m != slot)
    out = [replaced.get(i, f) for i, f in enumerate(findings) if i not in folded]
    return out, len(folded)
