"""Which policy let it through: each permissive policy evaluated as the actor on the row.

PostgreSQL ORs the permissive policies of a command, so the probe's count
alone does not say which one is wrong.  Here each permissive policy (and each
top-level OR branch of it) is evaluated as the actor, in the actor's
transaction, on the very row the probe reached, given as a one-row ``VALUES``
list named like the table so that the policy's column references resolve to
it (``select (<policy using>) from (values (…)) as "projects"(id, team_id, …)``).
Sub-queries inside the policy still run under the actor's role and RLS, as
they do when PostgreSQL evaluates the policy itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from agents.database.catalog import Policy, Table
from agents.database.policy_logic import split_disjuncts
from agents.database.probes import Actor
from agents.database.session import Session

COMMAND = {"select": "r", "update": "w", "delete": "d", "insert": "a"}


@dataclass
class Passing:
    """A permissive policy that is true for the row, and its branches that are."""

    policy: Policy
    expression: str
    branches: list[str] = field(default_factory=list)


class Attributor:
    """Evaluates policies on rows as an actor (one transaction per actor, rolled back)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._actor: Actor | None = None

    def enter(self, actor: Actor) -> None:
        if self._actor == actor:
            return
        self.leave()
        self.s.query("begin")
        self.s.query(sql.SQL("set local role {}").format(sql.Identifier(actor.role)))
        self.s.query(
            "select pg_catalog.set_config('request.jwt.claims', %s, true)",
            (json.dumps(actor.claims),),
        )
        self._actor = actor

    def leave(self) -> None:
        if self._actor is not None:
            self._actor = None
            if not self.s.watchdog.expired:
                self.s.query("rollback")

    def _row_source(self, table: Table, values: dict[str, str | None]) -> sql.Composable:
        items = [
            sql.SQL("NULL::{}").format(sql.SQL(c.type_sql))
            if values.get(c.name) is None
            else sql.SQL("{}::{}").format(sql.Literal(values[c.name]), sql.SQL(c.type_sql))
            for c in table.columns
        ]
        return sql.SQL("(values ({})) as {}({})").format(
            sql.SQL(", ").join(items),
            sql.Identifier(table.name),
            sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns),
        )

    def holds(self, table: Table, values: dict[str, str | None], expression: str) -> bool:
        """True when ``expression`` (policy SQL) is true for the row, as the actor."""
        query = sql.SQL("select coalesce(({}), false) from {}").format(
            sql.SQL(expression),  # deparsed by PostgreSQL from the catalogue, not PR text
            self._row_source(table, values),
        )
        try:
            rows = self.s.attempt(query)
        except psycopg.Error:
            return False
        return bool(rows and rows[0][0])

    def passing(
        self,
        actor: Actor,
        table: Table,
        values: dict[str, str | None],
        command: str,
        *,
        check: bool = False,
    ) -> list[Passing]:
        """Permissive policies of ``command`` for the actor's role that pass on the row.

        ``check``: the WITH CHECK side (inserts, the new row of an update; a policy
        without one checks with its USING, as PostgreSQL does).
        """
        self.enter(actor)
        out: list[Passing] = []
        for policy in table.policies:
            if not policy.permissive or not policy.applies_to(COMMAND[command], actor.role):
                continue
            expression = (policy.check or policy.using) if check else policy.using
            if expression is None:
                continue
            if not self.holds(table, values, expression):
                continue
            branches = split_disjuncts(expression)
            passed = (
                [b for b in branches if self.holds(table, values, b)]
                if len(branches) > 1
                else branches
            )
            out.append(Passing(policy, expression, passed))
        return out
