"""Secret detection: what counts as a secret, and what does not."""

from __future__ import annotations

import base64
import json

from agents.findings import Severity
from agents.rls_security.secrets import find_secrets


def jwt(payload: dict[str, str]) -> str:
    def part(data: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJlc2ln"


def test_service_role_jwt_is_critical_and_anon_key_is_ignored() -> None:
    text = f"a = '{jwt({'role': 'service_role'})}'\nb = '{jwt({'role': 'anon'})}'\n"
    found = find_secrets(text)
    assert [(s.line, s.severity) for s in found] == [(1, Severity.CRITICAL)]


def test_only_requested_lines_are_scanned() -> None:
    text = "x\nkey = 'sk_live_abcdefghijklmnopqrstuvwx'\n"
    assert find_secrets(text, frozenset({1})) == []
    assert [s.line for s in find_secrets(text, frozenset({2}))] == [2]


def test_connection_strings() -> None:
    assert find_secrets("postgresql://postgres:s3cr3t-Pa55@db.abc.supabase.co:5432/postgres")
    assert not find_secrets("postgresql://postgres:postgres@localhost:54322/postgres")
    assert not find_secrets(
        "postgresql://postgres:[YOUR-PASSWORD]@db.abc.supabase.co:5432/postgres"
    )


def test_password_literals_in_sql() -> None:
    assert find_secrets("create role reporter login password 'Tr0ub4dor&3';")
    assert find_secrets(
        "create user mapping for postgres server s options (user 'u', password 'hunter22');"
    )
    assert not find_secrets("create role reporter login password 'changeme';")


def _signed(payload: dict[str, str], secret: bytes) -> str:
    import hashlib
    import hmac

    def part(data: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    head = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}"
    sig = hmac.new(secret, head.encode(), hashlib.sha256).digest()
    return f"{head}.{base64.urlsafe_b64encode(sig).decode().rstrip('=')}"


def test_local_development_keys_are_public_but_real_ones_are_not() -> None:
    payload = {"iss": "supabase-demo", "role": "service_role"}
    # the documented secret of every local stack (`supabase start`)
    local = _signed(payload, b"super-secret-jwt-token-with-at-least-32-characters-long")
    assert find_secrets(f"select vault.create_secret('{local}', 'token');") == []
    # same claims, signed by a real project's secret: a leak
    real = _signed(payload, b"a-real-projects-own-jwt-secret-of-some-length")
    assert [s.severity for s in find_secrets(f"'{real}'")] == [Severity.CRITICAL]


def test_the_local_stacks_secret_api_key_is_not_a_leak() -> None:
    local = "token = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz'"
    assert find_secrets(local) == []
    assert find_secrets("token = 'sb_secret_Zq81mP0aLkT2xQvB7nW3eR'")
