"""Judgements the RLS rules share: whose data a table holds, what a policy or a
function checks, who can reach an object through the Data API.

Each helper answers one question conservatively: when the model cannot tell,
the answer is the one that keeps a rule quiet (a false positive costs as much
as a miss).

Why one module of about 500 lines: each function is a small, separate judgement, kept
together so that every rule asks the same question the same way (one answer to "whose
data does this table hold" for all rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from agents.sql.ast import (
    IDENTITY_FUNCTIONS,
    column_names,
    func_calls,
    is_constant_true,
    is_jwt_setting_call,
    qualname_of_names,
    qualname_of_rangevar,
    references_identity,
    strings,
)
from agents.sql.body import FunctionBody, body_sql
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, Function, Policy, QualName, Table
from agents.sql.parse import Statement

AstNode = dict[str, Any]

OWNER_COLUMN = re.compile(
    r"^(user_id|owner_id|owner|author_id|created_by|creator_id|profile_id|account_id|"
    r"customer_id|member_id|requested_by|uploaded_by|sender_id|recipient_id|assignee_id|"
    r"shared_with|invited_by|employee_id|patient_id|student_id|buyer_id|seller_id)$"
)
"""Columns that say which user a row belongs to."""

TENANT_COLUMN = re.compile(
    r"^(org_id|organization_id|organisation_id|tenant_id|team_id|workspace_id|company_id)$"
)
"""Columns that say which tenant a row belongs to."""

PERSONAL_COLUMN = re.compile(
    r"(email|phone|address|birth|ssn|passport|iban|salary|password|token|secret|"
    r"first_name|last_name|full_name|contact|message|body|note|diagnos|medical)"
)
"""Column names that usually hold personal or private content."""

PRIVILEGED_COLUMN = re.compile(
    r"^(role|roles|user_role|app_role|account_role|member_role|is_admin|admin|is_superuser|"
    r"is_staff|is_moderator|moderator|permissions?|plan|plan_id|tier|subscription_tier|"
    r"subscription_status|subscription_plan|balance|credits?|credit_balance|points|quota|"
    r"is_verified|verified|"
    r"is_approved|approved|is_banned|banned|trust_level|level|kyc_status)$"
)
"""Columns whose value grants rights or money: users must not set them on their own row."""

API_ROLES = ("anon", "authenticated")


def policy_reaches_api(policy: Policy) -> bool:
    """True when the policy applies to ``anon`` or ``authenticated`` (directly or via PUBLIC)."""
    return any(r in ("public", "anon", "authenticated") for r in policy.roles)


def policy_reaches_anon(policy: Policy) -> bool:
    """True when ``anon`` (signed-out visitors) is among the policy's roles."""
    return any(r in ("public", "anon") for r in policy.roles)


def user_owned(table: Table) -> bool:
    """True when rows belong to a user or tenant: an owner/tenant column, a FK to
    ``auth.users``, or personal-looking columns."""
    for fk in table.foreign_keys:
        if fk.ref_table == ("auth", "users"):
            return True
    for name in table.columns:
        if OWNER_COLUMN.match(name) or TENANT_COLUMN.match(name) or PERSONAL_COLUMN.search(name):
            return True
    return False


SENSITIVE_COLUMN = re.compile(
    r"(email|phone|mobile|address|birth|ssn|passport|iban|salary|password|token|secret|"
    r"contact|message|diagnos|medical|dob|national_id|tax_id|ip_address)"
)
"""Column names whose content is private whatever the product intends (e-mail, phone…)."""

PUBLIC_INTENT = re.compile(r"\bpublic(ly)?\b", re.I)
"""A policy name (or the comment above it) saying the rows are public ("Public profiles
are viewable by everyone").  "anyone"/"everyone" alone is not enough: "anyone can read
invoices" is exactly the bug."""


PUBLISHED_COLUMN = re.compile(
    r"^(slug|title|headline|subtitle|summary|excerpt|changes|changelog|release_notes|bio|about|"
    r"tagline|display_name|avatar_url|avatar|cover_image|cover_url|image_url|website|"
    r"website_url|\w+_handle|seo_data)$"
)
"""Columns of content written to be shown to everyone (blog posts, changelogs, author
profiles): their presence is what makes a world-readable table plausible by design."""

