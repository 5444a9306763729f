"""PyGithub, configured by us, and the one retry policy for every call.

PyGithub 2.10 throttles by default (0.25 s between requests, 1 s between
writes) and silently retries 5xx through urllib3 (``GithubRetry(total=10)``).
We turn both off (throttling is configurable, default off) and retry in
:meth:`GitHubApi.call` instead, so that

* a rate limit or secondary rate limit waits as GitHub asks (``Retry-After``,
  else ``x-ratelimit-reset``, else a minute) and retries, but only while the
  run's deadline allows;
* 5xx and connection errors get a short exponential backoff within the same
  deadline;
* anything else becomes a typed error with a one-line message: 404 →
  :class:`NotFound`, 403 → :class:`Forbidden`, 401 → :class:`GitHubError`;
* tests' fake server sees exactly the requests that really happen.

Error messages carry the HTTP status and GitHub's ``message`` only: never a
header, a request body or the token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, RateLimitExceededException

from agents.errors import GitHubError
from pipeline.github.settings import GitHubSettings

log = logging.getLogger("architect_review.github")

T = TypeVar("T")

SECONDARY_RATE_LIMIT_WAIT = 60.0
"""GitHub's advice when a secondary rate limit comes without Retry-After."""
MAX_5XX_ATTEMPTS = 4


class NotFound(GitHubError):
    """404: the PR (or repository) does not exist or the token cannot see it."""


class Forbidden(GitHubError):
    """403 that is not a rate limit: typically the read-only token of a fork PR."""


class Unsure(GitHubError):
    """A write failed with 5xx or a dropped connection: GitHub may have done it anyway."""


@dataclass
class GitHubApi:
    """The PyGithub client plus the retry policy and a request counter."""

    settings: GitHubSettings
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    calls: int = 0
    """Logical operations attempted through :meth:`call` (retries included)."""
    gh: Github = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # retry=None: requests' default of no retries; we retry in call().
        self.gh = Github(
            auth=Auth.Token(self.settings.token),
            base_url=self.settings.api_url,
            timeout=self.settings.timeout,
            user_agent="architect-review",
            per_page=100,
            retry=None,
            seconds_between_requests=self.settings.seconds_between_requests or None,
            seconds_between_writes=self.settings.seconds_between_writes or None,
            lazy=True,
        )
        self._deadline = self.clock() + self.settings.retry_deadline

    def call(self, what: str, operation: Callable[[], T], *, idempotent: bool = True) -> T:
        """Run ``operation`` (PyGithub calls), retrying what is worth retrying.

        ``what`` names the operation in log lines and errors ("list PR files").
        A rate limit is always retried: GitHub refused before acting.  A 5xx
        or a dropped connection is retried only for ``idempotent`` operations
        (reads, edits); for a create it raises :class:`Unsure` at once, so
        the caller can look before trying again instead of posting twice.
        """
        attempt = 0
        while True:
            attempt += 1
            self.calls += 1
            try:
                return operation()
            except RateLimitExceededException as exc:
                wait = self._rate_limit_wait(exc.headers or {})
                self._wait_or_fail(what, wait, f"rate limited (HTTP {exc.status})")
            except GithubException as exc:
                status = exc.status
                headers = exc.headers or {}
                if status in (403, 429) and _header(headers, "retry-after") is not None:
                    wait = self._rate_limit_wait(headers)
                    self._wait_or_fail(what, wait, f"rate limited (HTTP {status})")
                elif status >= 500 and not idempotent:
                    raise Unsure(f"GitHub {what}: HTTP {status}; it may have been done") from None
                elif status >= 500 and attempt < MAX_5XX_ATTEMPTS:
                    self._wait_or_fail(what, float(2 ** (attempt - 1)), f"HTTP {status}")
                else:
                    raise _typed_error(what, exc) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                if not idempotent:
                    raise Unsure(
                        f"GitHub {what}: {type(exc).__name__}; it may have been done"
                    ) from None
                if attempt >= MAX_5XX_ATTEMPTS:
                    raise GitHubError(
                        f"GitHub {what}: cannot reach {self.settings.api_url} "
                        f"({type(exc).__name__})"
                    ) from None
                self._wait_or_fail(what, float(2 ** (attempt - 1)), type(exc).__name__)

    def _rate_limit_wait(self, headers: dict[str, Any]) -> float:
        retry_after = _header(headers, "retry-after")
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                pass
        remaining = _header(headers, "x-ratelimit-remaining")
        reset = _header(headers, "x-ratelimit-reset")
        if remaining == "0" and reset is not None:
            try:
                # +1 s: it is not clear when within that second the reset happens.
                return max(0.0, float(reset) - self.wall_clock()) + 1.0
            except ValueError:
                pass
        # No header says when: GitHub's advice for secondary limits is a minute;
        # a primary limit without x-ratelimit-reset gets the same.
        return SECONDARY_RATE_LIMIT_WAIT

    def _wait_or_fail(self, what: str, wait: float, reason: str) -> None:
        left = self._deadline - self.clock()
        if wait > left:
            raise GitHubError(
                f"GitHub {what}: {reason}; retrying needs {wait:.0f}s but only "
                f"{max(left, 0):.0f}s of the retry deadline remain"
            )
        log.warning("GitHub %s: %s; retrying in %.0fs", what, reason, wait)
        self.sleep(wait)


def _header(headers: dict[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return None


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return " ".join(data["message"].split())[:200]
    return ""


def _typed_error(what: str, exc: GithubException) -> GitHubError:
    message = _message(exc)
    detail = f"HTTP {exc.status}" + (f" {message}" if message else "")
    if exc.status == 404:
        return NotFound(f"GitHub {what}: not found ({detail})")
    if exc.status == 403:
        return Forbidden(f"GitHub {what}: forbidden ({detail})")
    if exc.status == 401:
        return GitHubError(f"GitHub {what}: the token was refused ({detail})")
    return GitHubError(f"GitHub {what}: {detail}")
