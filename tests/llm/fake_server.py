"""A fake Messages API on a real local port, for runs that go through ``ANTHROPIC_BASE_URL``.

The CLI end-to-end test and ``scripts/bench_llm.py`` start one of these and
point the tool at it.  It serves ``POST /v1/messages`` from a thread per
request (so concurrent requests overlap, as with the real API), records each
request body, and answers with whatever ``answer(body)`` returns.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


def wire_message(
    payload: dict[str, Any], input_tokens: int, output_tokens: int = 50
) -> dict[str, Any]:
    """A Messages API reply whose one text block is ``payload`` as JSON."""
    return {
        "id": "msg_local",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-5-5",
        "content": [{"type": "text", "text": json.dumps(payload)}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }


def no_findings(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Answer every request with an empty finding list (a summary for the architect)."""
    size = len(json.dumps(body)) // 4
    if "summary" in json.dumps(body["output_config"]["format"]["schema"]["properties"]):
        return 200, wire_message({"summary": "Nothing blocking found."}, size)
    return 200, wire_message({"findings": []}, size)


@dataclass
class Record:
    """One request as received: when, its body and its authorisation header."""

    started: float
    finished: float
    body: dict[str, Any]
    authorization: str
    raw: bytes


@dataclass
class FakeServer:
    """``with FakeServer(answer, delay=1.0) as server: ... server.url``."""

    answer: Answer = no_findings
    delay: float = 0.0
    records: list[Record] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                started = time.monotonic()
                raw = self.rfile.read(int(self.headers.get("content-length", "0")))
                body = json.loads(raw)
                if fake.delay:
                    time.sleep(fake.delay)
                status, reply = fake.answer(body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                if status >= 400:
                    self.send_header("retry-after-ms", "5")
                self.end_headers()
                self.wfile.write(data)
                with fake._lock:
                    fake.records.append(
                        Record(
                            started,
                            time.monotonic(),
                            body,
                            self.headers.get("authorization", ""),
                            raw,
                        )
                    )

            def log_message(self, format: str, *args: Any) -> None:
                """Silence the default stderr access log."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
