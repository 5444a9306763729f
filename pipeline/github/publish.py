"""The review on the pull request: one sticky comment, optional inline comments.

Sticky comment
    Found by the hidden marker (``pipeline.render.markdown.STICKY_MARKER``)
    AND by its author being the token's own user, so a comment that merely
    quotes the marker is never taken over.  Edited when found, created when
    not: one comment per PR however many times the review runs.

Inline comments
    One PR review per run holding a comment per new finding, placed only on
    lines the PR added or changed (and only in files GitHub showed a patch
    for, since GitHub rejects comments outside its diff).  Each carries a
    hidden fingerprint marker; a finding whose fingerprint is already on the
    PR from an earlier push is not posted again.  Where a finding carries a
    safe fix (a ``suggestion`` attribute), the comment holds a GitHub
    suggestion block for it.

Bodies are cut to GitHub's 65,536-character limit at a line boundary with a
note, never rejected.

:func:`publish` does all of it for one review, given the
:class:`PullRequestContext` of the run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from github.Issue import Issue
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest
from github.Repository import Repository

from agents.changes import ChangedFile
from agents.errors import GitHubError
from agents.findings import Finding
from pipeline.github.client import Forbidden, GitHubApi, Unsure
from pipeline.github.settings import DEFAULT_BOT_LOGIN, GitHubSettings
from pipeline.github.workflow import annotation_lines, append_summary
from pipeline.render.links import BlobLinks
from pipeline.render.markdown import GITHUB_COMMENT_LIMIT, STICKY_MARKER
from pipeline.report import Review
from pipeline.sources.github_pull import PATCH_MISSING_NOTE, PullInfo

log = logging.getLogger("architect_review.github")

COMMENT_LIMIT = GITHUB_COMMENT_LIMIT
CREATE_ATTEMPTS = 3
FP_MARKER = "<!-- architect-review:fp={fp} -->"
_FP_RE = re.compile(r"<!-- architect-review:fp=([0-9a-f]{6,64}) -->")
SHORTENED_NOTE = (
    "\n\n_…shortened to fit GitHub's comment limit; "
    "the full review is in the workflow run's summary._\n"
)


def fit_comment(body: str, limit: int = COMMENT_LIMIT) -> str:
    """``body`` if it fits, else cut at a line boundary with a note (marker kept)."""
    if len(body) <= limit:
        return body
    keep_marker = STICKY_MARKER in body
    room = limit - len(SHORTENED_NOTE) - (len(STICKY_MARKER) + 1 if keep_marker else 0)
    cut = body[:room]
    newline = cut.rfind("\n")
    if newline > room // 2:
        cut = cut[:newline]
    if cut.count("```") % 2 == 1:
        cut += "\n```"
        cut = cut[:room]
    shortened = cut + SHORTENED_NOTE
    if keep_marker and STICKY_MARKER not in shortened:
        shortened = STICKY_MARKER + "\n" + shortened
    return shortened[:limit]


def own_login(api: GitHubApi, settings: GitHubSettings) -> str:
    """The login our comments are authored by.

    ``GET /user`` answers for personal tokens; installation tokens (``ghs_…``,
    the workflow's ``GITHUB_TOKEN``) are refused, and their comments are by
    ``github-actions[bot]`` (a GitHub App sets ``ARCHITECT_REVIEW_BOT_LOGIN``).
    """
    if settings.bot_login:
        return settings.bot_login
    if settings.token.startswith("ghs_"):
        # An installation token (the workflow's GITHUB_TOKEN): GET /user is
        # always refused to it, so do not spend a request learning that.
        return DEFAULT_BOT_LOGIN
    try:
        login = api.call("identify the token's user", lambda: api.gh.get_user().login)
    except Forbidden:
        return DEFAULT_BOT_LOGIN
    return str(login)


@dataclass(frozen=True)
class Posted:
    """Where the sticky comment is, and whether this run created it."""

    url: str
    comment_id: int
    created: bool


def upsert_sticky(api: GitHubApi, repo: Repository, number: int, body: str, login: str) -> Posted:
    """Edit our sticky comment on PR ``number`` or create it; raises Forbidden/GitHubError.

    Creating is the one write that must not be repeated blindly: when it fails
    with a 5xx GitHub may have created the comment anyway, so the comments
    are listed again before another attempt.
    """
    body = fit_comment(body if STICKY_MARKER in body else f"{STICKY_MARKER}\n{body}")
    issue = repo.get_issue(number)  # lazy: no request
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        sticky = _find_sticky(api, issue, number, login)
        if sticky is not None:
            api.call("update the review comment", partial(sticky.edit, body))
            return Posted(sticky.html_url, sticky.id, created=False)
        try:
            created = api.call(
                "create the review comment", lambda: issue.create_comment(body), idempotent=False
            )
        except Unsure as exc:
            if attempt == CREATE_ATTEMPTS:
                raise
            log.warning("%s; checking before trying again", exc)
            api.sleep(float(attempt))
            continue
        return Posted(created.html_url, created.id, created=True)
    raise AssertionError("unreachable: the loop returns or raises")


def _find_sticky(api: GitHubApi, issue: Issue, number: int, login: str) -> IssueComment | None:
    """Our sticky comment: the marker AND our login (the oldest, if a race made two)."""
    comments = issue.get_comments()
    found = api.call("list PR comments", lambda: list(comments))
    mine = [
        c
        for c in found
        if STICKY_MARKER in (c.body or "") and c.user is not None and c.user.login == login
    ]
    if len(mine) > 1:
        log.warning("found %d review comments on PR #%d; updating the oldest", len(mine), number)
    return mine[0] if mine else None


def _neutralise(text: str) -> str:
    """Untrusted text must not forge our hidden markers."""
    return text.replace("<!--", "&lt;!--")


def inline_body(finding: Finding) -> str:
    """The inline comment for one finding, with a suggestion block when it has a safe fix."""
    rule = f"`{finding.rule}` " if finding.rule else ""
    parts = [f"**{finding.severity.value.upper()}** {rule}{_neutralise(finding.title)}"]
    if finding.message:
        parts.append(_neutralise(finding.message))
    if finding.help:
        parts.append(f"**Fix:** {_neutralise(finding.help)}")
    suggestion = getattr(finding, "suggestion", None)
    if isinstance(suggestion, str):
        fence = "````" if "```" in suggestion else "```"
        parts.append(f"{fence}suggestion\n{suggestion.rstrip(chr(10))}\n{fence}")
    parts.append(FP_MARKER.format(fp=finding.fingerprint))
    return fit_comment("\n\n".join(parts))


def _placeable(finding: Finding, files: Mapping[str, ChangedFile]) -> ChangedFile | None:
    if finding.line is None:
        return None
    file = files.get(finding.path)
    if file is None or PATCH_MISSING_NOTE in file.notes or not file.hunks:
        return None
    if finding.line not in file.added_lines:
        return None
    return file


def review_comment(finding: Finding, file: ChangedFile) -> dict[str, object]:
    """The ``comments[]`` entry of ``POST /pulls/{n}/reviews`` for one finding."""
    comment: dict[str, object] = {
        "path": file.path,
        "line": finding.line,
        "side": "RIGHT",
        "body": inline_body(finding),
    }
    end = finding.end_line
    if (
        finding.line is not None
        and end is not None
        and end > finding.line
        and all(n in file.added_lines for n in range(finding.line, end + 1))
    ):
        comment["start_line"] = finding.line
        comment["start_side"] = "RIGHT"
        comment["line"] = end
    return comment


def existing_fingerprints(api: GitHubApi, pr: PullRequest, login: str) -> set[str]:
    """Fingerprints of the inline comments we already posted on this PR."""
    pages = pr.get_review_comments()
    comments = api.call("list inline comments", lambda: list(pages))
    seen: set[str] = set()
    for c in comments:
        if c.user is not None and c.user.login == login:
            seen.update(_FP_RE.findall(c.body or ""))
    return seen


def post_inline(
    api: GitHubApi,
    repo: Repository,
    pr: PullRequest,
    head_sha: str,
    findings: Iterable[Finding],
    files: Sequence[ChangedFile],
    login: str,
    limit: int,
) -> int:
    """Post new findings as one PR review; the number of inline comments posted."""
    by_path = {f.path: f for f in files}
    candidates = [(f, file) for f in findings if (file := _placeable(f, by_path)) is not None]
    if not candidates:
        return 0
    seen = existing_fingerprints(api, pr, login)
    fresh: list[dict[str, object]] = []
    for finding, file in sorted(candidates, key=lambda c: (-c[0].severity.rank, c[0].path)):
        if finding.fingerprint in seen:
            continue
        seen.add(finding.fingerprint)
        fresh.append(review_comment(finding, file))
    fresh = fresh[:limit]
    if not fresh:
        return 0
    body = (
        f"architect-review: {len(fresh)} finding(s) on lines this PR changed. "
        "The full review is in the summary comment."
    )
    commit = repo.get_commit(head_sha)  # lazy: no request
    comments: Any = fresh  # PyGithub types these as its ReviewComment TypedDict
    api.call(
        "post inline comments",
        lambda: pr.create_review(commit=commit, body=body, event="COMMENT", comments=comments),
        idempotent=False,
    )
    return len(fresh)


@dataclass(frozen=True)
class PullRequestContext:
    """The pull request a review is published on, and how (everything :func:`publish` needs)."""

    api: GitHubApi
    repo: Repository
    pr: PullRequest
    info: PullInfo
    settings: GitHubSettings
    inline: bool
    """Also post inline comments (the ``inline-comments`` input or ``/architect inline``)."""

    @property
    def links(self) -> BlobLinks:
        """Links from findings to the reviewed head commit."""
        return BlobLinks(self.settings.repository, self.info.head_sha, self.settings.server_url)


@dataclass(frozen=True)
class Published:
    """Where the review went."""

    comment_url: str = ""
    """The sticky comment, when it could be posted."""
    failure: GitHubError | None = None
    """Set when GitHub refused or failed in a way that is the run's failure (not a fork's
    read-only token, which only logs)."""


def publish(
    ctx: PullRequestContext,
    review: Review,
    files: Sequence[ChangedFile],
    out: Callable[[str], None],
) -> Published:
    """The review on the PR: step summary and annotations first (never lost), then the
    sticky comment and, when asked, inline comments."""
    from pipeline.render.markdown import render_markdown

    markdown = render_markdown(review, links=ctx.links, max_chars=COMMENT_LIMIT)
    append_summary(ctx.settings.step_summary, markdown)
    for line in annotation_lines(review.findings):
        out(line)
    number = ctx.info.number
    comment_url = ""
    try:
        login = own_login(ctx.api, ctx.settings)
        posted = upsert_sticky(ctx.api, ctx.repo, number, markdown, login)
        comment_url = posted.url
        log.info(
            "architect-review: %s the review comment %s",
            "created" if posted.created else "updated",
            posted.url,
        )
        if ctx.inline:
            count = post_inline(
                ctx.api,
                ctx.repo,
                ctx.pr,
                ctx.info.head_sha,
                review.findings,
                files,
                login,
                ctx.settings.max_inline_comments,
            )
            log.info("architect-review: %d new inline comment(s)", count)
    except Forbidden as exc:
        log.warning(
            "architect-review: the token may not comment on PR #%d (%s); this is expected "
            "for pull requests from forks, whose workflow token is read-only. The review "
            "is in this run's step summary.",
            number,
            exc,
        )
        return Published(comment_url)
    except GitHubError as exc:
        log.error(
            "architect-review: could not publish the review on PR #%d: %s; the review is "
            "in this run's step summary",
            number,
            exc,
        )
        return Published(comment_url, failure=exc)
    return Published(comment_url)
