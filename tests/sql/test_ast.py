"""AST helpers: constants, calls, identity references, sources."""

from __future__ import annotations

import json
from typing import Any

from pglast import parser

from agents.sql.ast import (
    conjuncts,
    const_value,
    is_constant_true,
    references_caller,
    references_identity,
    role_names,
    source_tables,
)


def expr(sql: str) -> Any:
    tree = json.loads(parser.parse_sql_json(f"select {sql}"))
    return tree["stmts"][0]["stmt"]["SelectStmt"]["targetList"][0]["ResTarget"]["val"]


def test_constant_true_forms() -> None:
    for text in ("true", "1 = 1", "'a' = 'a'", "'t'::boolean", "true and 1 = 1", "false or true"):
        assert is_constant_true(expr(text)), text
    for text in ("false", "1 = 2", "is_public", "user_id = auth.uid()", "true and x"):
        assert not is_constant_true(expr(text)), text


def test_const_values_with_protobuf_defaults() -> None:
    assert const_value(expr("false")) is False
    assert const_value(expr("0")) == 0
    assert const_value(expr("'x'")) == "x"


def test_identity_and_caller_references() -> None:
    assert references_identity(expr("(select auth.uid()) = user_id"))
    assert references_identity(expr("current_setting('request.jwt.claims', true)::json->>'sub'"))
    assert not references_identity(expr("auth.role() = 'authenticated'"))
    assert references_caller(expr("auth.role() = 'authenticated'"))
    assert references_caller(expr("owner = current_user"))


def test_source_tables_skip_ctes() -> None:
    tree = json.loads(
        parser.parse_sql_json(
            "with x as (select 1) select * from x join public.t on true join s.u using (id)"
        )
    )
    assert source_tables(tree["stmts"][0]["stmt"]) == {("public", "t"), ("s", "u")}


def test_role_names_and_conjuncts() -> None:
    assert role_names([]) == ("public",)
    assert role_names([{"RoleSpec": {"roletype": "ROLESPEC_PUBLIC"}}]) == ("public",)
    assert len(conjuncts(expr("a and (b and c)"))) == 3


def test_tautology_is_same_column_both_sides() -> None:
    from agents.sql.ast import is_tautology

    assert is_tautology(expr("user_id = user_id"))
    assert not is_tautology(expr("user_id = owner_id"))
    assert not is_tautology(expr("t.a = s.a"))


def test_commented_out_statements_are_found_with_their_lines() -> None:
    from agents.sql.parse import parse_sql

    text = (
        "create table t (id int);\n"
        "-- alter table t enable row level security;\n"
        "-- a note, not SQL\n"
        "/* create policy p on t\n   using (true); */\n"
        "select 1; -- trailing words\n"
    )
    found = [(c.line, c.kind) for c in parse_sql("m.sql", text).commented_statements()]
    assert found == [(2, "AlterTableStmt"), (4, "CreatePolicyStmt")]
