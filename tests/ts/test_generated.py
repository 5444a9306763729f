"""Generated Supabase type files are recognised by their declarations, whatever their name."""

from __future__ import annotations

from agents.ts.generated import is_generated_types
from agents.ts.parse import parse_ts


def test_supabase_gen_types_layout() -> None:
    text = (
        "export type Json = string | number | null\n"
        "export type Database = {\n"
        "  public: { Tables: { t: { Row: { in_progress_size: number } } } }\n"
        "}\n"
    )
    assert is_generated_types(parse_ts("supabase/functions/_shared/db_types.ts", text))


def test_hand_written_code_with_types_is_not_generated() -> None:
    text = (
        "export type Database = { id: string }\n"
        "export const handler = (req: Request) => new Response('ok');\n"
    )
    assert not is_generated_types(parse_ts("supabase/functions/x/index.ts", text))
