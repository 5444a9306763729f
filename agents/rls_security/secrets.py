"""Find secret literals in text: Supabase service-role JWTs and secret keys, other
providers' live keys, and passwords in connection strings.

A JWT is decoded (without verifying it) to read its ``role`` claim: the
``anon`` key is public by design and ignored; ``service_role`` bypasses RLS
entirely.  The Supabase CLI's local-development keys are public too: every
``supabase start`` prints the same ``supabase-demo`` JWTs, signed with the
documented local secret, so a token that this secret verifies is a local key
(it opens only a developer's own machine), not a leak; likewise the CLI's
built-in local ``sb_secret_…`` key.  Local-development
connection strings (``localhost``, the ``postgres:postgres`` default) and
placeholders are not secrets either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from agents.findings import Severity

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.(eyJ[A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]{8,}")
LOCAL_DEV_JWT_SECRET = b"super-secret-jwt-token-with-at-least-32-characters-long"
"""The JWT secret of every local Supabase stack (``supabase start``, the self-hosting
example ``.env``); published in the CLI's docs, so what it signs is public."""
LOCAL_DEV_SECRET_KEYS = frozenset({"sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz"})
"""The secret API key the Supabase CLI gives every local stack (its built-in default,
printed by ``supabase start``): it opens only a developer's own machine."""
_KEYS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bsb_secret_[A-Za-z0-9_-]{16,}"), "a Supabase secret API key (sb_secret_…)"),
    (re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}"), "a Stripe live secret key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"), "a GitHub token"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{20,}"), "a Slack token"),
    (re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}"), "an Anthropic API key"),
    (re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9]{32,}"), "an OpenAI API key"),
    (re.compile(r"\bwhsec_[A-Za-z0-9]{20,}"), "a webhook signing secret"),
)
_PASSWORD_LITERAL = re.compile(r"\bpassword\s*(?:=\s*)?'([^'\s]{6,})'", re.I)
"""``CREATE ROLE … PASSWORD 'x'``, user mappings ``OPTIONS (password 'x')``."""
_CONN = re.compile(r"\b(?:postgres|postgresql|mysql|mongodb(?:\+srv)?|redis)://[^\s'\"]+")
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "db", "host.docker.internal", "supabase_db")
_PLACEHOLDER = re.compile(
    r"^(\$\{?.*|<.*>|\[.*\]|\*+|x+|password|postgres|your[-_].*|changeme|secret|pass)$", re.I
)


@dataclass(frozen=True)
class Secret:
    """One secret literal found in a file."""

    line: int
    what: str
    severity: Severity


def _jwt_role(payload: str) -> str | None:
    padded = payload + "=" * (-len(payload) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    role = data.get("role")
    return str(role) if role is not None else ""


def is_local_dev_key(token: str) -> bool:
    """True for a JWT signed with the local-development secret (a ``supabase-demo`` key)."""
    header_payload, _, signature = token.rpartition(".")
    digest = hmac.new(LOCAL_DEV_JWT_SECRET, header_payload.encode("ascii"), hashlib.sha256)
    expected = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(expected, signature)


def _line_secrets(text: str) -> Iterator[tuple[str, Severity]]:
    for m in _JWT.finditer(text):
        role = _jwt_role(m.group(1))
        if role is None or role == "anon" or is_local_dev_key(m.group(0)):
            continue
        if role == "service_role":
            yield "a service_role JWT (bypasses RLS for whoever holds it)", Severity.CRITICAL
        else:
            yield f"a signed JWT (role {role or 'unknown'})", Severity.HIGH
    for pattern, what in _KEYS:
        if any(m.group(0) not in LOCAL_DEV_SECRET_KEYS for m in pattern.finditer(text)):
            yield what, Severity.CRITICAL
    for m in _PASSWORD_LITERAL.finditer(text):
        if not _PLACEHOLDER.match(m.group(1)):
            yield "a password literal", Severity.CRITICAL
            break
    for m in _CONN.finditer(text):
        try:
            parts = urlsplit(m.group(0))
            password, host = parts.password, parts.hostname
        except ValueError:
            continue
        if not password or _PLACEHOLDER.match(password) or (host or "") in _LOCAL_HOSTS:
            continue
        yield "a password in a database connection string", Severity.CRITICAL


def find_secrets(text: str, lines: frozenset[int] | None = None) -> list[Secret]:
    """Secrets on ``lines`` of ``text`` (all lines when None), one per line and kind."""
    out: list[Secret] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if lines is not None and number not in lines:
            continue
        for what, severity in _line_secrets(line):
            out.append(Secret(line=number, what=what, severity=severity))
    return out
