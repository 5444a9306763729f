"""Two worlds of data: user A's and user B's, consistent and constraint-valid.

Seeded as ``postgres`` (BYPASSRLS, not a superuser: triggers of the PR run with
the rights they have on Supabase), in one transaction that is committed so
that every probe can roll back to it.

* Users A and B are inserted into ``auth.users`` with their real columns;
  triggers on it (``handle_new_user``) run as on a sign-up, and rows they create
  are adopted into the user's world when a later insert collides with them.
* Every application table gets rows in foreign-key order, three per world.
  A foreign key points at a row of the same world; a column that policies
  compare with the caller (``auth.uid()``, the e-mail, a claim, directly or in
  a membership query) gets the world's user, e-mail or claim value.  NOT
  NULL, CHECK, enum, unique and domain constraints are met by trying the
  next candidate values of the columns PostgreSQL names in its error.
* Integer keys are chosen, not drawn from the sequence: each table interleaves
  A's and B's rows in its own order, so that A's ids in one table are B's ids
  in another.  A policy that compares the wrong key (``id`` for
  ``project_id``) then matches rows of the other world, as it would in
  production.
* Storage: two objects per world in every bucket, under ``<user id>/``.

A table that cannot be seeded is listed with the reason, never skipped
silently.  The JWT claims of each world (``sub``, ``email``, ``aal`` and the
custom claims policies compare with columns) come out of the same pass.

Why one module of about 800 lines: seeding is one pass over the tables in dependency
order (``Seeder``): each row's values depend on the rows and claims built before it, and
the functions after the class are its private value builders.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from agents.database.catalog import Catalog, Column, ForeignKey, Table
from agents.database.policy_logic import Binding, PolicyLogic
from agents.database.values import candidates

Conn = psycopg.Connection[tuple[object, ...]]
Run = Callable[[sql.Composable | str, Any], list[tuple[Any, ...]]]

ROWS_PER_WORLD = 3
PATTERNS = [
    "".join("A" if i in combo else "B" for i in range(2 * ROWS_PER_WORLD))
    for combo in itertools.combinations(range(2 * ROWS_PER_WORLD), ROWS_PER_WORLD)
]
"""Orders of A's and B's rows in a table: every two differ, so keys collide across worlds."""
MAX_ATTEMPTS = 24
"""Inserts tried for one row before giving up on it."""

USERS = {
    "A": ("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "alice@example.com", "Alice"),
    "B": ("bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "bob@example.com", "Bob"),
}

DEFAULT = object()
"""Marker: let the column's DEFAULT fill it."""


class SeedError(Exception):
    """Seeding cannot start (the users cannot be created)."""


@dataclass
class World:
    name: str
    uid: str
    email: str
    display: str
    claims: dict[tuple[str, ...], str] = field(default_factory=dict)
    """Custom claims: path → value (from the rows they identify)."""
    aal: str = "aal1"

    def jwt(self, *, custom: bool = True) -> dict[str, Any]:
        """The access-token payload GoTrue would issue (SUPABASE-PLATFORM.md §3.5)."""
        payload: dict[str, Any] = {
            "sub": self.uid,
            "role": "authenticated",
            "aud": "authenticated",
            "email": self.email,
            "phone": "",
            "aal": self.aal,
            "amr": [{"method": "password", "timestamp": 1735689600}],
            "session_id": f"{self.uid[:8]}-5e55-4000-8000-000000000000",
            "is_anonymous": False,
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {"full_name": self.display, "email": self.email},
        }
        if custom:
            for path, value in sorted(self.claims.items()):
                set_claim(payload, path, value)
        return payload


@dataclass
class Row:
    world: str
    values: dict[str, str | None]
    """Column → value as text (what ``col::text`` returned)."""
    ctid: str


@dataclass
class Seeded:
    table: Table
    rows: list[Row] = field(default_factory=list)

    def of(self, world: str) -> list[Row]:
        return [r for r in self.rows if r.world == world]


