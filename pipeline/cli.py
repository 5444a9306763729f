"""``architect-review``: the command line.

Subcommands:

* ``review`` — review a local git range (``--repo --base --head``, the meaning
  of a GitHub PR) or a unified diff file (``--diff FILE``, ``-`` for stdin);
* ``rules`` — print the rule reference generated from the rule docstrings;
* ``github`` — run inside GitHub Actions (``pipeline.github.entry``).

Exit codes (:class:`agents.errors.ExitCode`): 0 ok; 1 a finding at or above
``--fail-on``; 2 usage or input error; 3 GitHub error; 4 internal error.
Errors are one line on stderr (``architect-review: error: ...``), never a
traceback.  A review itself goes through :class:`pipeline.session.ReviewSession`,
as the Action's does.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from agents.changes import Workspace
from agents.database.settings import DATABASE_CHOICES
from agents.database.settings import Mode as DatabaseMode
from agents.errors import ArchitectReviewError, ExitCode, InputError, UsageError
from agents.findings import SPECIALISTS
from pipeline.gate import FAIL_ON_CHOICES, FailOn
from pipeline.gc_pause import gc_paused

PROG = "architect-review"

_EPILOG = """\
exit codes:
  0  review done (and nothing at or above --fail-on)
  1  a finding at or above --fail-on
  2  usage or input error (bad argument, unknown ref, unreadable diff, bad config),
     or --database required and no database could be used
  3  GitHub API error (github subcommand)
  4  internal error (a bug: please report it)
"""

_REVIEW_EPILOG = """\
examples:
  architect-review review --base main --head HEAD
  architect-review review --repo ../app --base origin/main --head feature --format json
  git diff main... | architect-review review --diff -
  architect-review review --diff examples/invoices-pr.diff --fail-on high

Without ANTHROPIC_API_KEY (or with --no-llm) only the deterministic rules run,
and the output says so. The config file .github/architect-review.yml under
--repo is read when present (routing, skips, fail_on, llm settings, database).
With a git range the PR's migrations are also applied, after the base history, to
a throwaway PostgreSQL (--database auto, the default; a diff alone has no history).
"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("architect-review")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Review a pull request of a Supabase backend (SQL migrations with RLS, "
            "Edge Functions): RLS security, schema performance and Edge Function "
            "reliability findings, merged into one review."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    review = sub.add_parser(
        "review",
        help="review a local git range or a unified diff",
        description=(
            "Review the changes of --head since its merge base with --base (what a "
            "GitHub pull request shows), or a unified diff file."
        ),
        epilog=_REVIEW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    review.add_argument("--repo", default=".", help="git repository (default: .)")
    review.add_argument("--base", help="base ref (branch, tag or sha) of the range")
    review.add_argument("--head", help="head ref of the range")
    review.add_argument(
        "--diff", metavar="FILE", help="review a unified diff file instead ('-' reads stdin)"
    )
    review.add_argument(
        "--format",
        choices=("markdown", "json", "text"),
        default="markdown",
        help="markdown (the PR comment, default), json, or text for a terminal",
    )
    review.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    review.add_argument(
        "--no-llm", action="store_true", help="rules only, even when ANTHROPIC_API_KEY is set"
    )
    review.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default=None,
        help="exit 1 when a finding at or above this severity exists "
        "(default: the config's fail_on, else never)",
    )
    review.add_argument("--config", metavar="FILE", help="config file (YAML)")
    review.add_argument("--model", metavar="ID", help="Claude model id for the LLM review")
    review.add_argument(
        "--database",
        choices=DATABASE_CHOICES,
        default=None,
        help="apply the migrations to a throwaway PostgreSQL: auto (when one can start), "
        "off, or required (exit 2 without it); default: the config's database, else auto",
    )

    rules = sub.add_parser(
        "rules",
        help="print the rule reference",
        description="The rule reference, generated from the rules' docstrings.",
    )
    rules.add_argument("--format", choices=("markdown", "text"), default="text")
    rules.add_argument(
        "--specialist",
        metavar="NAME",
        help=f"only this specialist's rules ({', '.join(SPECIALISTS)}, or another stage)",
    )

    github = sub.add_parser(
        "github",
        help="run inside GitHub Actions (see 'architect-review github --help')",
        add_help=False,
    )
    github.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _error(message: str) -> None:
    if sys.stderr is None:  # closed: the exit code is all the caller gets
        return
    # stderr closed under us: the exit code still says what happened
    with contextlib.suppress(OSError):
        print(f"{PROG}: error: {' '.join(message.split())}", file=sys.stderr)


def _workspace(args: argparse.Namespace, max_file_bytes: int) -> Workspace:
    """The change to review, from a diff file or a git range (see :mod:`pipeline.sources`)."""
    if args.diff is not None:
        from pipeline.sources.diff import read_diff, workspace_from_diff

        if args.diff == "-" and sys.stdin is None:
            raise InputError("standard input is closed: give the diff as a file (--diff FILE)")
        return workspace_from_diff(read_diff(args.diff, sys.stdin.buffer))
    from pipeline.sources.git import workspace_from_git

    return workspace_from_git(Path(args.repo), args.base, args.head, max_bytes=max_file_bytes)


