"""Which import specifiers count as unpinned (EDGE014)."""

from __future__ import annotations

import pytest

from agents.edge_reliability.rules.unpinned_import import unpinned


@pytest.mark.parametrize(
    "spec",
    [
        "npm:resend",
        "npm:@supabase/supabase-js",
        "npm:zod@latest",
        "jsr:@std/http",
        "https://deno.land/std/http/server.ts",
        "https://deno.land/x/zod/mod.ts",
        "https://esm.sh/@supabase/supabase-js",
        "https://esm.sh/stripe?target=deno",
        "https://esm.sh/v135/openai",
        "https://cdn.skypack.dev/lodash",
        "https://cdn.jsdelivr.net/npm/dayjs/esm/index.js",
    ],
)
def test_unpinned(spec: str) -> None:
    assert unpinned(spec) is not None


@pytest.mark.parametrize(
    "spec",
    [
        "npm:resend@4.0.0",
        "npm:@supabase/supabase-js@2.45.4",
        "npm:@supabase/supabase-js@2/dist/module",
        "jsr:@std/http@1.0.9",
        "https://deno.land/std@0.224.0/http/server.ts",
        "https://deno.land/x/zod@v3.23.8/mod.ts",
        "https://esm.sh/@supabase/supabase-js@2.45.4",
        "https://esm.sh/stripe@14.25.0?target=deno",
        "../_shared/cors.ts",
        "zod",
        "https://example.com/lib.ts",
    ],
)
def test_pinned_or_not_remote(spec: str) -> None:
    assert unpinned(spec) is None
