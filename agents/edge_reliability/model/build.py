"""Build the :class:`EdgeFunctionModel` of one parsed file: entry point, handler, the rest."""

from __future__ import annotations

from collections.abc import Callable

from agents.edge_reliability.model.clients import collect_clients, collect_indirect_clients
from agents.edge_reliability.model.cors import collect_imports_and_cors
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.model.taint import collect_taint
from agents.ts.parse import ParsedTs, arguments, node_text, object_property, unwrap
from agents.ts.syntax import FUNCTION_TYPES, declarations


def build_model(
    parsed: ParsedTs,
    read_shared: Callable[[str], str | None] | None = None,
    name: str | None = None,
) -> EdgeFunctionModel:
    """The model of one parsed file; ``read_shared`` reads imported files from the head tree.

    ``name`` is the function's name as its project knows it
    (:meth:`agents.projects.SupabaseProject.function_name`); without it, the
    default layout ``…/supabase/functions/<name>/…`` is assumed.
    """
    model = EdgeFunctionModel(parsed=parsed, name=name or default_function_name(parsed.path))
    model.read_shared = read_shared
    declared = declarations(parsed)
    model.values = declared.values
    model.local_functions = declared.functions
    _find_entry(model)
    collect_clients(model)
    collect_imports_and_cors(model, read_shared)
    collect_indirect_clients(model, _build_imported)
    collect_taint(model)
    return model


def default_function_name(path: str) -> str | None:
    """``<name>`` of ``[prefix/]supabase/functions/<name>/…``; None for ``_shared`` code."""
    parts = path.split("/")
    for i in range(len(parts) - 3, -1, -1):
        if parts[i] == "supabase" and parts[i + 1] == "functions":
            name = parts[i + 2]
            return None if name.startswith(("_", ".")) else name
    return None


def _build_imported(parsed: ParsedTs) -> EdgeFunctionModel:
    """The model of an imported ``_shared`` module (its own imports are not followed)."""
    return build_model(parsed)


def _find_entry(model: EdgeFunctionModel) -> None:
    for call in model.calls():
        name = model.name_of(call)
        if name not in ("Deno.serve", "serve"):
            continue
        handler = None
        for raw_arg in arguments(call):
            arg = unwrap(raw_arg)
            if arg is None:
                continue
            if arg.type == "call_expression":
                # a wrapper such as withCors(async (req) => ...)
                inner = [unwrap(a) for a in arguments(arg)]
                arg = next((a for a in inner if a is not None and a.type in FUNCTION_TYPES), arg)
            if arg.type in FUNCTION_TYPES:
                handler = arg
            elif arg.type == "identifier" and node_text(arg) in model.local_functions:
                handler = model.local_functions[node_text(arg)]
            elif arg.type == "object":
                value = object_property(arg, "handler") or object_property(arg, "fetch")
                value = unwrap(value)
                if value is not None and value.type in FUNCTION_TYPES:
                    handler = value
        model.entry = call
        model.handler = handler
        if handler is not None:
            params = handler.child_by_field_name("parameters")
            first = (
                params.named_children[0] if params is not None and params.named_children else None
            )
            if first is None and handler.child_by_field_name("parameter") is not None:
                first = handler.child_by_field_name("parameter")
            if first is not None:
                pattern = first.child_by_field_name("pattern") or first
                if pattern.type == "identifier":
                    model.request_param = node_text(pattern)
        return
