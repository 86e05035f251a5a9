"""A passage's text as lines of HTML for the document page, its references turned into links.

Spans of references are offsets into Passage.text ("第三条 …" with one 款 or 项 per line); the
page shows 款 and 项 from Passage.paragraphs, so each line is matched to its place in the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from kb.links.reading.document import TextLink
from kb.models import Passage


@dataclass(frozen=True)
class Line:
    """One line of a passage: a 款 (with its anchor), a 项 or a 目."""

    cls: str  # para | item | subitem
    anchor: str | None  # p<ordinal>-<款> for a 款
    html: Markup
    label: str = ""  # the article label, shown before the first 款 (not part of its text)


def _structure(p: Passage) -> list[tuple[str, str | None, str]]:
    out = []
    for para in p.paragraphs:
        out.append(("para", f"p{p.ordinal}-{para.number}", para.text))
        for item in para.items:
            out.append(("item", None, item.text))
            out += [("subitem", None, sub) for sub in item.subitems]
    return out


def linked(text: str, start: int, links: tuple[TextLink, ...]) -> Markup:
    """`text` (at offset `start` of the passage) escaped, with the links inside it as <a>."""
    out, at, end = [], start, start + len(text)
    for link in links:
        if link.end <= at or link.start >= end or link.start < at:
            continue
        out.append(escape(text[at - start : link.start - start]))
        words = text[link.start - start : min(link.end, end) - start]
        note = "" if link.exact else "（所引版本未收录，链接到较新版本）"
        out.append(
            Markup('<a class="ref" href="{}" title="{}">{}</a>').format(
                link.target.url, link.target.label + note, words
            )
        )
        at = min(link.end, end)
    out.append(escape(text[at - start :]))
    return Markup("").join(out)


def passage_lines(p: Passage, links: tuple[TextLink, ...] = ()) -> list[Line]:
    """The passage's lines in reading order, with references linked."""
    lines = p.text.split("\n")
    structure = _structure(p)
    matched = len(structure) == len(lines) and all(
        line.endswith(text) for line, (_c, _a, text) in zip(lines, structure, strict=False)
    )
    if not matched:
        structure = [("para", None, line) for line in lines]
    out, offset = [], 0
    for i, (line, (cls, anchor, text)) in enumerate(zip(lines, structure, strict=True)):
        start = offset + len(line) - len(text)
        label = p.label if matched and i == 0 and p.label and not text.startswith(p.label) else ""
        out.append(Line(cls, anchor, linked(text, start, links), label))
        offset += len(line) + 1
    return out