VISIBILITY_COLUMN = re.compile(
    r"^(is_public|public|published|is_published|published_at|is_draft|draft|visibility|"
    r"is_private|private|is_hidden|hidden|status)$"
)
"""Columns that exist to hide some rows (drafts, private items): with one, a policy showing
every row is not "public by design"."""

_KEYLIKE = re.compile(r"^(id|created_at|updated_at|inserted_at|position|sort_order)$")


def public_by_design(cat: Catalog, table: Table) -> bool:
    """True when the table's columns say its rows are published content meant for everyone.

    No column holds private data (e-mail, phone, message bodies, notes…), and
    either some column is publishing content (``slug``, ``title``, ``bio``,
    ``display_name``, ``changes``…), or the table only links rows of tables
    that already are world-readable (an author-to-post link of a public blog).
    A column that exists to hide rows (``status``, ``is_public``, ``draft``…)
    rules it out: a policy showing every row then shows the hidden ones too.
    A table of user rows without such columns (``orders``: user_id, amount) is
    not: reading every user's rows is the leak.
    """
    if sensitive_columns(table) or personal_columns(table):
        return False
    if any(VISIBILITY_COLUMN.match(c) for c in table.columns):
        return False
    if any(PUBLISHED_COLUMN.match(c) for c in table.columns):
        return True
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    plain = [c for c in table.columns if c not in fk_columns and not _KEYLIKE.match(c)]
    if plain or not table.foreign_keys:
        return False
    return all(
        fk.ref_table != table.qualname and publicly_readable(cat, fk.ref_table)
        for fk in table.foreign_keys
    )


def sensitive_columns(table: Table) -> list[str]:
    """Columns whose names say their content is private (e-mail, phone, address…)."""
    return [n for n in table.columns if SENSITIVE_COLUMN.search(n)]


def states_public_intent(ctx: SqlRuleContext, stmt: Statement, policy: Policy) -> bool:
    """True when the policy's name or the comment lines right above it say the rows
    are meant to be public ("Public profiles are viewable by everyone")."""
    if PUBLIC_INTENT.search(policy.name):
        return True
    lines = ctx.parsed.text.splitlines()
    n = stmt.line - 2
    while n >= 0 and lines[n].strip().startswith("--"):
        if PUBLIC_INTENT.search(lines[n]):
            return True
        n -= 1
    return False


def personal_columns(table: Table) -> list[str]:
    """Columns of ``table`` whose names suggest personal or private content."""
    return [n for n in table.columns if PERSONAL_COLUMN.search(n)]


BILLING_TABLE = re.compile(
    r"(subscription|billing|invoice|payment|purchase|entitlement|licen[cs]e|wallet|credit)"
)
"""Tables whose rows record what a customer paid for: the payment provider's webhook (with
the service role) writes them, the customer never should."""

BILLING_COLUMN = re.compile(
    r"^(status|price_id|price|product_id|plan|plan_id|tier|quantity|seats|amount\w*|"
    r"current_period_(start|end)|trial_(start|end)|cancel_at|canceled_at|cancel_at_period_end|"
    r"ended_at|expires_at|valid_until|paid|is_paid|paid_at|stripe_\w+|lemon_squeezy_\w+|"
    r"paddle_\w+|metadata)$"
)
"""On a billing table, the columns that say what the customer is entitled to."""


def privileged_columns(table: Table) -> list[str]:
    """Columns of ``table`` that grant rights or money (``role``, ``is_admin``, ``balance``…).

    On a one-row-per-user table (primary key referencing ``auth.users``, such as
    ``profiles``) the tenant column (``org_id``…) counts too: it decides which
    tenant's data the user reaches.  On a billing table (``subscriptions``,
    ``invoices``…) the entitlement columns do: ``status``, ``price_id``,
    ``quantity``, the period ends — a user who sets their own subscription to
    ``active`` on the premium price has paid for nothing.
    """
    per_user = table.primary_key is not None and any(
        fk.ref_table == ("auth", "users") and fk.columns == table.primary_key
        for fk in table.foreign_keys
    )
    billing = bool(BILLING_TABLE.search(table.name))
    return [
        n
        for n in table.columns
        if PRIVILEGED_COLUMN.match(n)
        or (per_user and TENANT_COLUMN.match(n))
        or (billing and BILLING_COLUMN.match(n))
    ]


