"""The :class:`EdgeFunctionModel` record: what one Edge Function file holds.

Filled by :func:`agents.edge_reliability.model.build.build_model`; the
questions that need more than a lookup (CORS, authentication, responses,
taint) are functions of the model in the sibling modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import tree_sitter as ts

from agents.ts.parse import ParsedTs, call_name, chain_root, line_of, node_text

Taint = Literal["body", "query", "header"]
KeyKind = Literal["service_role", "anon", "unknown"]


@dataclass(frozen=True)
class SupabaseClient:
    """One ``createClient(url, key, options)`` call and where its result lives."""

    name: str
    """Variable the client is assigned to ('' when not assigned)."""
    call: ts.Node
    key: KeyKind
    forwards_caller_auth: bool
    """Options carry the caller's ``Authorization`` header (a per-request client)."""
    module_scope: bool

    @property
    def line(self) -> int:
        return line_of(self.call)


@dataclass
class EdgeFunctionModel:
    """What one Edge Function source file does, as far as the syntax tree tells."""

    parsed: ParsedTs
    name: str | None
    """The function's folder name (``supabase/functions/<name>/``), None for shared code."""
    entry: ts.Node | None = None
    """The ``Deno.serve(...)`` / ``serve(...)`` call."""
    handler: ts.Node | None = None
    """The function node handling requests."""
    request_param: str | None = None
    clients: list[SupabaseClient] = field(default_factory=list)
    local_functions: dict[str, ts.Node] = field(default_factory=dict)
    values: dict[str, ts.Node] = field(default_factory=dict)
    """Initialisers of variables (``const x = <value>``), by name."""
    cors_names: set[str] = field(default_factory=set)
    """Identifiers known to hold CORS headers (imported from _shared or built here)."""
    tainted: dict[str, Taint] = field(default_factory=dict)
    """Variables holding request input, and where it came from."""
    shared_texts: dict[str, str] = field(default_factory=dict)
    """Imported ``_shared`` module texts, by resolved path."""
    imported_async: set[str] = field(default_factory=set)
    """Local names of ``async`` functions imported from relative modules (``_shared``)."""
    imported_response_builders: set[str] = field(default_factory=set)
    """Local names of functions imported from relative modules that build a Response."""
    read_shared: Callable[[str], str | None] | None = field(default=None, repr=False)
    """Reads other files of the head tree (imported ``_shared`` modules)."""
    flow: object | None = field(default=None, repr=False)
    """Data-flow facts, computed on first use (``agents.edge_reliability.flow.facts``)."""
    _call_names: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def root(self) -> ts.Node:
        return self.parsed.root

    def calls(self, node: ts.Node | None = None) -> Iterator[ts.Node]:
        """Every call expression under ``node`` (default the whole file)."""
        yield from self.parsed.of_type("call_expression", within=node)

    def name_of(self, call: ts.Node) -> str:
        """``call_name`` memoised per call node (rules ask it many times per call)."""
        key = call.id
        name = self._call_names.get(key)
        if name is None:
            name = call_name(call)
            self._call_names[key] = name
        return name

    def client_named(self, name: str) -> SupabaseClient | None:
        for client in self.clients:
            if client.name == name:
                return client
        return None

    def service_clients(self) -> list[SupabaseClient]:
        return [c for c in self.clients if c.key == "service_role"]

    def is_supabase_chain(self, call: ts.Node) -> SupabaseClient | None:
        """The client a call chain starts from, when it starts from a known client."""
        root = chain_root(call)
        if root is None:
            return None
        return self.client_named(node_text(root))

    def in_handler(self, node: ts.Node) -> bool:
        h = self.handler
        return h is not None and h.start_byte <= node.start_byte and node.end_byte <= h.end_byte