def _write(text: str, output: str | None = None) -> None:
    """``text`` to ``output`` or standard output; a closed one is a usage error (exit 2)."""
    if output is None:
        if sys.stdout is None:
            raise UsageError("standard output is closed: write the review with --output FILE")
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:  # EBADF: the descriptor was closed
            raise UsageError(
                "cannot write to standard output "
                f"({exc.strerror or exc}): write the review with --output FILE"
            ) from exc
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc


def _cmd_review(args: argparse.Namespace) -> int:
    from agents import registry
    from pipeline.config import configured_workspace, load_config
    from pipeline.prefork import start_workers
    from pipeline.render.json import render_json
    from pipeline.render.markdown import render_markdown
    from pipeline.render.text import render_text
    from pipeline.sources.git import close_workspace

    if args.diff is None and (not args.base or not args.head):
        raise UsageError("give --base and --head (a git range), or --diff FILE")
    if args.diff is not None and (args.base or args.head):
        raise UsageError("--diff cannot be combined with --base/--head")
    repo_root = Path(args.repo)
    if args.diff is None and not repo_root.is_dir():
        raise InputError(f"repository not found: {args.repo}")
    config = load_config(
        Path(args.config) if args.config else None,
        repo_root if repo_root.is_dir() else None,
    )
    fail_on = cast("FailOn | None", args.fail_on)  # argparse's choices are FAIL_ON_CHOICES
    database = cast("DatabaseMode | None", args.database)  # choices are DATABASE_CHOICES
    config = config.with_overrides(fail_on=fail_on, model=args.model, database=database)

    workspace = configured_workspace(_workspace(args, config.max_file_bytes), config)
    # Fork the rule packs' workers before LangGraph is imported (pipeline.session):
    # they review while this process imports it, each on its own core.
    workers = start_workers(workspace, config, registry.STAGES)
    try:
        from pipeline.session import ReviewSession

        session = ReviewSession.start(config, os.environ, no_llm=args.no_llm)
        review = session.review(workspace, runners=workers.runs)
    finally:
        workers.close()
        close_workspace(workspace)

    if args.format == "json":
        text = render_json(review)
    elif not workspace.files:
        text = "Nothing to review: the change is empty.\n"
    elif args.format == "text":
        text = render_text(review)
    else:
        text = render_markdown(review)
        if not text.endswith("\n"):
            text += "\n"
    _write(text, args.output)
    return session.exit_code(review)


def _cmd_rules(args: argparse.Namespace) -> int:
    from pipeline.rules_doc import rules_markdown, rules_text

    text = (
        rules_markdown(args.specialist)
        if args.format == "markdown"
        else rules_text(args.specialist)
    )
    _write(text)
    return ExitCode.OK


def _cmd_github(args: argparse.Namespace) -> int:
    try:
        from pipeline.github import entry  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        raise UsageError(f"the github subcommand is not available in this build ({exc})") from exc
    parser = argparse.ArgumentParser(
        prog=f"{PROG} github", description="Review the pull request of a GitHub Actions event."
    )
    entry.add_arguments(parser)
    try:
        sub_args = parser.parse_args(args.rest)
    except SystemExit as exc:  # --help (0) or a usage error argparse already printed (2)
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    result: int = entry.run(sub_args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (see module docstring)."""
    if os.environ.get("ARCHITECT_REVIEW_DEBUG"):
        # Tracebacks of failed specialists (recorded as one line in the review) go to stderr.
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    parser = _build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments[:1] == ["github"]:
            # Everything after `github` belongs to pipeline.github.entry's own parser
            # (argparse's REMAINDER would swallow neither --help nor leading options).
            args = argparse.Namespace(command="github", rest=arguments[1:])
        else:
            args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help (0) or a usage error argparse already printed (2)
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    try:
        with gc_paused():  # a short-lived command: see pipeline.gc_pause
            if args.command == "review":
                return _cmd_review(args)
            if args.command == "rules":
                return _cmd_rules(args)
            return _cmd_github(args)
    except ArchitectReviewError as exc:
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # a bug: one line, and how to get the traceback
        if os.environ.get("ARCHITECT_REVIEW_DEBUG"):
            raise
        _error(
            f"internal error: {type(exc).__name__}: {exc} (set ARCHITECT_REVIEW_DEBUG=1 for "
            "a traceback)"
        )
        return ExitCode.INTERNAL


def entry() -> None:
    """The ``architect-review`` program: :func:`main`, then exit.

    Before exiting, every object still alive is frozen out of the cyclic
    collector's reach: the interpreter's final collection would otherwise walk
    the whole review once more (0.5 s on the 300-file benchmark) only to free
    memory the process is about to give back anyway.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
