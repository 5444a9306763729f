"""EDGE021: request input interpolated into SQL text run on a direct database connection."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.flow.facts import flow_facts
from agents.edge_reliability.flow.labels import INJECTION_SAFE, caller, describe
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import call_name, line_of, node_text, unwrap

SQL_METHODS = frozenset({"query", "queryObject", "queryArray", "unsafe", "execute"})
SQL_CONSTRUCTORS = frozenset({"Pool", "Client"})
SQL_FACTORIES = frozenset({"postgres", "neon", "connect"})
_SQL_NAME = re.compile(r"^(pool|client|db|conn|connection|sql|tx|pg|pgClient|database)$", re.I)


class RawSqlInterpolated(EdgeRule):
    """Flag SQL text built from request input and run with ``pg``/``postgres``/deno-postgres.

    ## What it does
    Follows request values (body, query string, path, headers) through
    variables, templates and helpers into the SQL text of ``pool.query(text)``,
    ``client.queryObject(text)`` or postgres.js ``sql.unsafe(text)`` on a
    direct database connection.  Values sent as parameters (``$1`` with a
    values array) or through postgres.js tagged templates (``sql`…${x}…```)
    are not text and stay silent, as do values that passed a sanitiser
    (allow-list, regex test, schema, number conversion).

    ## Why is this bad?
    A direct connection usually logs in as ``postgres`` (no RLS).  Text from
    the caller ends the string literal and appends ``union select … from
    auth.users`` or a second statement: the whole database is readable and
    writable by whoever calls the function.

    ## Example
    ```ts
    const { from } = await req.json();
    await pool.query(`select * from orders where created_at >= '${from}'`);
    ```

    ## Use instead
    ```ts
    const { from } = await req.json();
    await pool.query("select * from orders where created_at >= $1", [from]);
    ```

    ## References
    - https://node-postgres.com/features/queries#parameterized-query
    - https://github.com/porsager/postgres#unsafe-raw-string-queries
    - https://owasp.org/www-community/attacks/SQL_Injection
    """

    code = "EDGE021"
    whole_function = True
    name = "raw-sql-interpolated"
    severity = Severity.CRITICAL
    severity_reason = "The caller can read or change any table, with RLS bypassed."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        reported: set[int] = set()
        for call in flow_facts(model).calls:
            fn = unwrap(call.node.child_by_field_name("function"))
            if fn is None or fn.type != "member_expression" or not call.args:
                continue
            if node_text(fn.child_by_field_name("property")) not in SQL_METHODS:
                continue
            if not _sql_client(ctx, node_text(fn.child_by_field_name("object"))):
                continue
            origins = caller(call.args[0], INJECTION_SAFE)
            line = line_of(call.anchor)
            if not origins or line in reported:
                continue
            reported.add(line)
            through = f" (the text is built by {call.via})" if call.via else ""
            yield self.finding(
                ctx.path,
                line,
                f"{describe(origins[0])} is interpolated into the SQL text of "
                f"`{node_text(fn)}()`{through}: the caller can end the literal and run its own "
                "SQL on a direct connection (no RLS).",
                "Send values as parameters (`$1` with a values array, or a postgres.js tagged "
                "template); pick identifiers (columns, `date_trunc` units) from an allow-list.",
            )


def _sql_client(ctx: TsRuleContext, receiver: str) -> bool:
    """Whether ``receiver`` is a direct database client (pg Pool/Client, postgres.js, …)."""
    if ctx.model.client_named(receiver) is not None:
        return False  # a Supabase client's .query is not SQL
    value = ctx.model.values.get(receiver)
    if value is not None and _sql_client_value(value):
        return True
    return bool(_SQL_NAME.match(receiver)) and any(
        _sql_client_value(v) for v in ctx.model.values.values()
    )


def _sql_client_value(value: ts.Node) -> bool:
    """``new pg.Pool(...)``, ``new Client(...)``, ``postgres(url)``, ``await pool.connect()``."""
    node = unwrap(value)
    while node is not None and node.type == "await_expression":
        node = unwrap(node.named_children[0] if node.named_children else None)
    if node is None:
        return False
    if node.type == "new_expression":
        ctor = node_text(node.child_by_field_name("constructor"))
        return ctor.rsplit(".", 1)[-1] in SQL_CONSTRUCTORS
    if node.type == "call_expression":
        return call_name(node).rsplit(".", 1)[-1] in SQL_FACTORIES
    return False
