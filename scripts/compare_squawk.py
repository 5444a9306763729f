"""Run squawk and architect-review's schema_performance rules on the same migrations, side by side.

Inputs, both tools seeing exactly the same files:

1. the bench's migrations (``cases/*/head/supabase/migrations/*.sql``); our rules
   also read the case's ``base/`` tree, which is the point: squawk sees one file,
   we see the schema's history;
2. a generated PR of at least ``--statements`` statements (default 2,000) over a
   generated base schema, built from templates that each hold one known
   migration-safety pattern, safe and unsafe, on tables that already hold data
   and on tables the same PR creates.

For each migration-safety class (see ``CLASSES``) it prints how many statements
each tool flags, how many both flag, and every disagreement pattern with a
sentence on who is right. Then the wall time of each tool on the generated
input, measured in one run: squawk as one process over all files, our rules
in-process (parse + schema replay + all schema_performance rules, with the
cyclic collector paused as in a review: ``pipeline.gc_pause``), and the
whole ``architect-review review --database off`` CLI (all specialists, git diff
included) on a git repository holding the same files.

Usage::

    python scripts/compare_squawk.py [--bench DIR] [--statements N] [--seed N] [--no-cli]

squawk is ``squawk-cli`` from PyPI (a dev dependency); its JSON lines are 0-based.

Why one module of about 800 lines: a standalone script: the pattern generator, both
runners, the comparison and the report stay in one file so it runs as ``python
scripts/compare_squawk.py`` with nothing else.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.changes import ChangedFile, DictTree, FileStatus, Workspace  # noqa: E402
from agents.schema_performance.agent import run_rules  # noqa: E402
from agents.sql import analysis as sql_analysis  # noqa: E402
from agents.sql.analysis import analyse  # noqa: E402
from agents.sql.parse import ParsedSql, parse_sql  # noqa: E402
from pipeline.gc_pause import gc_paused  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench" / "cases"
MIGRATIONS = "supabase/migrations/"


@dataclass(frozen=True)
class SafetyClass:
    """One migration-safety problem as each tool names it."""

    name: str
    ours: frozenset[str]
    squawk: frozenset[str]


def _cls(name: str, ours: Iterable[str], squawk: Iterable[str]) -> SafetyClass:
    return SafetyClass(name, frozenset(ours), frozenset(squawk))


CLASSES: tuple[SafetyClass, ...] = (
    _cls("index build without CONCURRENTLY", ["MIG001"], ["require-concurrent-index-creation"]),
    _cls(
        "drop/reindex/detach without CONCURRENTLY",
        ["MIG002"],
        [
            "require-concurrent-index-deletion",
            "require-concurrent-reindex",
            "require-concurrent-partition-detach",
        ],
    ),
    _cls(
        "CONCURRENTLY inside a transaction",
        ["MIG003"],
        ["ban-concurrent-index-creation-in-transaction"],
    ),
    _cls(
        "constraint validated under lock",
        ["MIG004"],
        [
            "constraint-missing-not-valid",
            "adding-foreign-key-constraint",
            "ban-alter-domain-with-add-constraint",
        ],
    ),
    _cls(
        "UNIQUE/PK built inline",
        ["MIG005"],
        ["disallowed-unique-constraint", "adding-serial-primary-key-field"],
    ),
    _cls("column add rewrites table", ["MIG006"], ["adding-field-with-default"]),
    _cls("column type change", ["MIG007"], ["changing-column-type"]),
    _cls("SET NOT NULL scan", ["MIG008"], ["adding-not-nullable-field"]),
    _cls("required column without default", ["MIG009"], ["adding-required-field"]),
    _cls(
        "rename/drop breaks deployed clients",
        ["MIG011"],
        ["renaming-column", "renaming-table", "ban-drop-column", "ban-drop-table"],
    ),
    _cls(
        "transaction hygiene",
        ["MIG012"],
        ["transaction-nesting", "ban-uncommitted-transaction"],
    ),
    _cls("TRUNCATE CASCADE", ["MIG013"], ["ban-truncate-cascade"]),
    _cls(
        "lock/statement timeout",
        ["MIG014"],
        ["require-timeout-settings", "require-lock-timeout", "require-statement-timeout"],
    ),
    _cls(
        "32-bit / serial keys",
        ["PERF009"],
        ["prefer-bigint-over-int", "prefer-bigint-over-smallint", "prefer-identity"],
    ),
    _cls("timestamp without time zone", ["PERF010"], ["prefer-timestamp-tz"]),
    _cls("varchar(n) / char(n)", ["PERF011"], ["prefer-text-field", "ban-char-field"]),
)

# -- the generated PR ----------------------------------------------------------------

BASE_TABLES = 120


def base_schema() -> str:
    """Base migration: tables assumed to hold data, each with an owner FK, an index and RLS."""
    parts: list[str] = []
    for i in range(BASE_TABLES):
        parts.append(
            f"""create table public.t{i} (
  id bigint generated always as identity primary key,
  owner_id uuid not null references auth.users (id) on delete cascade,
  parent_id bigint,
  name varchar(40),
  amount integer not null default 0,
  note text,
  created_at timestamptz not null default now()
);
create index t{i}_owner_id_idx on public.t{i} (owner_id);
create index t{i}_created_at_idx on public.t{i} (created_at);
alter table public.t{i} enable row level security;
create policy "own rows {i}" on public.t{i} for select to authenticated
  using (owner_id = (select auth.uid()));
