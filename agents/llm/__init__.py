"""Claude in the loop: the LLM half of each specialist and the architect's summary.

``build_reviewer(settings, api_key=..., base_url=...)`` returns an object
implementing :class:`agents.specialist.LlmReviewer`.  Importing this package
is cheap: the ``anthropic`` SDK (about a second to import) is loaded only when
a reviewer is built, so rules-only runs never pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.specialist import LlmSettings

if TYPE_CHECKING:
    from agents.llm.client import AnthropicReviewer


def build_reviewer(
    settings: LlmSettings,
    *,
    api_key: str,
    base_url: str | None,
    http_client: object | None = None,
) -> AnthropicReviewer:
    """The LLM reviewer for one review.

    ``api_key`` and ``base_url`` are passed in by the pipeline (which reads
    ``ANTHROPIC_API_KEY`` / ``ANTHROPIC_BASE_URL`` once at entry); nothing here
    reads the environment.  ``http_client`` is an ``httpx2.AsyncClient``, for
    tests (``httpx2.MockTransport``) or proxies.
    """
    from agents.llm.client import AnthropicReviewer

    return AnthropicReviewer(settings, api_key=api_key, base_url=base_url, http_client=http_client)


__all__ = ["build_reviewer"]
