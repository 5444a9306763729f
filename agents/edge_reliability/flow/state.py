"""The interpreter's state: the file being read, the functions on the stack, one frame's names.

Kept apart from :mod:`.engine` so that rules and :mod:`.facts` can name these
records (:class:`CallFact` above all) without importing the interpreter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import tree_sitter as ts

from agents.edge_reliability.flow.labels import Labels, Origin, union
from agents.ts.parse import ParsedTs


@dataclass(frozen=True)
class Scope:
    """One file as the interpreter sees it: its tree, top-level values and functions."""

    parsed: ParsedTs
    values: dict[str, ts.Node]
    functions: dict[str, ts.Node]
    imported: Callable[[str], tuple[Scope, ts.Node] | None]
    """A function imported from a relative module, by local name: its scope and node."""
    clients: dict[str, Labels]
    """Origins of the file's Supabase clients, by variable name."""
    client_calls: dict[int, Labels] = field(default_factory=dict)
    """The same origins by the id of the call that creates each client."""


@dataclass
class CallFact:
    """One call the interpreter evaluated, with the origins of what it was given."""

    node: ts.Node
    name: str
    receiver: Labels
    args: list[Labels]
    anchor: ts.Node
    """Where a finding about this call goes in the reviewed file (the call, or the helper call)."""
    via: str
    authorised: bool
    """Whether an authorisation check on the verified identity passed before this call."""


@dataclass(frozen=True)
class Level:
    """One function on the interpreter's stack."""

    scope: Scope
    fn: ts.Node | None
    via: str
    """How messages name the helper chain (``claimsFrom()``)."""
    call: ts.Node | None
    """The call in the handler that entered this helper (None for the handler itself)."""


@dataclass
class Frame:
    """The state of one function being interpreted."""

    env: dict[str, Labels]
    returns: set[Origin] = field(default_factory=set)
    authorised: bool = False
    lookups: dict[str, ts.Node] = field(default_factory=dict)
    """Variables bound to the result of a call (``membership`` of a lookup query)."""

    def branch(self) -> Frame:
        """A copy for one branch (returns and lookups are shared)."""
        return Frame(dict(self.env), self.returns, self.authorised, self.lookups)


def join_envs(a: dict[str, Labels], b: dict[str, Labels]) -> dict[str, Labels]:
    out = dict(a)
    for key, value in b.items():
        out[key] = union(out[key], value) if key in out else value
    return out
