"""The two-user RLS probe: seed, probe, attribute, judge, and write the findings.

:func:`run_probe` runs on the project database after the PR's migrations
applied (:mod:`agents.database.stage`).  It proves leaks between two ordinary
users (and ``anon``) on seeded data; it cannot prove that no leak exists:
a table it could not seed, a policy that needs data shapes the seed lacks, or
an access path through code it does not call stays unproven either way.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import psycopg

from agents.database.attribution import Attributor
from agents.database.catalog import Catalog, read_catalog
from agents.database.findings import probe_finding
from agents.database.judgement import Judge, Leak
from agents.database.policy_logic import PolicyLogic
from agents.database.probes import Actor, Observation, Prober, Target
from agents.database.scope import HeadIndex, Place, Scope
from agents.database.seeder import Seeder, SeedError
from agents.database.session import Session
from agents.findings import Finding, Severity

Conn = psycopg.Connection[tuple[object, ...]]

VERBS = {
    "select": "returned",
    "update": "changed",
    "delete": "deleted",
}


@dataclass
class ProbeReport:
    """What the probe did, for the coverage row, the notes and the findings."""

    status: Literal["ran", "not run"] = "not run"
    reason: str = ""
    project: str = ""
    probed: list[str] = field(default_factory=list)
    not_probed: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    existing_risks: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    statements: int = 0

    def coverage_line(self) -> str:
        if self.status != "ran":
            return f"not run: {self.reason}"
        text = (
            f"probed {len(self.probed)} table(s)/bucket(s) as user B and anon against user A's rows"
        )
        if self.not_probed:
            text += f"; {len(self.not_probed)} not probed (see notes)"
        return f"{text}; {self.seconds:.2f} s"


def _shell(text: str) -> str:
    """``text`` inside double quotes for a POSIX shell."""
    out = text
    for ch in ("\\", '"', "$", "`"):
        out = out.replace(ch, "\\" + ch)
    return f'"{out}"'


def _claims_for_proof(actor: Actor) -> str:
    if actor.world is None:
        return json.dumps({"role": "anon"})
    claims = {"sub": actor.claims["sub"], "role": "authenticated", "email": actor.claims["email"]}
    if "aal" in actor.claims:
        claims["aal"] = actor.claims["aal"]
    for key, usual in (
        ("app_metadata", {"provider", "providers"}),
        ("user_metadata", {"full_name", "email"}),
    ):
        value = actor.claims.get(key)
        if isinstance(value, dict) and set(value) - usual:
            claims[key] = value
    return json.dumps(claims, separators=(",", ":"))


def reproduction(actor: Actor, statement: str) -> str:
    """One psql line: the same role, claims and statement, rolled back."""
    claims = _claims_for_proof(actor).replace("'", "''")
    parts = [
        "begin",
        f"set local role {actor.role}",
        f"select set_config('request.jwt.claims', '{claims}', true)",
        statement,
        "rollback",
    ]
    return 'psql "$DATABASE_URL" ' + " ".join(f"-c {_shell(p)}" for p in parts)


class _Writer:
    """Leaks → findings, anchored and ranked (scope decides verdict or existing risk)."""

    def __init__(self, catalog: Catalog, logic: PolicyLogic, scope: Scope, index: HeadIndex):
        self.catalog = catalog
        self.logic = logic
        self.scope = scope
        self.index = index

    def _target_oid(self, obs: Observation) -> int | None:
        if obs.target is not None:
            return obs.target.table.oid
        if obs.view is not None:
            return obs.view.oid
        if obs.function is not None:
            return obs.function.oid
        return None

    def _in_scope(self, leak: Leak) -> tuple[bool, bool]:
        """(in scope, the PR created or changed the object itself)."""
        obs = leak.observation
        if obs.target is not None and obs.target.bucket is not None:
            own = obs.target.bucket in self.scope.buckets or any(
                (p.table, p.name) in self.scope.policies for p in leak.policies
            )
            return own, own
        oid = self._target_oid(obs)
        own = oid is not None and self.scope.touched(oid)
        if any((p.table, p.name) in self.scope.policies for p in leak.policies):
            own = True
        return own or (oid is not None and oid in self.scope.read_by_changed), own

    def _anchor(self, leak: Leak) -> Place | None:
        obs = leak.observation
        for policy in leak.policies:
            table = (
                obs.target.table
                if obs.target is not None
                else self.catalog.tables.get(policy.table)
            )
            if table is None:
                continue
            place = self.index.policies.get((table.schema, table.name, policy.name))
            if place is not None:
                return place
        if obs.view is not None:
            return self.index.views.get((obs.view.schema, obs.view.name))
        if obs.function is not None:
            return self.index.functions.get((obs.function.schema, obs.function.name))
        if obs.target is not None:
            if obs.target.bucket is not None:
                return self.index.buckets.get(obs.target.bucket)
            return self.index.tables.get((obs.target.table.schema, obs.target.table.name))
        return None

    def _sentence(self, leak: Leak) -> tuple[str, str]:
        """(what was proven, in one sentence; the statement shown in the proof)."""
        obs = leak.observation
        who = obs.actor.describe()
        if obs.action in VERBS and obs.target is not None:
            short = {
                "select": f"select … from {obs.target.table.label}",
                "update": f"update {obs.target.table.label} set …",
                "delete": f"delete from {obs.target.table.label}",
            }[obs.action]
            where = f" (bucket {obs.target.bucket})" if obs.target.bucket else ""
            n = len(leak.rows)
            return (
                f"{who}, `{short}`{where} {VERBS[obs.action]} {n} of A's {obs.total} rows",
                obs.statement,
            )
        if obs.action in ("view", "function"):
            return f"{who}, `{obs.statement}` {obs.detail}", obs.statement
        assert obs.target is not None
        what = {
            "insert-as-owner": "a copy of one of A's rows (owner columns set to A)",
            "insert-into": "a row with B as its user that points at A's data",
            "move-into": "an update pointing one of B's own rows at A's data",
            "hand-over": "an update giving one of B's own rows to A",
        }[obs.action]
        verb = "insert of " if obs.action.startswith("insert") else ""
        return (
            f"{who}, the {verb}{what} into {obs.target.label} was accepted ({leak.why})",
            obs.statement,
        )

    def _help(self, leak: Leak) -> str:
        action = leak.observation.action
        if action in ("view",):
            return (
                "Make the view `security_invoker = true` so that the callers' RLS applies, "
                "or filter it by the caller."
            )
        if action == "function":
            return (
                "Check in the function that the caller may see or change what the arguments "
                "name (compare with `auth.uid()`), or make it SECURITY INVOKER."
            )
        if action in ("insert-into", "move-into", "hand-over", "insert-as-owner"):
            return (
                "Make the policy's WITH CHECK verify that the caller may write there: the "
                "referenced row (team, note, folder) must be one the caller owns or belongs to."
            )
        return (
            "Fix the policy's expression so that it compares the row's own key with the "
            "caller (qualify columns inside sub-queries, parenthesise OR branches)."
        )

    def finding(self, leak: Leak) -> tuple[Finding, bool] | None:
        obs = leak.observation
        place = self._anchor(leak)
        if place is None:
            return None
        in_scope, own = self._in_scope(leak)
        severity = Severity.CRITICAL if (leak.write or own) else Severity.HIGH
        sentence, statement = self._sentence(leak)
        names = ", ".join(f'"{p.name}"' for p in leak.policies)
        message = f"Proven on a real database: {sentence}."
        if leak.policies and obs.action in ("select", "update", "delete"):
            message += f" Policy {names} lets them through: {leak.why}."
        elif leak.policies:
            message += f" Accepted by policy {names}."
        claims = _claims_for_proof(obs.actor)
        evidence = f"role {obs.actor.role}; request.jwt.claims {claims}\n{statement}"
        if obs.after:
            evidence += "\nthen: " + "; ".join(obs.after)
        return (
            probe_finding(
                action=obs.action,
                anon=obs.actor.role == "anon",
                severity=severity,
                path=place[0],
                line=place[1],
                end_line=place[2],
                message=message,
                evidence=evidence,
                reproduction=reproduction(obs.actor, statement),
                help_text=self._help(leak),
            ),
            in_scope,
        )


def _combine(group: list[tuple[Finding, bool]]) -> tuple[Finding, bool]:
    """Leaks anchored at one statement → one finding (the worst first, the rest appended)."""
    ranked = sorted(group, key=lambda g: (-g[0].severity.rank, g[0].title))
    first, in_scope = ranked[0]
    others: list[str] = []
    for finding, scoped in ranked[1:]:
        in_scope = in_scope or scoped
        sentence = finding.message.removeprefix("Proven on a real database: ")
        if sentence not in others and finding.message != first.message:
            others.append(sentence)
    if not others:
        return first, in_scope
    return (
        first.model_copy(update={"message": first.message + " Also: " + " ".join(others)}),
        in_scope,
    )


def _target_in_scope(target: Target, scope: Scope) -> bool:
    table = target.table
    if target.bucket is not None:
        return target.bucket in scope.buckets or any(oid == table.oid for oid, _ in scope.policies)
    return scope.touched(table.oid) or table.oid in scope.read_by_changed


def _targets(catalog: Catalog, seeded: Mapping[int, object], exposed: tuple[str, ...]) -> list[int]:
    return [
        oid
        for oid, table in catalog.tables.items()
        if table.schema in exposed and table.rls and oid in seeded
    ]


def run_probe(
    conn: Conn,
    session: Session,
    exposed: tuple[str, ...],
    scope: Scope,
    index: HeadIndex,
) -> ProbeReport:
    """Seed the two worlds, probe, judge; the database is left as the seed committed it."""
    started = time.monotonic()
    report = ProbeReport()
    session.query("begin")
    session.query("set local search_path = ''")
    catalog = read_catalog(conn, exposed)
    logic = PolicyLogic(catalog)
    seeder = Seeder(conn, catalog, logic, session.attempt)
    try:
        seeder.create_users()
        seed = seeder.seed_tables()
        seeder.seed_storage()
    except SeedError as exc:
        session.query("rollback")
        report.reason = str(exc)
        report.seconds = time.monotonic() - started
        return report
    session.query("commit")
    for table in catalog.tables.values():
        if table.schema not in exposed:
            continue
        if not table.rls:
            report.not_probed[table.label] = "RLS is off: any role granted it reaches every row"
        elif table.oid in seed.not_seeded:
            report.not_probed[table.label] = f"could not be seeded: {seed.not_seeded[table.oid]}"
    for bucket, why in seed.buckets_not_seeded.items():
        report.not_probed[f"storage bucket {bucket}"] = f"could not be seeded: {why}"
    targets = [Target(seed.tables[oid]) for oid in _targets(catalog, seed.tables, exposed)]
    targets += [Target(s, bucket=b) for b, s in seed.objects.items()]
    for table in catalog.tables.values():
        for policy in table.policies:
            if (table.oid, policy.name) in scope.policies:
                for text in (policy.using, policy.check):
                    scope.read_by_changed |= logic.tables_read(text)
    scoped = {t.label for t in targets if _target_in_scope(t, scope)}
    prober = Prober(session, catalog, logic, seed, targets, scoped)
    observations = prober.run(exposed)
    judge = Judge(logic, Attributor(session), prober.baselines)
    verdicts = judge.judge(observations)
    writer = _Writer(catalog, logic, scope, index)
    groups: dict[tuple[str, int | None], list[tuple[Finding, bool]]] = {}
    for leak in verdicts.leaks:
        made = writer.finding(leak)
        if made is None:
            where = leak.observation.target.label if leak.observation.target else "an object"
            report.notes.append(
                f"a leak on {where} could not be placed at a statement of the migrations"
            )
            continue
        groups.setdefault((made[0].path, made[0].line), []).append(made)
    for group in groups.values():
        finding, in_scope = _combine(group)
        (report.findings if in_scope else report.existing_risks).append(finding)
    report.notes.extend(verdicts.unattributed)
    report.probed = [
        f"storage bucket {t.bucket}" if t.bucket is not None else t.table.label for t in targets
    ]
    report.status = "ran"
    report.statements = session.statements
    report.seconds = time.monotonic() - started
    return report
