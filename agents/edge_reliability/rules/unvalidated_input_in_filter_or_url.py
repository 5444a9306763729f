"""EDGE016: unchecked request input spliced into a PostgREST filter string or a fetch URL."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.model.taint import taint_of
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, chain_root, line_of, node_text, unwrap

_FILTER_METHODS = frozenset({"or", "filter", "not"})
_CONDITIONS = ("if_statement", "ternary_expression", "switch_statement", "while_statement")


class UnvalidatedInputInFilterOrUrl(EdgeRule):
    """Flag request input spliced, unchecked, into ``.or()``/``.filter()`` strings or fetch URLs.

    ## What it does
    Reports a template string passed to a Supabase ``.or(...)``,
    ``.filter(...)`` or ``.not(...)`` that embeds a value from the request
    body, query string or headers, and a ``fetch`` whose URL is, or starts
    with, such a value - when no condition (``typeof``, an allow-list, a
    regex test) looked at the value first.

    ## Why is this bad?
    PostgREST filter strings are a small language: a value containing
    ``,`` or ``)`` adds conditions of the caller's choosing (widening a
    service-role query to other users' rows). A caller-chosen URL turns the
    function into a proxy to internal services (SSRF) that carries your
    secrets in its headers.

    ## Example
    ```ts
    const q = new URL(req.url).searchParams.get("q");
    await supabase.from("docs").select().or(`title.ilike.%${q}%,body.ilike.%${q}%`);
    ```

    ## Use instead
    ```ts
    const q = new URL(req.url).searchParams.get("q") ?? "";
    if (!/^[\\w\\s-]{1,50}$/.test(q)) return Response.json({ error: "bad query" }, { status: 400 });
    await supabase.from("docs").select().or(`title.ilike.%${q}%,body.ilike.%${q}%`);
    ```

    ## References
    - https://supabase.com/docs/reference/javascript/or
    - https://owasp.org/www-community/attacks/Server_Side_Request_Forgery
    """

    code = "EDGE016"
    name = "unvalidated-input-in-filter-or-url"
    severity = Severity.MEDIUM
    severity_reason = "The caller can widen a query or aim the function at internal hosts."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        if model.handler is None:
            return
        for call in model.calls(model.handler):
            fn = unwrap(call.child_by_field_name("function"))
            args = arguments(call)
            if not args or fn is None:
                continue
            if (
                fn.type == "member_expression"
                and node_text(fn.child_by_field_name("property")) in _FILTER_METHODS
            ):
                root = chain_root(call)
                if root is None or model.client_named(node_text(root)) is None:
                    continue
                for arg in args:
                    hit = _unchecked_substitution(model, arg)
                    if hit is not None:
                        yield self.finding(
                            ctx.path,
                            line_of(hit),
                            f"`{node_text(hit)}` comes from the request and is spliced into a "
                            "PostgREST filter string unchecked: commas and parentheses in it "
                            "add filters of the caller's choosing.",
                            "Validate it first (type, length, allowed characters), or use "
                            "`.ilike(column, pattern)`/`.eq(...)`, which quote the value.",
                        )
                        break
            elif model.name_of(call) in ("fetch", "globalThis.fetch"):
                hit = _caller_chosen_url(model, args[0])
                if hit is not None:
                    yield self.finding(
                        ctx.path,
                        line_of(hit),
                        f"The fetch URL is taken from the request (`{node_text(hit)}`) without "
                        "a check: the caller can make this function call any host (SSRF).",
                        "Check the URL against an allow-list of hosts before fetching.",
                    )


def _unchecked_substitution(model: EdgeFunctionModel, raw: ts.Node) -> ts.Node | None:
    arg = unwrap(raw)
    if arg is None or arg.type != "template_string":
        return None
    for sub in arg.named_children:
        if sub.type != "template_substitution" or not sub.named_children:
            continue
        expr = sub.named_children[0]
        if taint_of(model, expr) is not None and not _checked_before(model, expr):
            return expr
    return None


def _caller_chosen_url(model: EdgeFunctionModel, raw: ts.Node) -> ts.Node | None:
    arg = unwrap(raw)
    if arg is not None and arg.type == "template_string":
        first = next((c for c in arg.named_children), None)
        # only a URL that *starts* with request input lets the caller pick the host
        if first is None or first.type != "template_substitution" or not first.named_children:
            return None
        arg = unwrap(first.named_children[0])
    if arg is None:
        return None
    if arg.type not in ("identifier", "member_expression"):
        return None
    if taint_of(model, arg) is None or _checked_before(model, arg):
        return None
    return arg


def _root_name(expr: ts.Node) -> str:
    current: ts.Node | None = unwrap(expr)
    while current is not None and current.type in ("member_expression", "subscript_expression"):
        current = unwrap(current.child_by_field_name("object"))
    return node_text(current) if current is not None and current.type == "identifier" else ""


def _checked_before(model: EdgeFunctionModel, expr: ts.Node) -> bool:
    """Whether a condition mentions the value's variable before ``expr`` (typeof, test, has…)."""
    name = _root_name(expr)
    text = node_text(unwrap(expr))
    handler = model.handler
    if not name or handler is None:
        return False
    for cond in model.parsed.of_type(*_CONDITIONS, within=handler):
        if cond.start_byte >= expr.start_byte:
            break
        test = cond.child_by_field_name("condition") or cond.child_by_field_name("value")
        if test is None:
            continue
        for node in model.parsed.subtree(test):
            if node.type == "identifier" and node_text(node) == name:
                return True
            if node.type == "member_expression" and node_text(node) == text:
                return True
    # zod/valibot parse results are validated
    value = model.values.get(name)
    return value is not None and ".parse(" in node_text(value)
