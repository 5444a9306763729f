"""EDGE009: a service-role query whose rows are chosen by the request (IDOR)."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.access import owner_name, selector_name, unsigned_webhook_write
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.flow.facts import FlowFacts, Query, flow_facts
from agents.edge_reliability.flow.labels import Labels, Origin, caller, describe, of_kind
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, line_of, node_text, string_value, unwrap

ROW_FILTERS = frozenset({"eq", "in", "match", "filter", "contains", "is"})
READ_RPC_PREFIXES = ("get_", "list_", "search_", "find_", "fetch_", "count_", "read_", "select_")
_SAFE = frozenset({"owned", "signed"})
_DB_WEBHOOK = frozenset({"record", "old_record"})


class ServiceRoleTrustsRequestIdentity(EdgeRule):
    """Flag a service-role query whose row selector comes from the request, unowned.

    ## What it does
    Follows request values (body, query string, path, headers, ``user_metadata``,
    claims of a JWT decoded without verification) into the row selectors of a
    service-role query: the id-like column filters of ``select``/``update``/
    ``delete`` (``.eq("project_id", projectId)``, ``.match({...})``), the
    conflict key of ``upsert``, and id-like arguments of ``rpc``.  Silent when
    the query is also filtered by the verified user's id (``auth.getUser``,
    ``getClaims``, ``jwtVerify``), when an ownership lookup keyed by that id and
    the value was checked on the same path (``if (!membership) return 403``),
    or after an authorisation check on the verified identity
    (``app_metadata.role``).  Critical for writes and RPCs, high for reads.

    ## Why is this bad?
    The service role bypasses RLS, and authentication is not authorisation:
    any caller (with the public anon key, or any signed-in user) can pass
    another user's, project's or wallet's id and read or change its rows.

    ## Example
    ```ts
    const { projectId } = await req.json();
    await admin.from("events").delete().eq("project_id", projectId);
    ```

    ## Use instead
    ```ts
    const { data: { user } } = await admin.auth.getUser(token);
    const { data: member } = await admin.from("project_members").select("role")
      .eq("project_id", projectId).eq("user_id", user.id).maybeSingle();
    if (!member) return Response.json({ error: "Forbidden" }, { status: 403 });
    await admin.from("events").delete().eq("project_id", projectId);
    ```

    ## References
    - https://supabase.com/docs/guides/functions/auth
    - https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
    """

    code = "EDGE009"
    whole_function = True
    name = "service-role-trusts-request-identity"
    severity = Severity.CRITICAL
    severity_reason = (
        "Any caller can change other users' rows with RLS bypassed; high when it only reads them."
    )

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        facts = flow_facts(ctx.model)
        webhook = unsigned_webhook_write(ctx)
        by_origin: dict[tuple[str, int, tuple[str, ...]], list[tuple[Query, ts.Node, str]]] = {}
        first: dict[tuple[str, int, tuple[str, ...]], Origin] = {}
        for query in facts.queries():
            if not query.service_role or query.fact.authorised:
                continue
            if webhook is not None and webhook.fact.node == query.fact.node:
                continue  # EDGE020 reports the unsigned webhook write
            hit = _selector(facts, ctx, query)
            if hit is None:
                continue
            node, column, origin = hit
            by_origin.setdefault(origin.key(), []).append((query, node, column))
            first.setdefault(origin.key(), origin)
        for key, hits in by_origin.items():
            yield self._finding(ctx, hits, first[key])

    def _finding(
        self, ctx: TsRuleContext, hits: list[tuple[Query, ts.Node, str]], origin: Origin
    ) -> Finding:
        """One finding per request value, at its first query, as severe as its worst use."""
        query, node, column = hits[0]
        write = any(_writes(q) for q, _, _ in hits)
        action = next((m for m in query.methods if m in ("update", "delete", "upsert")), None)
        action = action or ("rpc" if query.methods[0] == "rpc" else "select")
        target = f"`{query.table}`" if query.table else "the database"
        others = sorted({line_of(n) for _, n, _ in hits[1:]} - {line_of(node)})
        plural = len(others) > 1
        also = (
            f" (and the quer{'ies' if plural else 'y'} at line{'s' if plural else ''} "
            + ", ".join(str(n) for n in others)
            + ")"
            if others
            else ""
        )
        return self.finding(
            ctx.path,
            line_of(node),
            f"{describe(origin)} selects the rows (`{column}`) of a service-role `.{action}()` "
            f"on {target} (line {line_of(node)}){also} with no ownership check and no filter on "
            "the verified user's id: any caller can act on other users' rows (RLS is bypassed).",
            "Tie the query to the caller: filter by the verified `user.id` too, check membership "
            "or ownership first (and return 403), or use a client with the caller's JWT so RLS "
            "applies.",
            severity=Severity.CRITICAL if write else Severity.HIGH,
        )


def _writes(query: Query) -> bool:
    if query.methods[0] == "rpc":
        name = query.table or ""
        return not name.startswith(READ_RPC_PREFIXES)
    return bool({"update", "delete", "upsert", "insert"} & set(query.methods))


def _selector(
    facts: FlowFacts, ctx: TsRuleContext, query: Query
) -> tuple[ts.Node, str, Origin] | None:
    """The first request-controlled row selector of ``query``, unless it is tied to the caller."""
    hits: list[tuple[ts.Node, str, Origin]] = []
    tied = False
    for link in query.links:
        if link is None:
            continue
        method = _method(link.node)
        args = arguments(link.node)
        pairs: list[tuple[str, ts.Node]] = []
        if method in ROW_FILTERS and len(args) >= 2:
            column = string_value(args[0]) or ""
            pairs.append((column, args[-1] if method == "filter" else args[1]))
        elif method == "match" and args:
            pairs.extend(_pairs(ctx, args[0]))
        elif method == "upsert" and args:
            keys = _conflict_keys(args[1] if len(args) > 1 else None)
            row = _pairs(ctx, args[0])
            pairs.extend((k, v) for k, v in row if k in keys or (not keys and selector_name(k)))
        elif method == "insert" and args:
            # a row written on behalf of someone else: forged ownership
            pairs.extend((k, v) for k, v in _pairs(ctx, args[0]) if owner_name(k))
        elif method == "rpc" and len(args) >= 2:
            pairs.extend(
                (k, v)
                for k, v in _pairs(ctx, args[1])
                if selector_name(k) or selector_name(_last(v))
            )
        for column, value in pairs:
            labels: Labels = facts.of(value)
            if method != "rpc" and of_kind(labels, "identity") and not caller(labels):
                tied = True
            if method not in ("rpc", "upsert", "insert") and not selector_name(column):
                continue
            origins = [o for o in caller(labels, _SAFE) if not (_DB_WEBHOOK & set(o.path))]
            if origins:
                inside = link.node.start_byte <= value.start_byte < link.node.end_byte
                hits.append(
                    (value if inside else args[-1 if method != "upsert" else 0], column, origins[0])
                )
    if tied or not hits:
        return None
    return hits[0]


def _pairs(ctx: TsRuleContext, arg: ts.Node) -> list[tuple[str, ts.Node]]:
    """(key, value node) of an object literal argument, or of the literal a variable holds."""
    node = unwrap(arg)
    if node is not None and node.type == "identifier":
        node = unwrap(ctx.model.values.get(node_text(node)))
    if node is None or node.type != "object":
        return []
    out: list[tuple[str, ts.Node]] = []
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if value is not None:
                out.append((string_value(key) or node_text(key), value))
        elif child.type == "shorthand_property_identifier":
            out.append((node_text(child), child))
    return out


def _conflict_keys(options: ts.Node | None) -> set[str]:
    """``onConflict`` columns; empty when not given (the primary key, unknown here)."""
    node = unwrap(options)
    if node is not None and node.type == "object":
        for child in node.named_children:
            if child.type == "pair" and node_text(child.child_by_field_name("key")) == "onConflict":
                value = string_value(child.child_by_field_name("value")) or ""
                return {c.strip() for c in value.split(",") if c.strip()}
    return set()


def _last(value: ts.Node) -> str:
    node = unwrap(value)
    if node is None:
        return ""
    if node.type == "member_expression":
        return node_text(node.child_by_field_name("property"))
    return node_text(node) if node.type == "identifier" else ""


def _method(call: ts.Node) -> str:
    fn = unwrap(call.child_by_field_name("function"))
    if fn is None or fn.type != "member_expression":
        return ""
    return node_text(fn.child_by_field_name("property"))
