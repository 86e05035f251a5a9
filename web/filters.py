"""Jinja filters: highlighted snippets (escaped piece by piece), dates and version status."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from markupsafe import Markup, escape

from kb.models import Snippet, VersionInfo

STATUS_LABELS = {"current": "现行有效", "superseded": "已修改"}
ROLE_CLASSES = {
    "article": "article",
    "item": "article",
    "preamble": "preamble",
    "paragraph": "prose",
    "editor_note": "note",
}


def clean_ranges(ranges: Iterable[Iterable[int]], length: int) -> list[tuple[int, int]]:
    """Sorted, clipped, non-overlapping [start, end) ranges within a text of `length`."""
    out: list[tuple[int, int]] = []
    for start, end in sorted((max(0, int(s)), min(length, int(e))) for s, e in ranges):
        if start >= end:
            continue
        if out and start < out[-1][1]:
            start = out[-1][1]
            if start >= end:
                continue
        out.append((start, end))
    return out


def highlight(snippet: Snippet) -> Markup:
    """The snippet as HTML: every piece escaped, only the highlight ranges wrapped in <mark>."""
    text = snippet.text
    parts: list[str] = []
    pos = 0
    for start, end in clean_ranges(snippet.highlights, len(text)):
        parts += [
            escape(text[pos:start]),
            Markup("<mark>"),
            escape(text[start:end]),
            Markup("</mark>"),
        ]
        pos = end
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def status_label(status: str) -> str:
    """现行有效 / 已修改 for a version status."""
    return STATUS_LABELS.get(status, status)


def validity(v: VersionInfo | None) -> str:
    """When a version was in force, e.g. "2015-08-29 至 2025-03-11" ('' when unknown)."""
    if v is None or not (v.valid_from or v.valid_to):
        return ""
    if v.valid_to:
        return f"{v.valid_from or '?'} 至 {v.valid_to}"
    return f"{v.valid_from} 起施行"


def role_class(role: str) -> str:
    """CSS class for a passage role."""
    return ROLE_CLASSES.get(role, "prose")


def register(app: Flask) -> None:
    """Install the filters on `app`'s Jinja environment."""
    app.add_template_filter(highlight)
    app.add_template_filter(status_label)
    app.add_template_filter(validity)
    app.add_template_filter(role_class)
