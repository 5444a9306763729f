"""A small model of one Edge Function, built from its syntax tree.

Rules ask questions such as "which Supabase clients does this function create
and with which key?", "does the handler verify the caller's JWT?", "which
variables hold request input?" and "what status does this ``return`` send?".
Answering them once here keeps each rule short and keeps their answers
consistent.  The model is deliberately conservative: when something cannot be
resolved (a header object built elsewhere, a status held in a variable) it says
"unknown" (None) and rules stay silent rather than guess.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import tree_sitter as ts

from agents.ts.parse import (
    ParsedTs,
    arguments,
    call_name,
    callee_tail,
    chain_root,
    dotted,
    has_spread,
    line_of,
    node_text,
    object_property,
    parse_ts,
    string_value,
    unwrap,
    walk,
)

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)
CORS_ORIGIN = "access-control-allow-origin"
SECRET_ENV = re.compile(r"SERVICE_ROLE|SECRET|PRIVATE|PASSWORD|TOKEN|API_KEY|_KEY$", re.I)
SERVICE_ROLE = re.compile(r"service[_-]?role|sb_secret|SECRET_KEY", re.I)
ANON = re.compile(r"anon|publishable", re.I)
SIGNATURE_HINTS = re.compile(r"signature|webhook|secret|hmac|x-api-key|cron", re.I)
"""Header names that carry a webhook signature or a shared secret (not ``apikey``,
which supabase-js sends on every call)."""
VERIFY_CALL = re.compile(
    r"(^|\.)(getUser|getClaims|jwtVerify|verifyJwt|verifyJWT|verifyToken|verify|"
    r"constructEvent|constructEventAsync|timingSafeEqual|verifySignature|verifyWebhook)$"
)
IDENTITY_CALL = re.compile(r"(^|\.)(getUser|getClaims|jwtVerify|verifyJwt|verifyJWT|verifyToken)$")

UNVERIFIED_DECODE = re.compile(r"(^|\.)(decode|decodeJwt|jwtDecode|jwt_decode|decodeJWT)$")
RESPONSE_FACTORIES = ("Response.json", "Response.error")

Taint = Literal["body", "query", "header"]
KeyKind = Literal["service_role", "anon", "unknown"]


@dataclass(frozen=True)
class SupabaseClient:
    """One ``createClient(url, key, options)`` call and where its result lives."""

    name: str
    """Variable the client is assigned to ('' when not assigned)."""
    call: ts.Node
    key: KeyKind
    forwards_caller_auth: bool
    """Options carry the caller's ``Authorization`` header (a per-request client)."""
    module_scope: bool

    @property
    def line(self) -> int:
        return line_of(self.call)


@dataclass(frozen=True)
class ResponseSite:
    """A ``new Response(...)`` or ``Response.json(...)`` expression."""

    node: ts.Node
    body: ts.Node | None
    init: ts.Node | None


