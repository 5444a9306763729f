"""``Rule.statement_kinds`` only skips rules that had nothing to say.

The schema_performance runner hands a SQL file only the rules whose declared
statement kinds occur among the file's changed statements.  A wrong
declaration would silently drop findings, so here every rule with a
declaration runs *unfiltered* on every SQL file the tests hold (each rule's
fixtures, every regression case, and a generated PR holding each
migration-safety pattern of ``scripts/compare_squawk.py``), and wherever it
finds something, the file must hold one of the kinds it declares.  A second
test makes sure each declared kind names a real pglast statement (and ALTER
TABLE sub-command): a typo would switch a rule off everywhere.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pglast import ast as pg_ast
from pglast.enums.parsenodes import AlterTableType

from agents.changes import Workspace
from agents.rules import Rule, RulesByStatement
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules import RULES
from agents.sql.context import contexts_for
from tests.helpers.workspace import workspace_from_fixture, workspace_from_trees

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "rules" / "fixtures"
CASES = ROOT / "tests" / "cases"
CORPUS = Path(__file__).parent / "kinds_corpus"
"""One PR that walks the paths no fixture or case reaches (ALTER POLICY, ADD COLUMN on an
existing table, DETACH PARTITION, REFRESH, REINDEX, ALTER DOMAIN, DELETE without WHERE)."""

DECLARED = [r for r in RULES if r.statement_kinds is not None]


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
    yield "kinds corpus", workspace_from_fixture(CORPUS)


@dataclass(frozen=True)
class Run:
    """One rule run unfiltered on one file: where, the file's kinds, and whether it found."""

    where: str
    kinds: frozenset[str]
    rule: type[Rule[PerfContext]]
    message: str | None
    """The first finding's message, None when the rule found nothing."""


@pytest.fixture(scope="module")
def runs() -> list[Run]:
    out: list[Run] = []
    for label, workspace in _workspaces():
        for sql in contexts_for(workspace):
            ctx = PerfContext.from_sql(sql, workspace)
            kinds = frozenset(k for s in ctx.statements for k in s.kinds)
            for rule in DECLARED:
                found = list(rule().check(ctx))
                message = found[0].message if found else None
                out.append(Run(f"{label}:{ctx.path}", kinds, rule, message))
    return out


def test_declared_kinds_never_hide_a_finding(runs: list[Run]) -> None:
    assert len(runs) > 5_000, "the corpus went missing"
    hidden = [
        f"{r.rule.code} on {r.where} (kinds {sorted(r.kinds)}): {r.message[:80]}"
        for r in runs
        if r.message is not None and not RulesByStatement((r.rule,)).for_kinds(r.kinds)
    ]
    assert hidden == []


def test_every_declared_kind_is_needed_by_some_finding(runs: list[Run]) -> None:
    """The test above has teeth only where the corpus exercises a kind: dropping any one
    declared kind must hide at least one finding of the corpus (else add a file to
    ``kinds_corpus/`` that needs it, or drop the kind)."""
    unexercised = []
    for rule in DECLARED:
        assert rule.statement_kinds is not None
        for kind in sorted(rule.statement_kinds):
            rest = rule.statement_kinds - {kind}
            if not any(
                r.rule is rule and r.message is not None and rest.isdisjoint(r.kinds) for r in runs
            ):
                unexercised.append(f"{rule.code} {kind}")
    assert unexercised == []


@pytest.mark.parametrize("rule", DECLARED, ids=lambda r: r.code)
def test_declared_kinds_are_real_statements(rule: type[Rule[PerfContext]]) -> None:
    assert rule.statement_kinds is not None
    for kind in rule.statement_kinds:
        node, _, subtype = kind.partition(".")
        assert node.endswith("Stmt") and hasattr(pg_ast, node), f"{kind}: no such statement"
        if subtype:
            assert node == "AlterTableStmt", f"{kind}: only ALTER TABLE has sub-commands here"
            assert subtype in AlterTableType.__members__, f"{kind}: no such ALTER TABLE command"


def test_a_rule_without_declaration_runs_on_every_file() -> None:
    rules = RulesByStatement(RULES)
    everywhere = [r for r in RULES if r.statement_kinds is None]
    assert everywhere, "the history rule reads no statement kind and must run on every file"
    assert list(rules.for_kinds(set())) == everywhere
    index = [r for r in RULES if r.statement_kinds and "IndexStmt" in r.statement_kinds]
    assert list(rules.for_kinds({"IndexStmt"})) == [
        r for r in RULES if r in index or r.statement_kinds is None
    ]