@dataclass
class Seed:
    worlds: dict[str, World]
    tables: dict[int, Seeded] = field(default_factory=dict)
    not_seeded: dict[int, str] = field(default_factory=dict)
    objects: dict[str, Seeded] = field(default_factory=dict)
    """Bucket id → its objects (a view of storage.objects)."""
    buckets_not_seeded: dict[str, str] = field(default_factory=dict)


def _order(catalog: Catalog) -> tuple[list[Table], dict[int, str]]:
    """Tables in foreign-key order; tables caught in a NOT NULL cycle with the reason."""
    tables = catalog.tables
    deps: dict[int, set[int]] = {}
    for oid, table in tables.items():
        deps[oid] = set()
        for fk in table.foreign_keys:
            if fk.target == oid or fk.target not in tables:
                continue
            deps[oid].add(fk.target)  # nullable ones are broken first in a cycle
    done: list[Table] = []
    placed: set[int] = set()
    pending = sorted(tables, key=lambda o: (tables[o].schema, tables[o].name))
    while pending:
        ready = [o for o in pending if deps[o] <= placed]
        if not ready:
            # a cycle: place a table whose unmet dependencies are all nullable foreign keys
            for oid in pending:
                table = tables[oid]
                unmet = {d for d in deps[oid] if d not in placed}
                hard = [
                    fk
                    for fk in table.foreign_keys
                    if fk.target in unmet
                    and fk.declared
                    and any((c := table.column(n)) is not None and c.not_null for n in fk.columns)
                ]
                if not hard:
                    ready = [oid]
                    break
        if not ready:
            return done, {
                o: "foreign-key cycle through NOT NULL columns "
                f"({', '.join(tables[d].label for d in sorted(deps[o] - placed))})"
                for o in pending
            }
        for oid in ready:
            done.append(tables[oid])
            placed.add(oid)
            pending.remove(oid)
    return done, {}


def _label_of_default(column: Column) -> str | None:
    match = re.match(r"^'((?:[^']|'')*)'::", column.default or "")
    return match.group(1).replace("''", "'") if match else None