@dataclass
class EdgeFunctionModel:
    """What one Edge Function source file does, as far as the syntax tree tells."""

    parsed: ParsedTs
    name: str | None
    """The function's folder name (``supabase/functions/<name>/``), None for shared code."""
    entry: ts.Node | None = None
    """The ``Deno.serve(...)`` / ``serve(...)`` call."""
    handler: ts.Node | None = None
    """The function node handling requests."""
    request_param: str | None = None
    clients: list[SupabaseClient] = field(default_factory=list)
    local_functions: dict[str, ts.Node] = field(default_factory=dict)
    values: dict[str, ts.Node] = field(default_factory=dict)
    """Initialisers of variables (``const x = <value>``), by name."""
    cors_names: set[str] = field(default_factory=set)
    """Identifiers known to hold CORS headers (imported from _shared or built here)."""
    tainted: dict[str, Taint] = field(default_factory=dict)
    """Variables holding request input, and where it came from."""
    shared_texts: dict[str, str] = field(default_factory=dict)
    """Imported ``_shared`` module texts, by resolved path."""
    imported_async: set[str] = field(default_factory=set)
    """Local names of ``async`` functions imported from relative modules (``_shared``)."""
    imported_response_builders: set[str] = field(default_factory=set)
    """Local names of functions imported from relative modules that build a Response."""
    _call_names: dict[int, str] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ queries

    @property
    def root(self) -> ts.Node:
        return self.parsed.root

    def calls(self, node: ts.Node | None = None) -> Iterator[ts.Node]:
        """Every call expression under ``node`` (default the whole file)."""
        yield from self.parsed.of_type("call_expression", within=node)

    def name_of(self, call: ts.Node) -> str:
        """``call_name`` memoised per call node (rules ask it many times per call)."""
        key = call.id
        name = self._call_names.get(key)
        if name is None:
            name = call_name(call)
            self._call_names[key] = name
        return name

    def client_named(self, name: str) -> SupabaseClient | None:
        for client in self.clients:
            if client.name == name:
                return client
        return None

    def service_clients(self) -> list[SupabaseClient]:
        return [c for c in self.clients if c.key == "service_role"]

    def is_supabase_chain(self, call: ts.Node) -> SupabaseClient | None:
        """The client a call chain starts from, when it starts from a known client."""
        root = chain_root(call)
        if root is None:
            return None
        return self.client_named(node_text(root))

    def in_handler(self, node: ts.Node) -> bool:
        h = self.handler
        return h is not None and h.start_byte <= node.start_byte and node.end_byte <= h.end_byte

    def verifies_identity(self) -> bool:
        """Whether the file verifies the caller's JWT (``auth.getUser``, ``getClaims``, jose)."""
        return any(IDENTITY_CALL.search(self.name_of(c)) for c in self.calls()) or any(
            IDENTITY_CALL.search(t) for t in self._shared_call_names()
        )

    def authenticates_caller(self) -> bool:
        """Whether the file does any authentication of its own.

        JWT verification, a webhook signature check, a shared-secret header
        comparison or an HMAC: generous on purpose, since the rules using it
        claim that there is *no* authentication at all.
        """
        if self.verifies_identity():
            return True
        for call in self.calls():
            name = self.name_of(call)
            if VERIFY_CALL.search(name) or "hmac" in name.lower():
                return True
            if name.endswith("headers.get"):
                args = arguments(call)
                key = string_value(args[0]) if args else None
                if key and SIGNATURE_HINTS.search(key) and self._header_checked(call):
                    return True
        if self._compares_with_secret():
            return True
        return any(
            self.name_of(c) in ("crypto.subtle.verify", "crypto.subtle.sign") for c in self.calls()
        )

    def _header_checked(self, read: ts.Node) -> bool:
        """Whether a signature/secret header's value is used beyond a presence check.

        ``if (!signature) return 400`` and then parsing the body unverified
        authenticates nobody; passing the value to a verifier, comparing it
        with something or parsing it (``sig.split(",")``) is given the benefit
        of the doubt.
        """
        uses: list[ts.Node] = [read]
        parent = read.parent
        while parent is not None and parent.type in (
            "non_null_expression",
            "parenthesized_expression",
            "as_expression",
            "binary_expression",
        ):
            if parent.type == "binary_expression" and node_text(
                parent.child_by_field_name("operator")
            ) not in ("??", "||"):
                break
            parent = parent.parent
        if parent is not None and parent.type == "variable_declarator":
            target = parent.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                name = node_text(target)
                uses = [
                    n
                    for n in self.parsed.of_type("identifier")
                    if node_text(n) == name and n != target
                ]
        return any(not _presence_check(use) for use in uses)

    def _compares_with_secret(self) -> bool:
        """``req.headers.get(...) === Deno.env.get("CRON_SECRET")`` and the like."""
        secret_vars = {
            name for name, value in self.values.items() if _reads_secret_env(self, value)
        }
        for node in self.parsed.of_type("binary_expression"):
            operator = node.child_by_field_name("operator")
            if node_text(operator) not in ("===", "!==", "==", "!="):
                continue
            for side in (node.child_by_field_name("left"), node.child_by_field_name("right")):
                if side is None:
                    continue
                if _reads_secret_env(self, side):
                    return True
                if any(
                    n.type == "identifier" and node_text(n) in secret_vars
                    for n in self.parsed.subtree(side)
                ):
                    return True
        return False

    def handles_options(self) -> bool:
        """Whether the code answers the ``OPTIONS`` preflight (directly or via a CORS helper)."""
        for node in self.parsed.of_type("string", "call_expression"):
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
                name = self.name_of(node).lower()
                if "cors" in name or "preflight" in name or name.endswith(".options"):
                    return True
        return False

    def references_cors(self) -> bool:
        """Whether the code sends CORS headers anywhere (so it is meant for browsers)."""
        if self.cors_names:
            return True
        if any("cors" in self.name_of(c).lower() for c in self.calls()):
            return True  # a CORS middleware or helper (hono's cors(), withCors(...))
        return any(
            node.type == "string" and (string_value(node) or "").lower() == CORS_ORIGIN
            for node in self.parsed.of_type("string")
        )

    def responses(self, node: ts.Node | None = None) -> list[ResponseSite]:
        """``new Response(...)`` and ``Response.json(...)`` under ``node``."""
        sites: list[ResponseSite] = []
        for n in self.parsed.of_type("new_expression", "call_expression", within=node):
            is_new = n.type == "new_expression" and (
                node_text(n.child_by_field_name("constructor")) == "Response"
            )
            is_static = n.type == "call_expression" and self.name_of(n) in RESPONSE_FACTORIES
            if is_new or is_static:
                args = arguments(n)
                sites.append(
                    ResponseSite(n, args[0] if args else None, args[1] if len(args) > 1 else None)
                )
        return sites

    def has_cors_headers(self, headers: ts.Node | None) -> bool | None:
        """Whether a ``headers`` value carries the CORS headers (None: cannot tell)."""
        headers = unwrap(headers)
        if headers is None:
            return False
        if headers.type == "identifier":
            name = node_text(headers)
            if name in self.cors_names:
                return True
            value = self.values.get(name)
            if value is not None and value.type == "object":
                return self.has_cors_headers(value)
            return None
        if headers.type == "member_expression":
            return True if "cors" in node_text(headers).lower() else None
        if headers.type == "object":
            unknown_spread = False
            for child in headers.named_children:
                if child.type == "spread_element":
                    inner = child.named_children[0] if child.named_children else None
                    verdict = self.has_cors_headers(inner)
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
        if headers.type == "call_expression" and "cors" in self.name_of(headers).lower():
            return True
        return None

    def response_status(self, expr: ts.Node | None, depth: int = 0) -> int | None:
        """The HTTP status an expression answers with, when it is a response we can read."""
        expr = unwrap(expr)
        if expr is None or depth > 3:
            return None
        if expr.type == "await_expression":
            return self.response_status(expr.named_children[0], depth + 1)
        for site in self.responses(expr):
            if site.node == expr:
                return _status_of(site.init, {})
        if expr.type == "call_expression":
            fn = self.local_functions.get(self.name_of(expr))
            if fn is None:
                return None
            bindings = _bind_arguments(fn, arguments(expr))
            for returned in _returned_expressions(fn):
                ret = unwrap(returned)
                if ret is None:
                    continue
                for site in self.responses(ret):
                    if site.node == ret:
                        return _status_of(site.init, bindings)
                nested = self.response_status(ret, depth + 1)
                if nested is not None:
                    return nested
        return None

    def fetch_calls(self, node: ts.Node | None = None) -> Iterator[tuple[ts.Node, bool | None]]:
        """``fetch(...)`` calls and whether they pass an abort ``signal`` (None: cannot tell).

        Unknown when the options come from elsewhere (a parameter, a spread) or
        the request is a ``Request`` object, which may carry its own signal.
        """
        for call in self.calls(node):
            if self.name_of(call) not in ("fetch", "globalThis.fetch"):
                continue
            args = arguments(call)
            if not args:
                continue
            first = unwrap(args[0])
            if first is not None and first.type == "new_expression":
                yield call, None
                continue
            if len(args) < 2:
                yield call, False
                continue
            init = unwrap(args[1])
            if init is not None and init.type == "identifier":
                init = unwrap(self.values.get(node_text(init)))
            if init is None or init.type != "object":
                yield call, None
            elif object_property(init, "signal") is not None:
                yield call, True
            else:
                yield call, None if has_spread(init) else False

    def request_reads(self) -> Iterator[tuple[ts.Node, Taint]]:
        """Expressions that read request input: ``req.json()``, URL params, headers."""
        req = self.request_param
        for call in self.calls():
            name = self.name_of(call)
            if req and name in (f"{req}.json", f"{req}.formData"):
                yield call, "body"
            elif callee_tail(call).endswith(("searchParams.get", "searchParams.getAll")):
                yield call, "query"
            elif req and name == f"{req}.headers.get":
                yield call, "header"

    def taint_of(self, expr: ts.Node | None) -> Taint | None:
        """Where an expression's value comes from, when it is request input."""
        expr = unwrap(expr)
        if expr is None:
            return None
        if expr.type == "await_expression":
            return self.taint_of(expr.named_children[0] if expr.named_children else None)
        if expr.type in ("identifier", "shorthand_property_identifier"):
            return self.tainted.get(node_text(expr))
        if expr.type in ("member_expression", "subscript_expression"):
            return self.taint_of(expr.child_by_field_name("object"))
        if expr.type == "call_expression":
            name = self.name_of(expr)
            req = self.request_param
            if req and name in (f"{req}.json", f"{req}.formData"):
                return "body"
            if callee_tail(expr).endswith(("searchParams.get", "searchParams.getAll")):
                return "query"
            if req and name == f"{req}.headers.get":
                args = arguments(expr)
                key = (string_value(args[0]) if args else "") or ""
                if key.lower() in ("authorization", "apikey"):
                    return None
                return "header"
            if req and name == f"{req}.text":
                return "body"
            if UNVERIFIED_DECODE.search(name):
                return "header"  # a JWT decoded without checking its signature
            if name == "JSON.parse":
                args = arguments(expr)
                inner = self.parsed.of_type("call_expression", within=args[0]) if args else []
                if any(self.name_of(c) == "atob" for c in inner):
                    return "header"  # JSON.parse(atob(token.split(".")[1])): unverified claims
                return self.taint_of(args[0]) if args else None
            if name.endswith((".parse", ".safeParse", ".parseAsync", ".safeParseAsync")):
                args = arguments(expr)
                return self.taint_of(args[0]) if args else None
            fn = unwrap(expr.child_by_field_name("function"))
            if fn is not None and fn.type == "member_expression":
                # req.json().catch(() => ({})) keeps the body's taint
                prop = node_text(fn.child_by_field_name("property"))
                if prop in ("catch", "then", "finally"):
                    return self.taint_of(fn.child_by_field_name("object"))
        return None

    def _shared_call_names(self) -> list[str]:
        names: list[str] = []
        for text in self.shared_texts.values():
            names.extend(re.findall(r"\.(getUser|getClaims|jwtVerify)\s*\(", text))
        return names


