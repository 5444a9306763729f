"""``agents.suppression``: one syntax, comments only, one placement rule, problems reported.

The specialists' own tests check that a suppressed finding moves to
``suppressed`` with its reason; these check the module for every language.
"""

from __future__ import annotations

import pytest

from agents.findings import Severity
from agents.specialist import RuleOutcome
from agents.suppression import (
    MISSING_REASON,
    hash_comments,
    sort_findings,
    statement_lines,
    suppressions_in,
    ts_statement_line,
)
from agents.ts.parse import parse_ts
from tests.pipeline.factories import finding


def test_ts_comment_above_with_several_codes() -> None:
    sups = suppressions_in(
        "a.ts", "// architect-review: ignore EDGE004, EDGE008 upstream is local\nawait fetch(u);\n"
    )
    assert sups.reason_for("EDGE004", 2) == "upstream is local"
    assert sups.reason_for("EDGE008", 2) == "upstream is local"
    assert sups.reason_for("EDGE005", 2) is None


def test_a_comment_does_not_reach_past_code() -> None:
    sups = suppressions_in(
        "a.ts", "// architect-review: ignore EDGE004 x\nconst a = 1;\nawait fetch(u);\n"
    )
    assert sups.reason_for("EDGE004", 2) == "x"
    assert sups.reason_for("EDGE004", 3) is None


def test_a_blank_line_separates_a_comment_from_the_statement() -> None:
    sql = "-- architect-review: ignore RLS001 staging\n\ncreate table t (id int);\n"
    assert suppressions_in("m.sql", sql).reason_for("RLS001", 3) is None


def test_comment_above_the_statement_covers_a_line_inside_it() -> None:
    text = "// architect-review: ignore EDGE004 x\nconst r = await fetch(\n  u,\n  {},\n);\n"
    sups = suppressions_in("a.ts", text)
    assert sups.reason_for("EDGE004", 4) is None
    assert sups.reason_for("EDGE004", 4, statement_line=2) == "x"
    assert ts_statement_line(parse_ts("a.ts", text))(4) == 2


def test_a_block_of_comments_above_counts_and_trailing_comments_too() -> None:
    sql = (
        "-- Staging data only.\n"
        "/* architect-review: ignore RLS001, RLS005 service role only */\n"
        "-- (see the runbook)\n"
        "create table t (id int);\n"
        "create table u (id int); -- architect-review: ignore RLS001 trailing\n"
        "create table v (id int);\n"
    )
    sups = suppressions_in("m.sql", sql)
    assert sups.reason_for("RLS005", 4) == "service role only"
    assert sups.reason_for("RLS001", 5) == "trailing"
    assert sups.reason_for("RLS001", 6) is None  # a trailing comment is not above the next one


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("a.ts", 'const note = "// architect-review: ignore PERF020 nope";\nfor (;;) {}\n', 2),
        ("a.ts", "const s = `architect-review: ignore PERF020 nope`;\n", 1),
        ("m.sql", "select '-- architect-review: ignore RLS001 nope';\ncreate table t ();\n", 2),
        ("m.sql", "create table t (note text default 'architect-review: ignore RLS001 x');\n", 1),
        ("config.toml", 'x = "# architect-review: ignore EDGE010 nope"\nverify_jwt = false\n', 2),
        ("deno.json", '{"imports": {"a": "// architect-review: ignore EDGE014 no"},\n"b": 1}\n', 2),
    ],
)
def test_marker_inside_a_string_never_suppresses(path: str, text: str, line: int) -> None:
    sups = suppressions_in(path, text)
    assert not sups
    assert sups.reason_for("PERF020", line) is None


def test_every_comment_form_reads_the_same() -> None:
    expected = ("EDGE010",), "public demo"
    forms = {
        "config.toml": "# architect-review: ignore EDGE010 public demo\nverify_jwt = false\n",
        "m.sql": "/*\n * architect-review: ignore EDGE010\n * public demo\n */\nselect 1;\n",
        "a.ts": "/* architect-review: ignore EDGE010 public demo */\nfoo();\n",
        "deno.jsonc": '{\n  // architect-review: ignore EDGE010 public demo\n  "a": 1\n}\n',
    }
    for path, text in forms.items():
        sups = suppressions_in(path, text)
        assert [(s.codes, s.reason) for s in sups.suppressions] == [expected], path


def test_toml_lexer_knows_strings() -> None:
    text = (
        'a = "x # not a comment \\" still not"\n'
        "b = 'literal # nope'\n"
        'c = """\nmulti # nope\n"""  # real one\n'
        "d = '''\n# nope\n'''\n"
        "# last\n"
    )
    assert [(c.line, c.text, c.own_line) for c in hash_comments(text)] == [
        (5, "# real one", False),
        (9, "# last", True),
    ]


def test_missing_reason_is_the_default_and_a_problem() -> None:
    sups = suppressions_in("m.sql", "-- architect-review: ignore RLS001\ncreate table t ();\n")
    assert sups.reason_for("RLS001", 2) == MISSING_REASON
    assert sups.problems({"RLS001"}) == [
        "line 1: suppression of RLS001 gives no reason (write it after the code)"
    ]


def test_unknown_codes_and_malformed_comments_are_problems() -> None:
    sql = (
        "-- architect-review: ignore RLS999, RLS001 typo in one code\n"
        "create table t (id int);\n"
        "-- architect-review: skip RLS001 wrong verb\n"
        "create table u (id int);\n"
    )
    sups = suppressions_in("m.sql", sql)
    assert sups.problems({"RLS001"}) == [
        "line 3: `architect-review:` comment is not `ignore CODE reason`; it suppresses nothing",
        "line 1: suppression names unknown rule code(s) RLS999; it suppresses nothing for them",
    ]
    assert sups.reason_for("RLS001", 2) == "typo in one code"
    assert sups.reason_for("RLS001", 4) is None


def test_files_without_a_comment_lexer_have_no_suppressions() -> None:
    assert not suppressions_in("page.astro", "<!-- architect-review: ignore RLS021 x -->\n")


def test_sort_findings_splits_by_path_rule_and_statement() -> None:
    sql = (
        "-- architect-review: ignore RLS005 public catalogue\n"
        "create policy p on t\n"
        "  using (true);\n"
    )
    sups = suppressions_in("m.sql", sql)
    found = [
        finding(path="m.sql", line=3, rule="RLS005", severity=Severity.HIGH),
        finding(path="m.sql", line=3, rule="RLS006"),
        finding(path="other.sql", line=3, rule="RLS005"),
    ]
    outcome = RuleOutcome()
    sort_findings(found, sups, outcome, statement_lines([(2, 3)]))
    assert [(f.path, f.rule) for f in outcome.findings] == [
        ("m.sql", "RLS006"),
        ("other.sql", "RLS005"),
    ]
    assert [(s.finding.rule, s.reason) for s in outcome.suppressed] == [
        ("RLS005", "public catalogue")
    ]
