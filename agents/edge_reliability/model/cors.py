"""CORS in an Edge Function: which names hold CORS headers, and the ``OPTIONS`` preflight."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

import tree_sitter as ts

from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.ts.parse import node_text, string_value, unwrap, walk
from agents.ts.syntax import async_function_names

CORS_ORIGIN = "access-control-allow-origin"


def handles_options(model: EdgeFunctionModel) -> bool:
    """Whether the code answers the ``OPTIONS`` preflight (directly or via a CORS helper)."""
    for node in model.parsed.of_type("string", "call_expression"):
        if node.type == "string" and string_value(node) == "OPTIONS":
            parent = node.parent
            if parent is not None and parent.type in ("binary_expression", "switch_case"):
                return True
            if parent is not None and parent.type == "arguments":
                # e.g. ["GET", "OPTIONS"].includes(req.method) or app.options(...)
                return True
            if parent is not None and parent.type == "array":
                return True
        if node.type == "call_expression":
            name = model.name_of(node).lower()
            if "cors" in name or "preflight" in name or name.endswith(".options"):
                return True
    return False


def references_cors(model: EdgeFunctionModel) -> bool:
    """Whether the code sends CORS headers anywhere (so it is meant for browsers)."""
    if model.cors_names:
        return True
    if any("cors" in model.name_of(c).lower() for c in model.calls()):
        return True  # a CORS middleware or helper (hono's cors(), withCors(...))
    return any(
        node.type == "string" and (string_value(node) or "").lower() == CORS_ORIGIN
        for node in model.parsed.of_type("string")
    )


def has_cors_headers(model: EdgeFunctionModel, headers: ts.Node | None) -> bool | None:
    """Whether a ``headers`` value carries the CORS headers (None: cannot tell)."""
    headers = unwrap(headers)
    if headers is None:
        return False
    if headers.type == "identifier":
        name = node_text(headers)
        if name in model.cors_names:
            return True
        value = model.values.get(name)
        if value is not None and value.type == "object":
            return has_cors_headers(model, value)
        return None
    if headers.type == "member_expression":
        return True if "cors" in node_text(headers).lower() else None
    if headers.type == "object":
        unknown_spread = False
        for child in headers.named_children:
            if child.type == "spread_element":
                inner = child.named_children[0] if child.named_children else None
                verdict = has_cors_headers(model, inner)
                if verdict:
                    return True
                if verdict is None:
                    unknown_spread = True
            elif child.type == "pair":
                key = child.child_by_field_name("key")
                key_name = (string_value(key) if key is not None else None) or node_text(key)
                if key_name.lower() == CORS_ORIGIN:
                    return True
        return None if unknown_spread else False
    if headers.type == "call_expression" and "cors" in model.name_of(headers).lower():
        return True
    return None


def collect_imports_and_cors(
    model: EdgeFunctionModel, read_shared: Callable[[str], str | None] | None
) -> None:
    """Read relative imports (``_shared`` texts, async helpers) and find CORS header names."""
    base_dir = posixpath.dirname(model.parsed.path)
    for imp in model.parsed.of_type("import_statement"):
        source = string_value(imp.child_by_field_name("source")) or ""
        if not source.startswith("."):
            continue
        resolved = posixpath.normpath(posixpath.join(base_dir, source))
        text = read_shared(resolved) if read_shared is not None else None
        if text is not None:
            model.shared_texts[resolved] = text
        module_has_cors = text is not None and CORS_ORIGIN in text.lower()
        exported_async = async_function_names(resolved, text) if text is not None else frozenset()
        for spec in walk(imp):
            if spec.type != "import_specifier":
                continue
            original = node_text(spec.child_by_field_name("name")).lower()
            local = node_text(spec.child_by_field_name("alias") or spec.child_by_field_name("name"))
            if node_text(spec.child_by_field_name("name")) in exported_async:
                model.imported_async.add(local)
            if (
                "cors" in original
                or "cors" in local.lower()
                or (module_has_cors and "header" in original)
            ):
                model.cors_names.add(local)
    # local objects holding CORS headers, directly or by spreading a known one
    for _ in range(3):
        for name, value in model.values.items():
            inner = unwrap(value)
            if (
                name not in model.cors_names
                and inner is not None
                and inner.type == "object"
                and has_cors_headers(model, inner)
            ):
                model.cors_names.add(name)