# ---------------------------------------------------------------------- building


def build_model(
    parsed: ParsedTs, read_shared: Callable[[str], str | None] | None = None
) -> EdgeFunctionModel:
    """The model of one parsed file; ``read_shared`` reads imported files from the head tree."""
    parts = parsed.path.split("/")
    name = None
    if len(parts) >= 4 and parts[0] == "supabase" and parts[1] == "functions":
        name = None if parts[2].startswith("_") else parts[2]
    model = EdgeFunctionModel(parsed=parsed, name=name)
    _collect_values(model)
    _find_entry(model)
    _collect_clients(model)
    _collect_cors(model, read_shared)
    _collect_indirect_clients(model)
    _collect_taint(model)
    return model


def is_module_scope(node: ts.Node) -> bool:
    """Whether ``node`` runs at module load (not inside any function)."""
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return False
        current = current.parent
    return True


_NULLISH = frozenset({"null", "undefined"})


def _presence_check(use: ts.Node) -> bool:
    """``!sig``, ``sig == null``, ``if (sig)``, ``sig ? … : …`` and the like."""
    node = use
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "non_null_expression"):
        node, parent = parent, parent.parent
    if parent is None:
        return False
    operator = node_text(parent.child_by_field_name("operator"))
    if parent.type == "unary_expression" and operator == "!":
        return True
    if parent.type == "binary_expression":
        if operator in ("&&", "||"):
            return True
        if operator in ("===", "!==", "==", "!="):
            other = parent.child_by_field_name("right")
            if other is not None and other.start_byte == node.start_byte:
                other = parent.child_by_field_name("left")
            return other is not None and (other.type in _NULLISH or node_text(other) in _NULLISH)
        return False
    if parent.type in ("if_statement", "while_statement"):
        return True
    return parent.type == "ternary_expression" and parent.child_by_field_name("condition") == node


