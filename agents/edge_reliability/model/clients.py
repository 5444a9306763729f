"""Supabase clients of an Edge Function: which exist, with which key, for whom.

Direct ``createClient(url, key, options)`` calls, clients made by helper
functions (``createSupabaseClient(req)``, local or in ``_shared``) and
ready-made clients imported from ``_shared`` modules.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import tree_sitter as ts

from agents.edge_reliability.model.function import EdgeFunctionModel, KeyKind, SupabaseClient
from agents.edge_reliability.model.http import echoes_first_argument
from agents.edge_reliability.model.imports import declaring_module
from agents.ts.parse import (
    ParsedTs,
    arguments,
    dotted,
    node_text,
    parse_ts,
    string_value,
    unwrap,
    walk,
)
from agents.ts.syntax import is_module_scope, returned_expressions

SERVICE_ROLE = re.compile(r"service[_-]?role|sb_secret|SECRET_KEY", re.I)
ANON = re.compile(r"anon|publishable", re.I)
SUPABASE_FACTORIES = frozenset({"createClient", "createServerClient", "createBrowserClient"})

ClientShape = tuple[KeyKind, bool]
"""(key kind, forwards the caller's Authorization) of a client a helper makes."""
ModelBuilder = Callable[[ParsedTs], EdgeFunctionModel]
"""``build_model`` without ``read_shared``, handed in to model an imported module."""


def collect_clients(model: EdgeFunctionModel) -> None:
    """Direct ``createClient(...)`` calls, with the variable each is assigned to.

    Also under a local alias of supabase-js's factory
    (``import { createClient as createClientBase } from "@supabase/supabase-js"``).
    """
    factories = {"createClient"} | _factory_aliases(model)
    for call in model.calls():
        if model.name_of(call) not in factories:
            continue
        args = arguments(call)
        parent = call.parent
        while parent is not None and parent.type in ("non_null_expression", "as_expression"):
            parent = parent.parent
        name = ""
        if parent is not None and parent.type == "variable_declarator":
            target = parent.child_by_field_name("name")
            name = node_text(target) if target is not None and target.type == "identifier" else ""
        elif parent is not None and parent.type == "assignment_expression":
            name = dotted(parent.child_by_field_name("left"))
        model.clients.append(
            SupabaseClient(
                name=name,
                call=call,
                key=_key_kind(model, args[1] if len(args) > 1 else None),
                forwards_caller_auth=_forwards_auth(args[2] if len(args) > 2 else None),
                module_scope=is_module_scope(call),
            )
        )


def _factory_aliases(model: EdgeFunctionModel) -> set[str]:
    """Local names of supabase-js's ``createClient`` (and ``@supabase/ssr``'s factories)."""
    aliases: set[str] = set()
    for imp in model.parsed.of_type("import_statement"):
        source = string_value(imp.child_by_field_name("source")) or ""
        if "@supabase/" not in source:
            continue
        for spec in walk(imp):
            if spec.type != "import_specifier":
                continue
            original = node_text(spec.child_by_field_name("name"))
            if original in SUPABASE_FACTORIES:
                aliases.add(
                    node_text(spec.child_by_field_name("alias") or spec.child_by_field_name("name"))
                )
    return aliases


def collect_indirect_clients(model: EdgeFunctionModel, build: ModelBuilder) -> None:
    """Clients made by helper functions (local or ``_shared``) or imported ready-made.

    ``const supabase = createSupabaseClient(req)`` and
    ``import { supabaseAdmin } from "../_shared/admin.ts"`` are Supabase
    clients as much as a direct ``createClient`` call.
    """
    factories = _client_factories(model)
    instances: dict[str, tuple[ts.Node, ClientShape]] = {}
    base_dir = posixpath.dirname(model.parsed.path)
    for imp in model.parsed.of_type("import_statement"):
        source = string_value(imp.child_by_field_name("source")) or ""
        if not source.startswith("."):
            continue
        resolved = posixpath.normpath(posixpath.join(base_dir, source))
        text = model.shared_texts.get(resolved)
        if text is None:
            continue
        exports = _shared_exports(resolved, text, build)
        for spec in walk(imp):
            if spec.type != "import_specifier":
                continue
            original = node_text(spec.child_by_field_name("name"))
            local = node_text(spec.child_by_field_name("alias") or spec.child_by_field_name("name"))
            if original not in exports.names:
                # a barrel module: `export { x } from "./x.ts"`
                declared = declaring_module(_reader(model), resolved, original)
                if declared is None:
                    continue
                path, text_x, original = declared
                model.shared_texts.setdefault(path, text_x)
                exports = _shared_exports(path, text_x, build)
            if original in exports.factories:
                factories.setdefault(local, exports.factories[original])
            if original in exports.instances:
                instances[local] = (spec, exports.instances[original])
            if original in exports.response_builders:
                model.imported_response_builders.add(local)
    known = {c.name for c in model.clients if c.name}
    for local, (spec, (key, forwards)) in instances.items():
        if local not in known:
            model.clients.append(SupabaseClient(local, spec, key, forwards, module_scope=True))
            known.add(local)
    if not factories:
        return
    for node in model.parsed.of_type("variable_declarator", "assignment_expression"):
        if node.type == "variable_declarator":
            target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        else:
            target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
        value = unwrap(value)
        if value is not None and value.type == "await_expression":
            value = unwrap(value.named_children[0] if value.named_children else None)
        target = unwrap(target)
        if (
            target is None
            or target.type != "identifier"
            or value is None
            or value.type != "call_expression"
        ):
            continue
        shape = factories.get(model.name_of(value))
        name = node_text(target)
        if shape is None or name in known:
            continue
        model.clients.append(
            SupabaseClient(name, value, shape[0], shape[1], module_scope=is_module_scope(value))
        )
        known.add(name)


def _key_kind(model: EdgeFunctionModel, key: ts.Node | None, depth: int = 0) -> KeyKind:
    key = unwrap(key)
    if key is None or depth > 3:
        return "unknown"
    text = node_text(key)
    if key.type == "identifier" and text in model.values:
        inner = _key_kind(model, model.values[text], depth + 1)
        if inner != "unknown":
            return inner
    if SERVICE_ROLE.search(text):
        return "service_role"
    if ANON.search(text):
        return "anon"
    return "unknown"


def _forwards_auth(options: ts.Node | None) -> bool:
    options = unwrap(options)
    if options is None:
        return False
    for node in walk(options):
        if node.type == "pair":
            key = node.child_by_field_name("key")
            name = (string_value(key) if key is not None else None) or node_text(key)
            if name.lower() == "authorization":
                return True
        if node.type == "shorthand_property_identifier" and node_text(node).lower() == (
            "authorization"
        ):
            return True
    return False


@dataclass(frozen=True)
class _SharedExports:
    """What a ``_shared`` module offers: client instances, client factories, response helpers."""

    instances: dict[str, ClientShape]
    factories: dict[str, ClientShape]
    response_builders: frozenset[str]
    names: frozenset[str]
    """Every function and variable the module declares."""


def _client_factories(model: EdgeFunctionModel) -> dict[str, ClientShape]:
    """Functions of ``model`` that create (or return) a Supabase client, with its shape.

    ``function createSupabaseClient(req) { return createClient(url, anonKey, {...}) }``
    or ``const getAdmin = () => admin``.  A function creating clients of
    different kinds is left out (which one it returns depends on its arguments).
    """
    factories: dict[str, ClientShape] = {}
    instances = {c.name: (c.key, c.forwards_caller_auth) for c in model.clients if c.name}
    for fname, fn in model.local_functions.items():
        shapes = {
            (c.key, c.forwards_caller_auth)
            for c in model.clients
            if fn.start_byte <= c.call.start_byte and c.call.end_byte <= fn.end_byte
        }
        if not shapes:
            for returned in returned_expressions(fn):
                ret = unwrap(returned)
                if ret is not None and ret.type == "identifier" and node_text(ret) in instances:
                    shapes.add(instances[node_text(ret)])
        if len(shapes) == 1:
            factories[fname] = next(iter(shapes))
    return factories


@lru_cache(maxsize=64)
def _shared_exports(path: str, text: str, build: ModelBuilder) -> _SharedExports:
    """Memoised on (path, text): every function importing the module shares one parse."""
    shared = build(parse_ts(path, text))
    instances = {
        c.name: (c.key, c.forwards_caller_auth) for c in shared.clients if c.name and c.module_scope
    }
    builders = frozenset(
        name for name, fn in shared.local_functions.items() if echoes_first_argument(shared, fn)
    )
    names = frozenset(shared.local_functions) | frozenset(shared.values)
    return _SharedExports(instances, _client_factories(shared), builders, names)


def _reader(model: EdgeFunctionModel) -> Callable[[str], str | None]:
    read = model.read_shared
    return read if read is not None else model.shared_texts.get
