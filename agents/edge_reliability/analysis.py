"""Questions several edge_reliability rules ask about a function.

Kept apart from the rules so that "is this function called from browsers?",
"is this variable an error?" or "is this call inside a try block?" get one
answer everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from agents.changes import Workspace
from agents.edge_reliability.model.cors import references_cors
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.model.http import echoes_first_argument, responses
from agents.ts.context import TsRuleContext
from agents.ts.parse import (
    arguments,
    chain_methods,
    node_text,
    string_value,
    unwrap,
)
from agents.ts.syntax import FUNCTION_TYPES, is_async_function

FRONTEND_SUFFIXES = (".astro", ".tsx", ".jsx", ".vue", ".svelte", ".html", ".ts", ".js", ".mjs")
MAX_FRONTEND_FILES = 400
"""Front-end files read when looking for ``functions.invoke`` (bounds the cost on big repos)."""
ERROR_NAME = re.compile(r"^(err|error|e|ex|exc|exception)$|(Error|Err)$")
SUPABASE_ENTRY_METHODS = frozenset({"from", "rpc", "schema", "storage", "functions", "auth"})
WRITE_METHODS = frozenset({"insert", "update", "upsert", "delete"})
STORAGE_WRITES = frozenset({"upload", "remove", "move", "copy", "update"})
HANDLED_CHAIN = frozenset({"then", "catch", "finally"})


def frontend_invokes(workspace: Workspace, function_name: str) -> bool:
    """Whether application code of the head tree calls this function by name.

    Looks for ``functions.invoke("<name>"`` and ``/functions/v1/<name>`` in
    files outside every Supabase project's functions folder (front ends,
    scripts, apps of a monorepo); the result is cached per review.
    """

    def scan() -> frozenset[str]:
        names: set[str] = set()
        pattern = re.compile(
            r"functions\s*\.\s*invoke\s*(?:<[^>]*>)?\s*\(\s*[\"'`]([\w-]+)|/functions/v1/([\w-]+)"
        )
        function_dirs = tuple(f"{p.functions_dir}/" for p in workspace.projects)
        candidates = [
            path
            for path in workspace.head.list_files()
            if path.endswith(FRONTEND_SUFFIXES)
            and not path.startswith(("supabase/", "node_modules/", "."))
            and not path.startswith(function_dirs)
            and "/node_modules/" not in path
        ]
        for path in candidates[:MAX_FRONTEND_FILES]:
            text = workspace.head.read_text(path) or ""
            for m in pattern.finditer(text):
                names.add(m.group(1) or m.group(2))
        return frozenset(names)

    return function_name in workspace.cached("edge:frontend-invocations", scan)


def is_webhook(model: EdgeFunctionModel) -> bool:
    """Whether the function is called server-to-server (signature-checked webhook, cron)."""
    for call in model.calls():
        name = model.name_of(call)
        if re.search(r"constructEvent|verifySignature|verifyWebhook|Webhook\b", name):
            return True
        if name.endswith("headers.get"):
            args = arguments(call)
            key = (string_value(args[0]) if args else "") or ""
            if re.search(r"signature|webhook", key, re.I):
                return True
    return bool(model.name and re.search(r"webhook|cron|hook$", model.name, re.I))


def browser_called(ctx: TsRuleContext) -> bool:
    """Whether there is evidence that browsers call this function (so CORS matters).

    Evidence: the function already sends CORS headers somewhere (it was meant
    for browsers), or application code in the repository invokes it by name
    (``supabase.functions.invoke("<name>")``, ``fetch(".../functions/v1/<name>")``).
    Using the caller's JWT is not evidence: ``pg_net`` triggers, cron jobs,
    webhooks, mobile apps and other servers send JWTs too and never preflight.
    A signed webhook is browser-called only when the front end invokes it by name.
    """
    model = ctx.model
    name = model.name

    def invoked() -> bool:
        return name is not None and frontend_invokes(ctx.workspace, name)

    if is_webhook(model):
        return invoked()
    return references_cors(model) or invoked()


def error_variables(model: EdgeFunctionModel) -> tuple[set[str], set[str]]:
    """Names bound to internal errors, and names bound to mere validation errors.

    Internal: catch parameters and ``error`` fields of Supabase results.
    Validation (benign to echo): ``error`` of a ``safeParse`` result and the
    parameter of a catch whose try block only parses the request.
    """
    names: set[str] = set()
    benign: set[str] = set()
    for node in model.parsed.of_type(
        "catch_clause", "pair_pattern", "shorthand_property_identifier_pattern"
    ):
        if node.type == "catch_clause":
            param = node.child_by_field_name("parameter")
            if param is not None and param.type == "identifier":
                target = benign if _parse_only_try(model, node) else names
                target.add(node_text(param))
            continue
        if node.type == "pair_pattern":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if node_text(key) != "error" or value is None or value.type != "identifier":
                continue
            name = node_text(value)
        elif node_text(node) == "error":
            name = "error"
        else:
            continue
        (benign if _from_safe_parse(model, node) else names).add(name)
    return names - benign, benign


def _parse_only_try(model: EdgeFunctionModel, catch: ts.Node) -> bool:
    """Whether the try block of ``catch`` only reads and validates the request body."""
    try_stmt = catch.parent
    body = try_stmt.child_by_field_name("body") if try_stmt is not None else None
    if body is None:
        return False
    req = model.request_param
    for call in model.calls(body):
        name = model.name_of(call)
        if name == f"{req}.json" or name.endswith((".parse", ".parseAsync", "JSON.parse")):
            continue
        if model.is_supabase_chain(call) is not None or name in ("fetch", "globalThis.fetch"):
            return False
        if local_async_call(model, call):
            return False
        parent = call.parent
        if parent is not None and parent.type == "await_expression":
            return False  # some other awaited work can fail with an internal error
    return True


def _from_safe_parse(model: EdgeFunctionModel, node: ts.Node) -> bool:
    current = node.parent
    while current is not None and current.type not in ("variable_declarator", "statement_block"):
        current = current.parent
    if current is None or current.type != "variable_declarator":
        return False
    value = unwrap(current.child_by_field_name("value"))
    return (
        value is not None
        and value.type == "call_expression"
        and model.name_of(value).endswith(("safeParse", "safeParseAsync"))
    )


def is_error_name(name: str, known: set[str], benign: set[str] | None = None) -> bool:
    """Whether ``name`` holds an internal error (known, or named like one and not benign)."""
    if benign is not None and name in benign:
        return False
    return name in known or bool(ERROR_NAME.search(name))


def response_builders(model: EdgeFunctionModel) -> set[str]:
    """Functions that answer their first argument (``json(body, status)`` helpers).

    Local ones, and ones imported from ``_shared`` (``jsonResponse``); not
    helpers that answer a fixed message (``handleError(err)``).
    """
    builders: set[str] = set(model.imported_response_builders)
    for name, fn in model.local_functions.items():
        if echoes_first_argument(model, fn):
            builders.add(name)
    return builders


def response_bodies(model: EdgeFunctionModel) -> Iterator[tuple[ts.Node, ts.Node]]:
    """(response expression, body expression) for every response the code sends.

    Covers ``new Response(body)``, ``Response.json(body)`` outside helpers, and
    calls of local helpers that build responses (``json({ error }, 500)``).
    """
    builders = response_builders(model)
    helper_nodes = [model.local_functions[b] for b in builders if b in model.local_functions]
    for site in responses(model):
        inside_helper = any(
            h.start_byte <= site.node.start_byte and site.node.end_byte <= h.end_byte
            for h in helper_nodes
        )
        if site.body is not None and not inside_helper:
            yield site.node, site.body
    for call in model.calls():
        if model.name_of(call) in builders:
            args = arguments(call)
            if args:
                yield call, args[0]


def in_try_block(node: ts.Node, stop: ts.Node | None) -> bool:
    """Whether ``node`` sits in the body of a ``try`` (below ``stop``)."""
    child = node
    current = node.parent
    while current is not None and current != stop:
        if current.type == "try_statement" and current.child_by_field_name("body") == child:
            return True
        if current.type in FUNCTION_TYPES and current != stop:
            return False
        child = current
        current = current.parent
    return False


def promise_handled_by_chain(call: ts.Node) -> bool:
    """Whether a call's promise is chained with ``.catch``/``.then``/``.finally``."""
    parent = call.parent
    if parent is not None and parent.type == "member_expression":
        prop = node_text(parent.child_by_field_name("property"))
        return prop in HANDLED_CHAIN
    return False


def supabase_call_kind(model: EdgeFunctionModel, expr: ts.Node) -> str | None:
    """'write', 'read', 'rpc', 'storage-write', 'other' for a Supabase call chain, else None."""
    expr_u = unwrap(expr)
    if expr_u is None or expr_u.type != "call_expression":
        return None
    client = model.is_supabase_chain(expr_u)
    methods = chain_methods(expr_u)
    if client is None or not methods or methods[0] not in SUPABASE_ENTRY_METHODS:
        return None
    if methods[0] == "storage" and STORAGE_WRITES & set(methods[1:]):
        return "storage-write"
    if WRITE_METHODS & set(methods):
        return "write"
    if methods[0] == "rpc":
        return "rpc"
    if "select" in methods:
        return "read"
    return "other"


def local_async_call(model: EdgeFunctionModel, expr: ts.Node) -> bool:
    """Whether ``expr`` calls an ``async`` function declared in this file."""
    expr_u = unwrap(expr)
    if expr_u is None or expr_u.type != "call_expression":
        return False
    name = model.name_of(expr_u)
    if name in model.imported_async:
        return True
    fn = model.local_functions.get(name)
    return fn is not None and is_async_function(fn)
