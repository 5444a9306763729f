"""PERF020: a Supabase query issued once per item of a loop (N+1) in an Edge Function."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

import tree_sitter as ts

from agents.edge_reliability.flow.facts import FlowFacts, flow_facts
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.findings import Finding, Severity, Specialist
from agents.rules import Rule
from agents.ts.context import TsRuleContext
from agents.ts.parse import (
    arguments,
    chain_calls,
    chain_methods,
    chain_root,
    line_of,
    node_text,
    unwrap,
)
from agents.ts.syntax import FUNCTION_TYPES

_LOOPS = ("for_in_statement", "for_statement", "while_statement", "do_statement")
_ITERATING = frozenset({"map", "forEach", "flatMap", "reduce", "filter", "some", "every"})
_QUERY_ENTRY = frozenset({"from", "rpc"})
_CLIENT_NAME = re.compile(r"supabase|admin|client|^db$|^sb$", re.I)


class QueryInLoop(Rule[TsRuleContext]):
    """Flag Supabase queries issued per item inside a loop (N+1 round trips).

    ## What it does
    Reports the first ``.from(...)``/``.rpc(...)`` query inside a ``for``,
    ``for…of``, ``while`` loop or a ``.map``/``.forEach`` callback in an Edge
    Function, also when the loop calls a same-file helper that queries
    (``for (const item of items) await saveItem(item)``) and when the client
    reaches the query through a parameter or an alias (data flow).  Medium when
    the query is awaited one item at a time inside the request handler, low
    otherwise. Loops that are not per item stay silent:
    over a literal list (a fixed set of tables), striding in batches
    (``i += 500``), a few retries (``attempt < 3``) or paging with ``.range``.

    ## Why is this bad?
    Each iteration is a network round trip to PostgREST. A list of 100 items
    costs 100 sequential requests inside a function with a wall-clock limit
    (and a webhook sender's deadline); the database sees 100 statements where
    one ``.in(...)`` select or one multi-row ``insert``/``upsert`` would do.

    ## Example
    ```ts
    for (const item of items) {
      const { data } = await supabase.from("products").select("id").eq("sku", item.sku).single();
    }
    ```

    ## Use instead
    ```ts
    const { data: products } = await supabase
      .from("products").select("id, sku").in("sku", items.map((i) => i.sku));
    ```

    ## References
    - https://supabase.com/docs/reference/javascript/using-filters#in
    - https://supabase.com/docs/reference/javascript/upsert
    """

    code = "PERF020"
    name = "query-in-loop"
    severity = Severity.LOW
    specialist: ClassVar[Specialist] = "schema_performance"
    severity_reason = "Latency grows with the list; medium when awaited one by one in a handler."

    def check(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        covered: set[int] = set()
        for body, kind in _loop_bodies(ctx):
            queries = [
                q
                for q in _queries(model, body)
                if q.start_byte not in covered and "range" not in chain_methods(q)
            ]
            if not queries:
                continue
            for q in _queries(model, body):
                covered.add(q.start_byte)
            first = queries[0]
            sequential = kind == "loop" and _awaited_in(first, body)
            severity = Severity.MEDIUM if sequential and model.in_handler(first) else Severity.LOW
            count = len(queries)
            helper = "" if chain_methods(first) else f" (through `{model.name_of(first)}()`)"
            yield self.finding(
                ctx.path,
                line_of(first),
                f"{count} Supabase quer{'y' if count == 1 else 'ies'}{helper} run once per item "
                + ("of this loop, awaited one after another" if sequential else "of this loop")
                + ": N items cost N round trips (N+1).",
                "Fetch all rows at once with `.in(column, ids)` and write with one multi-row "
                "`insert`/`upsert`, then match items in memory.",
                severity=severity,
            )


def _loop_bodies(ctx: TsRuleContext) -> Iterator[tuple[ts.Node, str]]:
    """Bodies run once per item of a collection (not per attempt, batch or fixed name)."""
    values = ctx.model.values
    for node in ctx.parsed.of_type(*_LOOPS, "call_expression"):
        if node.type in _LOOPS:
            if node.type == "for_in_statement" and _constant_list(
                node.child_by_field_name("right"), values
            ):
                continue  # for (const table of ["a", "b"]): a fixed set, not N items
            if node.type == "for_statement" and not _steps_through_items(node):
                continue
            body = node.child_by_field_name("body")
            if body is not None:
                yield body, "loop"
        elif node.type == "call_expression":
            fn = unwrap(node.child_by_field_name("function"))
            if fn is None or fn.type != "member_expression":
                continue
            if node_text(fn.child_by_field_name("property")) not in _ITERATING:
                continue
            if _constant_list(fn.child_by_field_name("object"), values):
                continue
            args = arguments(node)
            callback = unwrap(args[0]) if args else None
            if callback is not None and callback.type in FUNCTION_TYPES:
                body = callback.child_by_field_name("body")
                if body is not None:
                    yield body, "callback"


def _queries(model: EdgeFunctionModel, body: ts.Node, depth: int = 0) -> list[ts.Node]:
    """Query chains run by ``body``, and calls of same-file helpers that run one.

    A chain counts when it starts from a known Supabase client: one the model
    knows by name, one the data flow saw reach the chain (a client passed to a
    helper as a parameter, an alias), or a variable named like a client.  A call
    ``await saveItem(item)`` of a local function whose body queries is the
    query, seen from the loop (one level).
    """
    facts = flow_facts(model)
    found: list[ts.Node] = []
    for node in model.parsed.of_type("call_expression", within=body):
        parent = node.parent
        if parent is not None and parent.type == "member_expression":
            continue  # only the outermost call of a chain
        methods = chain_methods(node)
        if methods and methods[0] in _QUERY_ENTRY:
            root = chain_root(node)
            if root is not None and _is_client(model, facts, node, node_text(root)):
                found.append(node)
            continue
        helper = model.local_functions.get(model.name_of(node))
        helper_body = helper.child_by_field_name("body") if helper is not None else None
        if depth == 0 and helper_body is not None and _queries(model, helper_body, depth + 1):
            found.append(node)
    found.sort(key=lambda n: n.start_byte)
    return found


def _is_client(model: EdgeFunctionModel, facts: FlowFacts, chain: ts.Node, name: str) -> bool:
    if model.client_named(name) is not None or _CLIENT_NAME.search(name):
        return True
    links = chain_calls(chain)
    first = facts.call(links[-1]) if links else None
    return first is not None and any(o.kind == "client" for o in first.receiver)


def _awaited_in(call: ts.Node, body: ts.Node) -> bool:
    current = call.parent
    while current is not None and current != body:
        if current.type == "await_expression":
            return True
        if current.type in FUNCTION_TYPES:
            return False
        current = current.parent
    return False


_UNIT_STEP = re.compile(r"^(\+\+\w+|\w+\+\+|--\w+|\w+--|\w+\s*[+-]=\s*1)$")
_SMALL_BOUND = re.compile(r"[<>]=?\s*(\d+)\s*$")
MAX_FIXED_ITERATIONS = 10
"""A ``for`` bounded by a literal up to this (``attempt < 3``) is a retry, not N items."""


def _constant_list(node: ts.Node | None, values: dict[str, ts.Node]) -> bool:
    """An array literal (``["a", "b"] as const``), directly or through a ``const``."""
    node = unwrap(node)
    if node is not None and node.type == "identifier":
        value = values.get(node_text(node))
        declaration = value.parent.parent if value is not None and value.parent else None
        if declaration is None or not node_text(declaration).startswith("const"):
            return False  # a `let` list may be refilled from the request
        node = unwrap(value)
    while node is not None and node.type in ("as_expression", "satisfies_expression"):
        node = unwrap(node.named_children[0] if node.named_children else None)
    return node is not None and node.type == "array" and node.named_child_count > 0


def _steps_through_items(loop: ts.Node) -> bool:
    """Whether a C-style ``for`` visits items one by one.

    Not when it strides in batches (``i += 500`` with ``slice``) or counts a
    few attempts against a small literal (``attempt < 3``).
    """
    increment = loop.child_by_field_name("increment")
    if increment is not None and not _UNIT_STEP.match(node_text(increment).strip()):
        return False
    condition = node_text(loop.child_by_field_name("condition")).rstrip(";").strip()
    bound = _SMALL_BOUND.search(condition)
    return not (bound and int(bound.group(1)) <= MAX_FIXED_ITERATIONS)
