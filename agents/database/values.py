"""Candidate values for one column of one seeded row, most plausible first.

The seeder tries the first candidate of every column and, when PostgreSQL
rejects the row (a CHECK, a domain, a unique key, a type), moves the columns
the error names to their next candidates.  Values are text with the column's
type as cast (``'…'::uuid``), so every type PostgreSQL can read from a literal
works the same way.

Strings that a CHECK constrains with a regular expression
(``slug ~ '^[a-z0-9-]{3,40}$'``) are generated *from* that expression with
Python's own regular-expression parser (``re._parser``): the shortest string
it accepts, varied by row so that unique columns stay unique.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Iterator
from typing import Any

from agents.database.catalog import Check, Column
from agents.database.policy_logic import parse_expression
from agents.sql.ast import column_names, const_value, strings
from agents.sql.parse import walk

sre_parse: Any = importlib.import_module("re._parser")
"""Python's own regular-expression parser (3.11+; the old name ``sre_parse`` is deprecated)."""

NULL = None

_DIGITS = "0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def stable_uuid(*parts: object) -> str:
    """The same uuid for the same seed parts (reproducible seeds, readable proofs)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "architect-review:" + "/".join(map(str, parts))))


def _class_chars(items: list[tuple[Any, Any]]) -> str:
    chars: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            chars.append(chr(arg))
        elif name == "RANGE":
            lo, hi = arg
            chars.extend(chr(c) for c in range(lo, min(hi, lo + 40) + 1))
        elif name == "CATEGORY":
            cat = str(arg)
            if "DIGIT" in cat and "NOT" not in cat:
                chars.extend(_DIGITS)
            elif "WORD" in cat and "NOT" not in cat:
                chars.extend(_LOWER + _DIGITS)
            elif "SPACE" in cat and "NOT" not in cat:
                chars.append(" ")
            else:
                chars.append("x")
        elif name == "NEGATE":
            return ""  # handled by the caller: any char outside the set
    return "".join(dict.fromkeys(c for c in chars if c.isprintable()))


def _emit(pattern: Any, seed: int, out: list[str]) -> None:
    for op, arg in pattern:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append(_LOWER[seed % 26])
            seed //= 26
        elif name == "IN":
            chars = _class_chars(arg)
            if not chars:
                negated = {chr(a) for o, a in arg if str(o) == "LITERAL"}
                chars = "".join(c for c in _LOWER + _DIGITS if c not in negated) or "x"
            out.append(chars[seed % len(chars)])
            seed //= max(len(chars), 2)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _hi, sub = arg
            for _ in range(max(lo, 0)):
                _emit(sub, seed, out)
                seed //= 7
        elif name == "SUBPATTERN":
            _emit(arg[-1], seed, out)
        elif name == "BRANCH":
            branches = arg[1]
            _emit(branches[seed % len(branches)], seed // len(branches), out)
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
            continue


def from_regex(pattern: str, seed: int = 0) -> str | None:
    """A short string ``pattern`` (POSIX-style, as in a CHECK) matches, varied by ``seed``."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, OverflowError, RecursionError):
        return None
    out: list[str] = []
    try:
        _emit(list(parsed), seed, out)
    except (TypeError, ValueError, RecursionError):
        return None
    text = "".join(out)
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


def _check_expressions(checks: list[Check] | tuple[str, ...]) -> Iterator[Any]:
    """The parsed expression of each CHECK (a table's, or a domain's ``CHECK (VALUE …)``)."""
    for check in checks:
        definition = check.definition if isinstance(check, Check) else check
        text = definition.strip()
        if text.upper().startswith("CHECK"):
            text = text[5:].strip()
        node = parse_expression(text)
        if node is not None:
            yield node


def check_regexes(checks: list[Check] | tuple[str, ...], column: str) -> list[str]:
    """Patterns a CHECK matches ``column`` (or VALUE, for domains) against with ``~``."""
    out: list[str] = []
    for node in _check_expressions(checks):
        for kind, fields in walk(node):
            if kind != "A_Expr" or strings(fields.get("name")) not in (["~"], ["~*"]):
                continue
            names = column_names(fields.get("lexpr"))
            if column in names or "value" in {n.lower() for n in names}:
                pattern = const_value(_unwrap(fields.get("rexpr")))
                if isinstance(pattern, str):
                    out.append(pattern)
    return out


