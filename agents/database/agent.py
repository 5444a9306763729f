"""The database stage as the review sees it: which files it takes, and what it hands back.

One registry line (:data:`agents.registry.STAGES`) makes this a stage of the
review: :func:`wants` picks the PR's migrations of every Supabase project,
:func:`run_rules` applies the history and the PR to a throwaway PostgreSQL
(:func:`agents.database.stage.run_database_stage`, in the graph's worker thread,
beside the specialists) and turns what it measured into the generic
:class:`~agents.specialist.RuleOutcome`:

* ``findings`` — the database's own findings (deploy failures, measured
  rewrites, exposed tables, proven cross-user leaks), through the suppression
  comments of the files they point at;
* ``coverage`` — "applied N of M migrations … in X s" and the probe's line;
* ``existing_risks`` — leaks the probe proved on objects the PR does not
  touch (shown folded, never in the verdict), also through suppression;
* ``cross_check`` — :class:`agents.database.merge.MeasurementCheck`, which
  the architect applies to every rule finding of the review.

``database: required`` (the top-level config key or ``--database``) and the
stage could not run → :class:`~agents.database.errors.DatabaseRequired`, the
review fails.  psycopg and the server code are imported only when the stage
runs, so a review that never reaches it does not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.database.codes import CODES
from agents.database.errors import DatabaseRequired
from agents.database.settings import MODE_KEY, NO_HISTORY, DatabaseSettings
from agents.findings import Finding
from agents.specialist import RuleOutcome
from agents.sql.parse import parse_sql
from agents.suppression import sort_findings, statement_lines, suppressions_in

__all__ = ["CODES", "DatabaseSettings", "run_rules", "settings_of", "wants"]

NAME = "database"
"""The stage's name: its node, its coverage row and its ``settings:`` section."""


def settings_of(workspace: Workspace) -> DatabaseSettings:
    """The stage's settings in ``workspace`` (validated at config load; defaults else)."""
    return DatabaseSettings.model_validate(workspace.settings.get(NAME) or {})


def _mode(workspace: Workspace) -> str:
    section = workspace.settings.get(NAME) or {}
    return str(section.get(MODE_KEY, "auto"))


def wants(file: ChangedFile, workspace: Workspace) -> bool:
    """A migration the PR adds or changes in one of the repository's Supabase projects
    (nothing at all with ``database: off``)."""
    if file.status is FileStatus.DELETED or _mode(workspace) == "off":
        return False
    project = workspace.project_for(file.path)
    return project is not None and project.is_migration(file.path)


def run_rules(files: Sequence[ChangedFile], workspace: Workspace) -> RuleOutcome:
    """Apply and measure the projects ``files`` belong to (see the module docstring)."""
    settings = settings_of(workspace)
    if not workspace.has_repo:  # said before the driver is even imported: a diff costs nothing
        _required(settings, f"not run: {NO_HISTORY}")
        return RuleOutcome(coverage=[f"not run: {NO_HISTORY}"])

    from agents.database.merge import MeasurementCheck, own_findings
    from agents.database.stage import run_database_stage

    outcome = run_database_stage(workspace, settings, files)
    if outcome.status != "ran":
        _required(settings, outcome.coverage_line())
    result = RuleOutcome(
        notes=[*outcome.notes, *outcome.probe_notes()], coverage=outcome.coverage_lines()
    )
    _filter(own_findings(outcome), workspace, result)
    risks = RuleOutcome()
    _filter(outcome.existing_risks, workspace, risks)
    result.existing_risks = risks.findings
    result.suppressed.extend(risks.suppressed)
    if outcome.status in ("ran", "deadline"):
        result.cross_check = MeasurementCheck(outcome)
    return result


def _required(settings: DatabaseSettings, what_happened: str) -> None:
    """``database: required`` and the stage did not run: the review must not go on."""
    if settings.mode == "required":
        raise DatabaseRequired(f"database: required, but {what_happened}")


def _filter(found: Iterable[Finding], workspace: Workspace, outcome: RuleOutcome) -> None:
    """Each finding into ``outcome.findings``, or ``outcome.suppressed`` when a comment of its
    file (at head) silences it."""
    by_path: dict[str, list[Finding]] = {}
    for f in found:
        by_path.setdefault(f.path, []).append(f)
    for path, findings in by_path.items():
        text = _head_text(workspace, path)
        sort_findings(findings, suppressions_in(path, text), outcome, _statement_line(path, text))


def _head_text(workspace: Workspace, path: str) -> str | None:
    """``path`` at head: the PR's text when it changed the file, else the base's (the same
    file; the base tree is local in the Action, the head tree is API requests)."""
    changed = workspace.file(path)
    if changed is not None and changed.head_complete:
        return changed.head_text
    if changed is None:
        return workspace.base.read_text(path)
    return workspace.head.read_text(path)


def _statement_line(path: str, text: str | None) -> Callable[[int], int | None]:
    """The first line of the SQL statement around a line (parsed only when asked)."""
    lookup: list[Callable[[int], int | None]] = []

    def first_line(line: int) -> int | None:
        if text is None:
            return None
        if not lookup:
            parsed = parse_sql(path, text)
            lookup.append(statement_lines((s.line, s.end_line) for s in parsed.statements))
        return lookup[0](line)

    return first_line
