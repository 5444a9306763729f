"""tree-sitter parsing helpers: errors, chains (suppression comments: tests/test_suppression.py)."""

from __future__ import annotations

from agents.ts.parse import (
    call_name,
    callee_tail,
    chain_methods,
    chain_root,
    node_text,
    parse_ts,
    walk,
)


def test_valid_file_has_no_error() -> None:
    parsed = parse_ts("a.ts", "const x: number = 1;\n")
    assert not parsed.has_error and parsed.first_error_line() is None


def test_broken_file_reports_first_error_line() -> None:
    parsed = parse_ts("a.ts", "const a = 1;\nconst b = (;\n")
    assert parsed.has_error
    assert parsed.first_error_line() == 2


def test_tsx_uses_the_tsx_grammar() -> None:
    parsed = parse_ts("a.tsx", "const el = <div className='x'>hi</div>;\n")
    assert not parsed.has_error
    assert parse_ts("a.ts", "const el = <div className='x'>hi</div>;\n").has_error


def test_chain_helpers() -> None:
    parsed = parse_ts("a.ts", 'await admin\n  .from("t")\n  .select("id")\n  .eq("a", b);\n')
    call = parsed.captures("(expression_statement (await_expression (call_expression) @c))")["c"][0]
    assert chain_methods(call) == ["from", "select", "eq"]
    root = chain_root(call)
    assert root is not None and node_text(root) == "admin"
    assert call_name(call) == ""  # the callee's object is a call: no dotted name
    assert callee_tail(call) == "eq"


def test_indexed_subtree_and_of_type_match_a_plain_walk() -> None:
    parsed = parse_ts(
        "a.ts",
        "const a = f(1, g(2));\n"
        "function h(x: number) { if (x) { return k(x) } else { return `${m(x)}` } }\n"
        "Deno.serve(async (req) => new Response(await req.text()));\n",
    )
    assert [n.id for n in parsed.nodes] == [n.id for n in walk(parsed.root)]
    for node in parsed.nodes:
        assert [n.id for n in parsed.subtree(node)] == [n.id for n in walk(node)]
        expected = [n.id for n in walk(node) if n.type in ("call_expression", "identifier")]
        got = parsed.of_type("call_expression", "identifier", within=node)
        assert [n.id for n in got] == expected
