"""A module over 400 lines says at its top why it is one module (issue 14's layout rule).

Small modules named for what they hold are the habit; a long one is sometimes
right (one interpreter, one protocol), and then its docstring carries a
paragraph starting "Why one module of about N lines:" so the next reader does
not split it, or splits it knowing what held it together.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400


def test_long_modules_say_why() -> None:
    silent = []
    for folder in ("agents", "pipeline", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if text.count("\n") <= LIMIT:
                continue
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "Why one module of about" not in doc:
                silent.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert silent == [], "long modules without a reason at the top: " + ", ".join(silent)
