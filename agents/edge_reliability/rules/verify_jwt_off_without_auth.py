"""EDGE010: ``verify_jwt = false`` for a function that authenticates nobody."""

from __future__ import annotations

from collections.abc import Iterator

from agents.edge_reliability.analysis import supabase_call_kind
from agents.edge_reliability.config import function_settings
from agents.edge_reliability.context import EdgeContext, EdgeRule
from agents.edge_reliability.model.auth import authenticates_caller
from agents.edge_reliability.model.build import build_model
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.findings import Finding, Severity
from agents.ts.context import read_head
from agents.ts.parse import parse_ts

ENTRY_FILES = ("index.ts", "index.tsx", "index.js", "index.mjs")


class VerifyJwtOffWithoutAuth(EdgeRule):
    """Flag ``verify_jwt = false`` when the function does no authentication itself.

    ## What it does
    For each ``[functions.<name>]`` in a project's ``config.toml`` with
    ``verify_jwt = false``, reads the function's entry file and reports the
    setting when the code neither verifies a JWT (``auth.getUser``,
    ``getClaims``, jose), nor a webhook signature or shared secret, yet uses
    the service-role key or writes data.

    ## Why is this bad?
    With the gateway check off, anyone on the internet can call the function
    without any token. If it then reads or writes with the service role,
    anyone can read or modify any user's data (critical).

    ## Example
    ```toml
    [functions.sync-profile]
    verify_jwt = false
    ```

    ## Use instead
    ```toml
    [functions.sync-profile]
    verify_jwt = true
    ```
    or verify the caller yourself (webhook signature, ``getClaims``).

    ## References
    - https://supabase.com/docs/guides/functions/auth
    - https://supabase.com/docs/guides/functions/function-configuration
    """

    code = "EDGE010"
    name = "verify-jwt-off-without-auth"
    severity = Severity.HIGH
    severity_reason = (
        "Anyone can invoke a function that holds elevated rights; critical when it reads or "
        "writes data with the service role."
    )

    def check_config(self, ctx: EdgeContext) -> Iterator[Finding]:
        if ctx.text is None:
            return
        settings = function_settings(ctx.text)
        if not settings:
            return
        config_changed = ctx.workspace.file(ctx.path) is not None
        project = ctx.workspace.project_for(ctx.path)
        functions_dir = project.functions_dir if project is not None else "supabase/functions"
        for name, fn in settings.items():
            if fn.verify_jwt is not False:
                continue
            if not config_changed and name not in ctx.changed_functions:
                continue
            for entry in ENTRY_FILES:
                path = f"{functions_dir}/{name}/{entry}"
                text = read_head(ctx.workspace, path)
                if text is None:
                    continue
                model = build_model(
                    parse_ts(path, text), lambda p: read_head(ctx.workspace, p), name
                )
                if authenticates_caller(model):
                    break
                writes = any(
                    supabase_call_kind(model, c) in ("write", "storage-write", "rpc")
                    for c in model.calls()
                )
                if not model.service_clients() and not writes:
                    break
                # anyone reading or writing with the service role = anyone can read or
                # modify any user's data (RLS bypassed)
                severity = (
                    Severity.CRITICAL
                    if (model.service_clients() and writes) or _service_data_access(model)
                    else Severity.HIGH
                )
                yield self.finding(
                    ctx.path,
                    fn.verify_jwt_line or fn.section_line,
                    f"`verify_jwt = false` for `{name}`, and its code checks no JWT, signature "
                    "or shared secret while it uses the service role or writes data: anyone "
                    "can call it.",
                    "Keep `verify_jwt = true`, or authenticate the caller in the function "
                    "(webhook signature, `getClaims`, a shared secret compared in constant time).",
                    severity=severity,
                )
                break


def _service_data_access(model: EdgeFunctionModel) -> bool:
    """Whether a service-role client queries tables, storage, RPCs or the Auth admin API."""
    services = {c.name for c in model.service_clients() if c.name}
    return any(
        supabase_call_kind(model, c) is not None
        and (client := model.is_supabase_chain(c)) is not None
        and client.name in services
        for c in model.calls()
    )
