"""The rule base class and the helpers every rule uses.

One rule = one small module holding one ``Rule`` subclass: a stable ``code``
(never reused), a ``name`` that says what it flags, a default ``severity``, the
``specialist`` that owns it, and ``check(ctx)`` yielding findings.  Its
docstring has the fixed sections ``What it does``, ``Why is this bad?``,
``Example``, ``Use instead`` and ``References``; ``tests/test_rule_meta.py``
fails when one is missing and ``architect-review rules`` renders them.

Each specialist keeps an explicit registry: ``agents/<specialist>/rules/__init__.py``
exposes ``RULES: tuple[type[Rule[...]], ...]``.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar, Generic, TypeVar

from agents.findings import Finding, Severity, Specialist

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")

CtxT = TypeVar("CtxT")

_log = logging.getLogger(__name__)

_ACRONYMS = {
    w.lower(): w
    for w in (
        "RLS",
        "CORS",
        "JWT",
        "FK",
        "PK",
        "SQL",
        "API",
        "RPC",
        "PII",
        "URL",
        "ID",
        "UUID",
        "JSON",
        "CTE",
        "DDL",
        "N+1",
        "SSRF",
        "OPTIONS",
        "TO",
        "UI",
    )
}


_TITLES: dict[type[Rule[Any]], str] = {}
"""Each rule class's title, built on first use (see :meth:`Rule.title`)."""


class Rule(Generic[CtxT]):
    """Base of every deterministic rule; subclasses set the ClassVars and ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    specialist: ClassVar[Specialist]
    severity_reason: ClassVar[str] = ""
    """One sentence on why the default severity is what it is."""
    runs_on_partial_files: ClassVar[bool] = False
    """True when the rule judges one expression on its own, so it still runs on a file
    known only from its diff hunks (no repository); rules that need the whole file or
    function (a missing CORS preflight, an uncaught exception) do not."""
    statement_kinds: ClassVar[frozenset[str] | None] = None
    """For a rule over one SQL file: the statement kinds of which the PR must add or edit
    at least one in the file for the rule to have anything to say: pglast node names
    (``IndexStmt``) or one ALTER TABLE sub-command (``AlterTableStmt.AT_SetNotNull``,
    see :attr:`agents.sql.parse.Statement.kinds`).  The runner skips the rule on other
    files, so a PR of 300 one-statement migrations runs a few rules per file, not all
    of them.  ``None``: run on every file.  ``tests/rules/test_statement_kinds.py`` runs
    each rule unfiltered over every SQL file the tests hold and fails if a declaration
    would hide a finding, or declares a kind no finding needs."""
    whole_function: ClassVar[bool] = False
    """True when a finding can be caused by a change anywhere in its enclosing function
    (a handler without a preflight): in a modified file it is kept when any line of that
    function changed, not only its own statement."""

    def check(self, ctx: CtxT) -> Iterator[Finding]:
        """Yield the findings of this rule in ``ctx``."""
        raise NotImplementedError

    def finding(
        self,
        path: str,
        line: int | None,
        message: str,
        help: str,
        *,
        severity: Severity | None = None,
        title: str | None = None,
        end_line: int | None = None,
    ) -> Finding:
        """Build a finding stamped with this rule's code, specialist and severity."""
        return Finding(
            specialist=self.specialist,
            severity=severity or self.severity,
            path=path,
            line=line,
            end_line=end_line,
            title=title or self.title(),
            rule=self.code,
            message=message,
            help=help,
            source="rule",
        )

    @classmethod
    def title(cls) -> str:
        """Human title from the rule name (``table-without-rls`` → ``Table without RLS``).

        Acronyms stay upper-case so the comment reads like a person wrote it.  Built once
        per rule class: a large PR asks it for every finding.
        """
        title = _TITLES.get(cls)
        if title is None:
            title = _TITLES[cls] = cls._title_from_name()
        return title

    @classmethod
    def _title_from_name(cls) -> str:
        words = cls.name.replace("_", "-").split("-")
        out = [_ACRONYMS.get(w.lower(), w) for w in words if w]
        if out and out[0] == out[0].lower():
            out[0] = out[0][:1].upper() + out[0][1:]
        return " ".join(out)

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring split into its fixed sections (missing ones absent)."""
        doc = inspect.getdoc(cls) or ""
        sections: dict[str, str] = {}
        pattern = re.compile(r"^##?\s*(" + "|".join(re.escape(s) for s in DOC_SECTIONS) + r")\s*$")
        current: str | None = None
        buf: list[str] = []
        for line in doc.splitlines():
            m = pattern.match(line.strip())
            if m:
                if current:
                    sections[current] = "\n".join(buf).strip()
                current, buf = m.group(1), []
            elif current:
                buf.append(line)
        if current:
            sections[current] = "\n".join(buf).strip()
        return sections


class RulesByStatement(Generic[CtxT]):
    """A rule registry that hands each SQL file only the rules its statements can feed.

    See :attr:`Rule.statement_kinds`.  The answer for a set of statement kinds is
    kept: a large PR's files repeat a handful of combinations, so choosing a file's
    rules costs a dict lookup, not a pass over the registry."""

    def __init__(self, rules: Sequence[type[Rule[CtxT]]]) -> None:
        self.rules = tuple(rules)
        self._chosen: dict[frozenset[str], tuple[type[Rule[CtxT]], ...]] = {}

    def for_kinds(self, kinds: AbstractSet[str]) -> tuple[type[Rule[CtxT]], ...]:
        """The rules that can find something in a file whose changed statements are of
        ``kinds``, in registry order."""
        key = frozenset(kinds)
        chosen = self._chosen.get(key)
        if chosen is None:
            chosen = self._chosen[key] = tuple(
                r
                for r in self.rules
                if r.statement_kinds is None or not r.statement_kinds.isdisjoint(key)
            )
        return chosen


def run_rule(rule: Rule[CtxT], ctx: CtxT, path: str, notes: list[str]) -> list[Finding]:
    """The findings of ``rule`` in ``ctx``.

    A rule that raises is a bug in that rule; it must not hide the other rules'
    findings or sink the review, so it yields nothing here, its traceback goes to
    the log, and a one-line note (shown in the review) says which rule failed where.
    """
    try:
        return list(rule.check(ctx))
    except Exception as exc:
        _log.exception("rule %s failed on %s", rule.code, path)
        notes.append(f"{path}: rule {rule.code} failed ({type(exc).__name__}: {exc})")
        return []
