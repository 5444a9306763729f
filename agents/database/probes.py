"""Probe the seeded database as user B, as B without custom claims, and as ``anon``.

Each actor works inside one transaction that is rolled back at the end, as
PostgREST would run its requests: ``set local role authenticated`` (or
``anon``) and ``request.jwt.claims`` set to the actor's token
(SUPABASE-PLATFORM.md §9.2).  Every write runs in a savepoint that is rolled
back too.  For every probed table the actor:

* reads A's rows (``select … where <A's keys>``);
* updates and deletes them (``update … where <A's keys>``: PostgreSQL applies
  the SELECT policies to the rows such a statement reads, so only rows the
  actor can really change count);
* inserts a copy of one of A's rows: as A (the owner columns say A), and as
  itself into A's data (its own user in the caller columns, A's rows in the
  foreign keys: a membership, a collaborator row, an object in A's folder);
* moves one of its own rows into A's data (``update … set team_id = <A's>``).

A write that succeeds is followed, inside its savepoint, by the reads and
writes above once more: what the actor can reach *after* writing first (a
membership row that any user can create opens A's projects).  Views and
``SECURITY DEFINER`` functions exposed to the API are read and called with
A's ids.  This module only observes; :mod:`agents.database.judgement` decides.

Why one module of about 900 lines: the probe is one protocol in one class (``Prober``):
its reads, its writes and the re-reads after a write share the savepoint discipline, the
actor's session settings and the observation log; split apart, they would hand that
state to each other.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from agents.database.catalog import Catalog, Function, Table, View
from agents.database.policy_logic import PolicyLogic
from agents.database.seeder import Row, Seed, Seeded, World, set_claim
from agents.database.session import Session
from agents.database.values import stable_uuid

RLS_REFUSED = "42501"
FORGED = "B with forged user_metadata"
MAX_VIEW_ROWS = 500


@dataclass(frozen=True)
class Actor:
    name: str
    """``B``, ``B without custom claims`` or ``anon``."""
    role: str
    claims: dict[str, Any]
    world: World | None

    def describe(self) -> str:
        if self.world is None:
            return "as `anon` (the anon key, no user)"
        if self.name == FORGED:
            return (
                "as authenticated user B with his own user_metadata set to what the policies "
                "compare it with "
                "(every user can set it: `supabase.auth.updateUser({ data })`)"
            )
        what = "authenticated user B"
        if self.name != "B":
            what += " without custom claims"
        return f"as {what}"


@dataclass(frozen=True)
class Target:
    """A table, or one storage bucket's slice of ``storage.objects``."""

    seeded: Seeded
    bucket: str | None = None

    @property
    def table(self) -> Table:
        return self.seeded.table

    @property
    def label(self) -> str:
        if self.bucket is not None:
            return f"storage bucket `{self.bucket}`"
        return f"`{self.table.label}`"

    @property
    def key(self) -> tuple[str, ...]:
        if self.bucket is not None:
            return ("id",)
        return self.table.primary_key


@dataclass
class Observation:
    """One thing an actor managed to do to A's data."""

    actor: Actor
    action: str
    """select | update | delete | insert-as-owner | insert-into | move-into | hand-over |
    view | function."""
    target: Target | None
    rows: list[Row]
    """A's rows read or changed (the template row for inserts, the moved row for moves)."""
    total: int
    """A's rows in the target."""
    statement: str
    written: dict[str, str | None] | None = None
    """Inserts and moves: the row as written."""
    after: list[str] = field(default_factory=list)
    """What the actor could reach after this write and not before."""
    effects: list[str] = field(default_factory=list)
    """Why a write lands in A's data (A sees it and B does not; the INSERT policy refuses
    the same row)."""
    view: View | None = None
    function: Function | None = None
    detail: str = ""


@dataclass
class Baseline:
    """What one actor reaches before writing anything: target label → A's rows."""

    visible: dict[str, set[str]] = field(default_factory=dict)
    updatable: dict[str, set[str]] = field(default_factory=dict)
    deletable: dict[str, set[str]] = field(default_factory=dict)


def _row_id(row: Row) -> str:
    return row.ctid