def has_owner(table: Table) -> bool:
    """True when rows name an owning user or tenant (FK to auth.users, owner/tenant column)."""
    if any(fk.ref_table == ("auth", "users") for fk in table.foreign_keys):
        return True
    return any(OWNER_COLUMN.match(n) or TENANT_COLUMN.match(n) for n in table.columns)


def publicly_readable(cat: Catalog, table: QualName) -> bool:
    """True when a permissive SELECT policy already shows every row to API callers."""
    return any(
        p.permissive
        and p.command in ("select", "all")
        and is_constant_true(p.using)
        and any(r in ("public", "anon", "authenticated") for r in p.roles)
        for p in cat.policies_on(table)
    )


def widens_owner_scoped_reads(cat: Catalog, policy: Policy) -> bool:
    """True when another permissive SELECT policy on the same table shows each user
    only their own rows (``owner_id = auth.uid()``): a broad read policy next to it
    opens rows the schema treats as private."""
    for other in cat.policies_on(policy.table):
        if other is policy or other.name == policy.name or not other.permissive:
            continue
        if other.command not in ("select", "all") or other.using is None:
            continue
        if references_identity(other.using) and any(
            OWNER_COLUMN.match(c) for c in column_names(other.using)
        ):
            return True
    return False


def api_exposed_table(cat: Catalog, name: QualName) -> set[str]:
    """API roles (anon/authenticated) holding any privilege on a table in an exposed schema."""
    return set(reach(cat, name).roles)


_DATA_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")

NOT_GRANTED_YET = (
    "No grant lets anon or authenticated reach it yet (since 2026-10-30 Supabase no longer "
    "grants new tables to the API roles by default), so it is not exposed today: enable RLS "
    "before anyone grants it."
)
"""What a finding on an exposed-schema relation nobody has granted says."""


@dataclass(frozen=True)
class Reach:
    """Who can reach a relation through the Data API, and which grants make it so."""

    exposed_schema: bool
    """The relation's schema is served by the Data API (``[api] schemas``)."""
    roles: tuple[str, ...] = ()
    """``anon``/``authenticated`` holding SELECT/INSERT/UPDATE/DELETE (directly or via PUBLIC)."""
    sources: tuple[str, ...] = ()
    """What gave them those privileges (a grant statement, default privileges, the
    platform's legacy default), as the catalogue recorded it."""

    @property
    def reachable(self) -> bool:
        return bool(self.roles)

    @property
    def who(self) -> str:
        return " and ".join(self.roles)

    def because(self) -> str:
        """`` (granted by …)`` naming what makes the relation reachable; empty when unknown."""
        if not self.sources:
            return ""
        shown = "; ".join(self.sources[:2])
        more = f" and {len(self.sources) - 2} more" if len(self.sources) > 2 else ""
        return f" (reachable through {shown}{more})"


def reach(cat: Catalog, name: QualName, privileges: tuple[str, ...] = _DATA_PRIVILEGES) -> Reach:
    """Who reaches the table or view ``name`` through the Data API, and why."""
    if not cat.is_exposed(name[0]):
        return Reach(exposed_schema=False)
    kind = cat.relation_kind(name) or "table"
    roles: set[str] = set()
    holders: set[str] = set()
    for priv in privileges:
        found = cat.grantees(kind, name, priv) & {"anon", "authenticated", "public"}
        holders |= found
        roles |= cat.api_can(kind, name, priv)
    recorded = cat.grant_sources.get((kind, name), {})
    sources: list[str] = []
    for role in ("anon", "public", "authenticated"):
        if role not in holders:
            continue
        for priv in privileges:
            source = recorded.get(role, {}).get(priv)
            if source is not None and source.text not in sources:
                sources.append(source.text)
    return Reach(True, tuple(sorted(roles)), tuple(sources))


