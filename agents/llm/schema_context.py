"""The part of the schema a batch of changed files touches, as short text for Claude.

Rules judge a migration against the whole migration history; Claude should
too, within reason.  This takes the catalogue after the PR of each
Supabase project the batch's files belong to (the SQL specialists'
:func:`agents.sql.analysis.analyse`, once per review through
``Workspace.cached``) and describes only the tables whose names appear in the
changed lines: columns, RLS state, policies (predicates deparsed by pglast)
and indexes.  When the SQL layer is missing or a migration cannot be
modelled, the request simply goes without this section.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from agents.changes import ChangedFile, Workspace

log = logging.getLogger(__name__)

MAX_TABLES = 12
MAX_CHARS = 6_000
_CONST_TYPES = {
    "ival": "Integer",
    "fval": "Float",
    "boolval": "Boolean",
    "sval": "String",
    "bsval": "BitString",
}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _head_catalogs(files: Sequence[ChangedFile], workspace: Workspace) -> list[Any]:
    """The catalogues after the PR of the projects ``files`` belong to (each once).

    Prefers the SQL specialists' shared analysis (``agents.sql.analysis``,
    already computed and cached by the time the LLM runs); replays the head
    migrations itself only when that module is absent.
    """
    try:
        from agents.sql.analysis import analyse
    except ImportError:
        return [c for c in (_replay_head(workspace, files),) if c is not None]
    analyses = analyse(workspace)
    out: list[Any] = []
    for f in files:
        found = analyses.for_path(f.path)
        if found is not None and all(found.after is not c for c in out):
            out.append(found.after)
    return out


def _replay_head(workspace: Workspace, files: Sequence[ChangedFile]) -> Any:
    """The catalogue after every head migration of the first project ``files`` touch."""
    try:
        from agents.sql.parse import parse_sql
        from agents.sql.replay import builtin_catalog, replay
    except ImportError:
        return None
    project = next(
        (p for p in (workspace.project_for(f.path) for f in files) if p is not None), None
    )
    if project is None:
        return None
    catalog = builtin_catalog()
    listed = [p for d in project.migration_dirs for p in workspace.head.list_files(d + "/")]
    for path in project.migrations_in(listed):
        text = workspace.head.read_text(path)
        if text is None:
            continue
        parsed = parse_sql(path, text)
        if parsed.error is None:
            replay(catalog, parsed)
    return catalog


def deparse(node: Any) -> str:
    """SQL text of a pglast JSON AST expression (``?`` when pglast cannot print it)."""
    from pglast import ast
    from pglast.stream import RawStream

    def build(x: Any) -> Any:
        if isinstance(x, dict):
            if len(x) == 1 and "A_Const" in x:
                return _const(x["A_Const"])
            if len(x) == 1:
                ((kind, fields),) = x.items()
                if isinstance(fields, dict) and kind[:1].isupper() and hasattr(ast, kind):
                    return getattr(ast, kind)(**{k: build(v) for k, v in fields.items()})
            return {k: build(v) for k, v in x.items()}
        if isinstance(x, list):
            return tuple(build(i) for i in x)
        return x

    def _const(fields: dict[str, Any]) -> Any:
        # JSON gives {"ival": {"ival": 1}}; the ast wants A_Const(val=Integer(ival=1)).
        for key, value in fields.items():
            if key in _CONST_TYPES and isinstance(value, dict):
                return ast.A_Const(val=getattr(ast, _CONST_TYPES[key])(**value))
        return ast.A_Const(isnull=True)

    try:
        return str(RawStream()(build(node)))
    except (ValueError, TypeError, AttributeError, KeyError):
        return "?"


def _words(files: Sequence[ChangedFile], workspace: Workspace) -> set[str]:
    out: set[str] = set()
    for f in files:
        text = f.head_text if f.head_text is not None else workspace.head.read_text(f.path)
        if text is None:
            continue
        lines = text.splitlines()
        for n in f.added_lines:
            if 1 <= n <= len(lines):
                out.update(w.lower() for w in _IDENT.findall(lines[n - 1]))
    return out


def describe_table(catalog: Any, table: Any) -> list[str]:
    """A few lines about one table: columns, RLS, policies, indexes."""
    cols = ", ".join(
        f"{c.name} {c.type_name}{'[]' if c.array else ''}{'' if c.nullable else ' not null'}"
        for c in table.columns.values()
    )
    rls = "RLS enabled" if table.rls_enabled else "RLS NOT enabled"
    out = [f"- table {table.schema}.{table.name} ({rls}): {cols}"]
    for fk in table.foreign_keys:
        ref = f"{fk.ref_table[0]}.{fk.ref_table[1]}({', '.join(fk.ref_columns)})"
        out.append(f"  foreign key ({', '.join(fk.columns)}) -> {ref}")
    for pol in catalog.policies_on(table.qualname):
        parts = [f"  policy {pol.name!r} for {pol.command} to {', '.join(pol.roles)}"]
        if pol.using is not None:
            parts.append(f"using ({deparse(pol.using)})")
        if pol.with_check is not None:
            parts.append(f"with check ({deparse(pol.with_check)})")
        out.append(" ".join(parts))
    for idx in catalog.indexes_on(table.qualname):
        cols_ = ", ".join(c or "(expr)" for c in idx.columns)
        out.append(f"  index {idx.name or '?'} ({cols_}){' unique' if idx.unique else ''}")
    return out


def schema_context(files: Sequence[ChangedFile], workspace: Workspace) -> str | None:
    """Description of the tables the changed lines name, or None."""
    words = _words(files, workspace)
    if not words:
        return None
    key = "llm.head_catalogs:" + "\0".join(sorted(f.path for f in files))
    catalogs = workspace.cached(key, lambda: _head_catalogs(files, workspace))
    lines: list[str] = []
    count = 0
    for catalog in catalogs:
        for (schema, name), t in sorted(catalog.tables.items()):
            if name in words and schema not in ("auth", "storage") and count < MAX_TABLES:
                lines.extend(describe_table(catalog, t))
                count += 1
    if not lines:
        return None
    text = "\n".join(lines)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS] + "\n  ..."
