"""EDGE006: a Supabase write's error is ignored while the function answers success."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.analysis import supabase_call_kind
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.edge_reliability.model.http import response_status
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import callee_tail, chain_methods, line_of, node_text, unwrap, walk
from agents.ts.syntax import FUNCTION_TYPES, enclosing_function

_EXITS = ("return_statement", "throw_statement", "continue_statement", "break_statement")


class SupabaseErrorIgnored(EdgeRule):
    """Flag Supabase errors that are dropped, logged only, or answered with a 2xx.

    ## What it does
    Reports, for Supabase calls in a function:
    a write (insert/update/upsert/delete, storage upload) whose result is
    discarded or whose ``error`` is never read; an ``if (error)`` branch that
    only logs and falls through to the success response; and an
    ``if (error)`` branch that itself answers with a 2xx status.

    ## Why is this bad?
    supabase-js does not throw on database errors, it returns ``{ error }``.
    Ignoring it tells the caller the write happened when it did not (a
    coupon not redeemed, an order not recorded); a webhook answered 200 is
    never retried by its sender, so the event is lost for good.

    ## Example
    ```ts
    const { error } = await supabase.from("orders").insert(order);
    if (error) console.error(error);
    return Response.json({ ok: true });
    ```

    ## Use instead
    ```ts
    const { error } = await supabase.from("orders").insert(order);
    if (error) return Response.json({ error: "Could not save the order" }, { status: 500 });
    return Response.json({ ok: true });
    ```

    ## References
    - https://supabase.com/docs/reference/javascript/insert
    - https://docs.stripe.com/webhooks#handle-events-asynchronously
    """

    code = "EDGE006"
    name = "supabase-error-ignored"
    severity = Severity.MEDIUM
    severity_reason = "The caller is told a write succeeded when it failed."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        model = ctx.model
        if model.handler is None:
            return
        yield from self._discarded_writes(ctx, model)
        for decl, error_name in _error_bindings(model):
            fn = enclosing_function(decl)
            if fn is None:
                continue
            checks = [
                node
                for node in model.parsed.of_type("if_statement", within=fn)
                if node.type == "if_statement"
                and node.start_byte > decl.end_byte
                and _condition_tests(node, error_name)
            ]
            if not checks:
                if not _referenced_after(fn, decl, error_name) and _is_write(model, decl):
                    yield self.finding(
                        ctx.path,
                        line_of(decl),
                        f"`{error_name}` from this write is never checked, so a failed write "
                        "still ends in a success response.",
                        "Check the error and answer with a 4xx/5xx when it is set.",
                    )
                continue
            secondary = _earlier_write(model, decl)
            for check in checks:
                yield from self._check_branch(ctx, model, check, error_name, secondary)

    def _discarded_writes(self, ctx: TsRuleContext, model: EdgeFunctionModel) -> Iterator[Finding]:
        for stmt in ctx.parsed.captures("(expression_statement (await_expression) @a)").get(
            "a", []
        ):
            inner = unwrap(stmt.named_children[0] if stmt.named_children else None)
            if inner is None or not model.in_handler(stmt) or _in_loop(stmt):
                continue  # a write per loop item is PERF020's finding (batch it, check once)
            if inner.type == "call_expression" and "throwOnError" in chain_methods(inner):
                continue  # the error is thrown, not returned
            if supabase_call_kind(model, inner) in ("write", "storage-write"):
                yield self.finding(
                    ctx.path,
                    line_of(stmt),
                    "The result of this write is discarded: supabase-js returns errors instead "
                    "of throwing, so a failed write goes unnoticed.",
                    "Destructure `{ error }` and answer with a 4xx/5xx when it is set.",
                )

    def _check_branch(
        self,
        ctx: TsRuleContext,
        model: EdgeFunctionModel,
        check: ts.Node,
        error_name: str,
        secondary: bool,
    ) -> Iterator[Finding]:
        branch = check.child_by_field_name("consequence")
        if branch is None:
            return
        exits = [n for n in walk(branch) if n.type in _EXITS]
        for ret in exits:
            if ret.type != "return_statement" or not ret.named_children:
                continue
            status = response_status(model, ret.named_children[0])
            if status is not None and 200 <= status < 300:
                yield self.finding(
                    ctx.path,
                    line_of(ret),
                    f"When `{error_name}` is set this answers with status {status}: the caller "
                    "(or a webhook sender, which then never retries) is told it worked.",
                    "Answer with a 5xx (or a specific 4xx) when the database call failed.",
                )
                return
        if exits or secondary:
            # a log-only branch after the main write succeeded is a deliberate best effort
            return
        if not _success_after(model, check):
            return
        body = [c for c in branch.named_children if c.type != "comment"]
        anchor = body[0] if body and branch.type == "statement_block" else branch
        yield self.finding(
            ctx.path,
            line_of(anchor),
            f"`{error_name}` is only logged here; the function goes on and answers success, "
            "so the caller is told the write happened.",
            "Return a 5xx (or a specific 4xx such as 409 for a duplicate) from this branch.",
        )


def _error_bindings(model: EdgeFunctionModel) -> list[tuple[ts.Node, str]]:
    """(declarator, error variable) for ``const { error: e } = await <supabase call>``."""
    found: list[tuple[ts.Node, str]] = []
    for decl in model.parsed.of_type("variable_declarator"):
        target = decl.child_by_field_name("name")
        value = unwrap(decl.child_by_field_name("value"))
        if target is None or target.type != "object_pattern" or value is None:
            continue
        if value.type == "await_expression":
            value = unwrap(value.named_children[0] if value.named_children else None)
        if value is None or supabase_call_kind(model, value) is None:
            continue
        for child in target.named_children:
            shorthand = child.type == "shorthand_property_identifier_pattern"
            if shorthand and node_text(child) == "error":
                found.append((decl, "error"))
            elif child.type == "pair_pattern" and node_text(child.child_by_field_name("key")) == (
                "error"
            ):
                alias = child.child_by_field_name("value")
                if alias is not None and alias.type == "identifier":
                    found.append((decl, node_text(alias)))
    return found


def _is_write(model: EdgeFunctionModel, decl: ts.Node) -> bool:
    value = unwrap(decl.child_by_field_name("value"))
    if value is not None and value.type == "await_expression":
        value = unwrap(value.named_children[0] if value.named_children else None)
    return value is not None and supabase_call_kind(model, value) in ("write", "storage-write")


def _condition_tests(check: ts.Node, name: str) -> bool:
    cond = check.child_by_field_name("condition")
    if cond is None:
        return False
    for node in walk(cond):
        if node.type == "identifier" and node_text(node) == name:
            parent = node.parent
            # `if (!error)` tests for success, not for the error
            return not (parent is not None and parent.type == "unary_expression")
    return False


def _referenced_after(fn: ts.Node, decl: ts.Node, name: str) -> bool:
    return any(
        n.type in ("identifier", "shorthand_property_identifier")
        and node_text(n) == name
        and n.start_byte > decl.end_byte
        for n in walk(fn)
    )


def _success_after(model: EdgeFunctionModel, check: ts.Node) -> bool:
    """Whether a later return in the handler answers 2xx."""
    handler = model.handler
    if handler is None:
        return False
    for node in model.parsed.of_type("return_statement", within=handler):
        if (
            node.type == "return_statement"
            and node.start_byte > check.end_byte
            and node.named_children
        ):
            status = response_status(model, node.named_children[0])
            if status is not None and 200 <= status < 300:
                return True
    return False


def _earlier_write(model: EdgeFunctionModel, decl: ts.Node) -> bool:
    """Whether the handler already made another write before this one."""
    handler = model.handler
    if handler is None:
        return False
    return any(
        call.end_byte <= decl.start_byte
        and supabase_call_kind(model, call) in ("write", "storage-write")
        for call in model.calls(handler)
    )


_LOOPS = ("for_in_statement", "for_statement", "while_statement", "do_statement")


def _in_loop(node: ts.Node) -> bool:
    """Whether ``node`` runs once per item (a loop body or an array callback)."""
    current = node.parent
    while current is not None:
        if current.type in _LOOPS:
            return True
        if current.type in FUNCTION_TYPES:
            call = current.parent.parent if current.parent is not None else None
            return (
                call is not None
                and call.type == "call_expression"
                and (callee_tail(call).rsplit(".", 1)[-1] in ("map", "forEach", "flatMap"))
            )
        current = current.parent
    return False
