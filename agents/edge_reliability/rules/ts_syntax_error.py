"""TS001: the TypeScript file does not parse."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from agents.edge_reliability.context import EdgeRule
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of, walk


class TsSyntaxError(EdgeRule):
    """Report a TypeScript/JavaScript file that does not parse, once.

    ## What it does
    Flags an Edge Function source file whose syntax tree contains errors.

    ## Why is this bad?
    The function will not deploy, and every other rule only sees what the
    parser could recover, so the review of this file is partial.  An error
    inside a type (an interface, a type alias, an annotation) is reported as
    ``info`` only: tree-sitter's TypeScript grammar misreads a few valid type
    forms (a property named ``in_progress_size``), which ``deno check``
    accepts, and types do not change what the function does.

    ## Example
    ```ts
    Deno.serve(async (req) => {
      return new Response("ok"
    });
    ```

    ## Use instead
    ```ts
    Deno.serve(async (req) => {
      return new Response("ok");
    });
    ```

    ## References
    - https://supabase.com/docs/guides/functions/quickstart
    """

    code = "TS001"
    name = "typescript-syntax-error"
    severity = Severity.LOW
    severity_reason = "Deploy fails loudly, so nothing breaks silently; the review is just partial."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        if not ctx.parsed.has_error:
            return
        error = _first_error(ctx.parsed.root)
        line = line_of(error) if error is not None else ctx.parsed.first_error_line()
        if error is not None and _in_type(error):
            yield self.finding(
                ctx.path,
                line,
                "The parser could not read a type here; `deno check` may well accept it "
                "(a known gap of the tree-sitter grammar), and the code around it was reviewed.",
                "Nothing to do if `deno check` passes.",
                severity=Severity.INFO,
            )
            return
        yield self.finding(
            ctx.path,
            line,
            "This file does not parse as TypeScript; the other checks only saw the parts "
            "that could be recovered.",
            "Fix the syntax error (run `deno check` on the function).",
        )


_TYPE_CONTEXTS = frozenset(
    {
        "type_annotation",
        "type_alias_declaration",
        "interface_declaration",
        "object_type",
        "property_signature",
        "type_arguments",
        "type_parameters",
        "union_type",
        "intersection_type",
        "generic_type",
        "interface_body",
        "enum_body",
    }
)


def _first_error(root: ts.Node) -> ts.Node | None:
    for node in walk(root):
        if node.type == "ERROR" or node.is_missing:
            return node
    return None


def _in_type(node: ts.Node) -> bool:
    """Whether an error node sits inside a type (not in statements or expressions)."""
    current = node.parent
    while current is not None:
        if current.type in _TYPE_CONTEXTS:
            return True
        if current.type in ("statement_block", "program") or current.type.endswith("_statement"):
            return False
        current = current.parent
    return False
