"""The ``/architect`` comment command.

A comment whose first line is ``/architect`` (optionally followed by
arguments) asks for a review now.  Arguments narrow it:

``rules-only``                          skip the LLM (deterministic rules only)
``rls`` / ``schema`` / ``edge`` (or the full specialist names)
                                        show only those specialists' findings
``inline``                              also post inline comments this time

Anything else is an error the bot answers with the usage line, so a typo is
not silently ignored.  The comment body is untrusted: it is only matched
against these fixed words, never echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.findings import Specialist

COMMAND = "/architect"

SPECIALIST_ALIASES: dict[str, Specialist] = {
    "rls": "rls_security",
    "rls_security": "rls_security",
    "rls-security": "rls_security",
    "security": "rls_security",
    "schema": "schema_performance",
    "perf": "schema_performance",
    "performance": "schema_performance",
    "schema_performance": "schema_performance",
    "schema-performance": "schema_performance",
    "edge": "edge_reliability",
    "edge_reliability": "edge_reliability",
    "edge-reliability": "edge_reliability",
}

USAGE = (
    "`/architect [rules-only] [inline] [rls|schema|edge ...]` — re-runs the review; "
    "`rules-only` skips the LLM, `inline` adds inline comments, a specialist name limits "
    "the review to that specialist."
)


@dataclass(frozen=True)
class Command:
    """A parsed ``/architect`` command."""

    specialists: tuple[Specialist, ...] = ()
    """Only these specialists' findings (empty = all)."""
    rules_only: bool = False
    inline: bool = False
    error: str | None = None
    """Why the arguments were not understood (then no review runs)."""


def is_command(body: str | None) -> bool:
    """True when the comment's first line is ``/architect`` or ``/architect <args>``."""
    if not body:
        return False
    first = body.lstrip().splitlines()[0] if body.strip() else ""
    return first == COMMAND or first.startswith(COMMAND + " ") or first.startswith(COMMAND + "\t")


def parse_command(body: str) -> Command:
    """Parse the first line of a comment known to satisfy :func:`is_command`."""
    first = body.lstrip().splitlines()[0]
    words = first[len(COMMAND) :].split()
    specialists: list[Specialist] = []
    rules_only = False
    inline = False
    unknown = 0
    for word in words:
        key = word.lower()
        if key in ("rules-only", "rules_only", "--rules-only", "no-llm", "--no-llm"):
            rules_only = True
        elif key in ("inline", "--inline"):
            inline = True
        elif key in SPECIALIST_ALIASES:
            name = SPECIALIST_ALIASES[key]
            if name not in specialists:
                specialists.append(name)
        else:
            unknown += 1
    error = f"{unknown} argument(s) not understood. Usage: {USAGE}" if unknown else None
    return Command(tuple(specialists), rules_only, inline, error)
