"""EDGE014: a remote import or import-map entry without a version."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from agents.edge_reliability.context import EdgeContext, EdgeRule
from agents.findings import Finding, Severity
from agents.ts.context import TsRuleContext
from agents.ts.parse import arguments, line_of, string_value

_NPM = re.compile(r"^(npm|jsr):/?(@[^/@]+/[^/@]+|[^/@]+)(@[^/]*)?")
_DENO_STD = re.compile(r"^https?://deno\.land/std(@[^/]+)?/")
_DENO_X = re.compile(r"^https?://deno\.land/x/([^/@]+)(@[^/]+)?")
_CDN = re.compile(
    r"^https?://(?:esm\.sh|cdn\.skypack\.dev|unpkg\.com|cdn\.jsdelivr\.net/npm|jspm\.dev|"
    r"ga\.jspm\.io/npm:|cdn\.esm\.sh)/(?:(?:v\d+|stable|pin/v\d+)/)?(@[^/@]+/[^/@?]+|[^/@?]+)"
    r"(@[^/?]*)?"
)
_FLOATING = {"", "@", "@latest", "@*", "@next"}


def unpinned(specifier: str) -> str | None:
    """Why ``specifier`` is unpinned, or None when it names a version (or is local/bare)."""
    m = _NPM.match(specifier)
    if m:
        return None if (m.group(3) or "") not in _FLOATING else f"`{m.group(2)}` has no version"
    m = _DENO_STD.match(specifier)
    if specifier.startswith(("http://deno.land/std", "https://deno.land/std")):
        if m is None or (m.group(1) or "") in _FLOATING:
            return "deno.land/std has no version (and std `serve` is deprecated; use Deno.serve)"
        return None
    m = _DENO_X.match(specifier)
    if m:
        if (m.group(2) or "") not in _FLOATING:
            return None
        return f"deno.land/x/{m.group(1)} has no version"
    m = _CDN.match(specifier)
    if m:
        return None if (m.group(2) or "") not in _FLOATING else f"`{m.group(1)}` has no version"
    return None


class UnpinnedImport(EdgeRule):
    """Flag ``esm.sh``, ``deno.land``, ``npm:`` and ``jsr:`` imports without a version.

    ## What it does
    Reports static and dynamic imports (and ``deno.json``/import-map entries)
    whose specifier names no version, or a floating one such as ``@latest``.

    ## Why is this bad?
    An unversioned specifier resolves to whatever is newest at deploy time:
    a redeploy silently picks up breaking changes, and two deploys of the
    same commit can behave differently.

    ## Example
    ```ts
    import { createClient } from "https://esm.sh/@supabase/supabase-js";
    ```

    ## Use instead
    ```ts
    import { createClient } from "npm:@supabase/supabase-js@2.45.4";
    ```

    ## References
    - https://supabase.com/docs/guides/functions/dependencies
    - https://docs.deno.com/runtime/fundamentals/modules/
    """

    code = "EDGE014"
    runs_on_partial_files = True
    name = "unpinned-remote-import"
    severity = Severity.LOW
    severity_reason = "Deploys are not reproducible, but nothing is exposed."

    def check_source(self, ctx: TsRuleContext) -> Iterator[Finding]:
        sources = ctx.parsed.captures(
            "[(import_statement source: (string) @s) (export_statement source: (string) @s)]"
        ).get("s", [])
        for call in ctx.parsed.of_type("call_expression"):
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "import":
                args = arguments(call)
                if args and args[0].type == "string":
                    sources.append(args[0])
        for node in sorted(sources, key=lambda n: n.start_byte):
            spec = string_value(node) or ""
            if spec.endswith(".d.ts"):
                continue  # type declarations only (the functions template's edge-runtime.d.ts)
            why = unpinned(spec)
            if why:
                yield self.finding(
                    ctx.path,
                    line_of(node),
                    f"Unpinned import `{spec}`: {why}, so each deploy may load different code.",
                    "Pin an exact version (`npm:pkg@1.2.3`, `https://deno.land/x/pkg@v1.2.3/`), "
                    "ideally once in deno.json.",
                )

    def check_import_map(self, ctx: EdgeContext) -> Iterator[Finding]:
        if ctx.text is None:
            return
        try:
            data = json.loads(ctx.text)
        except ValueError:
            return
        imports = data.get("imports") if isinstance(data, dict) else None
        if not isinstance(imports, dict):
            return
        lines = ctx.text.splitlines()
        for key, spec in imports.items():
            if not isinstance(spec, str):
                continue
            why = unpinned(spec)
            if not why:
                continue
            line = next(
                (i for i, text in enumerate(lines, start=1) if json.dumps(key) in text), None
            )
            yield self.finding(
                ctx.path,
                line,
                f"Import map entry `{key}` → `{spec}` is unpinned: {why}.",
                "Pin an exact version in the import map.",
            )
