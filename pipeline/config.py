"""The one frozen configuration, built once at entry by :func:`load_config`.

Read from ``.github/architect-review.yml`` under the repository root when it
exists (or the file given with ``--config``).  Every key is optional::

    fail_on: high                  # critical|high|medium|low|never (CLI --fail-on wins)
    max_file_bytes: 1000000        # larger files are skipped with a reason
    routes:                        # added to the defaults (a file gets every match)
      - paths: ["db/**/*.sql"]
        specialists: [rls_security, schema_performance]
        content: "create policy"   # optional regex on the head text
    replace_default_routes: false  # true: only the routes above apply
    skip:                          # added to the default skips
      - paths: ["supabase/seed.sql"]
        reason: seed data, never deployed
    replace_default_skips: false
    llm:
      model: claude-sonnet-5-5
      token_budget: 200000
    settings:                      # per stage (validated by its model in agents.registry)
      sql:                         # shared by the SQL specialists
        model_cache_dir: .cache/architect-review
      database:                    # the database stage (agents.database.settings)
        statement_timeout: 10
    database: auto                 # auto|off|required: apply the migrations to a throwaway
                                   # PostgreSQL when one starts / never / fail without it
    projects:                      # replaces discovery of **/supabase/ project folders
      - root: apps/api/supabase
        migrations: [apps/api/supabase/migrations, db/migrations]

Nothing else reads the environment or files for configuration; later code
receives this object.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.changes import Workspace
from agents.database.settings import MODE_KEY
from agents.database.settings import Mode as DatabaseMode
from agents.errors import UsageError
from agents.projects import ProjectSpec
from agents.registry import SHARED_SETTINGS, settings_model, stage_names
from agents.specialist import LlmSettings
from pipeline.gate import FailOn
from pipeline.routing import DEFAULT_ROUTES, DEFAULT_SKIPS, Route, SkipRule

DEFAULT_CONFIG_PATH = Path(".github/architect-review.yml")


class LlmConfig(BaseModel):
    """The ``llm:`` section; turned into :class:`agents.specialist.LlmSettings`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str | None = None
    small_model: str | None = None
    max_tokens: int | None = Field(default=None, gt=0)
    token_budget: int | None = Field(default=None, ge=0)
    deadline_seconds: float | None = Field(default=None, gt=0)
    concurrency: int | None = Field(default=None, gt=0)
    max_retries: int | None = Field(default=None, ge=0)
    summary: bool | None = None

    def settings(self) -> LlmSettings:
        values = {k: v for k, v in self.model_dump().items() if v is not None}
        return LlmSettings(**values)


class ConfigFile(BaseModel):
    """The YAML file's schema (unknown keys are errors: a typo must not pass silently)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fail_on: FailOn = "never"
    max_file_bytes: int = Field(default=1_000_000, gt=0)
    routes: tuple[Route, ...] = ()
    replace_default_routes: bool = False
    skip: tuple[SkipRule, ...] = ()
    replace_default_skips: bool = False
    llm: LlmConfig = LlmConfig()
    settings: dict[str, dict[str, Any]] = Field(default_factory=dict)
    projects: tuple[ProjectSpec, ...] = ()
    database: DatabaseMode = "auto"


DATABASE_STAGE = "database"
"""The stage whose ``mode`` the top-level ``database:`` key sets (:func:`configured_workspace`)."""


class Config(BaseModel):
    """Everything a review needs to know besides the change itself."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    routes: tuple[Route, ...] = DEFAULT_ROUTES
    """Routing table, in order (see :mod:`pipeline.routing`)."""
    skip: tuple[SkipRule, ...] = DEFAULT_SKIPS
    """Files never reviewed, with the reason shown in the comment."""
    fail_on: FailOn = "never"
    """Lowest severity that makes the CLI exit 1."""
    max_file_bytes: int = 1_000_000
    """Files larger than this are skipped ("too large")."""
    llm: LlmSettings = Field(default_factory=LlmSettings)
    """Model, budget and deadline of the optional Claude review."""
    settings: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-specialist settings, passed as ``Workspace.settings``."""
    projects: tuple[ProjectSpec, ...] = ()
    """Supabase project folders as configured (empty: discovered, see :mod:`agents.projects`)."""
    database: DatabaseMode = "auto"
    """The database stage: run when a server can start, never, or fail the review without
    it (its finer settings are under ``settings: database:``)."""
    source: str | None = None
    """The config file this came from (None: defaults only)."""

    def with_overrides(
        self,
        *,
        fail_on: FailOn | None = None,
        model: str | None = None,
        database: DatabaseMode | None = None,
    ) -> Config:
        """A copy with command-line overrides applied (the CLI wins over the file)."""
        update: dict[str, Any] = {}
        if fail_on is not None:
            update["fail_on"] = fail_on
        if model is not None:
            update["llm"] = dataclasses.replace(self.llm, model=model)
        if database is not None:
            update["database"] = database
        return self.model_copy(update=update) if update else self

    def stage_settings(self) -> dict[str, dict[str, Any]]:
        """``settings`` as the stages read them (``Workspace.settings``): with the database
        stage's mode from the top-level ``database:`` key when it is not the default."""
        if self.database == "auto":
            return dict(self.settings)
        section = {**self.settings.get(DATABASE_STAGE, {}), MODE_KEY: self.database}
        return {**self.settings, DATABASE_STAGE: section}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"{where}: {_one_line(str(first['msg']))}"


