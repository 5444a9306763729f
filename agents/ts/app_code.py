"""The repository's application code, and which of its files query a Data API object.

Rules about the database sometimes need to know who uses an object: a column
dropped while the front end still selects it, RLS enabled on a table the
Edge Functions read, a new table nobody granted that the app already queries.
"Uses" means a supabase-js query chain on the object (:mod:`agents.ts.supabase_js`),
never a word in the text.
"""

from __future__ import annotations

from functools import partial

from agents.changes import Tree, Workspace
from agents.ts.supabase_js import is_code_path, references

CODE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".astro", ".svelte", ".vue", ".py")


def code_files(tree: Tree) -> list[str]:
    """Application source files of a tree (Edge Functions, front end, scripts)."""
    return [
        p
        for p in tree.list_files("")
        if p.endswith(CODE_SUFFIXES) and "node_modules/" not in p and "/dist/" not in f"/{p}"
    ]


def files_querying(
    ws: Workspace, side: str, table: str, column: str | None = None, rpc: bool = False
) -> list[str]:
    """Application files of one side of the PR that query ``table`` (and ``column``) or call
    the RPC ``table``, read from supabase-js chains (:mod:`agents.ts.supabase_js`).

    A cheap text filter (the name as a string literal) picks the files worth parsing.
    """
    tree = ws.head if side == "head" else ws.base
    paths = ws.cached(f"app-code:{side}", lambda: code_files(tree))
    found: list[str] = []
    for path in paths:
        if not is_code_path(path):
            continue
        text = tree.read_text(path)
        if not text or not any(q + table + q in text for q in ("'", '"', "`")):
            continue
        refs = ws.cached(f"supabase-js:{side}:{path}", partial(references, path, text))
        if rpc:
            hit = table in refs.rpcs
        else:
            hit = table in refs.columns and (column is None or column in refs.columns[table])
        if hit:
            found.append(path)
    return found