class Seeder:
    """Builds the two worlds on one connection (inside the caller's transaction)."""

    def __init__(self, conn: Conn, catalog: Catalog, logic: PolicyLogic, run: Run) -> None:
        self.conn = conn
        self.catalog = catalog
        self.logic = logic
        self.run = run
        self.seed = Seed(worlds={k: World(k, *v) for k, v in USERS.items()})
        self._claim_aal()

    def _claim_aal(self) -> None:
        wanted = self.logic.claim_constants.get(("aal",), [])
        if "aal2" in wanted:
            for world in self.seed.worlds.values():
                world.aal = "aal2"

    # -- users -------------------------------------------------------------------

    def _set_claims(self, world: World) -> None:
        self.run(
            sql.SQL("select pg_catalog.set_config('request.jwt.claims', {}, true)").format(
                sql.Literal(json.dumps(world.jwt()))
            ),
            None,
        )

    def create_users(self) -> None:
        for world in self.seed.worlds.values():
            self._set_claims(world)
            meta = json.dumps(
                {
                    "full_name": world.display,
                    "name": world.display,
                    "user_name": world.display.lower(),
                    "username": world.display.lower(),
                    "avatar_url": f"https://example.com/{world.name.lower()}.png",
                    "email": world.email,
                }
            )
            try:
                self.run(
                    "insert into auth.users (instance_id, id, aud, role, email, "
                    "encrypted_password, email_confirmed_at, confirmation_token, recovery_token, "
                    "email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, "
                    "created_at, updated_at, last_sign_in_at, is_sso_user, is_anonymous) values "
                    "('00000000-0000-0000-0000-000000000000', %s, 'authenticated', "
                    "'authenticated', %s, '', now(), '', '', '', '', "
                    '\'{"provider": "email", "providers": ["email"]}\', %s, '
                    "now(), now(), now(), false, false)",
                    (world.uid, world.email, meta),
                )
            except psycopg.Error as exc:
                message = (exc.diag.message_primary or str(exc)).strip()
                raise SeedError(
                    f"creating user {world.name} in auth.users failed: {message}"
                ) from exc

    # -- tables ------------------------------------------------------------------

    def seed_tables(self) -> Seed:
        order, cyclic = _order(self.catalog)
        self.seed.not_seeded.update(cyclic)
        for index, table in enumerate(order):
            reason = self._seed_table(table, PATTERNS[index % len(PATTERNS)])
            if reason is not None:
                self.seed.not_seeded[table.oid] = reason
        self._advance_sequences()
        return self.seed

    def _binding(self, table: Table, column: str) -> Binding | None:
        return self.logic.bindings.get((table.oid, column))

    def _private_flags(self, table: Table) -> set[str]:
        """Columns that would give a user a privilege: a role or flag compared in a
        caller-dependent query, in a per-user table that is not tied to a tenant row
        (``user_roles.role``, ``profiles.is_admin``).  Seeded with a non-privileged value."""
        bound = any(
            self._binding(table, c.name) is not None
            or any(fk.target == self.catalog.users_oid for fk in table.foreign_keys)
            for c in table.columns
        )
        tenant = any(
            fk.target in self.catalog.tables and fk.target != table.oid for fk in table.foreign_keys
        )
        if not bound or tenant:
            return set()
        return {c for (oid, c) in self.logic.column_constants if oid == table.oid}

    def _options(
        self,
        table: Table,
        column: Column,
        world: World,
        row: int,
        position: int,
        flags: set[str],
    ) -> list[Any]:
        """Values to try for a column that is neither a foreign key nor a chosen key."""
        binding = self._binding(table, column.name)
        if binding is not None:
            value = self._identity_value(table, column, binding, world)
            if value is not None:
                if binding.array:
                    # one row lists the user, the next lists nobody: both shapes reach policies
                    listed = ["{" + value + "}", DEFAULT, "{}"]
                    return listed if row % 2 == 0 else [DEFAULT, "{}", listed[0]]
                return [value]
        if column.identity:
            return [DEFAULT]
        generated = candidates(column, world.name, row, position, table.checks)
        if column.name in flags:
            compared = self.logic.column_constants.get((table.oid, column.name), set())
            if column.category == "B":
                generated = ["false", "true"]
            safe = [v for v in generated if str(v).lower() not in compared]
            return [DEFAULT, *safe] if column.default is not None else safe or generated
        if column.enum_labels and column.default is not None:
            label = _label_of_default(column)
            labels = list(column.enum_labels)
            start = labels.index(label) if label in labels else 0
            rotated = labels[start:] + labels[:start]
            k = row % len(rotated)
            return rotated[k:] + rotated[:k]
        if column.category == "B" and column.default is not None:
            return [DEFAULT, *generated] if row % 2 == 0 else [*reversed(generated), DEFAULT]
        if column.default is not None:
            return [DEFAULT, *generated, *([None] if not column.not_null else [])]
        if not column.not_null:
            return [None, *generated] if row % 2 == 0 else [*generated, None]
        return generated

    def _identity_value(
        self, table: Table, column: Column, binding: Binding, world: World
    ) -> str | None:
        ident = binding.identity
        if ident.kind == "uid":
            return world.uid
        if ident.kind == "email":
            return world.email
        if ident.path in world.claims:
            return world.claims[ident.path]
        return None  # decided by this row's own value (see _record_claims)

    def _fk_options(
        self, table: Table, fk: ForeignKey, world: World, row: int
    ) -> list[dict[str, str | None]] | None:
        """Referenced rows (as column → value) to try; None when nothing can be referenced."""
        users = self.catalog.users_oid
        nullable = all((c := table.column(n)) is not None and not c.not_null for n in fk.columns)
        if fk.target == users:
            if fk.target_columns == ("id",):
                return [{fk.columns[0]: world.uid}]
            if fk.target_columns == ("email",):
                return [{fk.columns[0]: world.email}]
            return [_nulls(fk.columns)] if nullable else None
        seeded = self.seed.tables.get(fk.target)
        refs: list[Row] = seeded.of(world.name) if seeded is not None else []
        anchored = any(
            (b := self._binding(table, n)) is not None and b.identity.kind == "claim"
            for n in fk.columns
        )
        if refs:
            start = 0 if anchored else row % len(refs)
            ordered = refs[start:] + refs[:start]
            out = [
                {c: r.values.get(t) for c, t in zip(fk.columns, fk.target_columns, strict=True)}
                for r in ordered
            ]
            return out + ([_nulls(fk.columns)] if nullable else [])
        if fk.target == table.oid or nullable:
            return [_nulls(fk.columns)]
        return None

    def _batchable(self, table: Table) -> bool:
        """Rows of one world can go in one statement: none refers to an earlier row of the
        table, and no row waits for a claim the world's first row decides."""
        if any(fk.target == table.oid for fk in table.foreign_keys):
            return False
        return not any(
            (b := self._binding(table, c.name)) is not None and b.identity.kind == "claim"
            for c in table.columns
        )

    def _delete(self, table: Table, row: Row) -> None:
        self.run(
            sql.SQL("delete from {} where ctid = {}::tid").format(
                table.ident, sql.Literal(row.ctid)
            ),
            None,
        )

    def _batch(self, table: Table, pattern: str, flags: set[str]) -> bool:
        """Each world's rows with their first-choice values in one insert (the fast path of
        a large schema); False when PostgreSQL refuses them (then row by row)."""
        rows: list[Row] = []
        for name in ("A", "B"):
            world = self.seed.worlds[name]
            plans: list[dict[str, Any]] = []
            for index, position in enumerate(i for i, w in enumerate(pattern) if w == name):
                plan = self._plan(table, world, index, position, flags)
                if isinstance(plan, str):
                    return False
                columns, fks = plan
                values = {c: opts[0] for c, opts in columns.items()}
                for _cols, references in fks:
                    values.update(references[0])
                plans.append(values)
            self._set_claims(world)
            try:
                inserted = self._insert_many(table, world, plans)
            except psycopg.Error:
                self.seed.tables[table.oid].rows.extend(rows)  # for the caller to remove
                return False
            rows.extend(inserted)
            self._record_claims(table, world, inserted[0])
        self.seed.tables[table.oid].rows.extend(rows)
        return True

    def _seed_table(self, table: Table, pattern: str) -> str | None:
        seeded = Seeded(table)
        self.seed.tables[table.oid] = seeded
        flags = self._private_flags(table)
        if self._batchable(table):
            # each insert runs in its own savepoint (self.run): a refused batch leaves nothing
            if self._batch(table, pattern, flags):
                return None
            for done in seeded.rows:
                self._delete(table, done)
            seeded.rows.clear()
        last_error = "no row could be inserted"
        counts = {"A": 0, "B": 0}
        full = {"A": False, "B": False}
        for position, world_name in enumerate(pattern):
            if full[world_name]:
                continue
            world = self.seed.worlds[world_name]
            self._set_claims(world)
            row = counts[world_name]
            outcome = self._insert_row(table, world, row, position, flags)
            if isinstance(outcome, Row):
                seeded.rows.append(outcome)
                counts[world_name] += 1
                if row == 0:
                    self._record_claims(table, world, outcome)
            elif outcome == "full":
                full[world_name] = True
            else:
                last_error = outcome
                if row > 0:
                    full[world_name] = True
        for name in ("A", "B"):
            if not seeded.of(name):
                del self.seed.tables[table.oid]
                return last_error
        return None

    def _record_claims(self, table: Table, world: World, row: Row) -> None:
        """Claims read from a world's first row (``org_id = jwt … 'org_id'``)."""
        for column in table.columns:
            binding = self._binding(table, column.name)
            if binding is None or binding.identity.kind != "claim":
                continue
            value = row.values.get(column.name)
            if value is not None and binding.identity.path not in world.claims:
                world.claims[binding.identity.path] = value

    def _plan(
        self, table: Table, world: World, row: int, position: int, flags: set[str]
    ) -> (
        tuple[dict[str, list[Any]], list[tuple[tuple[str, ...], list[dict[str, str | None]]]]] | str
    ):
        """Per-column options and per-foreign-key referenced rows, or why none exist."""
        fk_columns: set[str] = set()
        fk_options: list[tuple[tuple[str, ...], list[dict[str, str | None]]]] = []
        for fk in table.foreign_keys:
            if any(c in fk_columns for c in fk.columns):
                continue  # a column in two foreign keys: the first decides
            references = self._fk_options(table, fk, world, row)
            if references is None and not fk.declared:
                continue
            if references is None:
                target = self.catalog.tables.get(fk.target)
                objects = self.catalog.storage_objects
                if target is None and objects is not None and fk.target == objects.oid:
                    # storage objects are seeded after the tables (their triggers may
                    # write into them): a NOT NULL reference to one has nothing yet
                    return (
                        f"column {', '.join(fk.columns)} references storage.objects, which "
                        "the probe seeds after the tables"
                    )
                name = target.label if target is not None else f"table {fk.target}"
                reason = self.seed.not_seeded.get(fk.target, "it is not seeded")
                return f"column {', '.join(fk.columns)} references {name}, and {reason}"
            fk_columns.update(fk.columns)
            fk_options.append((fk.columns, references))
        columns: dict[str, list[Any]] = {}
        single_int_pk = (
            len(table.primary_key) == 1
            and (pk := table.column(table.primary_key[0])) is not None
            and pk.category == "N"
            and pk.name not in fk_columns
        )
        for column in table.columns:
            if column.generated or column.name in fk_columns:
                continue
            if single_int_pk and column.name == table.primary_key[0]:
                columns[column.name] = [str(position + 1 + k * 1000) for k in range(4)]
                continue
            options = self._options(table, column, world, row, position, flags)
            if not options:
                if column.not_null and column.default is None:
                    return f"no value for column {column.name} of type {column.type_sql}"
                options = [DEFAULT]
            columns[column.name] = list(options)
        return columns, fk_options

    def _insert_row(
        self, table: Table, world: World, row: int, position: int, flags: set[str]
    ) -> Row | str:
        plan = self._plan(table, world, row, position, flags)
        if isinstance(plan, str):
            return plan
        columns, fks = plan
        choice = dict.fromkeys(columns, 0)
        fk_choice = [0] * len(fks)
        last = "no row could be inserted"
        tried: set[tuple[Any, ...]] = set()
        for _ in range(MAX_ATTEMPTS):
            key = (tuple(choice.values()), tuple(fk_choice))
            tried.add(key)
            values: dict[str, Any] = {c: opts[choice[c]] for c, opts in columns.items()}
            for (_cols, references), i in zip(fks, fk_choice, strict=True):
                values.update(references[i])
            try:
                return self._insert(table, world, values)
            except psycopg.Error as exc:
                diag = exc.diag
                last = self._describe(exc)
                implicated = self._implicated(table, diag, columns, fks)
                if diag.sqlstate == "23505":
                    adopted = self._adopt(table, world, values, diag.constraint_name)
                    if adopted is not None:
                        return adopted
                if not self._advance(implicated, columns, choice, fks, fk_choice, tried):
                    return last
        return last

    @staticmethod
    def _describe(exc: psycopg.Error) -> str:
        message = " ".join((exc.diag.message_primary or str(exc)).split())
        return f"{exc.diag.sqlstate or 'error'} {message}"

    def _implicated(
        self,
        table: Table,
        diag: Any,
        columns: dict[str, list[Any]],
        fks: list[tuple[tuple[str, ...], list[dict[str, str | None]]]],
    ) -> list[str]:
        name = diag.constraint_name
        involved: list[str] = []
        if diag.column_name:
            involved = [diag.column_name]
        elif name:
            for check in table.checks:
                if check.name == name:
                    involved = list(check.columns)
            for uname, cols in table.uniques:
                if uname == name:
                    involved = list(cols)
            domain = diag.datatype_name
            if not involved and domain:
                involved = [
                    c.name
                    for c in table.columns
                    if c.domain and c.domain.split(".")[-1].strip('"') == domain
                ]
        if not involved:
            # a type error or a trigger: any column we chose freely may be the cause
            involved = [
                c for c, opts in columns.items() if len(opts) > 1 and c not in table.primary_key
            ]

        # enums and flags last: vary plain columns before losing variety
        def rank(col: str) -> int:
            column = table.column(col)
            return 1 if column is not None and (column.enum_labels or column.category == "B") else 0

        return sorted(involved, key=rank)

    @staticmethod
    def _advance(
        implicated: list[str],
        columns: dict[str, list[Any]],
        choice: dict[str, int],
        fks: list[tuple[tuple[str, ...], list[dict[str, str | None]]]],
        fk_choice: list[int],
        tried: set[tuple[Any, ...]],
    ) -> bool:
        """Odometer step over the implicated columns (foreign keys move as units)."""
        wheels: list[tuple[list[int], int, int | str]] = []
        fk_index = {c: i for i, (cols, _) in enumerate(fks) for c in cols}
        seen: set[int | str] = set()
        for col in implicated:
            if col in columns and len(columns[col]) > 1 and col not in seen:
                seen.add(col)
                wheels.append(([], len(columns[col]), col))
            i = fk_index.get(col)
            if i is not None and len(fks[i][1]) > 1 and i not in seen:
                seen.add(i)
                wheels.append(([], len(fks[i][1]), i))
        for _ in range(64):
            carried = True
            for _unused, size, ident in wheels:
                if isinstance(ident, str):
                    choice[ident] = (choice[ident] + 1) % size
                    moved = choice[ident]
                else:
                    fk_choice[ident] = (fk_choice[ident] + 1) % size
                    moved = fk_choice[ident]
                if moved != 0:
                    carried = False
                    break
            if carried:
                return False
            if (tuple(choice.values()), tuple(fk_choice)) not in tried:
                return True
        return False

    def _insert_many(self, table: Table, world: World, plans: list[dict[str, Any]]) -> list[Row]:
        names = list(dict.fromkeys(c for plan in plans for c in plan))
        rows_sql: list[sql.Composable] = []
        for plan in plans:
            items: list[sql.Composable] = []
            for c in names:
                column = table.column(c)
                assert column is not None
                value = plan.get(c, DEFAULT)
                items.append(sql.SQL("DEFAULT") if value is DEFAULT else column.literal(value))
            rows_sql.append(sql.SQL("({})").format(sql.SQL(", ").join(items)))
        returning = _returning(table)
        query = sql.SQL("insert into {} ({}) {}values {} returning {}").format(
            table.ident,
            sql.SQL(", ").join(sql.Identifier(c) for c in names),
            table.overriding(names),
            sql.SQL(", ").join(rows_sql),
            returning,
        )
        found = self.run(query, None)
        if len(found) != len(plans):
            raise _NoRow()
        return [self._row(table, world, record) for record in found]

    def _insert(self, table: Table, world: World, values: dict[str, Any]) -> Row:
        names = [c for c in values if values[c] is not DEFAULT]
        items: list[sql.Composable] = []
        for c in names:
            column = table.column(c)
            assert column is not None
            items.append(column.literal(values[c]))
        returning = _returning(table)
        if names:
            query = sql.SQL("insert into {} ({}) {}values ({}) returning {}").format(
                table.ident,
                sql.SQL(", ").join(sql.Identifier(c) for c in names),
                table.overriding(names),
                sql.SQL(", ").join(items),
                returning,
            )
        else:
            query = sql.SQL("insert into {} default values returning {}").format(
                table.ident, returning
            )
        rows = self.run(query, None)
        if not rows:
            raise _NoRow()
        return self._row(table, world, rows[0])

    @staticmethod
    def _row(table: Table, world: World, record: tuple[Any, ...]) -> Row:
        return Row(
            world=world.name,
            ctid=str(record[0]),
            values={
                c.name: None if v is None else str(v)
                for c, v in zip(table.columns, record[1:], strict=True)
            },
        )

    def _world_bound(self, table: Table, column: str) -> bool:
        if self._binding(table, column) is not None:
            return True
        return any(column in fk.columns for fk in table.foreign_keys)

    def _adopt(
        self, table: Table, world: World, values: dict[str, Any], constraint: str | None
    ) -> Row | str | None:
        """A row a trigger (or an earlier row) already holds for this world's key.

        Returns the row to record, ``"full"`` when the world's rows already fill the
        key (a 1:1 table such as profiles), or None to keep trying other values.
        """
        key = next((cols for name, cols in table.uniques if name == constraint), None)
        if not key or not all(self._world_bound(table, c) for c in key):
            return None
        if any(values.get(c) in (None, DEFAULT) for c in key):
            return None
        where = sql.SQL(" and ").join(
            sql.SQL("{}::text = {}").format(sql.Identifier(c), sql.Literal(str(values[c])))
            for c in key
        )
        returning = _returning(table)
        rows = self.run(
            sql.SQL("select {} from {} where {} limit 1").format(returning, table.ident, where),
            None,
        )
        if not rows:
            return None
        found = self._row(table, world, rows[0])
        seeded = self.seed.tables[table.oid]
        owner = next((r.world for r in seeded.rows if r.ctid == found.ctid), None)
        if owner is None:
            return found
        return "full" if owner == world.name else None

    def _advance_sequences(self) -> None:
        """Sequences past every seeded key: inserts during the probes get fresh ids."""
        for seeded in self.seed.tables.values():
            table = seeded.table
            for column in table.columns:
                if column.category != "N" or not (column.identity or column.default or ""):
                    continue
                if column.identity == "" and "nextval" not in (column.default or ""):
                    continue
                self.run(
                    sql.SQL(
                        "select pg_catalog.setval(seq, coalesce((select max({col}) from {tbl}), 0)"
                        " + 1000) from pg_catalog.pg_get_serial_sequence({name}, {colname}) seq "
                        "where seq is not null"
                    ).format(
                        col=sql.Identifier(column.name),
                        tbl=table.ident,
                        name=sql.Literal(f'"{table.schema}"."{table.name}"'),
                        colname=sql.Literal(column.name),
                    ),
                    None,
                )

    # -- storage -----------------------------------------------------------------

    def seed_storage(self) -> None:
        objects = self.catalog.storage_objects
        if objects is None:
            return
        for bucket, _public, mimes in self.catalog.buckets:
            ext = _extension(mimes)
            seeded = Seeded(objects)
            try:
                for world in self.seed.worlds.values():
                    self._set_claims(world)
                    for r in range(2):
                        rows = self.run(
                            sql.SQL(
                                "insert into storage.objects (bucket_id, name, owner, owner_id, "
                                "metadata) values (%s, %s, %s, %s, %s) returning {}"
                            ).format(_returning(objects)),
                            (
                                bucket,
                                f"{world.uid}/probe-{r + 1}.{ext}",
                                world.uid,
                                world.uid,
                                json.dumps({"mimetype": _mime(ext), "size": 1024}),
                            ),
                        )
                        seeded.rows.append(self._row(objects, world, rows[0]))
            except psycopg.Error as exc:
                self.seed.buckets_not_seeded[bucket] = self._describe(exc)
                continue
            self.seed.objects[bucket] = seeded


def _returning(table: Table) -> sql.Composable:
    """``ctid::text, col1::text, …``: a seeded row as the probe keeps it."""
    return sql.SQL(", ").join(
        [sql.SQL("ctid::text")]
        + [sql.SQL("{}::text").format(sql.Identifier(c.name)) for c in table.columns]
    )


def set_claim(payload: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    """``payload[path[0]][path[1]]… = value``, creating the objects on the way."""
    node = payload
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def _nulls(columns: tuple[str, ...]) -> dict[str, str | None]:
    return dict.fromkeys(columns, None)


class _NoRow(psycopg.Error):
    """An insert returned nothing (a BEFORE trigger returned NULL)."""


_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "text/plain": "txt",
    "text/csv": "csv",
    "application/json": "json",
}


def _extension(mimes: tuple[str, ...]) -> str:
    for mime in mimes:
        if mime in _EXTENSIONS:
            return _EXTENSIONS[mime]
        if mime.startswith("image/"):
            return "png"
    return "txt"


def _mime(ext: str) -> str:
    return next((m for m, e in _EXTENSIONS.items() if e == ext), "text/plain")
