"""``architect-review github``: one review of one PR inside GitHub Actions.

``pipeline.cli`` imports this module lazily and calls :func:`add_arguments`
and :func:`run`.  :func:`run` reads the environment once into
:class:`~pipeline.github.settings.GitHubSettings` and hands it to
:func:`execute`, which the tests call directly (with a fake clock).

Exit codes (:class:`agents.errors.ExitCode`): 0 reviewed (or nothing to do),
1 findings at/above ``--fail-on``, 2 usage/input error, 3 GitHub failed in a
way retrying did not fix.  A token
that may not comment (fork PRs) is *not* a failure: the review goes to the
step summary and a log line says why the PR has no comment.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from github.Repository import Repository

from agents import registry
from agents.changes import Tree
from agents.errors import ArchitectReviewError, ExitCode, GitHubError, UsageError
from agents.findings import Severity, Specialist
from agents.registry import Stage
from agents.specialist import RuleRunner
from pipeline.config import DEFAULT_CONFIG_PATH, Config, config_from_text
from pipeline.gate import FAIL_ON_CHOICES
from pipeline.github.client import Forbidden, GitHubApi, NotFound
from pipeline.github.command import USAGE, Command
from pipeline.github.events import Trigger, load_event, resolve_trigger
from pipeline.github.publish import PullRequestContext, publish
from pipeline.github.settings import GitHubSettings, build_settings
from pipeline.github.workflow import append_summary, write_outputs
from pipeline.globs import glob_match
from pipeline.report import Review
from pipeline.routing import Route
from pipeline.session import ReviewSession
from pipeline.sources.github_pull import fetch_pull, pull_workspace
from pipeline.sources.github_trees import ApiTree, base_tree

log = logging.getLogger("architect_review.github")

WRITE_PERMISSIONS = ("admin", "maintain", "write")
DENIED_REPLY = (
    "Thanks for the request! `/architect` can be run by people with write access to "
    "this repository; the review runs automatically on every push, and a maintainer can "
    "re-run it at any time."
)
ALWAYS_READ = ("supabase/config.toml",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``github`` subcommand's options (environment variables are the defaults)."""
    parser.add_argument(
        "--github-token",
        help="token for the API (default: $GITHUB_TOKEN; prefer the environment, "
        "arguments are visible to other processes)",
    )
    parser.add_argument(
        "--pr", dest="pr_number", help="review this PR number whatever the event says"
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        help="exit 1 when a finding at or above this severity exists (default: config, never)",
    )
    parser.add_argument(
        "--inline-comments",
        choices=("true", "false"),
        help="also post inline review comments on changed lines (default false)",
    )
    parser.add_argument("--config", help="config file path in the repository (base branch)")
    parser.add_argument("--model", help="Claude model id (default: config, then built-in)")
    parser.add_argument(
        "--no-llm", action="store_true", help="rules only, even when ANTHROPIC_API_KEY is set"
    )


def run(args: argparse.Namespace) -> int:
    """Entry from ``pipeline.cli``: settings from args + environment, then :func:`execute`."""
    _ensure_log_handler()
    inline = getattr(args, "inline_comments", None)
    settings = build_settings(
        dict(os.environ),
        github_token=getattr(args, "github_token", None),
        pr_number=getattr(args, "pr_number", None),
        fail_on=getattr(args, "fail_on", None),
        inline_comments=None if inline is None else inline == "true",
        config_path=getattr(args, "config", None),
        model=getattr(args, "model", None),
        no_llm=bool(getattr(args, "no_llm", False)),
    )
    return execute(settings)


def _ensure_log_handler() -> None:
    """Log lines to stderr (the Actions log) unless the caller configured logging."""
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


@dataclass
class Outcome:
    """What a run produced, for the outputs and the exit code."""

    verdict: str = "skipped"
    review: Review | None = None
    comment_url: str = ""
    exit_code: int = ExitCode.OK


def execute(
    settings: GitHubSettings,
    *,
    sleep: Callable[[float], None] = time.sleep,
    out: Callable[[str], None] = print,
    runners: Mapping[str, RuleRunner] | None = None,
) -> int:
    """Review the PR the event is about and publish the result; the exit code.

    ``sleep`` is the retry policy's wait (tests pass a recorder), ``out``
    writes workflow commands to stdout, ``runners`` replaces stages' rule
    packs (tests).
    """
    payload = load_event(settings.event_path)
    trigger = resolve_trigger(settings.event_name, payload, settings.pr_number)
    if trigger.skip_reason is not None:
        log.info("architect-review: nothing to review: %s", trigger.skip_reason)
        _outputs(settings, Outcome())
        return ExitCode.OK
    assert trigger.pr_number is not None
    api = GitHubApi(settings, sleep=sleep)
    repo = api.gh.get_repo(settings.repository)  # lazy: no request
    outcome = Outcome()
    try:
        if trigger.command is not None and not _accept_command(api, repo, trigger):
            _outputs(settings, outcome)
            return ExitCode.OK
        stages = registry.with_runs(registry.STAGES, runners) if runners else None
        outcome = _review_and_publish(api, repo, settings, trigger, out, stages)
    except GitHubError as exc:
        outcome.exit_code = exc.exit_code
        _report_failure(settings, trigger, exc)
    finally:
        api.gh.close()
    _outputs(settings, outcome)
    return outcome.exit_code


def _report_failure(settings: GitHubSettings, trigger: Trigger, exc: GitHubError) -> None:
    """One log line and the same text in the step summary: the run's failure is visible."""
    message = f"architect-review could not review PR #{trigger.pr_number}: {exc}"
    if isinstance(exc, NotFound):
        message += " (was the pull request or repository deleted, or is it private to this token?)"
    log.error("%s", message)
    append_summary(settings.step_summary, f"### architect-review\n\n{message}")