def is_async_function(node: ts.Node) -> bool:
    return any(c.type == "async" for c in node.children)


def function_body(fn: ts.Node) -> ts.Node | None:
    return fn.child_by_field_name("body")


def _collect_values(model: EdgeFunctionModel) -> None:
    for node in model.parsed.of_type(
        "variable_declarator", "function_declaration", "generator_function_declaration"
    ):
        if node.type == "variable_declarator":
            target = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if target is not None and target.type == "identifier" and value is not None:
                name = node_text(target)
                model.values.setdefault(name, value)
                inner = unwrap(value)
                if inner is not None and inner.type in FUNCTION_TYPES:
                    model.local_functions.setdefault(name, inner)
        elif node.type in ("function_declaration", "generator_function_declaration"):
            ident = node.child_by_field_name("name")
            if ident is not None:
                model.local_functions.setdefault(node_text(ident), node)


def _find_entry(model: EdgeFunctionModel) -> None:
    for call in model.calls():
        name = model.name_of(call)
        if name not in ("Deno.serve", "serve"):
            continue
        handler: ts.Node | None = None
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


def _collect_clients(model: EdgeFunctionModel) -> None:
    for call in model.calls():
        if model.name_of(call) != "createClient":
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


def echoes_first_argument(model: EdgeFunctionModel, fn: ts.Node) -> bool:
    """Whether ``fn`` builds a Response whose body uses its first parameter.

    ``json(body, status)`` does; ``handleError(err)`` answering a fixed
    message does not, so ``handleError(error)`` sends nothing of ``error``.
    """
    sites = model.responses(fn)
    params = fn.child_by_field_name("parameters")
    first = params.named_children[0] if params is not None and params.named_children else None
    if first is None:
        first = fn.child_by_field_name("parameter")
    pattern = (first.child_by_field_name("pattern") or first) if first is not None else None
    if pattern is None or pattern.type != "identifier":
        return bool(sites)  # cannot tell what flows where: assume it answers its input
    name = node_text(pattern)
    return any(
        site.body is not None
        and any(n.type == "identifier" and node_text(n) == name for n in walk(site.body))
        for site in sites
    )


