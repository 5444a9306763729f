"""EDGE018: the caller chooses the host a function fetches (SSRF)."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.context import EdgeRule
from agents.edge_reliability.flow.facts import flow_facts
from agents.edge_reliability.flow.labels import caller, describe
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import line_of

FETCHES = frozenset({"fetch", "globalThis.fetch", "Deno.connect", "Deno.connectTls"})
_SAFE = frozenset(
    {"host", "host_fixed", "allow_list", "encoded", "number", "boolean", "signed", "selected"}
)


class CallerChosenFetchHost(EdgeRule):
    """Flag a ``fetch`` whose URL host comes from the request (server-side request forgery).

    ## What it does
    Follows request values (body, query string, path, headers) through
    variables, templates, helpers and ``_shared`` modules to the URL of
    ``fetch``/``Deno.connect``.  Values placed after a fixed scheme and host
    (``https://api.example.com/items/${id}``) cannot choose the host and are
    ignored; so is a URL whose host was checked against an allow-list
    (``ALLOWED.has(new URL(u).hostname)``, ``u.hostname === "…"``) or an
    exact value, on every path to the fetch.

    ## Why is this bad?
    The function then requests whatever the caller names: the metadata
    service (``169.254.169.254``), ``localhost`` services, private networks,
    other internal hosts — with the function's network position and often
    its secrets in the headers — and may hand the answer back.

    ## Example
    ```ts
    const { url } = await req.json();
    const page = await fetch(url);
    ```

    ## Use instead
    ```ts
    const target = new URL(url);
    if (target.protocol !== "https:" || !ALLOWED_HOSTS.has(target.hostname)) {
      return Response.json({ error: "host not allowed" }, { status: 400 });
    }
    const page = await fetch(target, { redirect: "error" });
    ```

    ## References
    - https://owasp.org/www-community/attacks/Server_Side_Request_Forgery
    - https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html
    """

    code = "EDGE018"
    whole_function = True
    name = "caller-chosen-fetch-host"
    severity = Severity.HIGH
    severity_reason = "The function can be aimed at internal and metadata services (SSRF)."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        reported: set[int] = set()
        for call in flow_facts(ctx.model).calls:
            if call.name not in FETCHES or not call.args:
                continue
            origins = caller(call.args[0], _SAFE)
            line = line_of(call.anchor)
            if not origins or line in reported:
                continue
            reported.add(line)
            through = f" through {call.via}" if call.via else ""
            yield self.finding(
                ctx.path,
                line,
                f"{describe(origins[0])} reaches the URL of `{call.name}()`{through} with no "
                "host allow-list or private-address block: the caller chooses which host this "
                "function requests (SSRF).",
                "Parse it with `new URL()`, require `https:` and a hostname from an allow-list "
                "(or a fixed base URL), and do not follow redirects to other hosts.",
            )
