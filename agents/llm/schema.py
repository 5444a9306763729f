"""The shapes Claude must answer in, validated by pydantic.

These models are handed to the SDK's structured-output facility
(``messages.parse(output_format=...)``): the API constrains the reply to their
JSON schema and the SDK validates it back into these classes.  Nothing here
parses prose.  Fields carry descriptions because the schema (descriptions
included) is what the model reads.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LlmSeverity = Literal["critical", "high", "medium", "low", "info"]


class ReportedFinding(BaseModel):
    """One problem Claude reports, before it becomes a :class:`agents.findings.Finding`."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="Path of the file, exactly as given in the path attribute.")
    line: int = Field(ge=1, description="1-based line number in the head version of the file.")
    end_line: int | None = Field(
        default=None, ge=1, description="Last line of the problem when it spans several lines."
    )
    severity: LlmSeverity = Field(
        description="critical: other users' data exposed or modifiable; high: likely exploitable "
        "or an outage; medium: real risk under some conditions; low: hardening; info: remark."
    )
    title: str = Field(max_length=200, description="The problem in under ten words.")
    message: str = Field(max_length=2000, description="What is wrong and why, in this PR's terms.")
    help: str = Field(max_length=2000, description="How to fix it, concretely.")
    evidence: str = Field(
        min_length=1,
        max_length=1000,
        description="The exact code the finding is about, copied verbatim from the file "
        "(one to three lines, without the line-number prefix).",
    )
    confidence: float = Field(
        ge=0.0, le=1.0, description="How sure you are that this is a real problem (0 to 1)."
    )


class ReviewReply(BaseModel):
    """Claude's answer for one batch of files: only what the rules missed."""

    model_config = ConfigDict(extra="forbid")

    findings: list[ReportedFinding] = Field(
        description="Problems the rule findings do not already cover; empty when there are none."
    )


class SummaryReply(BaseModel):
    """The architect's one-paragraph summary over the verified findings."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(
        max_length=2000,
        description="Three to five plain sentences: what the PR changes, the main risks, "
        "and what to fix first. No Markdown headings, no HTML.",
    )
