"""Small builders shared by the pipeline tests."""

from __future__ import annotations

from agents.findings import Finding, Severity, Specialist


def finding(
    path: str = "supabase/migrations/1_a.sql",
    line: int | None = 3,
    *,
    severity: Severity = Severity.HIGH,
    specialist: Specialist = "rls_security",
    rule: str | None = "RLS001",
    title: str = "Table without RLS",
    message: str = "Table public.t is exposed without row level security.",
    help: str = "Enable RLS.",
    source: str = "rule",
    evidence: str | None = None,
) -> Finding:
    return Finding(
        specialist=specialist,
        severity=severity,
        path=path,
        line=line,
        title=title,
        rule=rule,
        message=message,
        help=help,
        source=source,  # type: ignore[arg-type]
        evidence=evidence,
    )
