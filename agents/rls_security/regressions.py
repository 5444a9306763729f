"""Security state before vs after the PR, whatever caused the change, and where the cause is.

Statement rules judge what the PR *says*; some changes say nothing.  Deleting
the ``enable row level security`` line of an old migration, taking a
``revoke`` out, rewriting a policy in a migration that already ran: no new
statement shows it, yet a database built from the new history is more open
than one built from the old.  This module compares the two catalogues of one
project (:class:`~agents.sql.analysis.SchemaAnalysis` ``before``/``after``):

* an exposed table whose RLS was on and is off, or that API roles can reach
  now and could not before while it has no RLS;
* a restrictive policy gone, or a policy that used to depend on the caller
  (or not reach anon) and no longer does;
* a ``SECURITY DEFINER`` function in an exposed schema that API roles can
  execute now and could not before;

then looks for the cause: a changed statement of the PR that no other rule
already judges (a ``grant`` exposing an existing table without RLS, a ``drop
policy`` of a restrictive policy), or a statement the PR removed from a
migration the base already has (its place in the head file), or a deleted
migration (the file).  A change with no cause found is not reported: what the
review cannot explain it does not claim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from agents.findings import Severity
from agents.rls_security.facts import api_executable, reach
from agents.sql.analysis import SchemaAnalysis
from agents.sql.ast import (
    format_qualname,
    is_constant_true,
    qualname_of_names,
    qualname_of_rangevar,
    references_caller,
    role_names,
    strings,
)
from agents.sql.history import RemovedStatement, removed_statements
from agents.sql.model import Catalog, Policy, QualName
from agents.sql.parse import Statement

_API = {"anon", "authenticated", "public"}


@dataclass(frozen=True)
class Regression:
    """One way the PR left the database more open, anchored at its cause."""

    title: str
    path: str
    line: int | None
    message: str
    help: str
    severity: Severity


@dataclass(frozen=True)
class _Cause:
    path: str
    line: int | None
    evidence: str


def regressions(analysis: SchemaAnalysis) -> list[Regression]:
    """Every security regression of the project, computed once per analysis."""
    with analysis.memo_lock:
        found = analysis.memo.get("security-regressions")
        if found is None:
            found = list(_Finder(analysis).run())
            analysis.memo["security-regressions"] = found
        return list(found)


class _Finder:
    def __init__(self, analysis: SchemaAnalysis) -> None:
        self.a = analysis
        self.before: Catalog = analysis.before
        self.after: Catalog = analysis.after
        self._removed: list[tuple[str, RemovedStatement]] | None = None

    # -- what the PR removed ------------------------------------------------------

    def removed(self) -> list[tuple[str, RemovedStatement]]:
        """(head path, or base path of a deleted file; the removed statement)."""
        if self._removed is None:
            out: list[tuple[str, RemovedStatement]] = []
            for head_path, base_path in sorted(self.a.edited_from.items()):
                parsed = self.a.parsed.get(head_path)
                head_text = parsed.text if parsed is not None else None
                if head_text is None:
                    continue
                base_text = self.a.base_texts.get(base_path, "")
                out += [(head_path, r) for r in removed_statements(base_text, head_text)]
            for gone in self.a.removed_migrations:
                if gone.renamed_to is None:
                    base_text = self.a.base_texts.get(gone.path, "")
                    out += [(gone.path, r) for r in removed_statements(base_text, None)]
            self._removed = out
        return self._removed

    def changed(self, *kinds: str) -> Iterator[tuple[str, Statement]]:
        for path in self.a.parsed:
            for stmt in self.a.changed_statements(path):
                if stmt.kind in kinds:
                    yield path, stmt

    def _removed_cause(self, matches: Callable[[Statement], bool]) -> _Cause | None:
        for path, gone in self.removed():
            if matches(gone.statement):
                where = "was removed" if gone.head_line is not None else "was in this deleted file"
                return _Cause(path, gone.head_line, f"`{gone.text}` {where}")
        return None

    # -- the comparison -----------------------------------------------------------

    def run(self) -> Iterator[Regression]:
        yield from self._tables()
        yield from self._policies()
        yield from self._functions()

    def _tables(self) -> Iterator[Regression]:
        for name, table in sorted(self.after.tables.items()):
            old = self.before.tables.get(name)
            if old is None or table.rls_enabled or table.kind == "foreign":
                continue
            now, then = reach(self.after, name), reach(self.before, name)
            if not now.exposed_schema:
                continue
            rls_off = old.rls_enabled
            newly = set(now.roles) - (set() if old.rls_enabled else set(then.roles))
            if not rls_off and not newly:
                continue
            if rls_off and self._disabled_by_statement(name):
                continue  # rls-disabled reports the DISABLE statement itself
            cause = self._table_cause(name, rls_off) or self._config_cause(name)
            if cause is None:
                continue
            label = format_qualname(name)
            fix = f"Keep `alter table {label} enable row level security;` in the history"
            if not now.reachable:
                yield Regression(
                    "RLS turned off",
                    cause.path,
                    cause.line,
                    f"`{label}` had row level security before this PR and has none after it "
                    f"({cause.evidence}). No grant lets anon or authenticated reach it yet, so "
                    "it is not exposed today.",
                    fix + " (in a new migration if this one already ran).",
                    Severity.MEDIUM,
                )
                continue
            what = "had row level security before this PR" if rls_off else "has no RLS"
            yield Regression(
                "RLS turned off" if rls_off else "Table without RLS made reachable",
                cause.path,
                cause.line,
                f"`{label}` {what}, and after it {now.who} can read and change every row "
                f"through the Data API{now.because()} ({cause.evidence}).",
                fix + " (in a new migration if this one already ran), or revoke the API roles' "
                "access.",
                Severity.CRITICAL,
            )

    def _config_cause(self, name: QualName) -> _Cause | None:
        """The project's config now exposes the table's schema, or grants new tables."""
        if self.a.config_change is None:
            return None
        path, line = self.a.config_change
        if not self.before.is_exposed(name[0]) and self.after.is_exposed(name[0]):
            return _Cause(path, line, f"`{name[0]}` is now in `[api] schemas`")
        return None

    def _disabled_by_statement(self, name: QualName) -> bool:
        for _, stmt in self.changed("AlterTableStmt"):
            if qualname_of_rangevar(stmt.node.get("relation")) != name:
                continue
            if "AT_DisableRowSecurity" in _subtypes(stmt):
                return True
        return False

    def _table_cause(self, name: QualName, rls_off: bool) -> _Cause | None:
        for path, stmt in self.changed("GrantStmt"):
            if (
                stmt.node.get("is_grant")
                and _grant_targets_table(stmt, name, self.after)
                and set(role_names(stmt.node.get("grantees"))) & _API
            ):
                return _Cause(path, stmt.line, f"granted at line {stmt.line}")

        def enables(stmt: Statement) -> bool:
            return (
                stmt.kind == "AlterTableStmt"
                and qualname_of_rangevar(stmt.node.get("relation")) == name
                and "AT_EnableRowSecurity" in _subtypes(stmt)
            )

        def revokes(stmt: Statement) -> bool:
            return (
                stmt.kind == "GrantStmt"
                and not stmt.node.get("is_grant")
                and _grant_targets_table(stmt, name, self.before)
                and bool(set(role_names(stmt.node.get("grantees"))) & _API)
            )

        return self._removed_cause(enables if rls_off else revokes) or (
            self._removed_cause(revokes) if rls_off else None
        )

    def _policies(self) -> Iterator[Regression]:
        changed_policies = {
            (qualname_of_rangevar(s.node.get("table")), str(s.node.get("policy_name", "")))
            for _, s in self.changed("CreatePolicyStmt", "AlterPolicyStmt")
        }
        for key, old in sorted(self.before.policies.items()):
            table, name = key
            if not self.after.is_exposed(table[0]) or table not in self.after.tables:
                continue
            new = self.after.policies.get(key)
            label = f'Policy "{name}" on `{format_qualname(table)}`'
            if new is None:
                if old.permissive:
                    continue  # fewer permissive policies: less access, not more
                cause = self._drop_cause(table, name) or self._removed_cause(
                    _policy_matcher(table, name)
                )
                if cause is None:
                    continue
                yield Regression(
                    "Restrictive policy removed",
                    cause.path,
                    cause.line,
                    f"{label} was RESTRICTIVE: every other policy on the table had to pass it "
                    f"too. After this PR it is gone ({cause.evidence}), so each permissive "
                    "policy alone decides.",
                    "Keep the restrictive policy, or replace it in the same migration.",
                    Severity.HIGH,
                )
                continue
            why = _widened(old, new)
            if why is None or (key in changed_policies and not self.a.history_rewritten):
                continue
            cause = self._removed_cause(_policy_matcher(table, name))
            if cause is None:
                continue
            yield Regression(
                "Policy widened",
                cause.path,
                cause.line,
                f"{label} {why} after this PR ({cause.evidence}).",
                "Restore the condition on the caller, in a new migration if this one already ran.",
                Severity.HIGH,
            )

    def _drop_cause(self, table: QualName, name: str) -> _Cause | None:
        for path, stmt in self.changed("DropStmt"):
            if stmt.node.get("removeType") != "OBJECT_POLICY":
                continue
            for obj in stmt.node.get("objects") or []:
                names = strings((obj.get("List") or {}).get("items"))
                if len(names) >= 2 and (qualname_of_names(names[:-1]), names[-1]) == (
                    table,
                    name,
                ):
                    return _Cause(path, stmt.line, f"dropped at line {stmt.line}")
        return None

    def _functions(self) -> Iterator[Regression]:
        for name, fn in sorted(self.after.functions.items()):
            old = self.before.functions.get(name)
            if old is None or not fn.security_definer:
                continue
            newly = api_executable(self.after, fn) - api_executable(self.before, old)
            if not newly:
                continue

            def revokes(stmt: Statement, target: QualName = name) -> bool:
                if stmt.kind == "AlterDefaultPrivilegesStmt":
                    action = stmt.node.get("action") or {}
                    return not action.get("is_grant") and action.get("objtype") in (
                        "OBJECT_FUNCTION",
                        "OBJECT_ROUTINE",
                    )
                return (
                    stmt.kind == "GrantStmt"
                    and not stmt.node.get("is_grant")
                    and any(
                        qualname_of_names(strings((o.get("ObjectWithArgs") or o).get("objname")))
                        == target
                        for o in stmt.node.get("objects") or []
                    )
                )

            cause = self._removed_cause(revokes)
            if cause is None:
                continue
            yield Regression(
                "Definer function opened to the API",
                cause.path,
                cause.line,
                f"SECURITY DEFINER `{format_qualname(name)}` becomes executable by "
                f"{' and '.join(sorted(newly))} over /rest/v1/rpc ({cause.evidence}); it "
                "bypasses RLS.",
                "Keep the revoke (in a new migration if this one already ran).",
                Severity.HIGH,
            )


def _subtypes(stmt: Statement) -> set[str]:
    return {
        str((c.get("AlterTableCmd") or {}).get("subtype", "")) for c in stmt.node.get("cmds") or []
    }


def _grant_targets_table(stmt: Statement, name: QualName, cat: Catalog) -> bool:
    if stmt.node.get("objtype") != "OBJECT_TABLE":
        return False
    if stmt.node.get("targtype") == "ACL_TARGET_ALL_IN_SCHEMA":
        return name[0] in strings(stmt.node.get("objects"))
    return any(
        qualname_of_rangevar(o.get("RangeVar") or o) == name for o in stmt.node.get("objects") or []
    )


def _policy_matcher(table: QualName, name: str) -> Callable[[Statement], bool]:
    """Matches a statement defining (or altering) the policy ``name`` on ``table``."""

    def matches(stmt: Statement) -> bool:
        return (
            stmt.kind in ("CreatePolicyStmt", "AlterPolicyStmt")
            and qualname_of_rangevar(stmt.node.get("table")) == table
            and str(stmt.node.get("policy_name", "")) == name
        )

    return matches


def _widened(old: Policy, new: Policy) -> str | None:
    """How ``new`` lets more through than ``old`` (None: not wider, or cannot tell)."""
    if not new.permissive:
        return None
    old_anon = any(r in ("anon", "public") for r in old.roles)
    new_anon = any(r in ("anon", "public") for r in new.roles)
    if new_anon and not old_anon:
        return "now applies to signed-out visitors (anon) too"
    for label, before, after in (
        ("USING", old.using, new.using),
        ("WITH CHECK", old.with_check, new.with_check),
    ):
        if before is None:
            continue
        if after is None and label == "WITH CHECK":
            after = new.using
        if references_caller(before) and (after is None or not references_caller(after)):
            return f"no longer checks who is calling in its {label}"
        if not is_constant_true(before) and after is not None and is_constant_true(after):
            return f"now has an always-true {label}"
    return None
