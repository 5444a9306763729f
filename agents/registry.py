"""Every stage of the review, in one list: :data:`STAGES`.

A *stage* is one branch of the review graph: it receives some of the PR's
changed files and returns a :class:`~agents.specialist.RuleOutcome`.  The three
rule-pack specialists are stages; so is anything else that reviews files on
its own (the database stage, which applies the migrations to a real
PostgreSQL).  This module is the only place that lists them, and everything
that needs the list reads it from here:

* ``pipeline.graph`` adds one node per stage (its ``run`` in a worker thread,
  then the LLM half when it has a ``prompt``) and one coverage row per stage;
* ``pipeline.routing`` / ``pipeline.config`` accept a stage name in a route's
  ``specialists:`` and validate each ``settings:`` section with the stage's
  ``settings`` model (or a shared one, :data:`SHARED_SETTINGS`);
* ``pipeline.rules_doc`` renders every stage's ``rules`` (``architect-review
  rules``, ``docs/rules.md``) and ``tests/test_rule_meta.py`` checks them;
* ``agents.llm.prompting`` reads a stage's system prompt from ``prompt``;
* the suppression report knows a code when some stage's ``rules`` or
  ``codes`` has it.

Modules are imported here directly, never through ``importlib`` strings, so a
typo is an import error at start-up (and a mypy error), not a silently empty
branch.

How to add a stage
------------------
1. **One folder**, ``agents/<name>/``, holding its ``agent.py`` with a
   function of the :data:`~agents.specialist.RuleRunner` signature
   (``run_rules(files, workspace) -> RuleOutcome``: never raises for one bad
   file; what it could not do goes to ``notes``; its findings pass through
   :func:`agents.suppression.sort_findings` so comments can silence them),
   and optionally ``rules/`` (``Rule`` subclasses with the usual doc sections
   and fixtures), ``prompt.md`` (only if Claude should review the same
   files) and a pydantic model for its ``settings:`` section.
2. **One registry line** in :data:`STAGES` below (plus its import), e.g. for
   the database stage::

       Stage("database", run=database.run_rules, selects=database.wants,
             settings=database.DatabaseSettings),

   ``selects(file, workspace)`` picks its files from every reviewable file
   of the PR (here: the migrations of each Supabase project); without it the
   stage gets the files that routes send to its name.  ``codes`` lists the
   finding codes it emits without ``Rule`` classes (so a suppression comment
   may name them); ``worker_process`` stays False for a stage that talks to a
   server.

That is all: the graph runs it concurrently with the others, the review
shows its coverage row (time, findings, notes, errors, and the ``coverage``
lines of its :class:`~agents.specialist.RuleOutcome`) under its name, its
notes and failures are reported like any specialist's, its
``existing_risks`` are shown folded apart from the verdict, its
``cross_check`` (if any) is applied by the architect to every rule finding of
the review, and a route or a ``settings:`` section may name it.  A stage that
cannot do what the configuration makes a condition of the review raises
:class:`~agents.errors.ReviewAborted`; any other exception is recorded as the
stage's failure and the review goes on.  The findings it returns keep the
``specialist`` of the JSON contract (``rls_security``, ``schema_performance``
or ``edge_reliability``) — a stage is where a finding was found, the
specialist is what it is about — and ``source`` says how it was found.
``tests/pipeline/test_registry.py`` registers a fake extra stage this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from pydantic import BaseModel, ConfigDict

import agents.edge_reliability as edge_reliability
import agents.rls_security as rls_security
import agents.schema_performance as schema_performance
from agents.changes import ChangedFile, Workspace
from agents.database import agent as database
from agents.edge_reliability import agent as edge_agent
from agents.edge_reliability.rules import RULES as EDGE_RULES
from agents.findings import SPECIALISTS, Specialist
from agents.rls_security import agent as rls_agent
from agents.rls_security.rules import RULES as RLS_RULES
from agents.rules import Rule
from agents.schema_performance import agent as perf_agent
from agents.schema_performance.rules import RULES as PERF_RULES
from agents.schema_performance.rules import TS_RULES as PERF_TS_RULES
from agents.specialist import RuleRunner


class NoSettings(BaseModel):
    """The settings of a stage that takes none: any key in its section is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SqlSettings(BaseModel):
    """``settings: sql:`` — the SQL analysis both SQL specialists share (``agents.sql``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_cache_dir: str | None = None
    """A folder kept between CI runs: the replayed base schema is cached there by content."""


@dataclass(frozen=True)
class Stage:
    """One branch of the review graph (see the module docstring)."""

    name: str
    """Node name, coverage row, and the key routes and ``settings:`` use."""
    run: RuleRunner
    """Its deterministic part, run in a worker thread: ``(files, workspace) -> RuleOutcome``."""
    rules: tuple[type[Rule[Any]], ...] = ()
    """The rules it runs, for the rule reference and the meta-test."""
    codes: tuple[str, ...] = ()
    """Finding codes it emits without a ``Rule`` class (SQL001: a file that does not parse)."""
    prompt: Traversable | None = None
    """Its Claude system prompt; None: no LLM half (the name must then be no specialist's)."""
    selects: Callable[[ChangedFile, Workspace], bool] | None = None
    """Picks its files from every reviewable file; None: the files routes send to ``name``."""
    settings: type[BaseModel] = field(default=NoSettings)
    """Validates its ``settings:`` section of the config file (default: it takes none)."""
    worker_process: bool = False
    """True when ``run`` is pure CPU work on the workspace that may run in a forked
    worker process (see :mod:`pipeline.prefork`); stages that talk to servers or
    hold connections keep False."""

    @property
    def specialist(self) -> Specialist | None:
        """The JSON-contract specialist this stage is, or None for other stages."""
        return next((s for s in SPECIALISTS if s == self.name), None)

    def prompt_text(self) -> str:
        """Its system prompt (KeyError when it has none)."""
        if self.prompt is None:
            raise KeyError(f"stage {self.name} has no prompt")
        return self.prompt.read_text(encoding="utf-8")


STAGES: tuple[Stage, ...] = (
    Stage(
        "rls_security",
        run=rls_agent.run_rules,
        rules=RLS_RULES,
        prompt=resources.files(rls_security).joinpath("prompt.md"),
        worker_process=True,
    ),
    Stage(
        "schema_performance",
        run=perf_agent.run_rules,
        rules=(*PERF_RULES, *PERF_TS_RULES),
        prompt=resources.files(schema_performance).joinpath("prompt.md"),
        worker_process=True,
    ),
    Stage(
        "edge_reliability",
        run=edge_agent.run_rules,
        rules=EDGE_RULES,
        prompt=resources.files(edge_reliability).joinpath("prompt.md"),
        worker_process=True,
    ),
    Stage(
        "database",
        run=database.run_rules,
        selects=database.wants,
        settings=database.DatabaseSettings,
        codes=database.CODES,
    ),
)
"""Every stage, in the order the review lists them."""

SHARED_SETTINGS: Mapping[str, type[BaseModel]] = {"sql": SqlSettings}
"""``settings:`` sections of analyses several stages share, not of one stage."""


def settings_model(section: str) -> type[BaseModel] | None:
    """The model validating ``settings: <section>:`` (a stage's or a shared one), or None."""
    for stage in _current(None):
        if stage.name == section:
            return stage.settings
    return SHARED_SETTINGS.get(section)


def _current(stages: Iterable[Stage] | None) -> Iterable[Stage]:
    # Read STAGES at call time (not as a default argument) so a test that adds a stage
    # to the registry is seen everywhere.
    return STAGES if stages is None else stages


def stage_names(stages: Iterable[Stage] | None = None) -> tuple[str, ...]:
    """The stage names, in order (default: the registry's)."""
    return tuple(s.name for s in _current(stages))


def find_stage(name: str, stages: Iterable[Stage] | None = None) -> Stage:
    """The stage called ``name`` (KeyError when none is)."""
    for stage in _current(stages):
        if stage.name == name:
            return stage
    raise KeyError(f"no review stage is called {name!r}")


def known_codes(stages: Iterable[Stage] | None = None) -> frozenset[str]:
    """Every finding code some stage can emit (what a suppression may name)."""
    return frozenset(
        code
        for stage in _current(stages)
        for code in (*(r.code for r in stage.rules), *stage.codes)
    )


def with_runs(stages: Sequence[Stage], runs: Mapping[str, RuleRunner]) -> tuple[Stage, ...]:
    """``stages`` with the ``run`` of the named ones replaced (test doubles)."""
    unknown = set(runs) - set(stage_names(stages))
    if unknown:
        raise KeyError(f"no review stage is called {', '.join(sorted(unknown))}")
    return tuple(replace(s, run=runs[s.name]) if s.name in runs else s for s in stages)
