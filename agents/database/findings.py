"""The database stage's own findings, with their stable codes.

Codes (never reused; suppress with ``-- architect-review: ignore DB001 reason``):

``DB001`` migration-fails-to-deploy (high, schema_performance)
    PostgreSQL rejected a statement of the PR's migration when it was applied
    the way the Supabase CLI applies it: ``supabase db push`` would fail there
    and roll the file back.
``DB002`` could-not-verify-migration (info)
    A PR migration failed here because of something the review only stands in
    for (an extension, a platform object): not a claim that the deploy fails.
``DB003`` measured-table-rewrite (medium, schema_performance)
    A PR statement rewrote (or scanned in full under a lock that blocks writes)
    a table that existed before the PR, and no rule spoke of it. A scan alone
    (a new column's CHECK validated, say) is ``info``: it only reads, once, and
    the migration rules, which flag the scans worth splitting, did not flag it;
    a rewrite writes the whole table and is ``medium``.
``DB004`` api-role-reaches-table-without-rls (high, rls_security)
    After the PR, ``anon`` or ``authenticated`` hold privileges on a table in
    an exposed schema that has RLS off, and no rule spoke of it.
``DB005`` proven-cross-user-access (critical/high, rls_security)
    The two-user probe (:mod:`agents.database.probe`) made user B (or ``anon``)
    read or change user A's rows, write into A's data, or get A's data out of a
    view or a ``SECURITY DEFINER`` function; anchored at the policy that lets it
    through, with the statement, the count and a ``psql`` line to reproduce it.
"""

from __future__ import annotations

from agents.database.apply import Failure, LockMeasure, lock_label
from agents.database.codes import DB_EXPOSED, DB_FAILS, DB_PROBE, DB_REWRITE, DB_UNVERIFIED
from agents.database.privileges import PrivilegeFact
from agents.findings import Finding, Severity


def failure_finding(failure: Failure, *, left_out: bool = False) -> Finding:
    """DB001 (deploy fails) or DB002 (could not verify) for one failed PR statement
    (``left_out``: the review applied the rest of the file without it)."""
    error = f"ERROR {failure.sqlstate}: {failure.message}"
    extra = "".join(
        f"\n{label}: {text}"
        for label, text in (("DETAIL", failure.detail), ("HINT", failure.hint))
        if text
    )
    if failure.verdict == "fails":
        return Finding(
            specialist="schema_performance",
            severity=Severity.HIGH,
            path=failure.path,
            line=failure.line,
            title="Migration fails to deploy",
            rule=DB_FAILS,
            source="database",
            message=(
                "Applied to a real PostgreSQL the way the Supabase CLI applies it (as the "
                "non-superuser `postgres`, each file in one transaction, after the base "
                f"history), this statement fails with `{error}`. `supabase db push` would stop "
                "here and roll the whole file back."
            ),
            help="Fix the statement so that it applies on top of the current schema; "
            "re-run `supabase db reset` locally to check.",
            evidence=f"{failure.statement}\n→ {error}{extra}",
        )
    return Finding(
        specialist="schema_performance",
        severity=Severity.INFO,
        path=failure.path,
        line=failure.line,
        title="Could not verify this migration on a real database",
        rule=DB_UNVERIFIED,
        source="database",
        message=(
            f"Applying it failed with `{error}`, but {failure.reason}: this is not a claim that "
            "the deploy fails. "
            + (
                "The review applied the rest of the file without it."
                if left_out
                else "The statements after it were not checked."
            )
        ),
        help="Nothing to fix if it applies on your Supabase project (`supabase db reset`).",
        evidence=f"{failure.statement}\n→ {error}{extra}",
    )


def rewrite_finding(measure: LockMeasure) -> Finding:
    """DB003: a measured rewrite or full scan under a lock that blocks writes."""
    strongest = measure.strongest or "AccessExclusiveLock"
    what = "rewrote" if measure.rewritten else "scanned every row of"
    return Finding(
        specialist="schema_performance",
        # a read-only validation scan is a fact worth knowing, rarely worth a comment
        severity=Severity.MEDIUM if measure.rewritten else Severity.INFO,
        path=measure.path,
        line=measure.line,
        end_line=measure.end_line,
        title="Statement rewrites or scans an existing table under lock",
        rule=DB_REWRITE,
        source="database",
        message=(
            f"Measured on a real database: this statement {what} `{measure.relation}` while "
            f"holding {lock_label(strongest)}: on a populated table every "
            "read or write waits for it."
        ),
        help="Split the change so the table is not rewritten or validated under a strong lock "
        "(add nullable, backfill in batches, NOT VALID + VALIDATE CONSTRAINT).",
        evidence=f"measured: {measure.describe()}",
    )


def exposure_finding(fact: PrivilegeFact, path: str, line: int | None) -> Finding:
    """DB004: a table the API roles reach with RLS off."""
    return Finding(
        specialist="rls_security",
        severity=Severity.HIGH,
        path=path,
        line=line,
        title="Table reachable through the Data API without RLS",
        rule=DB_EXPOSED,
        source="database",
        message=(
            f"After the PR's migrations, measured on a real database: {fact.describe()} on "
            f"`{fact.name}`. Anyone with the anon key (or any signed-in user) can use those "
            "privileges through the Data API on every row."
        ),
        help=f"`alter table {fact.name} enable row level security;` and add policies, or "
        "revoke the privileges from anon and authenticated.",
        evidence=f"measured: {fact.describe()}",
    )


_PROBE_TITLES = {
    "select": "Another user can read these rows (proven on a real database)",
    "update": "Another user can change these rows (proven on a real database)",
    "delete": "Another user can delete these rows (proven on a real database)",
    "insert-as-owner": "A user can create rows in another user's name (proven on a real database)",
    "insert-into": "A user can write into another user's data (proven on a real database)",
    "move-into": "A user can move a row into another user's data (proven on a real database)",
    "hand-over": "A user can hand rows over to another user (proven on a real database)",
    "view": "View shows other users' rows (proven on a real database)",
    "function": "Function exposes other users' data (proven on a real database)",
}


def probe_title(action: str, anon: bool) -> str:
    """The finding's title (stable: part of the fingerprint)."""
    title = _PROBE_TITLES[action]
    if anon and action == "select":
        return "Signed-out visitors can read users' rows (proven on a real database)"
    return title


def probe_finding(
    *,
    action: str,
    anon: bool,
    severity: Severity,
    path: str,
    line: int | None,
    end_line: int | None,
    message: str,
    evidence: str,
    reproduction: str,
    help_text: str,
) -> Finding:
    """DB005: one proven leak, anchored at the policy (view, function) that allows it."""
    return Finding(
        specialist="rls_security",
        severity=severity,
        path=path,
        line=line,
        end_line=end_line,
        title=probe_title(action, anon),
        rule=DB_PROBE,
        source="database",
        message=message,
        help=help_text,
        evidence=evidence,
        reproduction=reproduction,
    )
