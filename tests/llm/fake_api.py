"""A fake Messages API at the HTTP layer, for the real ``anthropic`` SDK to talk to.

``FakeMessagesApi`` is an ``httpx2.MockTransport`` handler: it records every
request (headers and JSON body) and answers each one with what ``reply``
returns — a JSON body in the Messages API wire format, or an error status.
Tests pass ``http_client=fake.client()`` to ``build_reviewer``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2

from agents.specialist import LlmSettings

API_KEY = "sk-ant-test-key-0123456789"

Reply = Callable[["Recorded"], "httpx2.Response | Awaitable[httpx2.Response]"]


@dataclass
class Recorded:
    """One request as the server saw it."""

    index: int
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes

    @property
    def user_text(self) -> str:
        """All user message text of the request, concatenated."""
        out: list[str] = []
        for m in self.body["messages"]:
            content = m["content"]
            if isinstance(content, str):
                out.append(content)
            else:
                out.extend(b.get("text", "") for b in content)
        return "\n".join(out)

    @property
    def system_text(self) -> str:
        system = self.body.get("system", "")
        return system if isinstance(system, str) else "".join(b["text"] for b in system)


def message(
    payload: dict[str, Any] | str,
    *,
    input_tokens: int = 1000,
    output_tokens: int = 100,
    cache_read: int = 0,
    cache_write: int = 0,
    model: str = "claude-sonnet-5-5",
) -> httpx2.Response:
    """A 200 reply whose single text block is ``payload`` (JSON-encoded unless a str)."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return httpx2.Response(
        200,
        json={
            "id": "msg_test",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "cache_creation_input_tokens": cache_write,
                "cache_read_input_tokens": cache_read,
            },
        },
    )


def error(status: int, kind: str, *, retry_after_ms: int | None = 1) -> httpx2.Response:
    """An API error reply in the wire format (``retry-after-ms`` keeps SDK backoff short)."""
    headers = {} if retry_after_ms is None else {"retry-after-ms": str(retry_after_ms)}
    return httpx2.Response(
        status,
        headers=headers,
        json={"type": "error", "error": {"type": kind, "message": "fake " + kind}},
    )


def findings_reply(*findings: dict[str, Any]) -> dict[str, Any]:
    return {"findings": list(findings)}


GATE_TIMEOUT = 30.0
"""Seconds a gated request waits for the others: only reached when requests do not overlap."""


@dataclass
class FakeMessagesApi:
    """Records requests; ``reply`` decides each answer (default: no findings)."""

    reply: Reply = field(default=lambda r: message(findings_reply()))
    requests: list[Recorded] = field(default_factory=list)
    delay: float = 0.0
    gate: int = 0
    """When set, each request is held until this many have been in flight at once:
    concurrency is then shown by overlap, not by timing (a serial client times out)."""
    in_flight: int = 0
    max_in_flight: int = 0

    async def handle(self, request: httpx2.Request) -> httpx2.Response:
        raw = await request.aread()
        rec = Recorded(len(self.requests), dict(request.headers), json.loads(raw), raw)
        self.requests.append(rec)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.gate:
                await asyncio.wait_for(self._gate_open(), GATE_TIMEOUT)
            answer = self.reply(rec)
            if isinstance(answer, Awaitable):
                answer = await answer
            return answer
        finally:
            self.in_flight -= 1

    async def _gate_open(self) -> None:
        while self.max_in_flight < self.gate:
            await asyncio.sleep(0.005)

    def client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self.handle))


def settings(**overrides: Any) -> LlmSettings:
    base: dict[str, Any] = {"deadline_seconds": 10.0, "max_retries": 2, "summary": True}
    base.update(overrides)
    return LlmSettings(**base)