def _validated_settings(
    sections: dict[str, dict[str, Any]], label: str
) -> dict[str, dict[str, Any]]:
    """Each ``settings:`` section checked by its stage's model (``agents.registry``)."""
    out: dict[str, dict[str, Any]] = {}
    for name, values in sections.items():
        model = settings_model(name)
        if model is None:
            known = ", ".join([*stage_names(), *SHARED_SETTINGS])
            raise UsageError(
                f"invalid config {label}: settings.{name}: no stage or analysis is called "
                f"{name!r}; expected one of {known}"
            )
        try:
            out[name] = model.model_validate(values).model_dump(exclude_none=True)
        except ValidationError as exc:
            raise UsageError(
                f"invalid config {label}: settings.{name}.{_validation_message(exc)}"
            ) from exc
    return out


def config_from_mapping(data: Any, source: str | None = None) -> Config:
    """Validate a parsed YAML document into a Config (UsageError, one line, when invalid)."""
    label = source or "config"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"invalid config {label}: expected a mapping at the top level")
    try:
        parsed = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"invalid config {label}: {_validation_message(exc)}") from exc
    if MODE_KEY in (parsed.settings.get(DATABASE_STAGE) or {}):
        raise UsageError(
            f"invalid config {label}: settings.{DATABASE_STAGE}.{MODE_KEY}: set it with the "
            f"top-level key `{DATABASE_STAGE}: auto|off|required` (or --database)"
        )
    settings = _validated_settings(parsed.settings, label)
    routes = parsed.routes + (() if parsed.replace_default_routes else DEFAULT_ROUTES)
    skips = parsed.skip + (() if parsed.replace_default_skips else DEFAULT_SKIPS)
    try:
        llm = parsed.llm.settings()
    except TypeError as exc:  # a field LlmSettings does not know (version skew)
        raise UsageError(f"invalid config {label}: llm: {_one_line(str(exc))}") from exc
    return Config(
        routes=routes,
        skip=skips,
        fail_on=parsed.fail_on,
        max_file_bytes=parsed.max_file_bytes,
        llm=llm,
        settings=settings,
        projects=parsed.projects,
        database=parsed.database,
        source=source,
    )


def config_from_text(text: str, source: str) -> Config:
    """The configuration in YAML ``text`` (from a file, or the base branch through the API)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UsageError(f"invalid YAML in {source}{where}: {_one_line(str(problem))}") from exc
    return config_from_mapping(data, source)


def load_config(path: Path | None, repo_root: Path | None) -> Config:
    """The configuration for this run, from the local file system.

    ``path`` (``--config``) must exist when given.  Otherwise
    ``<repo_root>/.github/architect-review.yml`` is read when present, and the
    defaults apply when it is not.  (The Action reads the same file from the
    base branch and hands its text to :func:`config_from_text`.)
    """
    if path is None:
        if repo_root is None:
            return Config()
        candidate = repo_root / DEFAULT_CONFIG_PATH
        if not candidate.is_file():
            return Config()
        path = candidate
    elif not path.is_file():
        raise UsageError(f"config file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read config {path}: {_one_line(str(exc))}") from exc
    return config_from_text(text, str(path))


def configured_workspace(workspace: Workspace, config: Config) -> Workspace:
    """``workspace`` with the config's per-stage settings and Supabase projects applied.

    A copy when anything changes, with an empty analysis cache: what was
    computed for the unconfigured workspace (its discovered projects, say)
    does not hold for the configured one.
    """
    update: dict[str, Any] = {}
    settings = config.stage_settings()
    if settings and not workspace.settings:
        update["settings"] = settings
    if config.projects and not workspace.project_specs:
        update["project_specs"] = tuple(config.projects)
    if not update:
        return workspace
    return dataclasses.replace(workspace, **update, _cache={}, _locks={})
