"""Which pull request a workflow event is about, and whether to review it.

Three triggers start a review:

* ``pull_request`` — opened, synchronize, reopened, ready_for_review; drafts are
  skipped (a ``/architect`` command or a dispatch reviews them anyway);
* ``issue_comment`` — a new comment on a PR whose first line is ``/architect``;
  whether the commenter may run it is decided later, through the API;
* ``workflow_dispatch`` — input ``pr_number``.

Everything else is a *skip* with a reason, which the run logs before exiting 0.
The payload is read from the file named by ``GITHUB_EVENT_PATH``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.errors import InputError, UsageError
from pipeline.github.command import Command, is_command, parse_command

PR_ACTIONS = ("opened", "synchronize", "reopened", "ready_for_review")


@dataclass(frozen=True)
class Trigger:
    """What the event asks for."""

    event: str
    pr_number: int | None = None
    commanded: bool = False
    """True for ``/architect`` and dispatch: review drafts too."""
    command: Command | None = None
    commenter: str | None = None
    comment_id: int | None = None
    skip_reason: str | None = None
    """When set, nothing is reviewed and this is logged."""


def load_event(path: Path | None) -> dict[str, Any]:
    """The webhook payload; an empty dict when the event has no file (local runs)."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"event payload {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"event payload {path} is not readable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"event payload {path} is not a JSON object")
    return data


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def resolve_trigger(event: str, payload: dict[str, Any], pr_override: int | None) -> Trigger:
    """Decide what to review.  ``pr_override`` (``--pr``) wins over the payload."""
    if event == "pull_request":
        return _pull_request(payload, pr_override)
    if event == "issue_comment":
        return _issue_comment(payload, pr_override)
    if event == "workflow_dispatch":
        inputs = payload.get("inputs") or {}
        number = pr_override or _int(inputs.get("pr_number"))
        if number is None:
            raise UsageError("workflow_dispatch needs the input pr_number (a PR number)")
        return Trigger(event, number, commanded=True)
    if pr_override is not None:
        return Trigger(event or "manual", pr_override, commanded=True)
    if not event:
        raise UsageError("GITHUB_EVENT_NAME is not set and no --pr was given")
    return Trigger(event, skip_reason=f"event {event!r} does not trigger a review")


def _pull_request(payload: dict[str, Any], pr_override: int | None) -> Trigger:
    pull = payload.get("pull_request") or {}
    number = pr_override or _int(pull.get("number")) or _int(payload.get("number"))
    action = payload.get("action")
    if number is None:
        raise InputError("pull_request event without a pull request number")
    if action not in PR_ACTIONS:
        return Trigger("pull_request", number, skip_reason=f"pull_request action {action!r}")
    if pull.get("draft"):
        return Trigger(
            "pull_request",
            number,
            skip_reason="draft pull request (comment `/architect` to review it now)",
        )
    return Trigger("pull_request", number)


def _issue_comment(payload: dict[str, Any], pr_override: int | None) -> Trigger:
    issue = payload.get("issue") or {}
    comment = payload.get("comment") or {}
    number = _int(issue.get("number"))
    user = comment.get("user") or {}
    login = user.get("login") if isinstance(user.get("login"), str) else None
    comment_id = _int(comment.get("id"))
    if payload.get("action") != "created":
        return Trigger("issue_comment", number, skip_reason="comment was not newly created")
    if not issue.get("pull_request"):
        return Trigger("issue_comment", number, skip_reason="comment is not on a pull request")
    body = comment.get("body")
    if not isinstance(body, str) or not is_command(body):
        return Trigger("issue_comment", number, skip_reason="comment is not an /architect command")
    if user.get("type") == "Bot":
        return Trigger("issue_comment", number, skip_reason="comment was written by a bot")
    return Trigger(
        "issue_comment",
        pr_override or number,
        commanded=True,
        command=parse_command(body),
        commenter=login,
        comment_id=comment_id,
    )
