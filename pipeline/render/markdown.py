"""The review as ONE Markdown comment for a pull request.

Layout: hidden sticky marker, headline verdict, summary, a severity count
table, a warning listing what made the review incomplete (if anything),
findings grouped by severity (``path:line`` linking to the head blob when the
repository and sha are known, then message, what a real database measured,
fix, and a folded command that reproduces it), risks proven on what the PR
does not touch folded apart from the verdict, suppressed findings folded in
``<details>``, per-stage coverage, files not reviewed, and an LLM status
footer.  What is listed, counted or folded away (info findings,
more than 25 low ones) is decided by :mod:`pipeline.render.layout`, shared
with the text format.

Everything that comes from the pull request (paths, messages quoting code,
titles Claude wrote) is escaped, so a hostile file name or policy name cannot
close a table, open an HTML tag or ping a user.  The comment stays under
GitHub's 65,536-character limit: when findings do not fit, the lowest ones are
replaced by a count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.findings import Finding, Severity, SuppressedFinding
from agents.llm.cost import usage_line
from pipeline.render.layout import (
    SEVERITY_LABEL,
    Section,
    headline,
    places,
    projects_line,
    sections,
)
from pipeline.render.links import BlobLinks
from pipeline.report import Review, ReviewStats

STICKY_MARKER = "<!-- architect-review:sticky -->"
"""Hidden line the GitHub publisher looks for to update its comment instead of adding one."""

GITHUB_COMMENT_LIMIT = 65536

MAX_LISTED_PATHS = 50
"""Files-not-reviewed and suppressed lists longer than this are cut with a count."""

_OMISSION_RESERVE = 400
"""Room kept for the "N more findings not shown" line."""

MAX_TEXT_CHARS = 2000
"""Longest message, fix or summary shown: one finding cannot crowd out the rest."""

MAX_EVIDENCE_CHARS = 400
"""Longest measured evidence shown (the failing statement and PostgreSQL's error)."""

MAX_REPRODUCTION_CHARS = 1500
"""Longest reproduction command shown (role, claims, statement, rollback)."""

_MOOD_ICON = {
    "blocking": "🔴",
    "comments": "🟡",
    "clean": "🟢",
    "incomplete": "⚠️",
    "nothing": "⚪",
}

_SEVERITY_LABEL = SEVERITY_LABEL

MAX_INCOMPLETE_SHOWN = 10
"""Reasons listed in the "review incomplete" warning before a count."""

_SEVERITY_ICON = {
    Severity.CRITICAL: "⛔",
    Severity.HIGH: "🔴",
    Severity.MEDIUM: "🟠",
    Severity.LOW: "🟡",
    Severity.INFO: "ℹ️",
}

# Only what can start markup in the middle of a line: links and images need
# ``[``, emphasis ``*``/``_``, code spans a backtick, tables ``|``, strike ``~``.
# Escaping more (parentheses, ``#``, ``+``) keeps nothing safer and makes the
# comment hard to read in a terminal or a step summary.
_BACKSLASHED = frozenset("\\`*_[]|~")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;", '"': "&quot;"}


def escape(text: str) -> str:
    """Untrusted text made inert in Markdown and HTML, on one line.

    Markdown punctuation that can open markup mid-line is backslash-escaped,
    ``& < > "`` become entities, ``@`` becomes ``&#64;`` (no mentions), control
    characters (terminal escape codes included) are dropped, and line breaks
    become ``<br>``.
    """
    out: list[str] = []
    for ch in text.replace("\r\n", "\n"):
        if ch == "\n":
            out.append("<br>")
        elif ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _BACKSLASHED:
            out.append("\\" + ch)
        elif ch == "\t":
            out.append(" ")
        elif ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0:
            continue
        else:
            out.append(ch)
    return "".join(out)


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def rich(text: str) -> str:
    """Like :func:`escape`, but ```code``` spans of the text are kept as monospace.

    The code becomes ``<code>…</code>`` around *escaped* text, so whatever it
    quotes from the PR is still inert.
    """
    out: list[str] = []
    last = 0
    for m in _CODE_SPAN.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<code>{escape(m.group(1))}</code>")
        last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _where(f: Finding, links: BlobLinks | None) -> str:
    label = escape(f.path if f.line is None else f"{f.path}:{f.line}")
    if links is None:
        return label
    return f"[{label}]({links.url(f.path, f.line, f.end_line)})"


def _clip(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_finding(f: Finding, links: BlobLinks | None) -> str:
    """One finding as a list item (title, place, origin, message, fix)."""
    origin = escape(f.rule) if f.rule else "Claude"
    head = f"- **{escape(_clip(f.title, 200))}** · {_where(f, links)} · `{f.specialist}` · {origin}"
    if len(f.lines) > 1:
        head += f" · {places(f)} places"
    if f.source == "llm" and f.confidence is not None:
        head += f" (confidence {f.confidence:.0%})"
    lines = [head]
    if f.message:
        lines.append(f"  {rich(_clip(f.message))}")
    if f.source == "database" and f.evidence:
        lines.append(f"  *Measured:* <code>{escape(_clip(f.evidence, MAX_EVIDENCE_CHARS))}</code>")
    if f.help:
        lines.append(f"  *Fix:* {rich(_clip(f.help))}")
    if f.reproduction:
        lines.append(
            "  <details><summary>Reproduce</summary>"
            f"<code>{escape(_clip(f.reproduction, MAX_REPRODUCTION_CHARS))}</code></details>"
        )
    return "  \n".join(lines) + "\n"


def _count_table(review: Review) -> str:
    counts = review.counts()
    rows = ["| Severity | Findings |", "| --- | ---: |"]
    for sev in Severity:
        rows.append(f"| {_SEVERITY_ICON[sev]} {_SEVERITY_LABEL[sev]} | {counts[sev]} |")
    return "\n".join(rows) + "\n"


def _suppressed_block(suppressed: Sequence[SuppressedFinding], links: BlobLinks | None) -> str:
    if not suppressed:
        return ""
    items = []
    for s in suppressed[:MAX_LISTED_PATHS]:
        f = s.finding
        rule = escape(f.rule) if f.rule else "Claude"
        items.append(
            f"- {rule} **{escape(f.title)}** · {_where(f, links)} · reason: {escape(s.reason)}"
        )
    if len(suppressed) > MAX_LISTED_PATHS:
        items.append(f"- … and {len(suppressed) - MAX_LISTED_PATHS} more")
    return (
        f"<details><summary>Suppressed findings ({len(suppressed)})</summary>\n\n"
        + "\n".join(items)
        + "\n\n</details>\n"
    )


def _coverage(stats: ReviewStats) -> str:
    if not stats.specialists:
        return "**Coverage:** no file was routed to a specialist.\n"
    projects = f"**Supabase projects:** {rich(projects_line(stats))}"
    parts = []
    for name, s in stats.specialists.items():
        files = len(s.files)
        part = (
            f"`{name}` {files} file{'s' if files != 1 else ''}, "
            f"{s.findings} finding{'s' if s.findings != 1 else ''}, {s.seconds:.2f} s"
        )
        for line in s.coverage:
            part += f" — {escape(line)}"
        if s.error:
            part += f" — **failed:** {escape(s.error)}"
        if s.llm_error:
            part += f" — LLM review unavailable: {escape(s.llm_error)}"
        parts.append(part)
    lines = ["**Coverage:** " + " · ".join(parts), projects]
    notes = [(f"`{name}`", escape(n)) for name, s in stats.specialists.items() for n in s.notes]
    notes += [
        (escape(path), escape(n))
        for path, file_notes in stats.file_notes.items()
        if path not in stats.skipped
        for n in file_notes
    ]
    if notes:
        shown = [f"- {where}: {note}" for where, note in notes[:MAX_LISTED_PATHS]]
        if len(notes) > MAX_LISTED_PATHS:
            shown.append(f"- … and {len(notes) - MAX_LISTED_PATHS} more notes")
        lines.append(
            f"<details><summary>Notes ({len(notes)})</summary>\n\n"
            + "\n".join(shown)
            + "\n\n</details>"
        )
    return "\n\n".join(lines) + "\n"


def _existing_risks(stats: ReviewStats, links: BlobLinks | None) -> str:
    risks = stats.existing_risks
    if not risks:
        return ""
    items = [render_finding(f, links) for f in risks[:MAX_LISTED_PATHS]]
    if len(risks) > MAX_LISTED_PATHS:
        items.append(f"- … and {len(risks) - MAX_LISTED_PATHS} more\n")
    return (
        f"<details><summary>Existing risks ({len(risks)}): proven on objects this PR does not "
        "touch, not part of its verdict</summary>\n\n" + "".join(items) + "\n</details>\n"
    )


def _not_reviewed(stats: ReviewStats) -> str:
    entries = [(p, r) for p, r in stats.skipped.items()]
    entries += [(p, "no specialist covers this file type") for p in stats.unrouted]
    entries += [
        (p, "rules only: the LLM did not get to it (token budget, deadline or failure)")
        for p in stats.llm_unreviewed
        if p not in stats.skipped
    ]
    if not entries:
        return ""
    items = [f"- {escape(p)} — {escape(r)}" for p, r in entries[:MAX_LISTED_PATHS]]
    if len(entries) > MAX_LISTED_PATHS:
        items.append(f"- … and {len(entries) - MAX_LISTED_PATHS} more")
    return (
        f"<details><summary>Files not reviewed ({len(entries)})</summary>\n\n"
        + "\n".join(items)
        + "\n\n</details>\n"
    )


def _footer(stats: ReviewStats) -> str:
    parts = [f"Mode: {escape(stats.llm_status)}"]
    u = stats.llm_usage
    if u.requests:
        parts.append(escape(usage_line(u, stats.llm_model or "")))
    if stats.llm_dropped or stats.llm_merged:
        parts.append(
            f"{stats.llm_dropped} LLM finding(s) dropped by verification, "
            f"{stats.llm_merged} merged into rule findings"
        )
    if stats.llm_unreviewed:
        parts.append(f"{len(stats.llm_unreviewed)} file(s) not reviewed by the LLM")
    parts.append(f"{stats.files_seen} changed file(s), {stats.seconds:.2f} s")
    return "<sub>" + " · ".join(parts) + "</sub>\n"


def _omission(omitted: Sequence[Finding]) -> str:
    counts = dict.fromkeys(Severity, 0)
    for f in omitted:
        counts[f.severity] += 1
    detail = ", ".join(f"{n} {_SEVERITY_LABEL[s].lower()}" for s, n in counts.items() if n)
    return (
        f"\n**{len(omitted)} more finding(s) not shown** ({detail}): the comment would exceed "
        "GitHub's size limit. Run `architect-review review --format json` for the full list.\n"
    )


def _incomplete_warning(reasons: Sequence[str]) -> str:
    shown = [f"> - {escape(r)}" for r in reasons[:MAX_INCOMPLETE_SHOWN]]
    if len(reasons) > MAX_INCOMPLETE_SHOWN:
        shown.append(f"> - … and {len(reasons) - MAX_INCOMPLETE_SHOWN} more")
    return (
        "> [!WARNING]\n> This review is incomplete, so no finding here does not mean no "
        "problem:\n" + "\n".join(shown) + "\n\n"
    )


def _section_heading(section: Section) -> str:
    sev = section.severity
    return f"\n### {_SEVERITY_ICON[sev]} {_SEVERITY_LABEL[sev]} ({len(section.findings)})\n\n"


def _counts_chunk(section: Section) -> str:
    rows = [
        "Too many to list here; by rule (`--format json` lists each):",
        "",
        "| Rule | Finding | Findings | Places | Files |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    rows += [
        f"| {escape(r.rule)} | {escape(_clip(r.title, 200))} | {r.findings} | {r.places} "
        f"| {r.files} |"
        for r in section.counts
    ]
    return _section_heading(section) + "\n".join(rows) + "\n"


def _folded_chunk(section: Section, links: BlobLinks | None) -> str:
    items = "".join(render_finding(f, links) for f in section.findings)
    sev = section.severity
    return (
        f"\n<details><summary>{_SEVERITY_ICON[sev]} {_SEVERITY_LABEL[sev]} findings "
        f"({len(section.findings)})</summary>\n\n{items}\n</details>\n"
    )


def render_markdown(
    review: Review, *, links: BlobLinks | None = None, max_chars: int = GITHUB_COMMENT_LIMIT
) -> str:
    """The review comment, at most ``max_chars`` characters long."""
    title = headline(review)
    head = (
        f"{STICKY_MARKER}\n## Architect review: {_MOOD_ICON[title.mood]} {escape(title.text)}\n\n"
        f"{escape(_clip(review.summary))}\n\n{_count_table(review)}\n"
    )
    if not review.complete:
        head += _incomplete_warning(review.stats.incomplete or review.stats.errors)
    tail_parts = [
        _existing_risks(review.stats, links),
        _suppressed_block(review.suppressed, links),
        _coverage(review.stats),
        _not_reviewed(review.stats),
        "---\n" + _footer(review.stats),
    ]
    tail = "\n" + "\n".join(p for p in tail_parts if p)

    budget = max_chars - len(head) - len(tail) - _OMISSION_RESERVE
    body: list[str] = []
    used = 0
    omitted: list[Finding] = []
    for section in sections(review):
        if omitted:
            omitted.extend(section.findings)
            continue
        if section.counts or section.folded:
            chunk = (
                _counts_chunk(section) if section.counts else _folded_chunk(section, links)
            )
            if used + len(chunk) > budget:
                omitted.extend(section.findings)
                continue
            body.append(chunk)
            used += len(chunk)
            continue
        for i, f in enumerate(section.findings):
            chunk = (_section_heading(section) if i == 0 else "") + render_finding(f, links)
            if used + len(chunk) > budget:
                omitted.extend(section.findings[i:])
                break
            body.append(chunk)
            used += len(chunk)
    text = head + "".join(body) + (_omission(omitted) if omitted else "") + tail
    if len(text) > max_chars:
        # Only reachable with a tiny max_chars: keep the marker and headline, cut the rest.
        note = "\n\n*(comment truncated)*\n"
        text = text[: max(0, max_chars - len(note))] + note
        text = text[:max_chars]
    return text
