"""Recognise generated TypeScript (``supabase gen types`` output) so it is not judged as code.

The Supabase CLI writes one big ``Database`` type (``Tables``, ``Views``,
``Functions`` per schema) next to a ``Json`` union.  Such a file holds no
behaviour to review, names every table and column of the schema (so "is this
column still used?" must not count it as a use), and exercises corners of the
TypeScript grammar that tree-sitter gets wrong (a property named
``in_progress_size`` is read as the ``in`` operator) although ``tsc`` accepts
them.  Recognised from its top-level declarations, not from the file name:
projects call it ``database.types.ts``, ``db_types.ts``, ``supabase.ts``…
"""

from __future__ import annotations

from agents.ts.parse import ParsedTs, node_text

_TYPE_DECLARATIONS = frozenset(
    {"type_alias_declaration", "interface_declaration", "enum_declaration"}
)
_GENERATED_MARKERS = (b"@generated", b"auto-generated", b"DO NOT EDIT", b"do not edit")


def is_generated_types(parsed: ParsedTs) -> bool:
    """Whether ``parsed`` is ``supabase gen types`` output (or another generated type file)."""
    names: set[str] = set()
    for node in parsed.root.named_children:
        declaration = (
            node.named_children[-1]
            if node.type == "export_statement" and (node.named_children)
            else node
        )
        if declaration.type in _TYPE_DECLARATIONS:
            name = declaration.child_by_field_name("name")
            names.add(node_text(name))
    if {"Json", "Database"} <= names:
        return True  # the Supabase CLI's layout
    head = parsed.source[:400]
    return bool(names) and any(marker in head for marker in _GENERATED_MARKERS)
