"""The document page: full text with article anchors, contents, history, versions and parts."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.errors import NotFound
from kb.models import Document, Heading, Passage
from kb.numerals import int_to_cn
from web.context import get_library
from web.passage_text import passage_lines

bp = Blueprint("documents", __name__)

_ARTICLE = re.compile(r"([0-9]{1,5})(?:-([0-9]{1,3}))?")


@dataclass(frozen=True)
class Block:
    """A passage with the headings that open before it (or the heading it is itself)."""

    headings: tuple[tuple[int, Heading], ...]  # (contents index, heading)
    passage: Passage
    level: int | None  # heading level when the passage text is itself a heading


def blocks(doc: Document) -> list[Block]:
    """The document in reading order, headings placed before their first passage."""
    ordinals = [p.ordinal for p in doc.passages]
    at: dict[int, list[tuple[int, Heading]]] = {}
    for i, h in enumerate(doc.headings):
        k = bisect.bisect_left(ordinals, h.first_passage)  # an empty chapter opens the next one
        at.setdefault(min(k, len(ordinals) - 1), []).append((i, h))
    out = []
    for k, p in enumerate(doc.passages):
        opening = at.get(k, [])
        own = next((h.level for _i, h in opening if h.text == p.text), None)
        out.append(Block(tuple((i, h) for i, h in opening if h.text != p.text), p, own))
    return out


def contents(found: list[Block]) -> list[tuple[Heading, str]]:
    """The table of contents: every heading with the anchor it is shown at."""
    out: list[tuple[Heading, str]] = []
    for b in found:
        out += [(h, f"h{i}") for i, h in b.headings]
        if b.level is not None:
            out.append(
                (Heading(b.level, b.passage.text, b.passage.ordinal), f"p{b.passage.ordinal}")
            )
    return out


def heading_tag(level: int, doc: Document) -> str:
    """h2 for the top heading level of this document, down to h6."""
    top = min((h.level for h in doc.headings), default=level)
    return f"h{min(6, 2 + level - top)}"


def article_label(key: str) -> str:
    """第三十条 / 第三十条之一 for an article key such as 30 or 30-1 ('' when malformed)."""
    m = _ARTICLE.fullmatch(key or "")
    if not m:
        return ""
    suffix = f"之{int_to_cn(int(m[2]))}" if m[2] else ""
    return f"第{int_to_cn(int(m[1]))}条{suffix}"


def article_key(p: Passage | None) -> str:
    """The URL form of a passage's article: 30, 30-1, or '' for prose."""
    if p is None or p.article is None:
        return ""
    return f"{p.article}-{p.article_suffix}" if p.article_suffix else str(p.article)


def _target(doc: Document, raw: str | None) -> Passage | None:
    """The passage asked for with ?p=<ordinal>, if it exists."""
    if not raw or not raw.isdigit() or len(raw) > 6:
        return None
    return next((p for p in doc.passages if p.ordinal == int(raw)), None)


@bp.get("/documents/<doc_id>")
def document(doc_id: str) -> str:
    """The full text of one document, with its versions and contents."""
    if len(doc_id) > 100:
        abort(404)
    library = get_library()
    view = library.document(doc_id)
    doc = view.document
    found = blocks(doc)
    return render_template(
        "document.html",
        view=view,
        doc=doc,
        blocks=found,
        toc=contents(found),
        at=_target(doc, request.args.get("p")),
        missing=article_label(request.args.get("missing", "")),
        heading_tag=heading_tag,
        article_key=article_key,
        links=library.document_links(doc_id),
        passage_lines=passage_lines,
    )


@bp.get("/documents/<doc_id>/articles/<key>")
def article(doc_id: str, key: str) -> Response:
    """Redirect to an article (30 or 30-1 for 第三十条之一) in a version, or say it is missing."""
    m = _ARTICLE.fullmatch(key)
    library = get_library()
    library.version(doc_id[:100])  # NotFound for an unknown document
    if not m:
        abort(404)
    try:
        p = library.article_in(doc_id, int(m[1]), int(m[2] or 0))
    except NotFound:
        return redirect(url_for(".document", doc_id=doc_id, missing=key))
    return redirect(url_for(".document", doc_id=doc_id, p=p.ordinal, _anchor=f"p{p.ordinal}"))
