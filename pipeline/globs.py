"""Path globs as routing and skip rules write them.

``fnmatch`` lets ``*`` cross ``/`` and knows neither ``**`` nor braces, so
routing would match too much.  The dialect here is the one of ``.gitignore``
and GitHub's ``paths:`` filters:

* ``*`` and ``?`` stay inside one path segment;
* ``**/`` matches zero or more directories, a trailing ``/**`` everything below;
* ``{ts,tsx}`` is an alternation (no nesting);
* a pattern without ``/`` matches the file name in any directory
  (``*.lock`` ≡ ``**/*.lock``).
"""

from __future__ import annotations

import re
from functools import lru_cache


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "{":
            end = pattern.find("}", i)
            if end == -1:
                out.append(re.escape(c))
                i += 1
                continue
            options = pattern[i + 1 : end].split(",")
            out.append("(?:" + "|".join(_translate(o) for o in options) + ")")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """The compiled regular expression of one glob (cached: patterns are few)."""
    body = pattern.lstrip("/")
    if "/" not in body:
        body = "**/" + body
    return re.compile(_translate(body) + r"\Z")


def glob_match(pattern: str, path: str) -> bool:
    """True when the posix ``path`` (relative to the repo root) matches ``pattern``."""
    return compile_glob(pattern).match(path) is not None
