"""What the run tells the workflow itself: step summary, annotations, outputs.

These go through files and workflow commands, not the API, so they work even
when the token cannot comment (fork PRs) or GitHub's API is down: the step
summary is where a review is never lost.

Workflow commands (``::error file=…,line=…::message``) are parsed by the
runner from stdout; finding text comes partly from the PR, so it is escaped
per the runner's rules (``%``, CR, LF in the message; also ``:`` and ``,`` in
properties) and cannot start a command of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from agents.findings import Finding, Severity

ANNOTATED = (Severity.CRITICAL, Severity.HIGH)
MAX_ANNOTATIONS = 50
"""The runner shows at most 10 error annotations per step and 50 per job."""


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (``file=``, ``title=``…)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """``::error file=…,line=…,title=…::message`` for one finding."""
    props = [f"file={escape_property(finding.path)}"]
    if finding.line is not None:
        props.append(f"line={finding.line}")
        if finding.end_line is not None and finding.end_line > finding.line:
            props.append(f"endLine={finding.end_line}")
    label = f"{finding.rule} " if finding.rule else ""
    props.append(f"title={escape_property(f'{label}{finding.title} ({finding.severity.value})')}")
    message = finding.message or finding.title
    if finding.help:
        message = f"{message}\n{finding.help}"
    return f"::error {','.join(props)}::{escape_data(message)}"


def annotation_lines(findings: Iterable[Finding]) -> list[str]:
    """Error annotations for critical and high findings, worst first, capped."""
    chosen = [f for f in findings if f.severity in ANNOTATED]
    chosen.sort(key=lambda f: (-f.severity.rank, f.path, f.line or 0))
    return [annotation(f) for f in chosen[:MAX_ANNOTATIONS]]


def append_summary(path: Path | None, markdown: str) -> bool:
    """Append ``markdown`` to ``GITHUB_STEP_SUMMARY``; False when there is none."""
    if path is None:
        return False
    with path.open("a", encoding="utf-8") as handle:
        handle.write(markdown.rstrip("\n") + "\n\n")
    return True


def write_outputs(path: Path | None, values: Mapping[str, str]) -> bool:
    """Append action outputs to ``GITHUB_OUTPUT`` (heredoc form for multi-line values)."""
    if path is None:
        return False
    lines: list[str] = []
    for name, value in values.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
            lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}")
        else:
            lines.append(f"{name}={value}")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return True