def _accept_command(api: GitHubApi, repo: Repository, trigger: Trigger) -> bool:
    """Permission check for ``/architect``; 👀 when accepted, a short reply when not."""
    command = trigger.command
    assert command is not None and trigger.pr_number is not None
    number = trigger.pr_number
    login = trigger.commenter or ""
    permission = "none"
    if login:
        try:
            permission = str(
                api.call(
                    f"check {login}'s permission",
                    lambda: repo.get_collaborator_permission(login),
                )
            )
        except NotFound:
            permission = "none"
    if permission not in WRITE_PERMISSIONS:
        log.info(
            "architect-review: /architect from %s ignored: permission %r, needs write, "
            "maintain or admin",
            login or "an unknown user",
            permission,
        )
        _reply(api, repo, number, DENIED_REPLY)
        return False
    if command.error is not None:
        log.info("architect-review: /architect arguments not understood")
        _reply(api, repo, number, f"Sorry, I did not understand that. {USAGE}")
        return False
    if trigger.comment_id is not None:
        comment_id = trigger.comment_id
        try:
            api.call(
                "react to the command",
                lambda: repo.get_issue(number).get_comment(comment_id).create_reaction("eyes"),
            )
        except Forbidden as exc:
            log.warning("architect-review: could not add the 👀 reaction: %s", exc)
    log.info("architect-review: /architect from %s (%s) accepted", login, permission)
    return True


def _reply(api: GitHubApi, repo: Repository, number: int, text: str) -> None:
    try:
        api.call("reply to the command", lambda: repo.get_issue(number).create_comment(text))
    except Forbidden as exc:
        log.warning("architect-review: could not reply: %s", exc)


def _review_and_publish(
    api: GitHubApi,
    repo: Repository,
    settings: GitHubSettings,
    trigger: Trigger,
    out: Callable[[str], None],
    stages: Sequence[Stage] | None,
) -> Outcome:
    assert trigger.pr_number is not None
    pr, info = fetch_pull(api, repo, trigger.pr_number)
    if info.draft and not trigger.commanded:
        log.info(
            "architect-review: PR #%d is a draft; comment /architect to review it", info.number
        )
        return Outcome()
    if info.state != "open":
        log.info("architect-review: PR #%d is %s; reviewing anyway", info.number, info.state)
    if info.is_fork and trigger.event == "pull_request":
        log.info(
            "architect-review: PR #%d comes from a fork: the workflow token is read-only "
            "and secrets are not available, so the review is rules-only and may not be "
            "postable as a comment",
            info.number,
        )

    base = base_tree(api, repo, settings.workspace, info.base_sha)
    head = ApiTree(api, repo, info.head_sha, label="head")
    config = _load_config(settings, base, trigger.command)
    workspace = pull_workspace(api, pr, info, base, head, _wanted(config))

    no_llm = settings.no_llm or bool(trigger.command and trigger.command.rules_only)
    session = ReviewSession.start(config, settings.llm_environ, no_llm=no_llm, stages=stages)
    review = session.review(workspace)
    inline = settings.inline_comments or bool(trigger.command and trigger.command.inline)
    context = PullRequestContext(api, repo, pr, info, settings, inline)
    published = publish(context, review, workspace.files, out)
    code = published.failure.exit_code if published.failure else session.exit_code(review)
    return Outcome(review.verdict, review, published.comment_url, code)


def _load_config(settings: GitHubSettings, base: Tree, command: Command | None) -> Config:
    """The config from the BASE tree: a PR cannot change how it is reviewed."""
    path = settings.config_path or DEFAULT_CONFIG_PATH.as_posix()
    text = base.read_text(path)
    if text is None:
        if settings.config_path:
            raise UsageError(f"config file {path} not found in the base branch")
        config = Config()
    else:
        config = config_from_text(text, path)
    config = config.with_overrides(fail_on=settings.fail_on, model=settings.model)
    sql = dict(config.settings.get("sql", {}))
    if settings.model_cache_dir is not None and not sql.get("model_cache_dir"):
        sql["model_cache_dir"] = str(settings.model_cache_dir)
        config = config.model_copy(update={"settings": {**config.settings, "sql": sql}})
    if command is not None and command.specialists:
        config = _only_specialists(config, command.specialists)
    return config


def _only_specialists(config: Config, keep: tuple[Specialist, ...]) -> Config:
    """Routes narrowed to ``keep``: the other specialists get no files and do not run."""
    routes: list[Route] = []
    for r in config.routes:
        chosen = tuple(s for s in r.specialists if s in keep)
        if chosen:
            routes.append(r.model_copy(update={"specialists": chosen}))
    return config.model_copy(update={"routes": tuple(routes)})


def _wanted(config: Config) -> Callable[[str], bool]:
    """Paths some route may send to a reviewer: only these are fetched at head."""
    patterns = [p for r in config.routes for p in r.paths]

    def wanted(path: str) -> bool:
        return path in ALWAYS_READ or any(glob_match(p, path) for p in patterns)

    return wanted


def _outputs(settings: GitHubSettings, outcome: Outcome) -> None:
    counts = dict.fromkeys((s.value for s in Severity), 0)
    if outcome.review is not None:
        counts = {s.value: n for s, n in outcome.review.counts().items()}
    values = {"verdict": outcome.verdict, **{k: str(v) for k, v in counts.items()}}
    values["findings"] = str(sum(counts.values()))
    values["comment-url"] = outcome.comment_url
    write_outputs(settings.output, values)


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (``python -m pipeline.github.entry``) for when the CLI lacks it."""
    parser = argparse.ArgumentParser(prog="architect-review github")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except ArchitectReviewError as exc:
        print(f"architect-review: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
