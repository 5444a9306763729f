"""``Rule.statement_kinds`` only skips rules that had nothing to say.

The SQL runners of rls_security and schema_performance hand a file only the
rules whose declared statement kinds occur among the file's changed
statements.  A wrong declaration would silently drop findings, so here every
rule with a declaration runs *unfiltered* on every SQL file the tests hold
(each rule's fixtures, every regression case, a generated PR holding each
migration-safety pattern of ``scripts/compare_squawk.py``, and the small PRs
of ``kinds_corpus/``), and wherever it finds something, the file must hold
one of the kinds it declares.  Because that proof only reaches the kinds the
corpus exercises, a second test requires every declared kind to be the only
one behind some finding of the corpus; a third makes sure each kind names a
real pglast statement (or ALTER TABLE sub-command): a typo would switch a
rule off everywhere.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pglast import ast as pg_ast
from pglast.enums.parsenodes import AlterTableType

from agents.changes import FileStatus, Workspace
from agents.rls_security.rules import RULES as RLS_RULES
from agents.rules import Rule, RulesByStatement
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules import RULES as PERF_RULES
from agents.sql.context import SqlRuleContext, contexts_for
from agents.sql.parse import kinds_of
from tests.helpers.workspace import workspace_from_fixture, workspace_from_trees

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "rules" / "fixtures"
CASES = ROOT / "tests" / "cases"
CORPUS = Path(__file__).parent / "kinds_corpus"
"""Small PRs (``<name>/base``, ``<name>/head``) that walk the paths no fixture or case
reaches: ALTER POLICY, ADD COLUMN on an existing table, DETACH PARTITION, REFRESH,
REINDEX, ALTER DOMAIN, ALTER FUNCTION, ALTER DEFAULT PRIVILEGES, SET SCHEMA, …"""


@dataclass(frozen=True)
class Pack:
    """One specialist's SQL rules and the context its runner gives each file."""

    rules: tuple[type[Rule[Any]], ...]
    context: Callable[[SqlRuleContext, Workspace], object]


PACKS = {
    "rls_security": Pack(tuple(RLS_RULES), lambda sql, _ws: sql),
    "schema_performance": Pack(tuple(PERF_RULES), PerfContext.from_sql),
}
DECLARED = [
    pytest.param(name, rule, id=rule.code)
    for name, pack in PACKS.items()
    for rule in pack.rules
    if rule.statement_kinds is not None
]


def _generated_pr() -> Workspace:
    """The migration-safety patterns of the squawk comparison, each on existing and new tables."""
    path = ROOT / "scripts" / "compare_squawk.py"
    spec = importlib.util.spec_from_file_location("compare_squawk_for_tests", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    files = module.generate(600, 11)
    base = {f"{module.MIGRATIONS}20240101000000_base.sql": module.base_schema()}
    return workspace_from_trees(base, {f.path: f.text for f in files})


def _workspaces() -> Iterator[tuple[str, Workspace]]:
    for folder in sorted(FIXTURES.iterdir()):
        for candidate in sorted(folder.iterdir()):
            if candidate.suffix == ".sql" or (
                candidate.is_dir() and candidate.name in ("bad", "good")
            ):
                yield f"{folder.name}/{candidate.name}", workspace_from_fixture(candidate)
    for case in sorted(CASES.iterdir()):
        if (case / "head").is_dir():
            yield f"case {case.name}", workspace_from_fixture(case)
    yield "generated PR", _generated_pr()
    for pr in sorted(CORPUS.iterdir()):
        yield f"kinds corpus {pr.name}", workspace_from_fixture(pr)


@dataclass(frozen=True)
class Run:
    """One rule run unfiltered on one file: where, the file's kinds, and what it found."""

    where: str
    kinds: frozenset[str]
    rule: type[Rule[Any]]
    message: str | None
    """The first finding's message, None when the rule found nothing."""


@cache
def runs(specialist: str) -> tuple[Run, ...]:
    """Every declared rule of ``specialist`` on every changed SQL file of the corpus."""
    pack = PACKS[specialist]
    declared = [r for r in pack.rules if r.statement_kinds is not None]
    out: list[Run] = []
    for label, workspace in _workspaces():
        for sql in contexts_for(workspace):
            if sql.file.status is FileStatus.DELETED:
                continue  # a deleted migration gets the history rule only, never these
            ctx = pack.context(sql, workspace)
            kinds = kinds_of(sql.statements)
            for rule in declared:
                found = list(rule().check(ctx))
                message = found[0].message if found else None
                out.append(Run(f"{label}:{sql.path}", kinds, rule, message))
    return tuple(out)


@pytest.mark.parametrize("specialist", PACKS)
def test_declared_kinds_never_hide_a_finding(specialist: str) -> None:
    done = runs(specialist)
    assert len(done) > 5_000, "the corpus went missing"
    hidden = [
        f"{r.rule.code} on {r.where} (kinds {sorted(r.kinds)}): {r.message[:80]}"
        for r in done
        if r.message is not None and not RulesByStatement((r.rule,)).for_kinds(r.kinds)
    ]
    assert hidden == []


@pytest.mark.parametrize(("specialist", "rule"), DECLARED)
def test_every_declared_kind_is_needed_by_some_finding(
    specialist: str, rule: type[Rule[Any]]
) -> None:
    """The test above has teeth only where the corpus exercises a kind: dropping any one
    declared kind must hide at least one finding of the corpus (else add a small PR to
    ``kinds_corpus/`` that needs it, or drop the kind)."""
    assert rule.statement_kinds is not None
    found = [r for r in runs(specialist) if r.rule is rule and r.message is not None]
    unexercised = [
        kind
        for kind in sorted(rule.statement_kinds)
        if not any((rule.statement_kinds - {kind}).isdisjoint(r.kinds) for r in found)
    ]
    assert unexercised == []


@pytest.mark.parametrize(("specialist", "rule"), DECLARED)
def test_declared_kinds_are_real_statements(specialist: str, rule: type[Rule[Any]]) -> None:
    assert rule.statement_kinds is not None
    for kind in rule.statement_kinds:
        node, _, subtype = kind.partition(".")
        assert node.endswith("Stmt") and hasattr(pg_ast, node), f"{kind}: no such statement"
        if subtype:
            assert node == "AlterTableStmt", f"{kind}: only ALTER TABLE has sub-commands here"
            assert subtype in AlterTableType.__members__, f"{kind}: no such ALTER TABLE command"


def test_a_rule_without_declaration_runs_on_every_file() -> None:
    rules = RulesByStatement(PERF_RULES)
    everywhere = [r for r in PERF_RULES if r.statement_kinds is None]
    assert everywhere, "the history rule reads no statement kind and must run on every file"
    assert list(rules.for_kinds(set())) == everywhere
    index = [r for r in PERF_RULES if r.statement_kinds and "IndexStmt" in r.statement_kinds]
    assert list(rules.for_kinds({"IndexStmt"})) == [
        r for r in PERF_RULES if r in index or r.statement_kinds is None
    ]