class Prober:
    def __init__(
        self,
        session: Session,
        catalog: Catalog,
        logic: PolicyLogic,
        seed: Seed,
        targets: list[Target],
        in_scope: set[str] | None = None,
    ) -> None:
        self.s = session
        self.catalog = catalog
        self.logic = logic
        self.seed = seed
        self.targets = targets
        self.in_scope = in_scope if in_scope is not None else {t.label for t in targets}
        """Targets probed in full; the others (untouched by the PR) are only read, for
        the existing-risks section, so that a long history stays cheap."""
        self.observations: list[Observation] = []
        self.baselines: dict[str, Baseline] = {}
        self._update_columns: dict[tuple[int, str], str | None] = {}
        self._readers = self._policy_readers()
        self._exposed_schemas: tuple[str, ...] = ("public",)

    def _policy_readers(self) -> dict[int, set[str]]:
        """Table oid → labels of the targets whose policies read it (directly or through
        the functions they call): only those can change when B writes to the table."""
        out: dict[int, set[str]] = {}
        for target in self.targets:
            for policy in target.table.policies:
                for text in (policy.using, policy.check):
                    for oid in self.logic.tables_read(text):
                        out.setdefault(oid, set()).add(target.label)
        return out

    # -- the actors --------------------------------------------------------------

    def actors(self) -> list[Actor]:
        b = self.seed.worlds["B"]
        out = [Actor("B", "authenticated", b.jwt(), b)]
        if b.claims:
            out.append(Actor("B without custom claims", "authenticated", b.jwt(custom=False), b))
        forged = self._forged_claims(b)
        if forged is not None:
            out.append(Actor(FORGED, "authenticated", forged, b))
        out.append(Actor("anon", "anon", {"role": "anon"}, None))
        return out

    def _forged_claims(self, b: World) -> dict[str, Any] | None:
        """B's token with the ``user_metadata`` claims policies read set to A's values (or to
        the literal a policy wants): B writes his own metadata first, then reads."""
        a = self.seed.worlds["A"]
        wanted: dict[tuple[str, ...], str] = {}
        for binding in self.logic.bindings.values():
            path = binding.identity.path
            if path[:1] == ("user_metadata",) and path in a.claims:
                wanted[path] = a.claims[path]
        for path, constants in self.logic.claim_constants.items():
            if path[:1] == ("user_metadata",) and constants:
                wanted.setdefault(path, constants[0])
        if not wanted:
            return None
        claims = b.jwt()
        for path, value in wanted.items():
            set_claim(claims, path, value)
        return claims

    def _begin(self, actor: Actor) -> None:
        self.s.query("begin")
        self._enter(actor)

    def _enter(self, actor: Actor, claims: dict[str, Any] | None = None) -> None:
        self.s.query(sql.SQL("set local role {}").format(sql.Identifier(actor.role)))
        self.s.query(
            "select pg_catalog.set_config('request.jwt.claims', %s, true), "
            "pg_catalog.set_config('search_path', 'public, extensions', true), "
            "pg_catalog.set_config('storage.allow_delete_query', 'true', true)",
            (json.dumps(claims if claims is not None else actor.claims),),
        )

    def _as_postgres(self) -> None:
        self.s.query("reset role")

    # -- keys --------------------------------------------------------------------

    def _rows_a(self, target: Target) -> list[Row]:
        return target.seeded.of("A")

    def _predicate(self, target: Target, rows: list[Row]) -> sql.Composable:
        key = target.key
        table = target.table
        cols = [c for k in key if (c := table.column(k)) is not None]
        if (
            key
            and len(cols) == len(key)
            and all(r.values.get(k) is not None for r in rows for k in key)
        ):
            tuples = [
                sql.SQL("({})").format(
                    sql.SQL(", ").join(
                        [
                            sql.SQL("{}::{}").format(
                                sql.Literal(r.values[c.name]), sql.SQL(c.type_sql)
                            )
                            for c in cols
                        ]
                    )
                )
                for r in rows
            ]
            if tuples:
                return sql.SQL("({}) in ({})").format(
                    sql.SQL(", ").join(sql.Identifier(k) for k in key),
                    sql.SQL(", ").join(tuples),
                )
        return sql.SQL("ctid = any({}::tid[])").format(
            sql.Literal("{" + ",".join(f'"{r.ctid}"' for r in rows) + "}")
        )

    def _match(self, target: Target, ctids: list[str], rows: list[Row]) -> list[Row]:
        wanted = set(ctids)
        return [r for r in rows if r.ctid in wanted]

    # -- reads and writes of A's rows --------------------------------------------

    def _select(self, target: Target) -> tuple[list[Row], str]:
        rows = self._rows_a(target)
        where = self._predicate(target, rows)
        shown = sql.SQL("select count(*) from {} where {}").format(target.table.ident, where)
        try:
            found = self.s.attempt(
                sql.SQL("select ctid::text from {} where {}").format(target.table.ident, where)
            )
        except psycopg.Error:
            return [], self.s.text(shown)
        return self._match(target, [str(r[0]) for r in found], rows), self.s.text(shown)

    def _update_column(self, target: Target, role: str) -> str | None:
        """A column ``role`` may update (the probe sets it to itself)."""
        key = (target.table.oid, role)
        if key not in self._update_columns:
            skip = [
                c.name
                for c in target.table.columns
                if c.generated or c.identity or c.name in target.key
            ]
            found = self.s.query(
                "select a.attname from pg_catalog.pg_attribute a where a.attrelid = %s::oid "
                "and a.attnum > 0 and not a.attisdropped and a.attname <> all(%s) "
                "and pg_catalog.has_column_privilege(%s, a.attrelid, a.attnum, 'UPDATE') "
                "order by a.attnum limit 1",
                (target.table.oid, skip, role),
            )
            self._update_columns[key] = str(found[0][0]) if found else None
        return self._update_columns[key]

    def _write(self, target: Target, verb: str, role: str) -> tuple[list[Row], str]:
        rows = self._rows_a(target)
        where = self._predicate(target, rows)
        if verb == "update":
            column = self._update_column(target, role)
            if column is None:
                return [], ""
            head = sql.SQL("update {} set {} = {}").format(
                target.table.ident, sql.Identifier(column), sql.Identifier(column)
            )
        else:
            head = sql.SQL("delete from {}").format(target.table.ident)
        statement = sql.SQL("{} where {}").format(head, where)
        self.s.query("savepoint probe_write")
        try:
            found = self.s.query(sql.SQL("{} returning ctid::text").format(statement))
            ctids = [str(r[0]) for r in found]
        except psycopg.Error:
            self.s.query("rollback to savepoint probe_write")
            try:
                count = self.s.execute(statement)
            except psycopg.Error:
                count = 0
                self.s.query("rollback to savepoint probe_write")
            ctids = [r.ctid for r in rows[:count]] if count else []
        self.s.query("rollback to savepoint probe_write")
        self.s.query("release savepoint probe_write")
        return self._match(target, ctids, rows), self.s.text(statement)

    def _reach(self, actor: Actor, record: bool, only: set[str] | None = None) -> Baseline:
        """Reads, updates and deletes of A's rows in the targets (``only`` those), as
        ``actor``; a target outside the PR's scope is only read."""
        base = Baseline()
        for target in self.targets:
            if only is not None and target.label not in only:
                continue
            total = len(self._rows_a(target))
            actions = (
                ("select", "update", "delete") if target.label in self.in_scope else ("select",)
            )
            for action in actions:
                rows, statement = (
                    self._select(target)
                    if action == "select"
                    else self._write(target, action, actor.role)
                )
                book = {
                    "select": base.visible,
                    "update": base.updatable,
                    "delete": base.deletable,
                }[action]
                book[target.label] = {_row_id(r) for r in rows}
                if rows and record:
                    self.observations.append(
                        Observation(actor, action, target, rows, total, statement)
                    )
        return base

    # -- inserts and moves --------------------------------------------------------

    def _fresh(self, target: Target, column: str, n: int) -> str | None:
        col = target.table.column(column)
        if col is None:
            return None
        if col.category == "N":
            return str(900000 + n)
        if col.base_sql == "uuid":
            return stable_uuid("probe", target.label, column, n)
        if col.category == "S":
            return f"probe-{column}-{n}"[: col.length] if col.length else f"probe-{column}-{n}"
        return None

    def _new_row(
        self, target: Target, template: Row, overrides: dict[str, str | None], n: int
    ) -> dict[str, str | None] | None:
        """A copy of ``template`` with fresh values in its non-world-bound unique keys."""
        table = target.table
        row = {c.name: template.values.get(c.name) for c in table.columns if not c.generated}
        row.update(overrides)
        bound = {
            c
            for c in row
            if (table.oid, c) in self.logic.bindings
            or any(c in fk.columns for fk in table.foreign_keys)
        }
        for _name, cols in table.uniques:
            if all(c in bound for c in cols):
                continue
            for c in cols:
                if c in bound or c in overrides:
                    continue
                fresh = self._fresh(target, c, n)
                if fresh is None:
                    return None
                row[c] = fresh
        return row

    def _insert(self, target: Target, row: dict[str, str | None]) -> sql.Composable:
        table = target.table
        columns = [col for c in row if (col := table.column(c)) is not None and not col.generated]
        names = [col.name for col in columns]
        return sql.SQL("insert into {} ({}) {}values ({})").format(
            table.ident,
            sql.SQL(", ").join(sql.Identifier(c) for c in names),
            table.overriding(names),
            sql.SQL(", ").join(col.literal(row[col.name]) for col in columns),
        )

    def _private_refs(self, target: Target, base: Baseline) -> list[tuple[list[str], Row]]:
        """Foreign keys of the table into rows of A that B cannot read: (columns, A's row)."""
        out: list[tuple[list[str], Row]] = []
        table = target.table
        for fk in table.foreign_keys:
            if fk.target == self.catalog.users_oid:
                continue
            if any((table.oid, c) in self.logic.bindings for c in fk.columns):
                continue
            seeded = self.seed.tables.get(fk.target)
            if seeded is None or not seeded.of("A"):
                continue
            label = Target(seeded).label
            seen = base.visible.get(label)
            for ref in seeded.of("A"):
                if seen is not None and ref.ctid in seen:
                    continue
                out.append((list(fk.columns), ref))
                break
        return out

    def _caller_columns(self, target: Target, world: World) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for column in target.table.columns:
            binding = self.logic.bindings.get((target.table.oid, column.name))
            if binding is None:
                continue
            if binding.identity.kind == "uid":
                value: str | None = world.uid
            elif binding.identity.kind == "email":
                value = world.email
            else:
                value = world.claims.get(binding.identity.path)
            if value is not None:
                out[column.name] = "{" + value + "}" if binding.array else value
        return out

    def _visible_to(self, target: Target, key: dict[str, str | None], world: World) -> bool:
        where = sql.SQL(" and ").join(
            sql.SQL("{}::text = {}").format(sql.Identifier(k), sql.Literal(v))
            for k, v in key.items()
        )
        self.s.query(
            "select pg_catalog.set_config('request.jwt.claims', %s, true)",
            (json.dumps(world.jwt()),),
        )
        try:
            rows = self.s.attempt(
                sql.SQL("select count(*) from {} where {}").format(target.table.ident, where)
            )
        except psycopg.Error:
            return False
        return bool(rows and int(rows[0][0]) > 0)

    def _row_key(self, target: Target, row: dict[str, str | None]) -> dict[str, str | None] | None:
        for _name, cols in [("pk", target.key), *target.table.uniques]:
            if cols and all(row.get(c) is not None for c in cols):
                return {c: row[c] for c in cols}
        return None

    def _after_write(
        self, actor: Actor, target: Target, row: dict[str, str | None], base: Baseline
    ) -> tuple[list[str], list[str]]:
        """(new reach, effects) of a write the actor just made (inside its savepoint)."""
        readers = self._readers.get(target.table.oid, set()) | {target.label}
        after = self._reach(actor, record=False, only=readers)
        gained: list[str] = []
        for other in self.targets:
            for verb, before, now in (
                ("read", base.visible, after.visible),
                ("update", base.updatable, after.updatable),
                ("delete", base.deletable, after.deletable),
            ):
                new = now.get(other.label, set()) - before.get(other.label, set())
                if new:
                    gained.append(
                        f"{verb} {len(new)} of A's {len(self._rows_a(other))} rows of {other.label}"
                    )
        effects: list[str] = []
        key = self._row_key(target, row)
        if key is not None and actor.world is not None:
            a_sees = self._visible_to(target, key, self.seed.worlds["A"])
            b_sees = self._visible_to(target, key, actor.world)
            self._enter(actor)
            if a_sees and not b_sees:
                effects.append(
                    "user A now sees the row among her own data, and B cannot even read it back"
                )
        return gained, effects

    def _try_write(
        self,
        actor: Actor,
        target: Target,
        action: str,
        statement: sql.Composable,
        row: dict[str, str | None],
        template: Row,
        base: Baseline,
        check_insert: bool = False,
    ) -> None:
        self.s.query("savepoint probe_first")
        try:
            count = self.s.execute(statement)
        except psycopg.Error:
            self.s.query("rollback to savepoint probe_first")
            self.s.query("release savepoint probe_first")
            return
        if count <= 0:
            self.s.query("rollback to savepoint probe_first")
            self.s.query("release savepoint probe_first")
            return
        gained, effects = self._after_write(actor, target, row, base)
        if check_insert:
            effects += self._insert_refused(actor, target, row, template)
        self.s.query("rollback to savepoint probe_first")
        self.s.query("release savepoint probe_first")
        self.observations.append(
            Observation(
                actor,
                action,
                target,
                [template],
                len(self._rows_a(target)),
                self.s.text(statement),
                written=row,
                after=gained,
                effects=effects,
            )
        )

    def _insert_refused(
        self, actor: Actor, target: Target, row: dict[str, str | None], original: Row
    ) -> list[str]:
        """An UPDATE moved ``original`` to ``row``: the INSERT policies accept the row where
        it was and refuse it where it went (the UPDATE's check is the weaker one)."""
        moved = self._new_row(target, Row("B", dict(row), ""), {}, 7)
        kept = self._new_row(target, original, {}, 8)
        if moved is None or kept is None:
            return []
        try:
            self.s.attempt(self._insert(target, kept))
        except psycopg.Error:
            return []  # B cannot insert even his own row: the INSERT policies say nothing here
        try:
            self.s.attempt(self._insert(target, moved))
        except psycopg.Error as exc:
            if exc.diag.sqlstate == RLS_REFUSED:
                return [
                    "the INSERT policies accept the row where it was and refuse it where it "
                    "went: the UPDATE's check is weaker"
                ]
        return []

    def _inserts(self, actor: Actor, target: Target, base: Baseline) -> None:
        templates = self._rows_a(target)
        if target.bucket is not None:
            self._storage_inserts(actor, target, base)
            return
        for n, template in enumerate(templates):
            row = self._new_row(target, template, {}, n)
            if row is not None:
                self._try_write(
                    actor, target, "insert-as-owner", self._insert(target, row), row, template, base
                )
                if any(
                    o.action == "insert-as-owner" and o.target == target and o.actor == actor
                    for o in self.observations
                ):
                    break
        if actor.world is None:
            return
        caller = self._caller_columns(target, actor.world)
        refs = self._private_refs(target, base)
        if not caller or not refs:
            return
        for n, template in enumerate(templates):
            row = self._new_row(target, template, caller, 10 + n)
            if row is None:
                continue
            self._try_write(
                actor, target, "insert-into", self._insert(target, row), row, template, base
            )

    def _storage_inserts(self, actor: Actor, target: Target, base: Baseline) -> None:
        a = self.seed.worlds["A"]
        template = self._rows_a(target)[0]
        ext = (template.values.get("name") or "x.txt").rsplit(".", 1)[-1]
        writer = actor.world
        for action, owner in (("insert-as-owner", a), ("insert-into", writer)):
            if owner is None:
                continue
            name = f"{a.uid}/probe-by-{actor.role}-{action}.{ext}"
            oid = stable_uuid("probe-object", target.bucket, action, actor.name)
            row: dict[str, str | None] = {
                "id": oid,
                "bucket_id": target.bucket,
                "name": name,
                "owner": owner.uid,
                "owner_id": owner.uid,
                "metadata": template.values.get("metadata"),
            }
            self._try_write(actor, target, action, self._insert(target, row), row, template, base)

    def _moves(self, actor: Actor, target: Target, base: Baseline) -> None:
        world = actor.world
        if world is None:
            return
        own = target.seeded.of(world.name)
        if not own:
            return
        mine = own[0]
        moves: list[tuple[str, dict[str, str | None]]] = []
        if target.bucket is not None:
            a = self.seed.worlds["A"]
            name = mine.values.get("name") or ""
            moves.append(("move-into", {"name": f"{a.uid}/{name.split('/', 1)[-1]}"}))
        else:
            for cols, ref in self._private_refs(target, base):
                fk = next(f for f in target.table.foreign_keys if list(f.columns) == cols)
                moves.append(
                    (
                        "move-into",
                        {
                            c: ref.values.get(t)
                            for c, t in zip(fk.columns, fk.target_columns, strict=True)
                        },
                    )
                )
            a_caller = self._caller_columns(target, self.seed.worlds["A"])
            if a_caller:
                moves.append(("hand-over", a_caller))
        for action, changes in moves:
            changed = [c for name in changes if (c := target.table.column(name)) is not None]
            if len(changed) != len(changes):
                continue
            sets = sql.SQL(", ").join(
                [
                    sql.SQL("{} = {}").format(
                        sql.Identifier(col.name),
                        sql.SQL("NULL")
                        if changes[col.name] is None
                        else sql.SQL("{}::{}").format(
                            sql.Literal(changes[col.name]), sql.SQL(col.type_sql)
                        ),
                    )
                    for col in changed
                ]
            )
            statement = sql.SQL("update {} set {} where {}").format(
                target.table.ident, sets, self._predicate(target, [mine])
            )
            row = {**mine.values, **changes}
            # only a row moved into A's data can bypass the INSERT check into it; a row
            # handed over stays where it was, and counts only if A now sees it as hers
            self._try_write(
                actor,
                target,
                action,
                statement,
                row,
                mine,
                base,
                check_insert=action == "move-into",
            )

    # -- views and functions -------------------------------------------------------

    def _private_tokens(self, base: Baseline) -> dict[str, str]:
        """Text values and the e-mail of A's rows that B cannot read directly: token → where from.

        Keys (uuids, ids) are left out on purpose: a function that maps a team id to its
        organisation id hands out an identifier, not A's data; a title, a note or an
        e-mail is A's data.
        """
        tokens: dict[str, str] = {}
        visible_values: set[str] = set()
        for target in self.targets:
            seen = base.visible.get(target.label, set())
            for row in target.seeded.rows:
                if row.world == "B" or row.ctid in seen:
                    visible_values.update(v for v in row.values.values() if v)
        for target in self.targets:
            seen = base.visible.get(target.label, set())
            for row in self._rows_a(target):
                if row.ctid in seen:
                    continue
                for column in target.table.columns:
                    value = row.values.get(column.name)
                    if (
                        value
                        and column.category == "S"
                        and len(value) >= 4
                        and value not in visible_values
                    ):
                        tokens.setdefault(value, f"{target.label}.{column.name}")
        a = self.seed.worlds["A"]
        if a.email not in visible_values:
            tokens[a.email] = "A's e-mail (auth.users)"
        tokens.pop(a.uid, None)
        return tokens

    def _views(self, actor: Actor, base: Baseline) -> None:
        tokens = self._private_tokens(base)
        for view in self.catalog.views:
            allowed = view.anon if actor.role == "anon" else view.authenticated
            if not allowed or view.security_invoker:
                continue
            query = sql.SQL("select v::text from {} v limit {}").format(
                sql.Identifier(view.schema, view.name), sql.Literal(MAX_VIEW_ROWS)
            )
            try:
                rows = self.s.attempt(query)
            except psycopg.Error:
                continue
            hits = [str(r[0]) for r in rows if any(t in str(r[0]) for t in tokens)]
            if hits:
                found = sorted({tokens[t] for t in tokens if any(t in h for h in hits)})
                self.observations.append(
                    Observation(
                        actor,
                        "view",
                        None,
                        [],
                        0,
                        self.s.text(
                            sql.SQL("select * from {}").format(
                                sql.Identifier(view.schema, view.name)
                            )
                        ),
                        view=view,
                        detail=f"{len(hits)} row(s) carrying A's private data "
                        f"({', '.join(found[:4])})",
                    )
                )

    def _argument(self, name: str, type_sql: str) -> str | None:
        a = self.seed.worlds["A"]
        lowered = name.lower()
        stem = re.sub(r"^(p|in|_|arg)_?", "", lowered)
        stem = re.sub(r"_?(id|ids|uuid)$", "", stem)
        table = None
        for target in self.targets:
            names = {target.table.name, target.table.name.rstrip("s"), target.table.name + "s"}
            if stem and stem in names:
                table = target
                break
        if type_sql == "uuid":
            if table is not None and table.key:
                value = self._rows_a(table)[0].values.get(table.key[0])
                column = table.table.column(table.key[0])
                if value and column is not None and column.base_sql == "uuid":
                    return value
            return a.uid
        if type_sql in ("bigint", "integer", "smallint", "numeric"):
            if table is not None and table.key:
                value = self._rows_a(table)[0].values.get(table.key[0])
                if value and value.lstrip("-").isdigit():
                    return value
            return "1"
        if type_sql in ("text", "character varying", "citext"):
            if "email" in lowered:
                return a.email
            return a.uid if lowered.endswith("id") else "probe"
        if type_sql == "boolean":
            return "true"
        if type_sql in ("jsonb", "json"):
            return "{}"
        return None

    def _fingerprint(self) -> str:
        """A digest of every seeded row of A (as postgres): did a call change A's data?"""
        parts = []
        for target in self.targets:
            parts.append(
                sql.SQL(
                    "select coalesce(md5(string_agg(t::text, '|' order by t.ctid)), '') "
                    "from {} t where {}"
                ).format(target.table.ident, self._predicate(target, self._rows_a(target)))
            )
        if not parts:
            return ""
        rows = self.s.query(sql.SQL(" union all ").join(parts))
        return "|".join(str(r[0]) for r in rows)

    def _functions(self, actor: Actor, base: Baseline) -> None:
        tokens = self._private_tokens(base)
        exposed = set(self._exposed_schemas)
        for overloads in self.catalog.functions.values():
            for fn in overloads:
                allowed = fn.anon if actor.role == "anon" else fn.authenticated
                if (
                    not allowed
                    or not fn.security_definer
                    or fn.schema not in exposed
                    or fn.returns in ("trigger", "event_trigger")
                ):
                    continue
                self._call(actor, fn, tokens)

    def _call(self, actor: Actor, fn: Function, tokens: dict[str, str]) -> None:
        args: list[sql.Composable] = []
        passed: set[str] = set()
        required = len(fn.arg_types) - fn.defaults
        names = list(fn.arg_names) + [""] * len(fn.arg_types)
        for i, type_sql in enumerate(fn.arg_types):
            value = self._argument(names[i], type_sql)
            if value is None:
                if i >= required:
                    break
                return
            passed.add(value)
            args.append(sql.SQL("{}::{}").format(sql.Literal(value), sql.SQL(type_sql)))
        call = sql.SQL("{}({})").format(
            sql.Identifier(fn.schema, fn.name), sql.SQL(", ").join(args)
        )
        self._as_postgres()
        before = self._fingerprint()
        self._enter(actor)
        self.s.query("savepoint probe_call")
        try:
            rows = self.s.query(sql.SQL("select r::text from {} r limit 200").format(call))
        except psycopg.Error:
            self.s.query("rollback to savepoint probe_call")
            self.s.query("release savepoint probe_call")
            self._enter(actor)
            return
        self._as_postgres()
        changed = self._fingerprint() != before
        self.s.query("rollback to savepoint probe_call")
        self.s.query("release savepoint probe_call")
        self._enter(actor)
        text = " ".join(str(r[0]) for r in rows)
        found = sorted({where for t, where in tokens.items() if t in text and t not in passed})
        if not found and not changed:
            return
        detail = []
        if found:
            detail.append(f"returned A's private data ({', '.join(found[:4])})")
        if changed:
            detail.append("changed A's rows")
        self.observations.append(
            Observation(
                actor,
                "function",
                None,
                [],
                0,
                self.s.text(sql.SQL("select * from {}").format(call)),
                function=fn,
                detail=" and ".join(detail),
            )
        )

    # -- the whole run ---------------------------------------------------------------

    def run(self, exposed: tuple[str, ...]) -> list[Observation]:
        self._exposed_schemas = exposed
        for actor in self.actors():
            self._begin(actor)
            try:
                base = self._reach(actor, record=True)
                self.baselines[actor.name] = base
                if actor.name in ("B", "anon"):
                    for target in self.targets:
                        if target.label not in self.in_scope:
                            continue
                        self._inserts(actor, target, base)
                        self._moves(actor, target, base)
                    self._views(actor, base)
                    self._functions(actor, base)
            finally:
                if not self.s.watchdog.expired:
                    self.s.query("rollback")
        return self.observations
