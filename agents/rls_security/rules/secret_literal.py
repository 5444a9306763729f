"""RLS021: a secret literal (service-role JWT, API key, password) in the PR."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from agents.findings import Finding, Severity
from agents.rls_security.rules._base import RlsRule
from agents.rls_security.secrets import Secret, find_secrets
from agents.sql.context import SqlRuleContext


class SecretLiteral(RlsRule):
    """Secret committed in SQL or front-end code.

    ## What it does
    Flags, on lines the PR adds: JWTs whose payload says ``service_role``
    (the ``anon`` key is public by design and ignored), Supabase ``sb_secret_``
    keys, live keys of common providers (Stripe, AWS, GitHub, OpenAI,
    Anthropic, Slack, webhook secrets), and passwords in connection strings
    (local-development defaults excepted).

    ## Why is this bad?
    Anything in the repository is readable by everyone with access to it, its
    forks and CI logs, forever (history keeps it).  A service-role key bypasses
    all RLS.

    ## Example
    ```sql
    select net.http_post('https://x.supabase.co/functions/v1/sync',
      headers => '{"Authorization": "Bearer eyJhbGciOi...service_role..."}'::jsonb);
    ```

    ## Use instead
    ```sql
    select net.http_post('https://x.supabase.co/functions/v1/sync',
      headers => jsonb_build_object('Authorization', 'Bearer ' ||
        (select decrypted_secret from vault.decrypted_secrets where name = 'sync_key')));
    ```

    ## References
    - https://supabase.com/docs/guides/api/api-keys
    - https://supabase.com/docs/guides/database/vault
    """

    code: ClassVar[str] = "RLS021"
    name: ClassVar[str] = "secret-literal"
    severity: ClassVar[Severity] = Severity.CRITICAL
    severity_reason: ClassVar[str] = "A leaked service key or live credential gives full access."

    def secret_finding(self, path: str, secret: Secret) -> Finding:
        """The finding for one secret found in ``path``."""
        return self.finding(
            path,
            secret.line,
            f"Line {secret.line} contains {secret.what}. Committed secrets must be considered "
            "leaked.",
            "Rotate the key now, remove it from the file, and read it at run time "
            "(Vault, environment secrets).",
            severity=secret.severity,
        )

    def check(self, ctx: SqlRuleContext) -> Iterator[Finding]:
        for secret in find_secrets(ctx.parsed.text, ctx.file.added_lines):
            yield self.secret_finding(ctx.path, secret)
