"""The one frozen settings object of a ``github`` run, built once at entry.

Everything the run needs from the Actions environment is read here and only
here (DESIGN.md habit 9): nothing reads ``os.environ`` at import, and the rest
of the package receives this object.  The token is kept out of ``repr`` so a
settings object that ends up in a log or a traceback never shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agents.errors import UsageError
from pipeline.gate import FAIL_ON_CHOICES, FailOn

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"
DEFAULT_BOT_LOGIN = "github-actions[bot]"
"""Who the workflow's ``GITHUB_TOKEN`` comments as.  ``GET /user`` is refused to
installation tokens, so when it fails the sticky comment is looked up under this
login (override with ``ARCHITECT_REVIEW_BOT_LOGIN`` for a GitHub App token)."""


@dataclass(frozen=True)
class GitHubSettings:
    """What one ``architect-review github`` run needs to know."""

    event_name: str
    """``GITHUB_EVENT_NAME``: pull_request, issue_comment or workflow_dispatch."""
    event_path: Path | None
    """``GITHUB_EVENT_PATH``: the webhook payload as JSON."""
    repository: str
    """``owner/name`` from ``GITHUB_REPOSITORY``."""
    api_url: str = DEFAULT_API_URL
    """``GITHUB_API_URL``; PyGithub's base URL, so GitHub Enterprise Server works."""
    server_url: str = DEFAULT_SERVER_URL
    """``GITHUB_SERVER_URL``; for links to files in the comment."""
    token: str = field(default="", repr=False)
    """``--github-token`` or ``GITHUB_TOKEN``.  Never logged (not in repr)."""
    step_summary: Path | None = None
    output: Path | None = None
    workspace: Path | None = None
    """``GITHUB_WORKSPACE``: a checkout of the BASE side (never PR code), if any."""
    pr_number: int | None = None
    """``--pr``: review this PR whatever the event says (also dispatch's fallback)."""
    fail_on: FailOn | None = None
    """``--fail-on`` / ``ARCHITECT_REVIEW_FAIL_ON``; None: the config file's ``fail_on``."""
    inline_comments: bool = False
    config_path: str | None = None
    model: str | None = None
    no_llm: bool = False
    bot_login: str | None = None
    """Override of the login our comments are authored by (see DEFAULT_BOT_LOGIN)."""
    seconds_between_requests: float = 0.0
    seconds_between_writes: float = 0.0
    retry_deadline: float = 300.0
    """Seconds we keep retrying rate limits and 5xx before giving up."""
    timeout: int = 30
    """Per-request HTTP timeout in seconds."""
    max_inline_comments: int = 25
    llm_environ: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The ``ANTHROPIC_*`` variables, handed to the LLM factory (never logged)."""
    model_cache_dir: Path | None = None
    """``ARCHITECT_REVIEW_MODEL_CACHE``: where the replayed base schema is kept between
    runs (the action restores it with ``actions/cache``, keyed by the base commit);
    used unless the config file's ``settings: sql: model_cache_dir`` says otherwise."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _number(value: str | int | None, what: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise UsageError(f"{what} must be a pull request number, got {value!r}") from None
    if number <= 0:
        raise UsageError(f"{what} must be a positive pull request number, got {number}")
    return number


def _float(value: str | None, default: float, what: str) -> float:
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise UsageError(f"{what} must be a number of seconds, got {value!r}") from None


def build_settings(
    environ: Mapping[str, str],
    *,
    github_token: str | None = None,
    pr_number: str | int | None = None,
    fail_on: str | None = None,
    inline_comments: bool | None = None,
    config_path: str | None = None,
    model: str | None = None,
    no_llm: bool = False,
) -> GitHubSettings:
    """Settings from command-line values first, then the environment, then defaults."""
    repository = environ.get("GITHUB_REPOSITORY", "")
    if "/" not in repository:
        raise UsageError("GITHUB_REPOSITORY must be set to owner/name (run inside GitHub Actions)")
    token = github_token or environ.get("GITHUB_TOKEN") or environ.get("INPUT_GITHUB_TOKEN") or ""
    if not token:
        raise UsageError("no GitHub token: set GITHUB_TOKEN or pass --github-token")
    fail = (fail_on or environ.get("ARCHITECT_REVIEW_FAIL_ON") or "").strip().lower() or None
    if fail is not None and fail not in FAIL_ON_CHOICES:
        raise UsageError(f"fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, got {fail!r}")
    threshold = next((c for c in FAIL_ON_CHOICES if c == fail), None)
    inline = (
        inline_comments
        if inline_comments is not None
        else _flag(environ.get("ARCHITECT_REVIEW_INLINE_COMMENTS"))
    )
    llm_environ = {k: v for k, v in environ.items() if k.startswith("ANTHROPIC_")}
    return GitHubSettings(
        event_name=environ.get("GITHUB_EVENT_NAME", ""),
        event_path=_path(environ.get("GITHUB_EVENT_PATH")),
        repository=repository,
        api_url=(environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
        server_url=(environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/"),
        token=token,
        step_summary=_path(environ.get("GITHUB_STEP_SUMMARY")),
        output=_path(environ.get("GITHUB_OUTPUT")),
        workspace=_path(environ.get("GITHUB_WORKSPACE")),
        pr_number=_number(pr_number or environ.get("ARCHITECT_REVIEW_PR") or None, "--pr"),
        fail_on=threshold,
        inline_comments=inline,
        config_path=config_path or environ.get("ARCHITECT_REVIEW_CONFIG") or None,
        model=model or environ.get("ARCHITECT_REVIEW_MODEL") or None,
        no_llm=no_llm,
        bot_login=environ.get("ARCHITECT_REVIEW_BOT_LOGIN") or None,
        seconds_between_requests=_float(
            environ.get("ARCHITECT_REVIEW_SECONDS_BETWEEN_REQUESTS"), 0.0, "request spacing"
        ),
        seconds_between_writes=_float(
            environ.get("ARCHITECT_REVIEW_SECONDS_BETWEEN_WRITES"), 0.0, "seconds between writes"
        ),
        retry_deadline=_float(
            environ.get("ARCHITECT_REVIEW_RETRY_DEADLINE"), 300.0, "retry deadline"
        ),
        llm_environ=llm_environ,
        model_cache_dir=_path(environ.get("ARCHITECT_REVIEW_MODEL_CACHE")),
    )
