"""The review as plain text for a terminal (``--format text``).

Same content and the same listing decisions as the Markdown comment
(:mod:`pipeline.render.layout`), without markup: no HTML entities, no
backslash escapes, no ``<details>``.  Text from the pull request is still
untrusted here: control characters (terminal escape sequences included) are
dropped, so a hostile file name cannot move the cursor or recolour the screen.
"""

from __future__ import annotations

import textwrap

from agents.findings import Finding
from agents.llm.cost import usage_line
from pipeline.render.layout import (
    SEVERITY_LABEL,
    Section,
    headline,
    places,
    projects_line,
    sections,
)
from pipeline.report import Review, ReviewStats

WIDTH = 100
"""Messages are wrapped to this width."""

MAX_LISTED = 50
"""Longer lists (notes, files not reviewed, suppressed) are cut with a count."""


def plain(text: str) -> str:
    """``text`` on one line with control characters removed."""
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch in "\n\t":
            out.append(" ")
        elif ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0:
            continue
        else:
            out.append(ch)
    return "".join(out)


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(plain(text), WIDTH, initial_indent=indent, subsequent_indent=indent)


def _where(f: Finding) -> str:
    return plain(f.path if f.line is None else f"{f.path}:{f.line}")


def _finding(f: Finding) -> list[str]:
    origin = plain(f.rule) if f.rule else "Claude"
    extra = f", {places(f)} places" if len(f.lines) > 1 else ""
    lines = [f"  {_where(f)}  {origin}  {plain(f.title)}  [{f.specialist}{extra}]"]
    if f.message:
        lines += _wrapped(f.message, "      ")
    if f.source == "database" and f.evidence:
        lines += _wrapped(f"Measured: {f.evidence}", "      ")
    if f.help:
        lines += _wrapped(f"Fix: {f.help}", "      ")
    if f.reproduction:  # one line, unwrapped: it is pasted into a shell
        lines.append(f"      Reproduce: {plain(f.reproduction)}")
    return lines


def _section(section: Section) -> list[str]:
    label = SEVERITY_LABEL[section.severity].upper()
    out = [f"{label} ({len(section.findings)})"]
    if section.folded:
        out.append("  (folded away; --format json lists them)")
    elif section.counts:
        out.append("  too many to list; by rule (--format json lists each):")
        out += [
            f"  {plain(r.rule):<8} {r.findings:>4} finding(s), {r.places} place(s) in "
            f"{r.files} file(s)  {plain(r.title)}"
            for r in section.counts
        ]
    else:
        for f in section.findings:
            out += _finding(f)
    return [*out, ""]


def _capped(items: list[str]) -> list[str]:
    if len(items) <= MAX_LISTED:
        return items
    return [*items[:MAX_LISTED], f"  … and {len(items) - MAX_LISTED} more"]


def _coverage(stats: ReviewStats) -> list[str]:
    if not stats.specialists:
        return ["Coverage: no file was routed to a specialist."]
    rows = []
    for name, s in stats.specialists.items():
        row = f"  {name}: {len(s.files)} file(s), {s.findings} finding(s), {s.seconds:.2f} s"
        for line in s.coverage:
            row += f"; {plain(line)}"
        if s.error:
            row += f"; FAILED: {plain(s.error)}"
        if s.llm_error:
            row += f"; LLM review unavailable: {plain(s.llm_error)}"
        rows.append(row)
    notes = [f"  {name}: {plain(n)}" for name, s in stats.specialists.items() for n in s.notes]
    notes += [
        f"  {plain(path)}: {plain(n)}"
        for path, file_notes in stats.file_notes.items()
        if path not in stats.skipped
        for n in file_notes
    ]
    out = ["Coverage:", *rows, f"Supabase projects: {plain(projects_line(stats))}"]
    if notes:
        out += ["Notes:", *_capped(notes)]
    return out


def _not_reviewed(stats: ReviewStats) -> list[str]:
    entries = [f"  {plain(p)} — {plain(r)}" for p, r in stats.skipped.items()]
    entries += [f"  {plain(p)} — no specialist covers this file type" for p in stats.unrouted]
    entries += [
        f"  {plain(p)} — rules only: the LLM did not get to it"
        for p in stats.llm_unreviewed
        if p not in stats.skipped
    ]
    return ["Files not reviewed:", *_capped(entries)] if entries else []


def _footer(stats: ReviewStats) -> str:
    parts = [f"Mode: {plain(stats.llm_status)}"]
    if stats.llm_usage.requests:
        parts.append(plain(usage_line(stats.llm_usage, stats.llm_model or "")))
    parts.append(f"{stats.files_seen} changed file(s), {stats.seconds:.2f} s")
    return " · ".join(parts)


def render_text(review: Review) -> str:
    """The whole review as plain text, ending with a newline."""
    title = headline(review)
    out = [f"Architect review: {title.text}", ""]
    out += [*_wrapped(review.summary, ""), ""]
    if not review.complete:
        out.append("This review is incomplete, so no finding here does not mean no problem:")
        out += _capped([f"  - {plain(r)}" for r in review.stats.incomplete or review.stats.errors])
        out.append("")
    for section in sections(review):
        out += _section(section)
    risks = review.stats.existing_risks
    if risks:
        out.append(
            f"Existing risks ({len(risks)}): proven on objects this PR does not touch, "
            "not part of its verdict:"
        )
        out += [line for f in risks[:MAX_LISTED] for line in _finding(f)]
        if len(risks) > MAX_LISTED:
            out.append(f"  … and {len(risks) - MAX_LISTED} more")
        out.append("")
    if review.suppressed:
        out.append(f"Suppressed ({len(review.suppressed)}):")
        out += _capped(
            [
                f"  {_where(s.finding)}  {plain(s.finding.rule or 'Claude')}  "
                f"reason: {plain(s.reason)}"
                for s in review.suppressed
            ]
        )
        out.append("")
    out += _coverage(review.stats)
    not_reviewed = _not_reviewed(review.stats)
    if not_reviewed:
        out += ["", *not_reviewed]
    out += ["", _footer(review.stats)]
    return "\n".join(out) + "\n"