ClientShape = tuple[KeyKind, bool]
"""(key kind, forwards the caller's Authorization) of a client a helper makes."""


@dataclass(frozen=True)
class _SharedExports:
    """What a ``_shared`` module offers: client instances, client factories, response helpers."""

    instances: dict[str, ClientShape]
    factories: dict[str, ClientShape]
    response_builders: frozenset[str]


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
            for returned in _returned_expressions(fn):
                ret = unwrap(returned)
                if ret is not None and ret.type == "identifier" and node_text(ret) in instances:
                    shapes.add(instances[node_text(ret)])
        if len(shapes) == 1:
            factories[fname] = next(iter(shapes))
    return factories


@lru_cache(maxsize=64)
def _shared_exports(path: str, text: str) -> _SharedExports:
    """Memoised on (path, text), like ``_async_exports``."""
    shared = build_model(parse_ts(path, text))
    instances = {
        c.name: (c.key, c.forwards_caller_auth) for c in shared.clients if c.name and c.module_scope
    }
    builders = frozenset(
        name for name, fn in shared.local_functions.items() if echoes_first_argument(shared, fn)
    )
    return _SharedExports(instances, _client_factories(shared), builders)


def _collect_indirect_clients(model: EdgeFunctionModel) -> None:
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
        exports = _shared_exports(resolved, text)
        for spec in walk(imp):
            if spec.type != "import_specifier":
                continue
            original = node_text(spec.child_by_field_name("name"))
            local = node_text(spec.child_by_field_name("alias") or spec.child_by_field_name("name"))
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


def _collect_cors(
    model: EdgeFunctionModel, read_shared: Callable[[str], str | None] | None
) -> None:
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
        exported_async = _async_exports(resolved, text) if text is not None else frozenset()
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
                and model.has_cors_headers(inner)
            ):
                model.cors_names.add(name)