"""
        )
    return "\n".join(parts)


@dataclass(frozen=True)
class Template:
    """One pattern: its label, the statements it emits, and whether it needs its own file."""

    label: str
    own_file: bool = False


def render(label: str, e: int, n: int) -> list[str]:
    """Statements of template ``label`` on existing table ``t{e}`` / a new table ``n{n}``."""
    t = f"public.t{e}"
    new = f"public.n{n}"
    create_new = (
        f"create table {new} (id bigint generated always as identity primary key, "
        "name text, amount integer not null default 0)"
    )
    return {
        "index on existing table": [f"create index t{e}_name_{n}_idx on {t} (name)"],
        "index concurrently, own file": [
            f"create index concurrently if not exists t{e}_note_{n}_idx on {t} (note)"
        ],
        "index concurrently beside other DDL": [
            f"alter table {t} add column c{n} text",
            f"create index concurrently if not exists t{e}_c{n}_idx on {t} (c{n})",
        ],
        "index on table created in the same PR": [
            create_new,
            f"create index n{n}_name_idx on {new} (name)",
        ],
        "drop index on existing table": [f"drop index public.t{e}_created_at_idx"],
        "drop index concurrently, own file": [
            f"drop index concurrently if exists public.t{e}_created_at_idx"
        ],
        "add nullable column": [f"alter table {t} add column c{n} text"],
        "add column default now()": [
            f"alter table {t} add column c{n} timestamptz not null default now()"
        ],
        "add column volatile default": [
            f"alter table {t} add column c{n} uuid not null default gen_random_uuid()"
        ],
        "add NOT NULL column without default": [f"alter table {t} add column c{n} text not null"],
        "add NOT NULL column to new table": [
            create_new,
            f"alter table {new} add column c{n} text not null",
        ],
        "set not null on existing column": [f"alter table {t} alter column note set not null"],
        "type change that rewrites": [f"alter table {t} alter column amount type numeric(12, 2)"],
        "type change varchar widening": [f"alter table {t} alter column name type varchar(200)"],
        "type change varchar to text": [f"alter table {t} alter column name type text"],
        "foreign key on existing table": [
            f"alter table {t} add constraint t{e}_parent_{n}_fk foreign key (parent_id) "
            f"references {t} (id)"
        ],
        "foreign key NOT VALID": [
            f"alter table {t} add constraint t{e}_parent_{n}_fk foreign key (parent_id) "
            f"references {t} (id) not valid"
        ],
        "foreign key on new table": [
            create_new,
            f"alter table {new} add constraint n{n}_fk foreign key (amount) references {t} (id)",
            f"create index n{n}_amount_idx on {new} (amount)",
        ],
        "check constraint on existing table": [
            f"alter table {t} add constraint t{e}_amount_{n}_ck check (amount >= 0)"
        ],
        "unique constraint on existing table": [
            f"alter table {t} add constraint t{e}_name_{n}_key unique (name)"
        ],
        "rename column": [f"alter table {t} rename column note to note_{n}"],
        "drop column": [f"alter table {t} drop column note"],
        "truncate cascade": [f"truncate table {t} cascade"],
        "new table with int/varchar/timestamp": [
            f"create table {new} (id serial primary key, code varchar(20), seen_at timestamp)"
        ],
        "new table, good types": [
            f"create table {new} (id bigint generated always as identity primary key, "
            "code text, seen_at timestamptz)"
        ],
        "lock_timeout then DDL": [
            "set lock_timeout = '4s'",
            f"alter table {t} add column c{n} text",
        ],
        "begin without commit": ["begin", f"alter table {t} add column c{n} text"],
    }[label]


TEMPLATES: tuple[Template, ...] = (
    Template("index on existing table"),
    Template("index concurrently, own file", own_file=True),
    Template("index concurrently beside other DDL", own_file=True),
    Template("index on table created in the same PR"),
    Template("drop index on existing table"),
    Template("drop index concurrently, own file", own_file=True),
    Template("add nullable column"),
    Template("add column default now()"),
    Template("add column volatile default"),
    Template("add NOT NULL column without default"),
    Template("add NOT NULL column to new table"),
    Template("set not null on existing column"),
    Template("type change that rewrites"),
    Template("type change varchar widening"),
    Template("type change varchar to text"),
    Template("foreign key on existing table"),
    Template("foreign key NOT VALID"),
    Template("foreign key on new table"),
    Template("check constraint on existing table"),
    Template("unique constraint on existing table"),
    Template("rename column"),
    Template("drop column"),
    Template("truncate cascade"),
    Template("new table with int/varchar/timestamp"),
    Template("new table, good types"),
    Template("lock_timeout then DDL", own_file=True),
    Template("begin without commit", own_file=True),
)


@dataclass
class GeneratedFile:
    path: str
    text: str
    labels: list[str] = field(default_factory=list)
    """Template label of each statement, in order."""


def generate(statements: int, seed: int) -> list[GeneratedFile]:
    """Migration files totalling at least ``statements`` statements."""
    rng = random.Random(seed)
    files: list[GeneratedFile] = []
    total = 0
    n = 0
    pending: list[tuple[str, list[str]]] = []

    def flush() -> None:
        nonlocal pending
        if pending:
            stamp = 20300101000000 + len(files)
            gf = GeneratedFile(path=f"{MIGRATIONS}{stamp}_generated.sql", text="")
            lines: list[str] = []
            for label, stmts in pending:
                for s in stmts:
                    lines.append(s + ";")
                    gf.labels.append(label)
            gf.text = "\n".join(lines) + "\n"
            files.append(gf)
            pending = []

    while total < statements:
        tpl = TEMPLATES[n % len(TEMPLATES)] if n < len(TEMPLATES) else rng.choice(TEMPLATES)
        # every file touches its own existing table, so one file's rename/drop
        # cannot change what the next one means
        e = len(files) % BASE_TABLES
        stmts = render(tpl.label, e, n)
        n += 1
        total += len(stmts)
        if tpl.own_file:
            flush()
            pending.append((tpl.label, stmts))
            flush()
        else:
            pending.append((tpl.label, stmts))
            if len(pending) >= rng.randint(1, 3) or any(
                lbl in ("drop column", "rename column", "truncate cascade") for lbl, _ in pending
            ):
                flush()
    flush()
    return files


# -- running the tools -------------------------------------------------------------------


@dataclass
class Flag:
    """Which classes each tool raised on one statement."""

    ours: set[str] = field(default_factory=set)
    squawk: set[str] = field(default_factory=set)
    squawk_other: set[str] = field(default_factory=set)
    """squawk rules outside every class (``prefer-robust-stmts``…)."""


def _class_of_code(code: str) -> str | None:
    for c in CLASSES:
        if code in c.ours:
            return c.name
    return None


def _class_of_squawk(rule: str) -> str | None:
    for c in CLASSES:
        if rule in c.squawk:
            return c.name
    return None


def statement_index(parsed: ParsedSql, line: int) -> int | None:
    """Index of the statement covering 1-based ``line`` (or the next one after it)."""
    for stmt in parsed.statements:
        if stmt.line <= line <= stmt.end_line:
            return stmt.index
    for stmt in parsed.statements:
        if stmt.line > line:
            return stmt.index
    return None


def workspace(
    base: dict[str, str], head_files: dict[str, str], model_cache_dir: Path | None = None
) -> Workspace:
    """A review workspace where ``head_files`` are added/changed on top of ``base``
    (with ``model_cache_dir``, the base schema model is kept there between runs, as
    the Action does with ``actions/cache``)."""
    head = dict(base)
    head.update(head_files)
    files = []
    for path, text in sorted(head_files.items()):
        if base.get(path) == text:
            continue
        n = len(text.splitlines())
        files.append(
            ChangedFile(
                path=path,
                status=FileStatus.MODIFIED if path in base else FileStatus.ADDED,
                old_path=path if path in base else None,
                added_lines=frozenset(range(1, n + 1)),
                head_text=text,
                head_complete=True,
            )
        )
    settings = {"sql": {"model_cache_dir": str(model_cache_dir)}} if model_cache_dir else {}
    return Workspace(
        files=files, base=DictTree(base), head=DictTree(head), has_repo=True, settings=settings
    )


def run_ours(ws: Workspace) -> tuple[dict[tuple[str, int], set[str]], float, float]:
    """(path, statement index) → our classes; wall time of the whole run, and of its
    first step, parsing and replaying the schema (shared with rls_security)."""
    # as the review runs them: with the cyclic collector paused (pipeline.gc_pause)
    with gc_paused():
        start = time.perf_counter()
        analyse(ws)
        model_time = time.perf_counter() - start
        outcome = run_rules(ws.files, ws)
        elapsed = time.perf_counter() - start
    flags: dict[tuple[str, int], set[str]] = defaultdict(set)
    parsed = {f.path: parse_sql(f.path, f.head_text or "") for f in ws.files}
    for finding in outcome.findings:
        cls = _class_of_code(finding.rule or "")
        if cls is None or finding.line is None or finding.path not in parsed:
            continue
        idx = statement_index(parsed[finding.path], finding.line)
        if idx is not None:
            flags[(finding.path, idx)].add(cls)
    return flags, elapsed, model_time


def run_squawk(
    files: dict[str, str], workdir: Path
) -> tuple[dict[tuple[str, int], tuple[set[str], set[str]]], float]:
    """(path, statement index) → (squawk classes, other squawk rules), and the wall time."""
    for path, text in files.items():
        target = workdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    exe = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
    start = time.perf_counter()
    proc = subprocess.run(
        [exe, "--reporter", "json", *files],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"squawk failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    violations = json.loads(proc.stdout or "[]")
    parsed = {p: parse_sql(p, t) for p, t in files.items()}
    out: dict[tuple[str, int], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for v in violations:
        path = str(v["file"])
        if path not in parsed:
            continue
        idx = statement_index(parsed[path], int(v["line"]) + 1)  # squawk lines are 0-based
        if idx is None:
            continue
        rule = str(v["rule_name"])
        cls = _class_of_squawk(rule)
        (out[(path, idx)][0] if cls else out[(path, idx)][1]).add(cls or rule)
    return out, elapsed


# -- who is right ------------------------------------------------------------------------

VERDICTS: dict[tuple[str, str], str] = {
    ("squawk", "index build without CONCURRENTLY"): (
        "ours: the table is created earlier in the same PR, so it is empty and the build takes "
        "milliseconds; squawk cannot see the schema's history"
    ),
    ("squawk", "lock/statement timeout"): (
        "both defensible: we note it as info once per file, only on tables that already "
        "exist (the lock itself is the locking rules' finding), squawk on every file"
    ),
    ("squawk", "column type change"): (
        "ours: widening varchar or varchar → text is binary-compatible (no rewrite, brief lock); "
        "squawk does not know the old type"
    ),
    ("squawk", "constraint validated under lock"): (
        "ours: the constraint is on a table created in this PR (empty), or it is a UNIQUE/PK "
        "constraint, for which NOT VALID does not exist (that lock is MIG005's business)"
    ),
    ("squawk", "required column without default"): (
        "ours: the table is created in this PR, so it has no rows to fail on"
    ),
    ("squawk", "32-bit / serial keys"): (
        "squawk flags every int column, we flag 32-bit primary keys only: an `integer` amount "
        "or counter is not a key that can run out"
    ),
    ("squawk", "UNIQUE/PK built inline"): (
        "ours: the key is added to a table created in this PR (no rows to index)"
    ),
    ("squawk", "CONCURRENTLY inside a transaction"): (
        "ours: the statement is alone in its file and outside BEGIN"
    ),
    ("ours", "CONCURRENTLY inside a transaction"): (
        "ours: Supabase CLIs before 2.109 run each migration file as one transaction, so a "
        "CONCURRENTLY statement beside other statements fails at deploy; squawk only checks "
        "explicit BEGIN blocks"
    ),
    ("ours", "SET NOT NULL scan"): (
        "ours: SET NOT NULL on an existing column scans the table under ACCESS EXCLUSIVE"
    ),
    ("ours", "column add rewrites table"): (
        "ours: a volatile default on an existing table rewrites it"
    ),
    ("ours", "varchar(n) / char(n)"): "ours",
    ("squawk", "varchar(n) / char(n)"): (
        "ours by choice: squawk also flags char(n) and type changes to varchar(n); char(2)/char(3) "
        "for ISO codes is reasonable (the bench tolerates it), and a widening type change is "
        "MIG007's business"
    ),
    ("squawk", "rename/drop breaks deployed clients"): (
        "ours: the object is created in this PR, so no deployed client uses it yet"
    ),
    ("squawk", "timestamp without time zone"): "same rule; see the statement",
    ("ours", "transaction hygiene"): "see the statement",
}


def verdict(side: str, cls: str) -> str:
    return VERDICTS.get((side, cls), "see the statement")


# -- reporting ---------------------------------------------------------------------------


PER_FILE_CLASSES = frozenset({"lock/statement timeout"})
"""Classes about a migration file as a whole: compared per file (statement index -1), because
squawk reports them on the file's first statement and we on the first DDL that needs them."""


