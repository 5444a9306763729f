"""The data flow of one Edge Function, computed once and shared by the rules.

:func:`flow_facts` interprets the request handler (``Deno.serve`` callback,
or each route callback of a Hono/Oak app) and returns a :class:`FlowFacts`:
the origins of every expression evaluated and every call made, with helpers
for the questions rules ask (which Supabase client a chain uses, which
arguments of a call the caller controls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import tree_sitter as ts

from agents.edge_reliability.flow.engine import Interpreter
from agents.edge_reliability.flow.labels import EMPTY, Labels, Origin, of_kind
from agents.edge_reliability.flow.state import CallFact, Scope
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.model.imports import (
    declaring_module,
    parsed_module,
    relative_imports,
)
from agents.ts.parse import (
    ParsedTs,
    arguments,
    chain_calls,
    chain_methods,
    node_text,
    string_value,
    unwrap,
)
from agents.ts.syntax import FUNCTION_TYPES, declarations

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all", "on", "options"})
QUERY_ENTRY = frozenset({"from", "rpc"})


@dataclass
class FlowFacts:
    """What the interpreter learned about one function file."""

    labels: dict[int, Labels] = field(default_factory=dict)
    calls: list[CallFact] = field(default_factory=list)
    guards: list[tuple[ts.Node, bool]] = field(default_factory=list)
    _by_id: dict[int, CallFact] = field(default_factory=dict)

    def of(self, node: ts.Node | None) -> Labels:
        """The origins of an expression the handler evaluated (empty when never reached)."""
        return self.labels.get(node.id, EMPTY) if node is not None else EMPTY

    def call(self, node: ts.Node) -> CallFact | None:
        if not self._by_id:
            self._by_id = {c.node.id: c for c in self.calls}
        return self._by_id.get(node.id)

    def queries(self) -> list[Query]:
        """Supabase query chains (``client.from(...)…``, ``client.rpc(...)``), outermost calls."""
        out: list[Query] = []
        for fact in self.calls:
            node = fact.node
            parent = node.parent
            if parent is not None and parent.type == "member_expression":
                continue  # not the outermost call of its chain
            links = list(reversed(chain_calls(node)))
            if not links:
                continue
            first = self.call(links[0])
            client = _client(first.receiver if first is not None else EMPTY)
            methods = chain_methods(node)
            if client is None or not methods or methods[0] not in QUERY_ENTRY:
                continue
            out.append(Query(fact, client, [self.call(link) for link in links], methods))
        return out


@dataclass(frozen=True)
class Query:
    """One Supabase query chain as the handler runs it."""

    fact: CallFact
    """The outermost call of the chain."""
    client: Origin
    """The client origin (``what`` is the variable, ``path[0]`` the key kind)."""
    links: list[CallFact | None]
    """Calls of the chain from the first (``from``/``rpc``) to the last."""
    methods: list[str]

    @property
    def service_role(self) -> bool:
        return self.client.what.startswith("service_role:")

    @property
    def table(self) -> str | None:
        first = self.links[0] if self.links else None
        if first is None:
            return None
        args = arguments(first.node)
        return string_value(args[0]) if args else None

    def link(self, method: str) -> list[CallFact]:
        return [f for f in self.links if f is not None and _method(f.node) == method]


def flow_facts(model: EdgeFunctionModel) -> FlowFacts:
    """The data flow of ``model``'s request handlers (memoised on the model)."""
    cached = model.flow
    if isinstance(cached, FlowFacts):
        return cached
    facts = _analyse(model)
    model.flow = facts
    return facts


def _analyse(model: EdgeFunctionModel) -> FlowFacts:
    scope = _scope_of(model)
    interp = Interpreter(scope)
    handler = model.handler
    if handler is not None:
        param = _first_param(handler)
        labels = frozenset({Origin("request", param or handler, "the request")})
        interp.run(handler, [labels])
    for callback in _route_callbacks(model):
        param = _first_param(callback)
        labels = frozenset({Origin("router", param or callback, "the request")})
        interp.run(callback, [labels])
    return FlowFacts(labels=interp.labels, calls=interp.calls, guards=interp.guards)


def _scope_of(model: EdgeFunctionModel) -> Scope:
    clients = {
        c.name: frozenset({Origin("client", c.call, f"{c.key}:{c.name}", (c.key,))})
        for c in model.clients
        if c.name
    }
    imports = relative_imports(model.parsed)

    read = model.read_shared or model.shared_texts.get

    def imported(name: str) -> tuple[Scope, ts.Node] | None:
        target = imports.get(name)
        if target is None:
            return None
        declared = declaring_module(read, *target)
        if declared is None:
            return None
        path, text, original = declared
        shared = _shared_scope(path, text)
        fn = shared.functions.get(original)
        return (shared, fn) if fn is not None else None

    by_call = {
        c.call.id: frozenset({Origin("client", c.call, f"{c.key}:{c.name}", (c.key,))})
        for c in model.clients
    }
    return Scope(model.parsed, model.values, model.local_functions, imported, clients, by_call)


@lru_cache(maxsize=64)
def _shared_scope(path: str, text: str) -> Scope:
    """A ``_shared`` module as a scope (its own imports are not followed)."""
    parsed: ParsedTs = parsed_module(path, text)
    declared = declarations(parsed)
    return Scope(parsed, declared.values, declared.functions, lambda _name: None, {})


def _route_callbacks(model: EdgeFunctionModel) -> list[ts.Node]:
    """Route handlers of a Hono/Oak app: ``app.post("/path", async (c) => …)``."""
    if model.handler is not None:
        return []
    found: list[ts.Node] = []
    for call in model.calls():
        fn = unwrap(call.child_by_field_name("function"))
        if fn is None or fn.type != "member_expression":
            continue
        if node_text(fn.child_by_field_name("property")) not in ROUTE_METHODS:
            continue
        args = arguments(call)
        path = string_value(args[0]) if args else None
        if path is None or not path.startswith("/"):
            continue
        last = unwrap(args[-1])
        if last is not None and last.type in FUNCTION_TYPES:
            found.append(last)
    return found


def _first_param(fn: ts.Node) -> ts.Node | None:
    params = fn.child_by_field_name("parameters")
    if params is not None and params.named_children:
        first = params.named_children[0]
        return first.child_by_field_name("pattern") or first
    return fn.child_by_field_name("parameter")


def _client(labels: Labels) -> Origin | None:
    clients = of_kind(labels, "client")
    return (
        clients[0]
        if len(clients) == 1
        else (
            next((c for c in clients if c.what.startswith("service_role:")), None)
            if clients
            else None
        )
    )


def _method(call: ts.Node) -> str:
    fn = unwrap(call.child_by_field_name("function"))
    if fn is None or fn.type != "member_expression":
        return ""
    return node_text(fn.child_by_field_name("property"))
