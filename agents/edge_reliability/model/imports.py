"""Where an imported name is really declared: relative imports and barrel re-exports.

``import { createUnsecureClient } from "../_shared/supabase.ts"`` may name a
module that only re-exports it (``export { createUnsecureClient } from
"./supabase_client.ts"``); following that hop (a few at most) finds the
function the rules and the data flow need to read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import lru_cache

from agents.ts.parse import ParsedTs, node_text, parse_ts, string_value, walk
from agents.ts.syntax import declarations

MAX_HOPS = 3
Reader = Callable[[str], str | None]


def resolve(base_path: str, source: str) -> str:
    """The repository path a relative import ``source`` of ``base_path`` names."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_path), source))


def relative_imports(parsed: ParsedTs) -> dict[str, tuple[str, str]]:
    """Local name → (resolved module path, exported name) for relative named imports."""
    out: dict[str, tuple[str, str]] = {}
    for imp in parsed.of_type("import_statement"):
        source = string_value(imp.child_by_field_name("source")) or ""
        if not source.startswith("."):
            continue
        path = resolve(parsed.path, source)
        for spec in walk(imp):
            if spec.type == "import_specifier":
                original = node_text(spec.child_by_field_name("name"))
                alias = spec.child_by_field_name("alias")
                out[node_text(alias) if alias is not None else original] = (path, original)
    return out


def declaring_module(read: Reader, path: str, name: str) -> tuple[str, str, str] | None:
    """(path, text, name) of the module that declares ``name`` exported from ``path``."""
    for _ in range(MAX_HOPS + 1):
        text = read(path)
        if text is None:
            return None
        parsed = parsed_module(path, text)
        declared = declarations(parsed)
        if name in declared.functions or name in declared.values:
            return path, text, name
        hop = _re_export(parsed, name)
        if hop is None:
            return None
        path, name = hop
    return None


@lru_cache(maxsize=128)
def parsed_module(path: str, text: str) -> ParsedTs:
    """One parse per (path, text) for every function importing the module."""
    return parse_ts(path, text)


def _re_export(parsed: ParsedTs, name: str) -> tuple[str, str] | None:
    """``export { name } from "./x.ts"`` (or ``export { orig as name }``) → (x path, orig)."""
    for stmt in parsed.of_type("export_statement"):
        source = string_value(stmt.child_by_field_name("source"))
        if not source or not source.startswith("."):
            continue
        for spec in walk(stmt):
            if spec.type != "export_specifier":
                continue
            original = node_text(spec.child_by_field_name("name"))
            alias = spec.child_by_field_name("alias")
            if (node_text(alias) if alias is not None else original) == name:
                return resolve(parsed.path, source), original
    return None
