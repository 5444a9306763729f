"""What the prompts contain, and the cost estimate for the footer."""

from __future__ import annotations

import pytest

from agents.changes import ChangedFile, FileStatus
from agents.llm.cost import estimate_cost, usage_line
from agents.llm.prompting import (
    CONTEXT_LINES,
    WHOLE_FILE_LINES,
    load_prompt,
    render_file,
    system_blocks,
)
from agents.specialist import LlmUsage


def long_file(changed_at: set[int], total: int = 1000) -> tuple[ChangedFile, list[str]]:
    lines = [f"line {n}" for n in range(1, total + 1)]
    changed = ChangedFile(
        path="supabase/functions/big/index.ts",
        status=FileStatus.MODIFIED,
        added_lines=frozenset(changed_at),
        head_text="\n".join(lines) + "\n",
        head_complete=True,
    )
    return changed, lines


def numbers(rendered: str) -> list[int]:
    return [int(ln[:5]) for ln in rendered.splitlines() if ln[:5].strip().isdigit()]


def test_short_files_are_sent_whole_with_changed_lines_marked() -> None:
    changed, lines = long_file({3}, total=10)
    rendered = render_file(changed, lines)
    assert numbers(rendered) == list(range(1, 11))
    assert "    3+| line 3" in rendered.splitlines()
    assert "    4 | line 4" in rendered.splitlines()


def test_long_files_are_sent_as_changed_regions_with_context() -> None:
    changed, lines = long_file({500, 900})
    rendered = render_file(changed, lines)
    expected = [
        *range(500 - CONTEXT_LINES, 500 + CONTEXT_LINES + 1),
        *range(900 - CONTEXT_LINES, 900 + CONTEXT_LINES + 1),
    ]
    assert numbers(rendered) == expected
    assert rendered.count("  ...") == 1  # one gap between the two regions
    assert len(lines) > WHOLE_FILE_LINES


@pytest.mark.parametrize(
    ("owner", "heading"),
    [
        ("rls_security", "Specialty: RLS and SQL security"),
        ("schema_performance", "Specialty: schema design and performance"),
        ("edge_reliability", "Specialty: Edge Function reliability and security"),
        ("architect", "Role: the architect's summary"),
    ],
)
def test_each_prompt_has_the_shared_preamble_then_its_own_text(owner: str, heading: str) -> None:
    prompt = load_prompt(owner)
    assert prompt.index("Untrusted input.") < prompt.index(heading)
    [block] = system_blocks(owner)
    assert block["cache_control"] == {"type": "ephemeral"}


def test_cost_estimate_uses_family_prices_and_cache_factors() -> None:
    usage = LlmUsage(
        requests=2,
        input_tokens=1_000_000,
        output_tokens=100_000,
        cache_read_tokens=1_000_000,
        cache_write_tokens=1_000_000,
    )
    # Sonnet: 3.00 in + 1.50 out + 0.30 cache read + 3.75 cache write = 8.55 $
    assert estimate_cost(usage, "claude-sonnet-5-5") == pytest.approx(8.55)
    # Haiku: 1.00 + 0.50 + 0.10 + 1.25 = 2.85 $
    assert estimate_cost(usage, "claude-haiku-5-5") == pytest.approx(2.85)
    assert "~$8.550 with claude-sonnet-5-5" in usage_line(usage, "claude-sonnet-5-5")