def _per_file(
    ours: dict[tuple[str, int], set[str]],
    squawk: dict[tuple[str, int], tuple[set[str], set[str]]],
    classes: frozenset[str],
) -> tuple[dict[tuple[str, int], set[str]], dict[tuple[str, int], tuple[set[str], set[str]]]]:
    o2: dict[tuple[str, int], set[str]] = defaultdict(set)
    s2: dict[tuple[str, int], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for (path, idx), found in ours.items():
        for cls in found:
            o2[(path, -1 if cls in classes else idx)].add(cls)
    for (path, idx), (found, other) in squawk.items():
        for cls in found:
            s2[(path, -1 if cls in classes else idx)][0].add(cls)
        s2[(path, idx)][1].update(other)
    return o2, s2


def compare(
    ours: dict[tuple[str, int], set[str]],
    squawk: dict[tuple[str, int], tuple[set[str], set[str]]],
    labels: dict[tuple[str, int], str],
) -> tuple[
    dict[str, Counter[str]], dict[tuple[str, str, str], list[tuple[str, int]]], Counter[str]
]:
    """Per-class counts, disagreements grouped by (side, class, label), other squawk rules."""
    counts: dict[str, Counter[str]] = {c.name: Counter() for c in CLASSES}
    ours, squawk = _per_file(ours, squawk, PER_FILE_CLASSES)
    disagreements: dict[tuple[str, str, str], list[tuple[str, int]]] = defaultdict(list)
    others: Counter[str] = Counter()
    for key in sorted(set(ours) | set(squawk)):
        o = ours.get(key, set())
        s, other = squawk.get(key, (set(), set()))
        others.update(other)
        for cls in o | s:
            c = counts[cls]
            if cls in o:
                c["ours"] += 1
            if cls in s:
                c["squawk"] += 1
            if cls in o and cls in s:
                c["both"] += 1
            elif cls in o:
                disagreements[("ours", cls, labels.get(key, ""))].append(key)
            else:
                disagreements[("squawk", cls, labels.get(key, ""))].append(key)
    return counts, disagreements, others


def print_table(title: str, counts: dict[str, Counter[str]]) -> None:
    print(f"\n## {title}\n")
    print(
        f"{'class':42} {'ours':>6} {'squawk':>7} {'both':>6} {'only ours':>10} {'only squawk':>12}"
    )
    for cls, c in counts.items():
        print(
            f"{cls:42} {c['ours']:>6} {c['squawk']:>7} {c['both']:>6} "
            f"{c['ours'] - c['both']:>10} {c['squawk'] - c['both']:>12}"
        )


def print_disagreements(
    disagreements: dict[tuple[str, str, str], list[tuple[str, int]]], show_where: bool
) -> None:
    if not disagreements:
        print("\n(no disagreements)")
        return
    print("\nDisagreements (statements flagged by one tool only):")
    for (side, cls, label), where in sorted(disagreements.items()):
        who = "only ours" if side == "ours" else "only squawk"
        head = f"- [{who}] {cls}"
        if label:
            head += f" — pattern '{label}'"
        print(f"{head}: {len(where)} statement(s). Who is right: {verdict(side, cls)}.")
        if show_where:
            for path, idx in where[:6]:
                print(f"    {path} (statement {idx + 1})")


def bench_inputs(bench: Path) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(case, base tree, head files) for cases whose PR adds or changes migrations."""
    out = []
    for case in sorted(p for p in bench.iterdir() if p.is_dir()):
        head_root = case / "head"
        head = {
            p.relative_to(head_root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(head_root.rglob("*"))
            if p.is_file()
        }
        if not any(k.startswith(MIGRATIONS) and k.endswith(".sql") for k in head):
            continue
        base_root = case / "base"
        base = {
            p.relative_to(base_root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(base_root.rglob("*"))
            if p.is_file()
        }
        out.append((case.name, base, head))
    return out


def time_cli(base: dict[str, str], head_files: dict[str, str], workdir: Path) -> float | None:
    """Wall time of ``architect-review review --no-llm`` on a git repo of base → head."""
    exe = shutil.which("architect-review") or str(Path(sys.executable).parent / "architect-review")
    if not Path(exe).exists():
        return None
    repo = workdir / "repo"
    repo.mkdir()

    def write(tree: dict[str, str]) -> None:
        for path, text in tree.items():
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(text, encoding="utf-8")

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args],
            cwd=repo,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q")
    write(base)
    git("add", "-A")
    git("commit", "-qm", "base")
    base_sha = git("rev-parse", "HEAD")
    write(head_files)
    git("add", "-A")
    git("commit", "-qm", "head")
    head_sha = git("rev-parse", "HEAD")
    start = time.perf_counter()
    proc = subprocess.run(
        [
            exe,
            "review",
            "--repo",
            str(repo),
            "--base",
            base_sha,
            "--head",
            head_sha,
            "--format",
            "json",
            "--no-llm",
            "--database",
            "off",  # squawk applies nothing either; bench_database.py times that stage
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    try:
        json.loads(proc.stdout)
    except json.JSONDecodeError:
        print(f"(architect-review CLI did not print JSON, exit {proc.returncode}; not timed)")
        return None
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-cli", action="store_true", help="skip timing the whole CLI")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timing runs per tool; the median is shown"
    )
    args = parser.parse_args(argv)

    # 1. the bench's migrations
    bench_ours: dict[tuple[str, int], set[str]] = {}
    bench_squawk: dict[tuple[str, int], tuple[set[str], set[str]]] = {}
    n_bench_files = n_bench_statements = 0
    if args.bench.is_dir():
        for case, base, head in bench_inputs(args.bench):
            migs = {
                p: t for p, t in head.items() if p.startswith(MIGRATIONS) and p.endswith(".sql")
            }
            n_bench_files += len(migs)
            n_bench_statements += sum(len(parse_sql(p, t).statements) for p, t in migs.items())
            ours, _, _ = run_ours(workspace(base, head))
            with tempfile.TemporaryDirectory() as tmp:
                sq, _ = run_squawk(migs, Path(tmp))
            bench_ours.update({(f"{case}/{p}", i): v for (p, i), v in ours.items()})
            bench_squawk.update({(f"{case}/{p}", i): v for (p, i), v in sq.items()})
        counts, dis, others = compare(bench_ours, bench_squawk, {})
        print(
            f"# squawk vs architect-review — bench: {n_bench_files} migration files, "
            f"{n_bench_statements} statements"
        )
        print_table("Bench migrations: statements flagged per class", counts)
        print_disagreements(dis, show_where=True)
        if others:
            print("\nsquawk rules outside every class (see docs/squawk-comparison.md):")
            print("  " + ", ".join(f"{r} ×{n}" for r, n in others.most_common()))

    # 2. the generated PR
    files = generate(args.statements, args.seed)
    head_files = {f.path: f.text for f in files}
    labels = {(f.path, i): lbl for f in files for i, lbl in enumerate(f.labels)}
    n_statements = sum(len(f.labels) for f in files)
    base = {f"{MIGRATIONS}20240101000000_base.sql": base_schema()}
    ours_times: list[float] = []
    model_times: list[float] = []
    squawk_times: list[float] = []
    for _ in range(max(args.repeat, 1)):
        # a fresh workspace and an empty base-history cache each run, as in a new CI
        # process without a cache directory
        sql_analysis.BASE_CACHE = sql_analysis.BaseModelCache()
        ours, t_ours, t_model = run_ours(workspace(base, head_files))
        ours_times.append(t_ours)
        model_times.append(t_model)
        with tempfile.TemporaryDirectory() as tmp:
            sq, t_squawk = run_squawk(head_files, Path(tmp))
        squawk_times.append(t_squawk)
    # the same, with the base schema model read from a cache folder (the Action keeps
    # one per base commit with actions/cache): the first run writes it
    warm_times: list[float] = []
    with tempfile.TemporaryDirectory() as cache_dir:
        for i in range(max(args.repeat, 1) + 1):
            sql_analysis.BASE_CACHE = sql_analysis.BaseModelCache()
            _, t_warm, _ = run_ours(workspace(base, head_files, Path(cache_dir)))
            if i:
                warm_times.append(t_warm)
    ours_time = statistics.median(ours_times)
    model_time = statistics.median(model_times)
    squawk_time = statistics.median(squawk_times)
    warm_time = statistics.median(warm_times)
    counts, dis, others = compare(ours, sq, labels)
    print(
        f"\n# generated PR: {len(files)} migration files, {n_statements} statements, "
        f"on a base of {BASE_TABLES} tables (seed {args.seed})"
    )
    print_table("Generated migrations: statements flagged per class", counts)
    print_disagreements(dis, show_where=False)
    if others:
        print("\nsquawk rules outside every class:")
        print("  " + ", ".join(f"{r} ×{n}" for r, n in others.most_common()))

    cli_time = None
    if not args.no_cli:
        with tempfile.TemporaryDirectory() as tmp:
            cli_time = time_cli(base, head_files, Path(tmp))
    print(f"\n## Wall time on the generated input (median of {max(args.repeat, 1)} runs)\n")
    print(f"squawk (one process, {len(files)} files)              {squawk_time:8.3f} s")
    print(
        f"schema_performance rules (in-process, parse+replay) {ours_time:8.3f} s"
        f"   ratio ours/squawk {ours_time / squawk_time:6.1f}x"
    )
    print(
        f"  of which parsing + replaying the schema model     {model_time:8.3f} s"
        "   (shared with rls_security)"
    )
    print(f"  of which the schema_performance rules            {ours_time - model_time:8.3f} s")
    print(
        f"  the same, base model from the Action's cache       {warm_time:8.3f} s"
        f"   ratio ours/squawk {warm_time / squawk_time:6.1f}x"
    )
    if cli_time is not None:
        print(
            f"architect-review review --no-llm --database off    {cli_time:8.3f} s"
            f"   ratio CLI/squawk  {cli_time / squawk_time:6.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
