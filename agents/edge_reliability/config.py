"""A project's ``config.toml`` function settings: which functions turn ``verify_jwt`` off.

Values come from ``tomllib``; the line of each ``verify_jwt`` key is found by
scanning section headers, since tomllib does not report positions.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

_SECTION = re.compile(r"^\s*\[\s*functions\.(\"[^\"]+\"|'[^']+'|[A-Za-z0-9_-]+)\s*\]")
_ANY_SECTION = re.compile(r"^\s*\[")
_VERIFY = re.compile(r"^\s*verify_jwt\s*=")


@dataclass(frozen=True)
class FunctionSettings:
    """One ``[functions.<name>]`` table."""

    name: str
    verify_jwt: bool | None
    verify_jwt_line: int | None
    section_line: int | None


def function_settings(text: str) -> dict[str, FunctionSettings] | None:
    """Settings per function name, or None when the TOML does not parse."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    functions = data.get("functions")
    if not isinstance(functions, dict):
        return {}
    lines = _lines(text)
    out: dict[str, FunctionSettings] = {}
    for name, table in functions.items():
        if not isinstance(table, dict):
            continue
        value = table.get("verify_jwt")
        section, verify = lines.get(name, (None, None))
        out[name] = FunctionSettings(
            name=name,
            verify_jwt=value if isinstance(value, bool) else None,
            verify_jwt_line=verify,
            section_line=section,
        )
    return out


def _lines(text: str) -> dict[str, tuple[int | None, int | None]]:
    found: dict[str, tuple[int | None, int | None]] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = _SECTION.match(line)
        if m:
            current = m.group(1).strip("\"'")
            found[current] = (number, None)
            continue
        if _ANY_SECTION.match(line):
            current = None
            continue
        if current is not None and _VERIFY.match(line):
            found[current] = (found[current][0], number)
    return found