def column_updaters(cat: Catalog, table: QualName, column: str) -> set[str]:
    """Roles that may UPDATE ``column`` of ``table``, for rules about what a policy lets
    users change.

    The grants as the catalogue has them; but when no API role holds UPDATE on
    the table at all (nothing granted yet: a table created since Supabase
    stopped granting new tables by default), the UPDATE policy is what states
    the intent, and the usual ``grant update on table … to authenticated``
    that makes it work is assumed, so the policy is judged as it will run.
    """
    holders = cat.column_grantees(table, column, "UPDATE")
    if holders & {"anon", "authenticated", "public"}:
        return holders
    api = {"anon", "authenticated", "public"}
    granted_any = bool(cat.grantees("table", table, "UPDATE") & api) or any(
        rel == table and any("UPDATE" in privs for role, privs in by_role.items() if role in api)
        for (rel, _), by_role in cat.column_privileges.items()
    )
    return holders if granted_any else holders | {"authenticated"}


def policy_for_statement(ctx: SqlRuleContext, stmt: Statement) -> Policy | None:
    """The policy a ``CREATE/ALTER POLICY`` statement defines, as it stands after the PR.

    None when a later statement of the PR dropped it again.
    """
    node = stmt.node
    table = qualname_of_rangevar(node.get("table"))
    return ctx.after.policies.get((table, str(node.get("policy_name", ""))))


def policy_table_line(ctx: SqlRuleContext, stmt: Statement) -> int:
    """Line of the ``on <table>`` clause of a policy statement (the "policy as a whole")."""
    return ctx.line_of(stmt.node.get("table"), stmt)


def clause_line(ctx: SqlRuleContext, stmt: Statement, expr: Any) -> int:
    """Line of a ``USING``/``WITH CHECK`` expression of a policy statement."""
    return ctx.line_of(expr, stmt)


# -- functions -------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionFacts:
    """What a function body does, as far as its parsed SQL shows."""

    body: FunctionBody | None
    writes: tuple[tuple[QualName, int], ...]
    """(table, line) of each INSERT/UPDATE/DELETE."""
    reads: tuple[QualName, ...]
    checks_identity: bool
    """The body reads ``auth.uid()``/``auth.jwt()``/claims, or calls a function that does."""
    calls_unknown: bool
    """The body calls a user function the model cannot see into."""
    calls_helpers: bool = False
    """The body calls any user function (known or not): it may check the caller there."""

    @property
    def opaque(self) -> bool:
        return self.body is None


_BUILTIN_PREFIXES = ("pg_catalog.", "extensions.", "auth.", "storage.", "vault.")
_BUILTIN_NAMES = frozenset(
    {
        "now",
        "coalesce",
        "count",
        "sum",
        "min",
        "max",
        "avg",
        "exists",
        "lower",
        "upper",
        "trim",
        "length",
        "char_length",
        "greatest",
        "least",
        "nullif",
        "gen_random_uuid",
        "jsonb_build_object",
        "json_build_object",
        "to_jsonb",
        "row_to_json",
        "array_agg",
        "jsonb_agg",
        "json_agg",
        "format",
        "concat",
        "current_setting",
        "set_config",
        "clock_timestamp",
        "date_trunc",
        "extract",
        "abs",
        "round",
        "random",
        "string_agg",
        "unnest",
        "array_length",
        "cardinality",
        "left",
        "right",
        "substring",
        "replace",
        "split_part",
        "md5",
        "encode",
        "decode",
        "digest",
        "crypt",
        "gen_salt",
        "nextval",
        "row_number",
        "raise",
    }
)


