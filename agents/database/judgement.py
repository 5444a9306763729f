"""From what the actors managed to do to proven leaks, without noise.

A probe observation becomes a leak only when the access is not public by design:

* Reads: a row of A that ``anon`` can also read is public (B reading it proves
  nothing).  Otherwise every permissive policy that lets the row through is
  judged: a policy that does not depend on the caller at all (``using (true)``,
  ``status = 'published'``) grants it by design — the static rules speak of
  those; a policy that depends on the caller grants it wrongly when a branch
  that depends on the caller is true for A's row (the comparison went wrong:
  the wrong column, the wrong operator, a NULL fallback), or when only a
  caller-independent branch is true while the policy otherwise scopes rows by a
  tenant (a membership, a team, an organisation: ``member and author or
  published`` lets every tenant's published rows out).  A row any by-design
  policy lets through is no leak.
* Updates and deletes of A's rows: the same, on the command's USING.
* Writes into A's data (a copy of A's row, B's own row pointed at A's team,
  folder or note): a leak when the write lands in A's data — after it B can
  reach rows of A he could not reach before, or A sees the row as hers while B
  cannot read it back, or (for an update) the INSERT policies refuse the same
  row — and the policy that accepted it depends on the caller.
* Views and ``SECURITY DEFINER`` functions: rows or values of A that B cannot
  read in the tables themselves.

Severity: critical for a write, or for a read of something the PR created or
changed; high for a read of a table the PR's policies only read.  A leak on an
object the PR did not touch is an *existing risk*: reported apart, never in the
verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.database.attribution import Attributor, Passing
from agents.database.catalog import Policy, Table
from agents.database.policy_logic import PolicyLogic
from agents.database.probes import Baseline, Observation, Target
from agents.database.seeder import Row

WRITES = frozenset({"update", "delete", "insert-as-owner", "insert-into", "move-into", "hand-over"})
COMMAND_OF = {
    "select": "select",
    "update": "update",
    "delete": "delete",
    "insert-as-owner": "insert",
    "insert-into": "insert",
    "move-into": "update",
    "hand-over": "update",
}


@dataclass
class Leak:
    """A proven cross-user access, attributed to the policies that allow it."""

    observation: Observation
    policies: list[Policy] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    """A's rows concerned (reads, updates, deletes)."""
    write: bool = False
    why: str = ""
    """Which branch or which effect made it a leak (for the message)."""


@dataclass
class Verdicts:
    leaks: list[Leak] = field(default_factory=list)
    by_design: int = 0
    """Accesses judged public by design (not reported)."""
    unattributed: list[str] = field(default_factory=list)


def _design(logic: PolicyLogic, table: Table, passing: Passing) -> bool:
    """True when this policy grants the row on purpose (not a caller-scoping mistake)."""
    if not logic.caller_dependent(passing.expression):
        return True
    if any(logic.caller_dependent(b) for b in passing.branches):
        return False
    return not logic.has_tenant_check(passing.expression, table)


def _flat(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _why(logic: PolicyLogic, passing: Passing) -> str:
    dependent = [b for b in passing.branches if logic.caller_dependent(b)]
    if dependent:
        return f"its caller check `{_flat(dependent[0])}` is true for A's row"
    branch = passing.branches[0] if passing.branches else passing.expression
    return (
        f"its branch `{_flat(branch)}` does not depend on the caller, while the rest of the "
        "policy scopes rows by tenant"
    )


class Judge:
    def __init__(
        self,
        logic: PolicyLogic,
        attributor: Attributor,
        baselines: dict[str, Baseline],
    ) -> None:
        self.logic = logic
        self.attr = attributor
        self.baselines = baselines

    def _public_rows(self, target: Target) -> set[str]:
        anon = self.baselines.get("anon")
        return set() if anon is None else anon.visible.get(target.label, set())

    def _rows(self, obs: Observation, verdicts: Verdicts) -> Leak | None:
        target = obs.target
        assert target is not None
        table = target.table
        public = (
            self._public_rows(target)
            if obs.action == "select" and obs.actor.role != "anon"
            else set()
        )
        leaked: dict[str, tuple[Policy, list[Row], str]] = {}
        for row in obs.rows:
            if row.ctid in public:
                verdicts.by_design += 1
                continue
            passing = self.attr.passing(obs.actor, table, row.values, obs.action)
            if not passing:
                verdicts.unattributed.append(
                    f"{obs.actor.name} could {obs.action} a row of A in {target.label} that no "
                    "single permissive policy explains"
                )
                continue
            if any(_design(self.logic, table, p) for p in passing):
                verdicts.by_design += 1
                continue
            for p in passing:
                entry = leaked.setdefault(p.policy.name, (p.policy, [], _why(self.logic, p)))
                entry[1].append(row)
        if not leaked:
            return None
        policies = [p for p, _, _ in leaked.values()]
        rows = {r.ctid: r for _, rs, _ in leaked.values() for r in rs}
        first = next(iter(leaked.values()))
        return Leak(
            obs,
            policies=policies,
            rows=list(rows.values()),
            write=obs.action in WRITES,
            why=first[2],
        )

    def _write(self, obs: Observation, verdicts: Verdicts) -> Leak | None:
        target = obs.target
        assert target is not None and obs.written is not None
        # handing one's own row to A only matters when it opens A's data to B: A receiving
        # a row is how invitations and "add member" screens work
        landed = obs.after if obs.action == "hand-over" else obs.after + obs.effects
        if not landed:
            verdicts.by_design += 1
            return None
        passing = self.attr.passing(
            obs.actor, target.table, obs.written, COMMAND_OF[obs.action], check=True
        )
        if not passing:
            verdicts.unattributed.append(
                f"{obs.actor.name}'s {obs.action} into {target.label} passed no single permissive "
                "policy's check"
            )
            return None
        if any(not self.logic.caller_dependent(p.expression) for p in passing):
            verdicts.by_design += 1
            return None
        reasons = [*obs.effects, *(f"afterwards B can {a}" for a in obs.after)]
        return Leak(
            obs,
            policies=[p.policy for p in passing],
            rows=obs.rows,
            write=True,
            why="; ".join(reasons),
        )

    def judge(self, observations: list[Observation]) -> Verdicts:
        verdicts = Verdicts()
        for obs in observations:
            if obs.action in ("view", "function"):
                verdicts.leaks.append(Leak(obs, write="changed" in obs.detail, why=obs.detail))
                continue
            if obs.action in ("select", "update", "delete"):
                leak = self._rows(obs, verdicts)
            else:
                leak = self._write(obs, verdicts)
            if leak is not None:
                verdicts.leaks.append(leak)
        self.attr.leave()
        return verdicts
