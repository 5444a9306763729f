"""EDGE016: request input reaches a PostgREST filter string unsanitised."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.flow.facts import Query, flow_facts
from agents.edge_reliability.flow.labels import INJECTION_SAFE, Origin, caller, describe
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, line_of, node_text, object_property, unwrap
from agents.ts.supabase_js import COMPARISON_FILTERS


class UnvalidatedInputInFilter(EdgeRule):
    """Flag request input that reaches a raw PostgREST filter string without a sanitiser.

    ## What it does
    Follows values from the request (body, query string, path, headers) through
    variables, destructuring, templates, string methods, ternaries and helpers
    into the raw parts of a Supabase query: the string of ``.or()``, the value of
    ``.not()``, the query of ``.textSearch()`` without a ``type`` (raw
    ``to_tsquery``), and, on a service-role client, the column and operator of
    ``.filter()``/``.not()`` and the column name of any filter.  Silent when the
    value passed a sanitiser first:
    schema validation (zod/valibot ``parse``, ``safeParse`` data), a regex
    ``test`` or allow-list check whose failure returns, or a number conversion.
    A truthiness or ``typeof`` test is not a sanitiser.  High on a service-role
    client, medium on a client that carries the caller's JWT.

    ## Why is this bad?
    PostgREST filter strings are a small language: a value containing ``,``,
    ``.`` or ``)`` adds conditions of the caller's choosing, and a column name
    chosen by the caller filters on columns the select list hides (an oracle).
    On a service-role client (RLS bypassed) that widens the query to other
    users' rows; elsewhere it still lets the caller reshape it, and malformed
    input becomes a 500.

    ## Example
    ```ts
    const term = (params.get("q") ?? "").trim();
    await admin.from("docs").select().or(`is_public.eq.true,title.ilike.%${term}%`);
    ```

    ## Use instead
    ```ts
    const term = (params.get("q") ?? "").trim();
    if (!/^[\\w\\s-]{1,50}$/.test(term)) return new Response("bad query", { status: 400 });
    await admin.from("docs").select().or(`is_public.eq.true,title.ilike.%${term}%`);
    ```

    ## References
    - https://supabase.com/docs/reference/javascript/or
    - https://postgrest.org/en/stable/references/api/tables_views.html#logical-operators
    """

    code = "EDGE016"
    whole_function = True
    name = "unvalidated-input-in-filter"
    severity = Severity.MEDIUM
    severity_reason = (
        "The caller reshapes the query; high when a service-role client (RLS bypassed) runs it."
    )

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        facts = flow_facts(ctx.model)
        reported: set[int] = set()
        for query in facts.queries():
            for link in query.links:
                if link is None:
                    continue
                method, args = _method(link.node), arguments(link.node)
                for position in _raw_positions(method, args, query.service_role):
                    arg = args[position]
                    origins = caller(facts.of(arg), INJECTION_SAFE)
                    if not origins or line_of(arg) in reported:
                        continue
                    reported.add(line_of(arg))
                    yield self._finding(ctx, query, method, arg, origins[0], position)
                    break

    def _finding(
        self,
        ctx: TsRuleContext,
        query: Query,
        method: str,
        arg: ts.Node,
        origin: Origin,
        position: int,
    ) -> Finding:
        service = query.service_role
        if method == "textSearch" and position == 1:
            part = "the raw (to_tsquery) search of"
        elif method == "or" or (method == "not" and position == 2):
            part = "the filter string of"
        elif position == 1:
            part = "the operator of"
        else:
            part = "the column of"
        client = "a service-role client (RLS bypassed)" if service else "the caller's client"
        shown = _short(arg)
        quoted = shown == origin.field or "`" in shown
        as_arg = "" if quoted else f" as `{shown}`"
        return self.finding(
            ctx.path,
            line_of(arg),
            f"{describe(origin)} reaches {part} `.{method}()` on {client} (line {line_of(arg)})"
            f"{as_arg} with no sanitiser: the caller can add filter conditions or filter on "
            "columns of its choosing.",
            "Validate first (a schema, an allow-list, or a regex test that returns 400), use "
            "`.eq()`/`.ilike()` with a fixed column (they quote the value), or "
            "`textSearch(col, q, { type: 'websearch' })`.",
            severity=Severity.HIGH if service else Severity.MEDIUM,
        )


def _raw_positions(method: str, args: list[ts.Node], service: bool) -> list[int]:
    """Argument positions PostgREST reads as syntax, not as a quoted value.

    Column and operator positions count on a service-role client only: there a
    caller-chosen column is an oracle over data RLS would hide; on the caller's
    own client RLS still bounds what the column can reveal.
    """
    positions: tuple[int, ...] = ()
    if method == "or":
        positions = (0,)
    elif method == "not":
        positions = (0, 1, 2) if service else (2,)
    elif method == "filter":
        positions = (0, 1) if service else ()
    elif method == "textSearch":
        options = unwrap(args[2]) if len(args) > 2 else None
        raw = options is None or object_property(options, "type") is None
        positions = ((0,) if service else ()) + ((1,) if raw else ())
    elif method in COMPARISON_FILTERS and service:
        positions = (0,)
    return [i for i in positions if i < len(args)]


def _method(call: ts.Node) -> str:
    fn = unwrap(call.child_by_field_name("function"))
    if fn is None or fn.type != "member_expression":
        return ""
    return node_text(fn.child_by_field_name("property"))


def _short(node: ts.Node) -> str:
    text = " ".join(node_text(node).split())
    return text if len(text) <= 40 else text[:37] + "..."
