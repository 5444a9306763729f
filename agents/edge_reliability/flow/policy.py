"""What Deno, supabase-js and common libraries mean for data flow: sources, sanitisers, identity.

Kept apart from the interpreter so that the list of things we recognise is
one short, reviewable file.  Sources: the request body, query string, path,
headers (``authorization`` is a *credential*, ``apikey`` nothing), route
parameters of Hono and Oak, and JWT claims decoded without verification.
Sanitisers are few and explicit: schema validation (zod/valibot ``parse``,
``safeParse`` data), number conversion, and the guards the interpreter
recognises (regex ``test``, allow-list membership, ``Number.isFinite``, host
checks).  Identity: the user returned by ``auth.getUser``/``getClaims`` and
the payload of ``jwtVerify``.
"""

from __future__ import annotations

import re

import tree_sitter as ts

from agents.edge_reliability.flow.labels import (
    EMPTY,
    Labels,
    Origin,
    of_kind,
    union,
    with_check,
    with_field,
)
from agents.ts.parse import node_text, string_value

NUMBER_CALLS = frozenset(
    {
        "Number",
        "parseInt",
        "parseFloat",
        "Math.round",
        "Math.floor",
        "Math.ceil",
        "Math.abs",
        "Math.min",
        "Math.max",
        "Math.trunc",
        "Number.parseInt",
        "Number.parseFloat",
        "BigInt",
    }
)
BOOLEAN_METHODS = frozenset(
    {
        "has",
        "includes",
        "test",
        "startsWith",
        "endsWith",
        "every",
        "some",
        "isFinite",
        "isInteger",
        "isSafeInteger",
        "isNaN",
        "isArray",
        "hasOwnProperty",
        "match",
    }
)
"""Methods whose result says something about a value without carrying it."""
CARRYING_ARG_METHODS = frozenset({"concat", "replace", "replaceAll", "padStart", "padEnd", "push"})
PARSE_METHODS = ("parse", "parseAsync")
SAFE_PARSE_METHODS = ("safeParse", "safeParseAsync")
UNVERIFIED_DECODE = re.compile(r"(^|\.)(decode|decodeJwt|jwtDecode|jwt_decode|decodeJWT)$")
IDENTITY_CALLS = re.compile(r"(^|\.)auth\.(getUser|getClaims)$")
VERIFY_JWT_CALLS = re.compile(r"(^|\.)(jwtVerify|verifyJwt|verifyJWT|verify)$")
WEBHOOK_VERIFY = re.compile(
    r"(^|\.)(constructEvent|constructEventAsync|verifySignature|verifyWebhook|unwrap)$"
)
SECRET_ENV = re.compile(r"SECRET|TOKEN|PASSWORD|PRIVATE|SERVICE_ROLE|_KEY$|API_KEY", re.I)
PUBLIC_ENV = re.compile(r"ANON|PUBLISHABLE|PUBLIC|URL$", re.I)
NEUTRAL_HEADERS = frozenset({"apikey", "content-type", "content-length", "x-client-info"})
REQUEST_BODY_METHODS = frozenset({"json", "text", "formData", "arrayBuffer", "blob", "parseBody"})


def source(kind: str, node: ts.Node, what: str) -> Labels:
    return frozenset({Origin(kind, node, what)})  # type: ignore[arg-type]