def check_constants(checks: list[Check] | tuple[str, ...], column: str) -> list[str]:
    """Literals a CHECK allows ``column`` to equal (``role in ('admin', 'member')``)."""
    out: list[str] = []
    for node in _check_expressions(checks):
        for kind, fields in walk(node):
            if kind != "A_Expr" or strings(fields.get("name")) != ["="]:
                continue
            names = {n.lower() for n in column_names(fields.get("lexpr"))}
            if column.lower() not in names and "value" not in names:
                continue
            right = _unwrap(fields.get("rexpr"))
            if fields.get("kind") == "AEXPR_OP_ANY" and isinstance(right, dict):
                items = (right.get("A_ArrayExpr") or {}).get("elements") or []
            elif fields.get("kind") == "AEXPR_IN" and isinstance(right, list):
                items = right
            else:
                items = [right]
            for item in items:
                value = const_value(_unwrap(item))
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    out.append(str(value))
    return list(dict.fromkeys(out))


def _unwrap(node: Any) -> Any:
    while isinstance(node, dict) and "TypeCast" in node:
        node = node["TypeCast"].get("arg")
    return node


def _fit(text: str, column: Column) -> str:
    return text[: column.length] if column.length else text


def _texts(column: Column, world: str, row: int, patterns: list[str]) -> Iterator[str]:
    name = column.name.lower()
    tag = f"{world.lower()}{row}"
    for i, pattern in enumerate(patterns):
        made = from_regex(pattern, seed=row * 2 + (world == "B") + i * 17)
        if made is not None:
            yield made
    if "email" in name:
        yield f"{name.replace('_', '-')}-{tag}@example.com"
    if name.endswith(("url", "website", "link")):
        yield f"https://example.com/{tag}"
    if "phone" in name:
        yield f"+1555010{row}{ord(world) % 10}"
    yield f"{name.replace('_', '-')}-{tag}"
    yield f"{name.replace('_', '-')}-{tag}@example.com"
    yield f"{tag}"
    yield f"{world}{row:03d}".upper()
    yield f"{100 + row}"


def candidates(
    column: Column, world: str, row: int, position: int, checks: list[Check]
) -> list[str | None]:
    """Text values (cast to the column's type by the caller) to try, best first."""
    cat = column.category
    base = column.base_sql
    out: list[str | None] = []
    if column.enum_labels:
        labels = list(column.enum_labels)
        out.extend(labels[row % len(labels) :] + labels[: row % len(labels)])
    elif cat == "B":
        out.extend(["false", "true"] if row % 2 == 0 else ["true", "false"])
    elif cat == "N":
        if base.startswith(("numeric", "double", "real", "money")):
            out.extend([f"{position}", "1", "0", "100", "0.5"])
        elif column.name.lower().endswith("_id"):
            # a reference nothing declares: a value no seeded key has, so that no row of
            # one world points into the other by accident
            out.extend([str(700000 + position + (0 if world == "A" else 50)), "1", "0"])
        else:
            out.extend([str(position), "1", "0", "2", "10", "100", "1000", "-1"])
    elif base == "uuid":
        out.append(stable_uuid(column.name, world, row, position))
    elif cat == "S":
        allowed = check_constants(checks, column.name) + check_constants(
            column.domain_checks, column.name
        )
        if allowed:
            k = row % len(allowed)
            out.extend(allowed[k:] + allowed[:k])
        patterns = check_regexes(checks, column.name) + check_regexes(
            column.domain_checks, column.name
        )
        out.extend(_fit(t, column) for t in dict.fromkeys(_texts(column, world, row, patterns)))
    elif base == "date":
        out.extend([f"2024-01-{10 + position:02d}", "2024-06-01", "2099-01-01", "2000-01-01"])
    elif cat == "D":
        if base.startswith("time ") or base == "time":
            out.extend(["12:00", "08:00"])
        else:
            out.extend(
                [
                    f"2024-01-{10 + position:02d} 12:00:00+00",
                    "2099-01-01 00:00:00+00",
                    "2000-01-01 00:00:00+00",
                ]
            )
    elif cat == "T":
        out.extend(["1 day", "1 hour"])
    elif base in ("jsonb", "json"):
        out.extend(["{}", "[]", '""', "0"])
    elif cat == "A":
        out.append("{}")
        if column.element_labels:
            out.append("{" + column.element_labels[0] + "}")
        elif column.element_sql == "uuid":
            out.append("{" + stable_uuid(column.name, world, row) + "}")
        elif column.element_category == "S":
            out.append("{" + f"{column.name}-{world.lower()}{row}" + "}")
        elif column.element_category == "N":
            out.append("{1}")
    elif cat == "I":
        out.extend([f"192.0.2.{position}", "192.0.2.0/24"])
    elif base == "bytea":
        out.append("\\x00")
    elif cat == "V":
        out.append("1")
    elif base.startswith("vector"):
        dims = re.search(r"\((\d+)\)", base)
        n = int(dims.group(1)) if dims else 3
        out.append("[" + ",".join(["0"] * n) + "]")
    elif base == "tsvector":
        out.append("probe")
    elif cat == "G":
        out.append("(0,0)")
    elif cat == "R":
        out.append("empty")
    elif base == "xml":
        out.append("<probe/>")
    return out
