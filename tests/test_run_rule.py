"""``agents.rules.run_rule``: a broken rule becomes a note, never a lost review."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity, Specialist
from agents.rules import Rule, run_rule


class _Broken(Rule[str]):
    code: ClassVar[str] = "TEST001"
    name: ClassVar[str] = "broken"
    severity: ClassVar[Severity] = Severity.LOW
    specialist: ClassVar[Specialist] = "rls_security"

    def check(self, ctx: str) -> Iterator[Finding]:
        yield self.finding(ctx, 1, "first", "fix")
        raise KeyError("boom")


class _Fine(Rule[str]):
    code: ClassVar[str] = "TEST002"
    name: ClassVar[str] = "fine"
    severity: ClassVar[Severity] = Severity.LOW
    specialist: ClassVar[Specialist] = "rls_security"

    def check(self, ctx: str) -> Iterator[Finding]:
        yield self.finding(ctx, 2, "ok", "fix")


def test_a_raising_rule_yields_nothing_and_a_note_and_the_next_rule_still_runs() -> None:
    notes: list[str] = []
    assert run_rule(_Broken(), "a.sql", "a.sql", notes) == []
    assert notes == ["a.sql: rule TEST001 failed (KeyError: 'boom')"]
    found = run_rule(_Fine(), "a.sql", "a.sql", notes)
    assert [(f.rule, f.line) for f in found] == [("TEST002", 2)]
    assert len(notes) == 1