def call_labels(
    call: ts.Node,
    name: str,
    method: str,
    receiver: Labels | None,
    args: list[Labels],
    arg_nodes: list[ts.Node],
) -> Labels | None:
    """Labels of a call the policy understands; None to let the interpreter propagate."""
    recv = receiver or EMPTY
    requests = of_kind(recv, "request")
    if requests and method in REQUEST_BODY_METHODS:
        return source("body", call, f"`{_short(call)}`")
    if requests and method in ("param", "query", "queries"):
        kind = "path" if method == "param" else "query"
        return source(kind, call, f"`{_short(call)}`")
    if method in ("get", "getAll", "header") and (
        requests or of_kind(recv, "router") or _is_headers(recv)
    ):
        return _header(call, arg_nodes, recv)
    if method in ("get", "getAll") and of_kind(recv, "url"):
        return source("query", call, f"`{_short(call)}`")
    if IDENTITY_CALLS.search(name):
        return frozenset({Origin("identity", call, f"`{name}()`")})
    if (VERIFY_JWT_CALLS.search(name) and method != "verify") or name.endswith("jose.jwtVerify"):
        return frozenset({Origin("identity", call, f"`{name}()`")})
    if WEBHOOK_VERIFY.search(name):
        return with_check(union(*args), "signed")
    if UNVERIFIED_DECODE.search(name):
        return _decoded(call, name, args)
    if name == "JSON.parse" and args:
        inner = args[0]
        if of_kind(inner, "credential"):
            return _decoded(call, "JSON.parse(atob(...))", args)
        return inner
    if name == "atob" and args and of_kind(args[0], "credential"):
        return args[0]
    if name == "Deno.env.get" and arg_nodes:
        key = string_value(arg_nodes[0]) or ""
        if SECRET_ENV.search(key) and not PUBLIC_ENV.search(key):
            return source("secret", call, f"the secret `{key}`")
        return EMPTY
    if name in NUMBER_CALLS:
        return with_check(union(*args), "number")
    if name in ("encodeURIComponent", "encodeURI", "escape"):
        return with_check(union(*args), "encoded")
    if method in PARSE_METHODS and name not in ("JSON.parse", "Date.parse") and args:
        # zod Schema.parse(input) / valibot v.parse(Schema, input)
        return with_check(union(*args), "schema")
    if method in SAFE_PARSE_METHODS and args:
        return with_check(union(*args), "schema")
    if method in BOOLEAN_METHODS:
        return with_check(union(recv, *args), "boolean")
    return None


def member_labels(obj: Labels, prop: str) -> Labels:
    """Labels of ``obj.prop``: carriers turn into sources, identity keeps its trust."""
    out: set[Origin] = set()
    for o in obj:
        if o.kind == "request":
            if prop == "url":
                out.add(Origin("url", o.node, o.what))
            elif prop == "headers":
                out.add(Origin("request", o.node, o.what, path=("headers",)))
            elif prop == "body":
                out.add(Origin("body", o.node, f"`{o.what}.body`"))
            elif prop == "params":
                out.add(Origin("path", o.node, "the route parameters"))
            elif prop in ("raw", "req", "request"):
                out.add(o)
        elif o.kind == "router":
            if prop in ("req", "request"):
                out.add(Origin("request", o.node, o.what))
            elif prop == "params":
                out.add(Origin("path", o.node, "the route parameters", path=()))
        elif o.kind == "url":
            if prop == "searchParams":
                out.add(Origin("url", o.node, "the query string"))
            elif prop in ("pathname", "href", "search", "hash"):
                what = "the URL path" if prop == "pathname" else "the request URL"
                out.add(Origin("path" if prop == "pathname" else "query", o.node, what))
        elif o.kind == "identity":
            if prop in ("user_metadata", "raw_user_meta_data"):
                out.add(Origin("user_metadata", o.node, f"`{prop}`"))
            else:
                out.add(o)
        elif o.kind == "credential":
            out.add(o)
        elif o.kind == "client":
            continue  # client.from / client.auth: the chain is judged as a call
        else:
            out.add(o)
    return with_field(frozenset(out), prop)


def _is_headers(recv: Labels) -> bool:
    return any(o.kind == "request" and o.path == ("headers",) for o in recv)


def _header(call: ts.Node, arg_nodes: list[ts.Node], recv: Labels) -> Labels:
    key = (string_value(arg_nodes[0]) if arg_nodes else None) or ""
    lower = key.lower()
    if lower == "authorization":
        return source("credential", call, "the Authorization header")
    if lower in NEUTRAL_HEADERS:
        return EMPTY
    return source("header", call, f"header `{key}`" if key else "a request header")


def _decoded(call: ts.Node, name: str, args: list[Labels]) -> Labels:
    """Claims of a token decoded without checking its signature (caller-chosen)."""
    inner = union(*args)
    if inner and not of_kind(inner, "credential") and not any(o.caller for o in inner):
        return EMPTY  # decoding something that is not the caller's token
    what = f"`{name}()`" if not name.endswith(")") else f"`{name}`"
    return frozenset({Origin("unverified_jwt", call, what)})


def _short(call: ts.Node) -> str:
    text = " ".join(node_text(call).split())
    return text if len(text) <= 40 else text[:37] + "..."
