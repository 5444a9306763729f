"""EDGE019: JWT claims decoded without verification are trusted on a public function."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.access import verify_jwt_off
from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.flow.facts import flow_facts
from agents.edge_reliability.flow.labels import Origin, of_kind
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext


class UnverifiedJwtTrusted(EdgeRule):
    """Flag JWT claims decoded without a signature check on a ``verify_jwt = false`` function.

    ## What it does
    On a function whose ``[functions.<name>]`` sets ``verify_jwt = false`` in
    its project's ``config.toml``, follows the Authorization token through
    ``atob``/``JSON.parse``, ``jose.decodeJwt`` or ``jwt-decode`` (directly, in
    a same-file helper or in a ``_shared`` module) and reports the decode when
    its claims reach a Supabase query or a decision.  Verifying instead
    (``jose.jwtVerify`` with the project's JWKS, ``auth.getUser(token)``,
    ``auth.getClaims``) is silent.

    ## Why is this bad?
    With the gateway check off, nothing has verified the token: anyone can
    write ``{"sub": "<victim id>"}`` into a token of their own and the function
    believes it.  Decoding is only fine where the gateway verified the token
    first (``verify_jwt = true``).

    ## Example
    ```ts
    const [, payload] = token.split(".");
    const claims = JSON.parse(atob(payload));
    await admin.from("orders").select("*").eq("user_id", claims.sub);
    ```

    ## Use instead
    ```ts
    const { payload } = await jwtVerify(token, JWKS, { issuer: `${SUPABASE_URL}/auth/v1` });
    await admin.from("orders").select("*").eq("user_id", payload.sub);
    ```

    ## References
    - https://supabase.com/docs/guides/functions/auth
    - https://supabase.com/docs/guides/auth/jwts
    """

    code = "EDGE019"
    whole_function = True
    name = "unverified-jwt-trusted"
    severity = Severity.CRITICAL
    severity_reason = "Anyone can forge the claims and act as any user."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        if ctx.model.handler is None or not verify_jwt_off(ctx):
            return
        facts = flow_facts(ctx.model)
        trusted: list[Origin] = []
        for query in facts.queries():
            for link in query.links:
                for arg in link.args if link is not None else []:
                    trusted.extend(of_kind(arg, "unverified_jwt"))
        for cond, _exits in facts.guards:
            trusted.extend(of_kind(facts.of(cond), "unverified_jwt"))
        seen: set[int] = set()
        for origin in sorted(trusted, key=lambda o: o.line):
            if origin.line in seen:
                continue
            seen.add(origin.line)
            through = f" (through {origin.via})" if origin.via else ""
            yield self.finding(
                ctx.path,
                origin.line,
                f"The caller's token is decoded with {origin.what}{through} without checking its "
                "signature, and its claims pick rows or decide access, on a function with "
                "`verify_jwt = false`: anyone can forge the token.",
                "Verify the token (`jose.jwtVerify` with the project's JWKS, or "
                "`supabase.auth.getUser(token)`), or turn `verify_jwt` back on.",
            )
