"""A small fake of GitHub's REST API on a real loopback HTTP server.

PyGithub talks to it over HTTP exactly as it talks to GitHub (the tests point
``GITHUB_API_URL`` at it), so its request building, pagination through
``Link`` headers, lazy objects and error mapping all run for real.  The server
mounts the API under ``/api/v3`` like GitHub Enterprise Server, which also
checks that the base URL's path is honoured.

It holds just enough state for one repository: pull requests with their
files, file contents per commit, issue comments, inline review comments,
reactions and collaborator permissions.  ``faults`` injects one-off error
responses (rate limits, 5xx, 403); ``log`` records every request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

REPO = "octo/app"
BOT = "github-actions[bot]"
TOKEN = "ghs_faketoken0123456789abcdef"
TIMESTAMP = "2026-11-25T04:00:00Z"

Json = dict[str, Any]


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def added_patch(text: str) -> str:
    """GitHub's patch for a new file: one hunk from line 1."""
    lines = text.splitlines()
    return f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join("+" + line for line in lines)


def patch_lines(patch: str) -> set[int]:
    """Head (RIGHT side) line numbers a patch shows: where GitHub accepts comments."""
    shown: set[int] = set()
    line = 0
    for raw in patch.split("\n"):
        match = re.match(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@", raw)
        if match:
            line = int(match.group(1))
            continue
        if raw.startswith("-") or raw.startswith("\\"):
            continue
        shown.add(line)
        line += 1
    return shown


@dataclass
class Request:
    method: str
    path: str
    """Path relative to the API root, without the query."""
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class Fault:
    """Answer the next ``times`` requests matching ``method`` and ``path`` (regex) with this."""

    method: str
    path: str
    status: int
    body: Json
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    query: dict[str, str] = field(default_factory=dict)
    """Only requests whose query string holds these parameters."""
    after: bool = False
    """Do what the request asks first, then answer with the fault (a 5xx that still acted)."""


@dataclass
class PullFile:
    filename: str
    status: str = "added"
    patch: str | None = None
    previous_filename: str | None = None
    additions: int = 0
    deletions: int = 0


@dataclass
class Pull:
    number: int
    head_sha: str
    base_sha: str
    files: list[PullFile] = field(default_factory=list)
    draft: bool = False
    state: str = "open"
    head_repo: str = REPO


class FakeGitHub:
    """State and routes of the fake API; ``start()`` serves it on 127.0.0.1."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.log: list[Request] = []
        self.faults: list[Fault] = []
        self.pulls: dict[int, Pull] = {}
        self.commits: dict[str, dict[str, bytes]] = {}
        self.issue_comments: dict[int, list[Json]] = {}
        self.review_comments: dict[int, list[Json]] = {}
        self.reviews: list[Json] = []
        self.reactions: list[Json] = []
        self.permissions: dict[str, str] = {}
        self.user_login: str | None = None
        """None: ``GET /user`` answers 403 like it does for the Actions token."""
        self.comment_author = BOT
        self.token = TOKEN
        self.forbid_writes = False
        """True: every write answers 403 (the read-only token of a fork PR)."""
        self._next_id = 1000
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else 40 ms delayed-ACK stalls per request

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self) -> None:
                fake._handle(self)

            do_GET = _serve
            do_POST = _serve
            do_PATCH = _serve
            do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def root(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.root}/api/v3"

    @property
    def web_url(self) -> str:
        return f"{self.root}/web"

    # -- setup helpers ---------------------------------------------------------
    def add_commit(self, sha: str, files: Mapping[str, str | bytes]) -> None:
        self.commits[sha] = {
            p: (t.encode("utf-8") if isinstance(t, str) else t) for p, t in files.items()
        }

    def add_pull(self, pull: Pull) -> Pull:
        self.pulls[pull.number] = pull
        return pull

    def new_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    def requests(self, method: str | None = None, path: str | None = None) -> list[Request]:
        return [
            r
            for r in self.log
            if (method is None or r.method == method)
            and (path is None or re.fullmatch(path, r.path))
        ]

    def comment_json(self, number: int, body: str, user: str, user_type: str = "Bot") -> Json:
        cid = self.new_id()
        return {
            "id": cid,
            "node_id": f"IC_{cid}",
            "url": f"{self.api_url}/repos/{REPO}/issues/comments/{cid}",
            "html_url": f"{self.web_url}/{REPO}/pull/{number}#issuecomment-{cid}",
            "issue_url": f"{self.api_url}/repos/{REPO}/issues/{number}",
            "body": body,
            "user": self.user_json(user, user_type),
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
            "author_association": "NONE",
        }

    def user_json(self, login: str, user_type: str = "User") -> Json:
        return {
            "login": login,
            "id": abs(hash(login)) % 10**6,
            "type": user_type,
            "url": f"{self.api_url}/users/{login}",
            "html_url": f"{self.web_url}/{login}",
        }

    # -- HTTP ------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        prefix = "/api/v3"
        path = split.path[len(prefix) :] if split.path.startswith(prefix) else split.path
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        request = Request(handler.command, path, query, body, dict(handler.headers.items()))
        with self.lock:
            self.log.append(request)
            fault = next(
                (
                    f
                    for f in self.faults
                    if f.times > 0
                    and f.method == request.method
                    and re.fullmatch(f.path, path)
                    and f.query.items() <= request.query.items()
                ),
                None,
            )
            if fault is not None:
                fault.times -= 1
        if fault is not None and not fault.after:
            self._send(handler, fault.status, fault.body, fault.headers)
            return
        auth = handler.headers.get("Authorization", "")
        if auth not in (f"token {self.token}", f"Bearer {self.token}"):
            self._send(handler, 401, {"message": "Bad credentials"})
            return
        if request.method in ("POST", "PATCH", "DELETE") and self.forbid_writes:
            self._send(handler, 403, {"message": "Resource not accessible by integration"})
            return
        for method, pattern, action in self._routes():
            match = re.fullmatch(pattern, path)
            if method == request.method and match:
                status, payload, headers = action(request, *match.groups())
                if fault is not None:
                    status, payload, headers = fault.status, fault.body, fault.headers
                self._send(handler, status, payload, headers)
                return
        self._send(handler, 404, {"message": "Not Found"})

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(payload).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        extra = {k.lower(): v for k, v in (headers or {}).items()}
        defaults = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999"}
        for k, v in {**defaults, **extra}.items():
            handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(data)

    def _routes(self) -> list[tuple[str, str, Callable[..., tuple[int, Any, dict[str, str]]]]]:
        r = rf"/repos/{re.escape(REPO)}"
        return [
            ("GET", "/user", self._user),
            ("GET", rf"{r}/pulls/(\d+)", self._pull),
            ("GET", rf"{r}/pulls/(\d+)/files", self._files),
            ("GET", rf"{r}/pulls/(\d+)/comments", self._review_comments),
            ("POST", rf"{r}/pulls/(\d+)/reviews", self._create_review),
            ("GET", rf"{r}/contents/(.+)", self._contents),
            ("GET", rf"{r}/git/trees/([0-9a-f]+)", self._tree),
            ("GET", rf"{r}/git/blobs/([0-9a-f]+)", self._blob),
            ("GET", rf"{r}/issues/(\d+)/comments", self._issue_comments),
            ("POST", rf"{r}/issues/(\d+)/comments", self._create_comment),
            ("PATCH", rf"{r}/issues/comments/(\d+)", self._edit_comment),
            ("POST", rf"{r}/issues/comments/(\d+)/reactions", self._react),
            ("GET", rf"{r}/collaborators/([^/]+)/permission", self._permission),
        ]

    def _page(self, request: Request, items: list[Json]) -> tuple[int, list[Json], dict[str, str]]:
        per_page = int(request.query.get("per_page", "30"))
        page = int(request.query.get("page", "1"))
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(items) // per_page))
        headers: dict[str, str] = {}
        links = []
        base = f"{self.api_url}{request.path}"

        def link(n: int, rel: str) -> str:
            return f'<{base}?{urlencode({**request.query, "page": n})}>; rel="{rel}"'

        if page < last:
            links.append(link(page + 1, "next"))
            links.append(link(last, "last"))
        if page > 1:
            links.append(link(1, "first"))
            links.append(link(page - 1, "prev"))
        if links:
            headers["Link"] = ", ".join(links)
        return 200, chunk, headers

    def _user(self, request: Request) -> tuple[int, Any, dict[str, str]]:
        if self.user_login is None:
            return 403, {"message": "Resource not accessible by integration"}, {}
        return 200, self.user_json(self.user_login), {}

    def _pull_json(self, pull: Pull) -> Json:
        api = f"{self.api_url}/repos/{REPO}"
        return {
            "url": f"{api}/pulls/{pull.number}",
            "id": 5000 + pull.number,
            "number": pull.number,
            "state": pull.state,
            "draft": pull.draft,
            "merged": False,
            "title": f"Pull request {pull.number}",
            "html_url": f"{self.web_url}/{REPO}/pull/{pull.number}",
            "issue_url": f"{api}/issues/{pull.number}",
            "comments_url": f"{api}/issues/{pull.number}/comments",
            "review_comments_url": f"{api}/pulls/{pull.number}/comments",
            "user": self.user_json("author"),
            "head": {
                "sha": pull.head_sha,
                "ref": "feature",
                "label": "octo:feature",
                "repo": {"full_name": pull.head_repo, "name": pull.head_repo.split("/")[1]},
            },
            "base": {
                "sha": pull.base_sha,
                "ref": "main",
                "label": "octo:main",
                "repo": {"full_name": REPO, "name": REPO.split("/")[1]},
            },
            "changed_files": len(pull.files),
        }

    def _pull(self, request: Request, number: str) -> tuple[int, Any, dict[str, str]]:
        pull = self.pulls.get(int(number))
        if pull is None:
            return 404, {"message": "Not Found"}, {}
        return 200, self._pull_json(pull), {}

    def _files(self, request: Request, number: str) -> tuple[int, Any, dict[str, str]]:
        pull = self.pulls.get(int(number))
        if pull is None:
            return 404, {"message": "Not Found"}, {}
        items = []
        for f in pull.files:
            data = self.commits.get(pull.head_sha, {}).get(f.filename, b"")
            item: Json = {
                "sha": blob_sha(data),
                "filename": f.filename,
                "status": f.status,
                "additions": f.additions,
                "deletions": f.deletions,
                "changes": f.additions + f.deletions,
                "blob_url": f"{self.web_url}/{REPO}/blob/{pull.head_sha}/{f.filename}",
                "raw_url": f"{self.web_url}/{REPO}/raw/{pull.head_sha}/{f.filename}",
                "contents_url": f"{self.api_url}/repos/{REPO}/contents/{f.filename}"
                f"?ref={pull.head_sha}",
            }
            if f.patch is not None:
                item["patch"] = f.patch
            if f.previous_filename is not None:
                item["previous_filename"] = f.previous_filename
            items.append(item)
        return self._page(request, items)

    def _contents(self, request: Request, path: str) -> tuple[int, Any, dict[str, str]]:
        ref = request.query.get("ref", "")
        data = self.commits.get(ref, {}).get(path)
        if data is None:
            return 404, {"message": "Not Found"}, {}
        sha = blob_sha(data)
        return (
            200,
            {
                "type": "file",
                "encoding": "base64",
                "size": len(data),
                "name": path.rsplit("/", 1)[-1],
                "path": path,
                "content": base64.b64encode(data).decode(),
                "sha": sha,
                "url": f"{self.api_url}/repos/{REPO}/contents/{path}?ref={ref}",
                "git_url": f"{self.api_url}/repos/{REPO}/git/blobs/{sha}",
                "html_url": f"{self.web_url}/{REPO}/blob/{ref}/{path}",
                "download_url": f"{self.root}/raw/{REPO}/{ref}/{path}",
            },
            {},
        )

    def _tree(self, request: Request, sha: str) -> tuple[int, Any, dict[str, str]]:
        files = self.commits.get(sha)
        if files is None:
            return 404, {"message": "Not Found"}, {}
        tree = [
            {
                "path": p,
                "mode": "100644",
                "type": "blob",
                "sha": blob_sha(d),
                "size": len(d),
                "url": f"{self.api_url}/repos/{REPO}/git/blobs/{blob_sha(d)}",
            }
            for p, d in sorted(files.items())
        ]
        return (
            200,
            {
                "sha": sha,
                "url": f"{self.api_url}/repos/{REPO}/git/trees/{sha}",
                "tree": tree,
                "truncated": False,
            },
            {},
        )

    def _blob(self, request: Request, sha: str) -> tuple[int, Any, dict[str, str]]:
        for files in self.commits.values():
            for data in files.values():
                if blob_sha(data) == sha:
                    return (
                        200,
                        {
                            "sha": sha,
                            "size": len(data),
                            "url": f"{self.api_url}/repos/{REPO}/git/blobs/{sha}",
                            "content": base64.b64encode(data).decode(),
                            "encoding": "base64",
                        },
                        {},
                    )
        return 404, {"message": "Not Found"}, {}

    def _issue_comments(self, request: Request, number: str) -> tuple[int, Any, dict[str, str]]:
        return self._page(request, list(self.issue_comments.get(int(number), [])))

    def _create_comment(self, request: Request, number: str) -> tuple[int, Any, dict[str, str]]:
        n = int(number)
        if n not in self.pulls:
            return 404, {"message": "Not Found"}, {}
        body = (request.body or {}).get("body", "")
        if len(body) > 65536:
            return (
                422,
                {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "IssueComment",
                            "code": "custom",
                            "field": "body",
                            "message": "body is too long (maximum is 65536 characters)",
                        }
                    ],
                },
                {},
            )
        comment = self.comment_json(n, body, self.comment_author)
        self.issue_comments.setdefault(n, []).append(comment)
        return 201, comment, {}

    def _edit_comment(self, request: Request, cid: str) -> tuple[int, Any, dict[str, str]]:
        for comments in self.issue_comments.values():
            for comment in comments:
                if comment["id"] == int(cid):
                    if comment["user"]["login"] != self.comment_author:
                        return 403, {"message": "Must have admin rights to Repository."}, {}
                    body = (request.body or {}).get("body", "")
                    if len(body) > 65536:
                        return 422, {"message": "Validation Failed"}, {}
                    comment["body"] = body
                    comment["updated_at"] = "2026-11-25T05:00:00Z"
                    return 200, comment, {}
        return 404, {"message": "Not Found"}, {}

    def _react(self, request: Request, cid: str) -> tuple[int, Any, dict[str, str]]:
        content = (request.body or {}).get("content")
        reaction = {
            "id": self.new_id(),
            "content": content,
            "comment_id": int(cid),
            "user": self.user_json(self.comment_author, "Bot"),
            "created_at": TIMESTAMP,
        }
        self.reactions.append(reaction)
        return 201, reaction, {}

    def _permission(self, request: Request, login: str) -> tuple[int, Any, dict[str, str]]:
        permission = self.permissions.get(login, "read")
        return (
            200,
            {"permission": permission, "role_name": permission, "user": self.user_json(login)},
            {},
        )

    def _review_comments(self, request: Request, number: str) -> tuple[int, Any, dict[str, str]]:
        return self._page(request, list(self.review_comments.get(int(number), [])))

    def _create_review(self, request: Request, number: str) -> tuple[int, Any, dict[str, str]]:
        n = int(number)
        pull = self.pulls.get(n)
        if pull is None:
            return 404, {"message": "Not Found"}, {}
        body = request.body or {}
        patches = {f.filename: f.patch for f in pull.files}
        created = []
        for c in body.get("comments", []):
            patch = patches.get(c["path"])
            if patch is None or c["line"] not in patch_lines(patch):
                return (
                    422,
                    {
                        "message": "Unprocessable Entity",
                        "errors": ["Pull request review thread line must be part of the diff"],
                    },
                    {},
                )
            cid = self.new_id()
            created.append(
                {
                    "id": cid,
                    "path": c["path"],
                    "line": c["line"],
                    "start_line": c.get("start_line"),
                    "side": c.get("side", "RIGHT"),
                    "body": c["body"],
                    "commit_id": body.get("commit_id"),
                    "user": self.user_json(self.comment_author, "Bot"),
                    "url": f"{self.api_url}/repos/{REPO}/pulls/comments/{cid}",
                    "html_url": f"{self.web_url}/{REPO}/pull/{n}#discussion_r{cid}",
                }
            )
        self.review_comments.setdefault(n, []).extend(created)
        review = {
            "id": self.new_id(),
            "body": body.get("body", ""),
            "state": "COMMENTED",
            "commit_id": body.get("commit_id"),
            "user": self.user_json(self.comment_author, "Bot"),
            "html_url": f"{self.web_url}/{REPO}/pull/{n}#pullrequestreview-1",
            "pull_request_url": f"{self.api_url}/repos/{REPO}/pulls/{n}",
        }
        self.reviews.append(review)
        return 200, review, {}
