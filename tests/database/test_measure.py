"""Locks, rewrites and scans measured per statement, and where they overrule a rule."""

from __future__ import annotations

from agents.database.findings import DB_EXPOSED, DB_REWRITE
from agents.database.merge import merge_with_measurements
from agents.findings import Finding, Severity
from tests.database.helpers import MIG, stage

BASE = {
    "20240101000000_init.sql": (
        "create table public.orders (id bigint primary key, status varchar(20), amount int,\n"
        "  constraint amount_present check (amount is not null));\n"
        "alter table public.orders enable row level security;\n"
    )
}
NAME = "20261201000000_change.sql"
PATH = MIG + NAME


def _rule(code: str, line: int, specialist: str = "schema_performance") -> Finding:
    return Finding(
        specialist=specialist,  # type: ignore[arg-type]
        severity=Severity.MEDIUM,
        path=PATH,
        line=line,
        title=f"{code} title",
        rule=code,
        message="The rule's message.",
    )


def test_measures_lock_rewrite_and_scan_per_statement() -> None:
    sql = (
        "alter table public.orders add column public_id uuid default gen_random_uuid();\n"
        "alter table public.orders add column note text;\n"
        "alter table public.orders add constraint positive check (amount > 0);\n"
    )
    out = stage(BASE, {NAME: sql})
    by_line = {m.line: m for m in out.measures}
    assert by_line[1].rewritten and by_line[1].modes[0] == "AccessExclusiveLock"
    assert by_line[1].describe() == "ACCESS EXCLUSIVE on public.orders, table rewritten"
    assert 2 not in by_line  # metadata-only: brief lock, no rewrite, not interesting
    assert by_line[3].scanned and not by_line[3].rewritten


def test_rewrite_claim_confirmed_when_measured() -> None:
    out = stage(
        BASE,
        {NAME: "alter table public.orders alter column amount type bigint;\n"},
    )
    merged = merge_with_measurements([_rule("MIG007", 1)], out)
    assert [f.rule for f in merged.findings] == ["MIG007"]
    assert (
        "Confirmed on a real database: ACCESS EXCLUSIVE on public.orders, table rewritten"
        in merged.findings[0].message
    )
    assert merged.findings[0].fingerprint == _rule("MIG007", 1).fingerprint


def test_rewrite_claim_dropped_when_no_rewrite_happened() -> None:
    # varchar(20) → varchar(50) is binary coercible: no rewrite, whatever a rule guesses
    out = stage(
        BASE,
        {NAME: "alter table public.orders alter column status type varchar(50);\n"},
    )
    merged = merge_with_measurements([_rule("MIG007", 1)], out)
    assert merged.findings == []
    assert merged.changed and "MIG007" in merged.changed[0] and "no rewrite" in merged.changed[0]


def test_not_null_scan_claim_dropped_when_a_valid_check_proves_it() -> None:
    # PostgreSQL 12+ skips the scan when a valid CHECK (col IS NOT NULL) exists
    out = stage(
        BASE,
        {NAME: "alter table public.orders alter column amount set not null;\n"},
    )
    merged = merge_with_measurements([_rule("MIG008", 1)], out)
    assert merged.findings == [] and "MIG008" in merged.changed[0]


def test_not_null_scan_claim_confirmed_without_the_check() -> None:
    out = stage(
        BASE,
        {NAME: "alter table public.orders alter column status set not null;\n"},
    )
    merged = merge_with_measurements([_rule("MIG008", 1)], out)
    assert [f.rule for f in merged.findings] == ["MIG008"]
    assert "every row scanned" in merged.findings[0].message


def test_rewrite_no_rule_saw_becomes_a_database_finding() -> None:
    out = stage(BASE, {NAME: "alter table public.orders set unlogged;\n"})
    merged = merge_with_measurements([], out)
    assert [f.rule for f in merged.findings] == [DB_REWRITE]
    assert (
        merged.findings[0].evidence
        == "measured: ACCESS EXCLUSIVE on public.orders, table rewritten"
    )


def test_a_scan_no_rule_saw_is_informational_and_a_rewrite_is_not() -> None:
    # a new column's CHECK is validated by reading every row once: worth knowing,
    # not worth a comment; a rewrite writes the whole table under the same lock
    sql = (
        "alter table public.orders add column kind text not null default 'a'\n"
        "  check (kind in ('a', 'b'));\n"
        "alter table public.orders set unlogged;\n"
    )
    merged = merge_with_measurements([], stage(BASE, {NAME: sql}))
    by_line = {f.line: f for f in merged.findings if f.rule == DB_REWRITE}
    assert by_line[1].severity is Severity.INFO and "scanned every row" in by_line[1].message
    assert by_line[3].severity is Severity.MEDIUM and "rewrote" in by_line[3].message


def test_rule_finding_kept_when_the_statement_never_ran() -> None:
    sql = "select 1/0;\nalter table public.orders alter column status type varchar(50);\n"
    out = stage(BASE, {NAME: sql})
    merged = merge_with_measurements([_rule("MIG007", 2)], out)
    assert "MIG007" in [f.rule for f in merged.findings]


def test_legacy_table_confirmed_and_new_regime_table_dropped() -> None:
    head: dict[str, str | None] = {
        "20260901000000_legacy.sql": "create table public.legacy_notes (id int);\n",
        NAME: "create table public.new_notes (id int);\n",
    }
    out = stage(BASE, head)
    legacy = Finding(
        specialist="rls_security",
        severity=Severity.CRITICAL,
        rule="RLS001",
        path=MIG + "20260901000000_legacy.sql",
        line=1,
        title="no RLS",
    )
    new = legacy.model_copy(update={"path": PATH})
    merged = merge_with_measurements([legacy, new], out)
    assert [f.path for f in merged.findings] == [legacy.path]
    assert "anon can SELECT, INSERT, UPDATE, DELETE" in merged.findings[0].message
    assert any("neither anon nor authenticated" in c for c in merged.changed)


def test_exposure_no_rule_saw_is_a_database_finding() -> None:
    sql = (
        "do $$ begin execute 'create table public.dyn (id int)'; end $$;\n"
        "grant select on public.dyn to anon;\n"
    )
    out = stage(BASE, {NAME: sql})
    merged = merge_with_measurements([], out)
    assert [(f.rule, f.line) for f in merged.findings] == [(DB_EXPOSED, 2)]
    assert "anon can SELECT" in merged.findings[0].message