def function_facts(fn: Function, cat: Catalog, depth: int = 0) -> FunctionFacts:
    """Analyse ``fn``'s body (following calls to modelled functions two levels deep)."""
    body = body_sql(fn)
    if body is None:
        return FunctionFacts(None, (), (), False, False)
    writes: list[tuple[QualName, int]] = []
    reads: list[QualName] = []
    checks = False
    unknown = False
    helpers = False
    for item in body.statements:
        node = item.node
        for kind in ("InsertStmt", "UpdateStmt", "DeleteStmt"):
            if kind in node:
                rel = node[kind].get("relation")
                writes.append((qualname_of_rangevar(rel), item.line_of(rel)))
        if body.mentions_identity(item):
            checks = True
        for name, fields in func_calls(node):
            if name in IDENTITY_FUNCTIONS or is_jwt_setting_call(name, fields):
                continue
            if name.startswith(_BUILTIN_PREFIXES) or name in _BUILTIN_NAMES:
                continue
            helpers = True
            target = cat.functions.get(qualname_of_names(name.split(".")))
            if target is None:
                unknown = True
                continue
            if depth < 2 and target is not fn:
                inner = function_facts(target, cat, depth + 1)
                checks = checks or inner.checks_identity
                unknown = unknown or inner.calls_unknown or inner.opaque
    for kind, fields, _ in body.nodes():
        if kind == "RangeVar":
            reads.append(qualname_of_rangevar(fields))
    return FunctionFacts(body, tuple(writes), tuple(reads), checks, unknown, helpers)


def api_executable(cat: Catalog, fn: Function) -> set[str]:
    """API roles that can call ``fn`` over ``/rest/v1/rpc`` (exposed schema + EXECUTE)."""
    if not cat.is_exposed(fn.schema):
        return set()
    if fn.returns in ("trigger", "event_trigger"):
        return set()
    return cat.api_can("function", fn.qualname, "EXECUTE")


def judged_definition(ctx: SqlRuleContext, stmt: Statement, fn: Function) -> bool:
    """True when ``stmt`` is the ``CREATE FUNCTION`` of this file at which ``fn`` (as it
    stands after the PR) is judged: the first of the file's definitions whose body is
    the final one.  A file that defines a function twice (``supabase db diff`` output
    often does) gets one finding, not two."""
    if stmt.kind != "CreateFunctionStmt" or fn.origin is None or fn.origin.path != ctx.path:
        return True
    for other in ctx.statements_of("CreateFunctionStmt"):
        if qualname_of_names(strings(other.node.get("funcname"))) != fn.qualname:
            continue
        if other.line == fn.origin.line or _body_text(other) == fn.body:
            return other.line == stmt.line
    return True


def _body_text(stmt: Statement) -> str | None:
    for opt in stmt.node.get("options") or []:
        d = opt.get("DefElem", {})
        if d.get("defname") == "as":
            items = ((d.get("arg") or {}).get("List") or {}).get("items") or []
            if items and "String" in items[0]:
                return str(items[0]["String"].get("sval", ""))
    return None


def function_for_statement(ctx: SqlRuleContext, stmt: Statement) -> Function | None:
    """The function a ``CREATE FUNCTION`` / ``ALTER FUNCTION`` statement defines, after the PR."""
    node = stmt.node
    if stmt.kind == "CreateFunctionStmt":
        names = [str(s["String"]["sval"]) for s in node.get("funcname") or [] if "String" in s]
    else:
        func = node.get("func") or {}
        names = [str(s["String"]["sval"]) for s in func.get("objname") or [] if "String" in s]
    return ctx.after.functions.get(qualname_of_names(names))


def api_callable_definers(
    ctx: SqlRuleContext,
) -> Iterator[tuple[Statement, Function, set[str]]]:
    """``(statement, function, roles)`` for each SECURITY DEFINER function the PR defines
    (or alters) that ``anon``/``authenticated`` can call over ``/rest/v1/rpc``: the starting
    point of every rule about what such a function lets a caller do."""
    for stmt in ctx.statements_of("CreateFunctionStmt", "AlterFunctionStmt"):
        fn = function_for_statement(ctx, stmt)
        if fn is None or not fn.security_definer or not judged_definition(ctx, stmt, fn):
            continue
        roles = api_executable(ctx.after, fn)
        if roles:
            yield stmt, fn, roles
