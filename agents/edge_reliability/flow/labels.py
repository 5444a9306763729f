"""Origins: where a value came from, and which checks it passed on the way.

A value's *labels* are a frozenset of :class:`Origin`.  An origin names its
kind (caller-controlled data such as ``body``; the verified ``identity``; a
``client``; or a *carrier* such as the request object itself), the node
where it entered the code (for messages), the property path read from it
(``role`` of ``body.role``), and the *checks* it passed (a regex test, an
allow-list, a schema, a number conversion, a host check...).  Each sink
decides which checks neutralise it: an allow-list makes a value safe in a
filter string, but not as a row selector or as an authorisation claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

import tree_sitter as ts

from agents.ts.parse import line_of

Kind = Literal[
    "body",
    "query",
    "path",
    "header",
    "user_metadata",
    "unverified_jwt",
    "identity",
    "client",
    "request",
    "url",
    "router",
    "credential",
    "secret",
]
CALLER_KINDS: frozenset[str] = frozenset(
    {"body", "query", "path", "header", "user_metadata", "unverified_jwt"}
)
"""Kinds whose value the caller chooses."""

Check = Literal[
    "regex",
    "allow_list",
    "schema",
    "number",
    "boolean",
    "host",
    "host_fixed",
    "owned",
    "signed",
    "encoded",
    "selected",
]
INJECTION_SAFE: frozenset[str] = frozenset(
    {"regex", "allow_list", "schema", "number", "boolean", "signed", "selected"}
)
"""Checks after which a value cannot change a filter string or an SQL text."""

MAX_PATH = 4


@dataclass(frozen=True)
class Origin:
    """One place a value may come from."""

    kind: Kind
    node: ts.Node
    """Where the value entered (a node of the file under review; helpers re-anchor it)."""
    what: str
    """How a message names the source: ``req.json()``, ``the query string``."""
    path: tuple[str, ...] = ()
    """Properties read from the source value, outermost first (``("announcement", "title")``)."""
    checks: frozenset[str] = frozenset()
    via: str = ""
    """The helper the value came through (``claimsFrom()``), '' when direct."""

    @property
    def line(self) -> int:
        return line_of(self.node)

    @property
    def field(self) -> str:
        """The last property read (``role`` of ``body.role``), '' for the whole value."""
        return self.path[-1] if self.path else ""

    @property
    def caller(self) -> bool:
        return self.kind in CALLER_KINDS

    def key(self) -> tuple[str, int, tuple[str, ...]]:
        """Identity of an origin regardless of the checks it passed."""
        return (self.kind, self.node.id, self.path)


Labels = frozenset[Origin]
EMPTY: Labels = frozenset()


def union(*groups: Iterable[Origin]) -> Labels:
    out: set[Origin] = set()
    for group in groups:
        out.update(group)
    return frozenset(out)


def with_check(labels: Labels, check: str, kinds: frozenset[str] | None = None) -> Labels:
    """The same origins having passed ``check`` (only those of ``kinds``, when given)."""
    return frozenset(
        replace(o, checks=o.checks | {check}) if kinds is None or o.kind in kinds else o
        for o in labels
    )


def with_field(labels: Labels, name: str) -> Labels:
    """The origins of ``value.name``: same sources, one more property on the path."""
    return frozenset(
        replace(o, path=(*o.path, name)[-MAX_PATH:])
        if o.kind in CALLER_KINDS and "selected" not in o.checks
        else o
        for o in labels
    )


def caller(labels: Labels, neutral: frozenset[str] = frozenset()) -> list[Origin]:
    """Caller-controlled origins that passed none of the ``neutral`` checks, by line."""
    return sorted(
        (o for o in labels if o.caller and not (o.checks & neutral)),
        key=lambda o: (o.line, o.what),
    )


def of_kind(labels: Labels, *kinds: str) -> list[Origin]:
    return [o for o in labels if o.kind in kinds]


def describe(origin: Origin) -> str:
    """``req.json()`` (line 40), or ``callerId()`` (line 23) for a value from a helper."""
    where = f"{origin.what} (line {origin.line})"
    if origin.path and origin.caller:
        where = f"`{'.'.join(origin.path)}` from {where}"
    return f"{where} via {origin.via}" if origin.via else where


def reanchor(labels: Labels, node: ts.Node, via: str) -> Labels:
    """Origins created in another file, re-anchored at the call that brought them here."""
    out: set[Origin] = set()
    for o in labels:
        if o.kind == "client":
            out.add(o)
        else:
            out.add(Origin(o.kind, node, o.what, o.path, o.checks, o.via or via))
    return frozenset(out)


def query_result(receiver: Labels, args: list[Labels]) -> Labels:
    """Rows a query chain returns carry the values that selected them (``selected``).

    A link filtering by the verified identity alone ties every row to the
    caller, so the request values that selected them become ``owned``.
    """
    selected = with_check(union(*args), "selected")
    result = union(receiver, selected)
    if any(of_kind(arg, "identity") and not any(o.caller for o in arg) for arg in args):
        result = frozenset(
            Origin(o.kind, o.node, o.what, o.path, o.checks | {"owned"}, o.via) if o.caller else o
            for o in result
        )
    return result
