"""Claude as a reviewer: one thin client over the official ``anthropic`` SDK.

:class:`AnthropicReviewer` implements :class:`agents.specialist.LlmReviewer`.
For one specialist it renders the routed files, packs them into batches that
fit the token budget (:mod:`agents.llm.budget`), sends the batches
concurrently (a semaphore shared by all specialists caps requests in flight)
and turns the validated replies into :class:`~agents.findings.Finding` objects
with ``source="llm"``.  It never raises: whatever goes wrong becomes
``LlmOutcome.error`` and ``unreviewed`` paths, so the review completes with its
rule findings.

Structured output: each request carries the reply's JSON schema
(``output_config.format``, the facility ``messages.parse`` uses) and the reply
text is validated by pydantic (:mod:`agents.llm.schema`).  We call
``messages.create`` and validate ourselves rather than ``messages.parse``
only so that a reply failing validation still reports its token usage.  A
reply that fails validation gets one repair request; a second failure leaves
the batch unreviewed.

Sampling: the brief asks for temperature 0, but API version 2026-10-21 (the
one anthropic 2.13 sends) rejects ``temperature``/``top_p``/``top_k`` with a
400 and the SDK no longer has the parameters, so none is sent.  What keeps
replies predictable instead: extended thinking is disabled, the reply is
constrained to the JSON schema, and the prompt asks for findings only.

Failures: the SDK retries 408/409/429/5xx/529 with backoff
(``max_retries``); all of it runs inside one overall deadline
(``deadline_seconds``, counted from the reviewer's first request) enforced with
:func:`asyncio.timeout`.  Error texts name the status or exception class only:
no key, request or response body is ever logged or shown.

The SDK is imported inside methods, never at import time of this package,
because it costs about a second and rules-only runs must not pay it.

Why one module of about 500 lines: it is the one place that speaks to Anthropic:
building requests, retries and batching, validating replies, tallying usage and
describing errors all concern the same API call.
"""

from __future__ import annotations

import asyncio
import html
import logging
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pydantic

from agents.changes import ChangedFile, FileStatus, Workspace
from agents.findings import Finding, Severity, Specialist
from agents.specialist import LlmOutcome, LlmSettings, LlmUsage

from .budget import MAX_BATCH_TOKENS, SUMMARY_SHARE, BatchPlan, plan_batches, specialist_share
from .prompting import (
    ARCHITECT,
    FilePart,
    estimate_tokens,
    file_part,
    review_message,
    summary_message,
    system_blocks,
)
from .schema import ReviewReply, SummaryReply
from .schema_context import schema_context

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

log = logging.getLogger(__name__)

SMALL_BATCH_TOKENS = 3_000
"""Batches under this many input tokens may go to ``LlmSettings.small_model``."""

SUMMARY_MAX_TOKENS = 800

_REPAIR = (
    "Your previous reply did not match the required JSON schema ({problem}). "
    "Reply again with one JSON object that matches the schema exactly."
)


class InvalidReply(Exception):
    """Claude's reply failed schema validation twice (after the repair attempt)."""


@dataclass
class Tally:
    """Usage of the requests made so far, kept even when a later request fails."""

    usage: LlmUsage = field(default_factory=LlmUsage)


@dataclass
class BatchResult(Tally):
    """What one request (plus its repair, if any) produced."""

    paths: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    done: bool = False


def describe_error(exc: BaseException) -> str:
    """A short, body-free description of an LLM failure, for the comment."""
    import anthropic

    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        named = {
            401: "authentication failed",
            403: "permission denied",
            404: "model or endpoint not found",
            429: "rate limited",
            529: "API overloaded",
        }
        return f"{named.get(status, 'API error')} (HTTP {status})"
    if isinstance(exc, anthropic.APITimeoutError):
        return "request timed out"
    if isinstance(exc, anthropic.APIConnectionError):
        return "could not connect to the API"
    if isinstance(exc, InvalidReply):
        return "reply did not match the schema after one repair attempt"
    return f"unexpected {type(exc).__name__}"


def _usage_of(message: Any) -> LlmUsage:
    u = message.usage
    return LlmUsage(
        requests=1,
        input_tokens=u.input_tokens or 0,
        output_tokens=u.output_tokens or 0,
        cache_read_tokens=getattr(u, "cache_read_input_tokens", None) or 0,
        cache_write_tokens=getattr(u, "cache_creation_input_tokens", None) or 0,
    )


def _reply_text(message: Any) -> str:
    return "".join(block.text for block in message.content if block.type == "text")


def _problem(exc: pydantic.ValidationError) -> str:
    """Where validation failed, without echoing the reply back."""
    first = exc.errors(include_url=False, include_input=False)[:3]
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in first)


