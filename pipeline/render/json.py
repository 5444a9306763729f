"""The review as the JSON object ``../shared/DESIGN.md`` fixes (see :mod:`pipeline.report`)."""

from __future__ import annotations

import json

from pipeline.report import Review


def render_json(review: Review) -> str:
    """One JSON object, pretty-printed, ending with a newline."""
    return json.dumps(review.to_json(), indent=2, ensure_ascii=False) + "\n"
