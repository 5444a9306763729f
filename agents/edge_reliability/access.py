"""Who may call a function and which values pick rows: facts several data-flow rules share.

- :func:`function_settings_for`: the function's ``[functions.<name>]`` table in
  *its own project's* ``config.toml`` (monorepos have several projects);
- :func:`selector_name`: whether a column or argument name identifies rows
  (``id``, ``project_id``, ``fromWallet``) rather than describing them;
- :func:`unsigned_webhook_write`: the service-role write of a public
  (``verify_jwt = false``) function that reads the body and checks no signature.
"""

from __future__ import annotations

import re

from agents.edge_reliability.config import FunctionSettings, function_settings
from agents.edge_reliability.flow.facts import Query, flow_facts
from agents.edge_reliability.flow.labels import caller
from agents.edge_reliability.model.auth import authenticates_caller
from agents.edge_reliability.model.function import EdgeFunctionModel
from agents.ts.context import TsRuleContext, read_head

WRITE_METHODS = frozenset({"insert", "update", "upsert", "delete"})
_SELECTOR_WORDS = frozenset(
    {
        "id",
        "ids",
        "uid",
        "uuid",
        "wallet",
        "account",
        "user",
        "owner",
        "project",
        "org",
        "organization",
        "team",
        "workspace",
        "tenant",
        "customer",
        "member",
        "profile",
        "group",
        "invoice",
        "order",
        "document",
        "file",
        "sub",
    }
)
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def words(name: str) -> list[str]:
    """``fromWallet`` → ``["from", "wallet"]``; ``p_project_id`` → ``["p", "project", "id"]``."""
    return [w.lower() for w in _WORD.findall(name)]


def selector_name(name: str) -> bool:
    """Whether a column/argument named ``name`` identifies rows (an id or a reference)."""
    parts = words(name)
    return bool(parts) and (
        parts[-1] in ("id", "ids", "uid", "uuid") or bool(_SELECTOR_WORDS & set(parts[-2:]))
    )


_OWNER = re.compile(
    r"^(p_|target_|for_|_)?(user|owner|account|customer|member|profile|author|created_by|uid)"
    r"(_?id)?$",
    re.I,
)


def owner_name(name: str) -> bool:
    """Whether a column names the row's owner (``user_id``, ``ownerId``, ``author_id``)."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return bool(_OWNER.match(snake)) and (snake.endswith("id") or snake == "uid")


def function_settings_for(ctx: TsRuleContext) -> FunctionSettings | None:
    """This function's settings in its project's ``config.toml`` (None when absent)."""
    name = ctx.model.name
    project = ctx.workspace.project_for(ctx.path)
    if name is None or project is None:
        return None
    text = read_head(ctx.workspace, project.config_path)
    settings = function_settings(text) if text is not None else None
    return settings.get(name) if settings else None


def verify_jwt_off(ctx: TsRuleContext) -> bool:
    """Whether the gateway's JWT check is turned off for this function."""
    settings = function_settings_for(ctx)
    return settings is not None and settings.verify_jwt is False


def unsigned_webhook_write(ctx: TsRuleContext) -> Query | None:
    """The first service-role write fed by the raw request body on a public, unsigned function."""
    model = ctx.model
    if model.handler is None or not _reads_raw_body(model) or not verify_jwt_off(ctx):
        return None
    if authenticates_caller(model):
        return None
    for query in flow_facts(model).queries():
        if not query.service_role or not (
            WRITE_METHODS & set(query.methods) or (query.methods[0] == "rpc")
        ):
            continue
        for link in query.links:
            if link is not None and any(
                o.kind == "body" for arg in link.args for o in caller(arg, frozenset({"signed"}))
            ):
                return query
    return None


def _reads_raw_body(model: EdgeFunctionModel) -> bool:
    """``req.text()``/``arrayBuffer()``/``blob()``: the body as bytes, as webhooks read it."""
    req = model.request_param
    if req is None:
        return False
    raw = {f"{req}.text", f"{req}.arrayBuffer", f"{req}.blob"}
    return any(model.name_of(call) in raw for call in model.calls(model.handler))
