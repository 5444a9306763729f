"""An estimated cost for the comment footer, from the usage the API reports.

Prices are list prices per million tokens by model family, as published when
this was written; they are an estimate for the reader, not a bill.  Cache
writes cost 1.25x input and cache reads 0.1x input (5-minute cache).  A model
id whose family is unknown is priced as Sonnet.
"""

from __future__ import annotations

from agents.specialist import LlmUsage

PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "opus": (5.0, 25.0),
    "sonnet": (3.0, 15.0),
    "haiku": (1.0, 5.0),
}
"""Family → (input, output) US dollars per million tokens."""

CACHE_WRITE_FACTOR = 1.25
CACHE_READ_FACTOR = 0.1


def prices_for(model: str) -> tuple[float, float]:
    """(input, output) $/MTok for a model id such as ``claude-sonnet-5-5``."""
    for family, prices in PRICES_PER_MTOK.items():
        if family in model:
            return prices
    return PRICES_PER_MTOK["sonnet"]


def estimate_cost(usage: LlmUsage, model: str) -> float:
    """US dollars for ``usage`` at ``model``'s list prices."""
    price_in, price_out = prices_for(model)
    dollars = (
        usage.input_tokens * price_in
        + usage.cache_write_tokens * price_in * CACHE_WRITE_FACTOR
        + usage.cache_read_tokens * price_in * CACHE_READ_FACTOR
        + usage.output_tokens * price_out
    )
    return dollars / 1_000_000


def usage_line(usage: LlmUsage, model: str) -> str:
    """One footer line: requests, tokens and the estimated cost."""
    return (
        f"LLM: {usage.requests} request(s), {usage.input_tokens:,} input + "
        f"{usage.output_tokens:,} output tokens (cache: {usage.cache_read_tokens:,} read, "
        f"{usage.cache_write_tokens:,} written), ~${estimate_cost(usage, model):.3f} with {model}"
    )
