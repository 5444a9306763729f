"""Function bodies: SQL and plpgsql statements mapped to file lines."""

from __future__ import annotations

from agents.sql.body import body_sql
from agents.sql.parse import parse_sql
from agents.sql.replay import builtin_catalog, replay

PLPGSQL = """create function public.spend(amount int) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  if amount <= 0 then
    raise exception 'no';
  end if;
  update public.balances
     set balance = balance - amount
   where user_id = (select auth.uid());
end;
$$;
"""


def test_plpgsql_statements_and_expressions_have_file_lines() -> None:
    cat = builtin_catalog()
    replay(cat, parse_sql("m.sql", PLPGSQL))
    body = body_sql(cat.functions[("public", "spend")])
    assert body is not None
    kinds = [(s.line, s.is_expression, next(iter(s.node))) for s in body.statements]
    assert (5, True, "SelectStmt") in kinds  # the IF condition
    assert (8, False, "UpdateStmt") in kinds
    update = next(s for s in body.statements if "UpdateStmt" in s.node)
    target = update.node["UpdateStmt"]["targetList"][0]["ResTarget"]["val"]
    assert update.line_of(target) == 9


def test_sql_body_and_opaque_languages() -> None:
    cat = builtin_catalog()
    sql = (
        "create function a() returns int language sql\nas $$\n  select 1;\n  select 2\n$$;\n"
        "create function b() returns int language plv8 as $$ return 1 $$;\n"
    )
    replay(cat, parse_sql("m.sql", sql))
    body = body_sql(cat.functions[("public", "a")])
    assert body is not None and len(body.statements) == 2
    assert body.statements[1].line_of(body.statements[1].node) == 4
    assert body_sql(cat.functions[("public", "b")]) is None


def test_identity_flows_through_variables_and_parameters() -> None:
    cat = builtin_catalog()
    sql = """create function public.f(p_user uuid, p_other uuid) returns void
language plpgsql security definer as $$
declare
  v_uid uuid := auth.uid();
  v_org uuid;
  v_plain uuid;
begin
  select org_id into v_org from public.members where user_id = v_uid;
  p_user := (select auth.uid());
  v_plain := p_other;
  update public.t set x = 1 where org_id = v_org;
end $$;
"""
    replay(cat, parse_sql("m.sql", sql))
    body = body_sql(cat.functions[("public", "f")])
    assert body is not None
    assert body.identity_vars == {"v_uid", "v_org", "p_user"}
    update = next(s for s in body.statements if "UpdateStmt" in s.node)
    assert body.mentions_identity(update)
    plain = next(s for s in body.statements if s.targets == ("v_plain",))
    assert not body.mentions_identity(plain)