class AnthropicReviewer:
    """The LLM half of every specialist, and the architect's summary call."""

    def __init__(
        self,
        settings: LlmSettings,
        *,
        api_key: str,
        base_url: str | None,
        http_client: object | None = None,
    ) -> None:
        self.settings = settings
        self._api_key = api_key
        self._base_url = base_url
        self._http_client = http_client
        # Keyed weakly by event loop: a dead loop's id can be reused by the next one.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncAnthropic] = (
            weakref.WeakKeyDictionary()
        )
        self._semaphores: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()
        self._deadline: float | None = None
        self._guard = threading.Lock()
        self.max_batch_tokens = MAX_BATCH_TOKENS
        """Input tokens per request (tests and the bench lower it to force batching)."""

    def __repr__(self) -> str:
        return f"AnthropicReviewer(model={self.settings.model!r}, base_url={self._base_url!r})"

    # -- plumbing ---------------------------------------------------------------

    def _client(self) -> AsyncAnthropic:
        """One SDK client per event loop (its connection pool belongs to the loop)."""
        from anthropic import AsyncAnthropic

        loop = asyncio.get_running_loop()
        with self._guard:
            client = self._clients.get(loop)
            if client is None:
                client = AsyncAnthropic(
                    api_key=self._api_key,
                    base_url=self._base_url,
                    max_retries=self.settings.max_retries,
                    http_client=self._http_client,  # type: ignore[arg-type]
                    open_telemetry=False,
                )
                self._clients[loop] = client
            return client

    def _semaphore(self) -> asyncio.Semaphore:
        """Requests in flight, shared by all specialists running on this loop."""
        loop = asyncio.get_running_loop()
        with self._guard:
            sem = self._semaphores.get(loop)
            if sem is None:
                sem = asyncio.Semaphore(max(1, self.settings.concurrency))
                self._semaphores[loop] = sem
            return sem

    def _remaining(self) -> float:
        """Seconds left of the overall deadline, which starts at the first request."""
        now = time.monotonic()
        with self._guard:
            if self._deadline is None:
                self._deadline = now + self.settings.deadline_seconds
            return self._deadline - now

    def _model_for(self, tokens: int) -> str:
        small = self.settings.small_model
        return small if small and tokens < SMALL_BATCH_TOKENS else self.settings.model

    async def _ask(
        self,
        owner: str,
        message: str,
        reply_type: type[pydantic.BaseModel],
        max_tokens: int,
        tally: Tally,
    ) -> pydantic.BaseModel:
        """One request and, if its reply fails validation, one repair request.

        Usage goes into ``tally`` as each reply arrives, so a batch that fails
        later still accounts for the tokens it spent.
        """
        from anthropic import transform_schema

        client = self._client()
        model = self._model_for(estimate_tokens(message))
        schema = transform_schema(reply_type)
        output_config: Any = {"format": {"type": "json_schema", "schema": schema}}
        messages: list[Any] = [{"role": "user", "content": message}]
        system: Any = system_blocks(owner)
        thinking: Any = {"type": "disabled"}
        for attempt in range(2):
            async with self._semaphore():
                reply = await client.messages.create(
                    model=model,
                    max_tokens=max_tokens,
                    system=system,
                    messages=messages,
                    output_config=output_config,
                    thinking=thinking,
                )
            tally.usage = tally.usage.add(_usage_of(reply))
            try:
                return reply_type.model_validate_json(_reply_text(reply))
            except pydantic.ValidationError as exc:
                if attempt == 1:
                    raise InvalidReply(_problem(exc)) from None
                # One user turn holding the request and the repair note: no need to echo
                # the bad reply, and no reliance on how the API treats consecutive turns.
                repair = _REPAIR.format(problem=_problem(exc))
                messages = [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": message},
                            {"type": "text", "text": repair},
                        ],
                    }
                ]
        raise AssertionError("unreachable")

    # -- specialists ------------------------------------------------------------

    def _to_finding(
        self, specialist: Specialist, reported: Any, allowed: set[str]
    ) -> Finding | None:
        path = reported.path
        if path not in allowed:
            # The prompt writes paths HTML-escaped in the path attribute; accept them copied so.
            path = html.unescape(path)
            if path not in allowed:
                return None
        return Finding(
            specialist=specialist,
            severity=Severity(reported.severity),
            path=path,
            line=reported.line,
            end_line=reported.end_line,
            title=reported.title.strip(),
            rule=None,
            message=reported.message.strip(),
            help=reported.help.strip(),
            source="llm",
            confidence=reported.confidence,
            evidence=reported.evidence,
        )

    async def _run_batch(self, specialist: Specialist, message: str, result: BatchResult) -> None:
        try:
            reply = await self._ask(
                specialist, message, ReviewReply, self.settings.max_tokens, result
            )
        except InvalidReply as exc:
            result.error = describe_error(exc)
            log.warning("LLM %s batch not reviewed: %s", specialist, result.error)
            return
        except Exception as exc:
            if not _is_api_error(exc):
                raise
            result.error = describe_error(exc)
            log.warning("LLM %s batch failed: %s", specialist, result.error)
            return
        assert isinstance(reply, ReviewReply)
        allowed = set(result.paths)
        for reported in reply.findings:
            finding = self._to_finding(specialist, reported, allowed)
            if finding is not None:
                result.findings.append(finding)
        result.done = True

    def plan(
        self,
        specialist: Specialist,
        files: Sequence[ChangedFile],
        workspace: Workspace,
        rule_findings: Sequence[Finding],
    ) -> tuple[BatchPlan, list[str], list[FilePart]]:
        """Batches for one specialist (public so the bench can report them without sending)."""
        parts: list[FilePart] = []
        deleted: list[str] = []
        for f in files:
            if f.status is FileStatus.DELETED:
                deleted.append(f.path)
                continue
            part = file_part(f, workspace)
            if part is not None:
                parts.append(part)
        added = {f.path: len(f.added_lines) for f in files}
        budget = specialist_share(self.settings.token_budget)
        plan = plan_batches(specialist, parts, added, rule_findings, budget, self.max_batch_tokens)
        return plan, deleted, parts

    async def review(
        self,
        specialist: Specialist,
        files: Sequence[ChangedFile],
        workspace: Workspace,
        rule_findings: Sequence[Finding],
    ) -> LlmOutcome:
        """Ask Claude what the rules missed in ``files``; never raises."""
        try:
            return await self._review(specialist, files, workspace, rule_findings)
        except Exception as exc:
            # A bug here must not cost the review its rule findings: report it visibly.
            log.error("LLM review for %s failed: %s", specialist, type(exc).__name__)
            return LlmOutcome(
                error=f"internal error ({type(exc).__name__})",
                unreviewed=sorted(f.path for f in files),
            )

    async def _review(
        self,
        specialist: Specialist,
        files: Sequence[ChangedFile],
        workspace: Workspace,
        rule_findings: Sequence[Finding],
    ) -> LlmOutcome:
        plan, deleted, _parts = self.plan(specialist, files, workspace, rule_findings)
        if not plan.batches:
            return LlmOutcome(unreviewed=sorted(plan.unreviewed))
        try:
            context = schema_context(
                [f for f in files if f.status is not FileStatus.DELETED], workspace
            )
        except Exception as exc:
            # The schema excerpt is a help, not a requirement: review without it.
            log.warning("schema context unavailable: %s", type(exc).__name__)
            context = None
        results = [BatchResult(paths=[p.path for p in batch]) for batch in plan.batches]
        messages = [
            review_message(specialist, batch, rule_findings, context, deleted)
            for batch in plan.batches
        ]
        remaining = self._remaining()
        timed_out = remaining <= 0
        if not timed_out:
            try:
                async with asyncio.timeout(remaining):
                    await asyncio.gather(
                        *(
                            self._run_batch(specialist, msg, res)
                            for msg, res in zip(messages, results, strict=True)
                        )
                    )
            except TimeoutError:
                timed_out = True
        outcome = LlmOutcome(unreviewed=list(plan.unreviewed))
        errors: list[str] = []
        for res in results:
            outcome.usage = outcome.usage.add(res.usage)
            if res.done:
                outcome.findings.extend(res.findings)
            else:
                outcome.unreviewed.extend(res.paths)
                if res.error:
                    errors.append(res.error)
        outcome.unreviewed.sort()
        failed = sum(not r.done for r in results)
        if timed_out:
            errors.insert(0, f"deadline of {self.settings.deadline_seconds:g} s exceeded")
        if failed:
            reason = errors[0] if errors else "no reply"
            outcome.error = (
                reason
                if failed == len(results)
                else f"{reason} ({failed} of {len(results)} batches not reviewed)"
            )
        return outcome

    # -- architect --------------------------------------------------------------

    async def summarise(self, findings: Sequence[Finding]) -> tuple[str | None, LlmUsage]:
        """One paragraph over the verified findings; (None, usage) when unavailable."""
        if not self.settings.summary:
            return None, LlmUsage()
        message = summary_message(findings)
        if estimate_tokens(message) > self.settings.token_budget * SUMMARY_SHARE:
            return None, LlmUsage()
        remaining = self._remaining()
        if remaining <= 0:
            return None, LlmUsage()
        tally = Tally()
        try:
            async with asyncio.timeout(remaining):
                reply = await self._ask(ARCHITECT, message, SummaryReply, SUMMARY_MAX_TOKENS, tally)
        except TimeoutError:
            log.warning("LLM summary skipped: deadline exceeded")
            return None, tally.usage
        except Exception as exc:
            if not (_is_api_error(exc) or isinstance(exc, InvalidReply)):
                raise
            log.warning("LLM summary unavailable: %s", describe_error(exc))
            return None, tally.usage
        assert isinstance(reply, SummaryReply)
        return " ".join(reply.summary.split()), tally.usage


def _is_api_error(exc: BaseException) -> bool:
    import anthropic

    return isinstance(exc, anthropic.APIError)
