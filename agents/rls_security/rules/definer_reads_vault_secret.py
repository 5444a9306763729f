"""RLS028: a SECURITY DEFINER function that reads Vault secrets, callable through the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.facts import api_callable_definers
from agents.rls_security.rules._base import RlsRule
from agents.sql.ast import format_qualname, references_caller, string_constants, walk
from agents.sql.body import FunctionBody, body_sql
from agents.sql.context import SqlRuleContext
from agents.sql.model import Catalog, Function

VAULT_SECRETS = frozenset({("vault", "decrypted_secrets")})
"""The view that hands out decrypted Vault secrets (readable only by privileged roles)."""

_NO_VALUE = ("void", "trigger", "event_trigger")


_ADDRESS_NAME = re.compile(r"(^|_)(url|uri|host|hostname|endpoint|domain|base)(_|$)", re.I)
"""Vault entries named like an address (``supabase_url``): kept in Vault for convenience,
rarely secret."""


def reads_vault(body: FunctionBody) -> tuple[int, list[str]] | None:
    """Line of the first statement reading ``vault.decrypted_secrets`` and the secret names
    its query compares with (``where name = 'x'``); None when no statement reads it."""
    for item in body.statements:
        for kind, fields in walk(item.node):
            if kind != "RangeVar":
                continue
            name = (str(fields.get("schemaname") or ""), str(fields.get("relname") or ""))
            if name in VAULT_SECRETS:
                names = [text for text, _ in string_constants(item.node)]
                return item.line_of(fields), names
    return None


def guards_caller(body: FunctionBody) -> bool:
    """True when an IF/ASSERT-like condition of the body tests who is calling (role or id)."""
    return any(item.is_expression and references_caller(item.node) for item in body.statements)


def grant_source(cat: Catalog, fn: Function, roles: set[str]) -> str:
    """What lets ``roles`` execute ``fn`` (PostgreSQL's default to PUBLIC, a grant…)."""
    recorded = cat.grant_sources.get(("function", fn.qualname), {})
    for role in ("public", "anon", "authenticated"):
        source = recorded.get(role, {}).get("EXECUTE")
        if source is not None and (role in roles or role == "public"):
            return source.text
    return "its EXECUTE grants"


class DefinerReadsVaultSecret(RlsRule):
    """SECURITY DEFINER function reading Vault secrets, executable through the API.

    ## What it does
    Flags a ``SECURITY DEFINER`` function in an exposed schema that reads
    ``vault.decrypted_secrets`` and that ``anon`` or ``authenticated`` can
    execute, which they can by default: PostgreSQL grants EXECUTE on every new
    function to PUBLIC, Supabase never revokes it, and a ``revoke … from
    anon`` leaves PUBLIC's grant in place.  Critical when the function returns
    a value (the secret can come back to the caller), high when it only uses
    the secret (the caller can still make it act with it); medium when every
    entry it reads is named like an address (``supabase_url``), which Vault
    often holds for convenience rather than secrecy.  Trigger functions
    (not callable over the API) and bodies that first test the caller's role or
    identity are left alone.  The finding names the grant that makes it
    callable.

    ## Why is this bad?
    Vault exists so that secrets (service-role keys, provider tokens, the
    project URL used by ``pg_net``) are readable only by privileged roles.  A
    definer function runs as its owner, who may read them, and
    ``/rest/v1/rpc/<name>`` lets anyone holding the public anon key call it.

    ## Example
    ```sql
    create function public.edge_token() returns text
    language sql security definer set search_path = '' as $$
      select decrypted_secret from vault.decrypted_secrets where name = 'edge_token'
    $$;
    ```

    ## Use instead
    ```sql
    create schema if not exists private;
    create function private.edge_token() returns text
    language sql security definer set search_path = '' as $$
      select decrypted_secret from vault.decrypted_secrets where name = 'edge_token'
    $$;
    revoke execute on function private.edge_token() from public, anon, authenticated;
    ```

    ## References
    - https://supabase.com/docs/guides/database/vault
    - https://supabase.com/docs/guides/database/functions#security-definer-vs-invoker
    - https://www.postgresql.org/docs/current/ddl-priv.html (EXECUTE to PUBLIC by default)
    """

    code: ClassVar[str] = "RLS028"
    name: ClassVar[str] = "definer-reads-vault-secret"
    severity: ClassVar[Severity] = Severity.CRITICAL
    statement_kinds: ClassVar[frozenset[str] | None] = frozenset(
        {"AlterFunctionStmt", "CreateFunctionStmt"}
    )
    severity_reason: ClassVar[str] = (
        "Anyone with the anon key can read a secret through the RPC (high when the function "
        "only uses it)."
    )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for stmt, fn, roles in api_callable_definers(ctx):
            body = body_sql(fn)
            if body is None or guards_caller(body):
                continue
            found = reads_vault(body)
            if found is None:
                continue
            line, names = found
            returns = (fn.returns or "void").removeprefix("setof ")
            leaks = returns not in _NO_VALUE
            addresses = bool(names) and all(_ADDRESS_NAME.search(n) for n in names)
            who = " and ".join(sorted(roles))
            source = grant_source(ctx.after, fn, roles)
            what = (
                "can return the secret to the caller"
                if leaks
                else "lets the caller make it act with the secret"
            )
            yield self.finding(
                ctx.path,
                stmt.line,
                f"`{format_qualname(fn.qualname)}` is SECURITY DEFINER, reads "
                f"vault.decrypted_secrets{_where(fn, ctx.path, line)} and is executable by {who} "
                f"over /rest/v1/rpc through {source}: it {what}.",
                f"Move it to a schema the API does not expose, or `revoke execute on function "
                f"{format_qualname(fn.qualname)} from public, anon, authenticated;` and call it "
                "only from triggers, cron or the service role.",
                severity=(
                    Severity.MEDIUM if addresses else Severity.CRITICAL if leaks else Severity.HIGH
                ),
            )


def _where(fn: Function, path: str, line: int) -> str:
    """`` (line N)`` when the body read is in the reviewed file, else nothing."""
    return f" (line {line})" if fn.origin is not None and fn.origin.path == path else ""