def _collect_taint(model: EdgeFunctionModel) -> None:
    scope = model.handler or model.root
    bindings = model.parsed.of_type("variable_declarator", "assignment_expression", within=scope)
    for _ in range(3):  # a few rounds reach `const b = a.x` after `const a = await req.json()`
        before = len(model.tainted)
        for node in bindings:
            if node.type == "variable_declarator":
                target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            elif node.type == "assignment_expression":
                target, value = node.child_by_field_name("left"), node.child_by_field_name("right")
            else:
                continue
            taint = model.taint_of(value)
            if taint is None or target is None:
                continue
            for ident in _bound_names(unwrap(target)):
                model.tainted.setdefault(ident, taint)
        if len(model.tainted) == before:
            break


def _bound_names(pattern: ts.Node | None) -> list[str]:
    if pattern is None:
        return []
    if pattern.type == "identifier":
        return [node_text(pattern)]
    names: list[str] = []
    for node in walk(pattern):
        if node.type in ("shorthand_property_identifier_pattern", "shorthand_property_identifier"):
            names.append(node_text(node))
        elif node.type == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None and value.type == "identifier":
                names.append(node_text(value))
        elif (
            node.type == "identifier"
            and node.parent is not None
            and node.parent.type
            in (
                "array_pattern",
                "assignment_pattern",
                "rest_pattern",
            )
        ):
            names.append(node_text(node))
    return names


def _returned_expressions(fn: ts.Node) -> list[ts.Node]:
    body = function_body(fn)
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    found: list[ts.Node] = []
    for node in walk(body):
        if node.type == "return_statement" and node.named_children:
            owner = node.parent
            while owner is not None and owner.type not in FUNCTION_TYPES:
                owner = owner.parent
            if owner == fn:
                found.append(node.named_children[0])
    return found


def _bind_arguments(fn: ts.Node, args: list[ts.Node]) -> dict[str, ts.Node | None]:
    """Parameter name → the argument passed (or its default value)."""
    bindings: dict[str, ts.Node | None] = {}
    params = fn.child_by_field_name("parameters")
    if params is None:
        return bindings
    for index, param in enumerate(params.named_children):
        pattern = param.child_by_field_name("pattern")
        if pattern is None or pattern.type != "identifier":
            continue
        arg = args[index] if index < len(args) else param.child_by_field_name("value")
        bindings[node_text(pattern)] = arg
    return bindings


def _status_of(init: ts.Node | None, bindings: dict[str, ts.Node | None]) -> int | None:
    init = unwrap(init)
    if init is None:
        return 200
    if init.type == "identifier" and node_text(init) in bindings:
        return _status_of(bindings[node_text(init)], {})
    if init.type != "object":
        return None
    status = unwrap(object_property(init, "status"))
    if status is None:
        return None if has_spread(init) else 200
    if status.type == "shorthand_property_identifier" or status.type == "identifier":
        bound = bindings.get(node_text(status))
        if bound is None:
            return None
        status = unwrap(bound)
    if status is not None and status.type == "number":
        try:
            return int(node_text(status).replace("_", ""))
        except ValueError:
            return None
    return None


def _reads_secret_env(model: EdgeFunctionModel, node: ts.Node | None) -> bool:
    """Whether ``node`` reads a secret-looking environment variable (``Deno.env.get``)."""
    if node is None:
        return False
    for call in model.parsed.of_type("call_expression", within=node):
        if model.name_of(call) == "Deno.env.get":
            args = arguments(call)
            key = string_value(args[0]) if args else None
            if key and SECRET_ENV.search(key):
                return True
    return False


@lru_cache(maxsize=64)
def _async_exports(path: str, text: str) -> frozenset[str]:
    """Names of ``async`` functions a module declares (exported or not).

    Memoised on (path, text): every function importing the same shared module
    would otherwise parse it again.
    """
    parsed = parse_ts(path, text)
    names: set[str] = set()
    for fn in parsed.of_type("function_declaration"):
        ident = fn.child_by_field_name("name")
        if ident is not None and is_async_function(fn):
            names.add(node_text(ident))
    for decl in parsed.of_type("variable_declarator"):
        ident = decl.child_by_field_name("name")
        value = unwrap(decl.child_by_field_name("value"))
        if (
            ident is not None
            and value is not None
            and value.type in FUNCTION_TYPES
            and (is_async_function(value))
        ):
            names.add(node_text(ident))
    return frozenset(names)
