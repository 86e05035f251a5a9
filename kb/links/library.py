"""Library-side links: a passage's links from the build, and related rules for bulletin sections.

A bulletin describes practice (宪法宣誓, 代表建议交办, 联系代表) and names few laws. Each of its
sections gets the rules about what it describes: every paragraph of the section is searched (in
laws, regulations and local measures), the rankings fused (reciprocal rank), the best kept. The
result is cached per build.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from kb.engine.hits import load_passage
from kb.links.document import DocumentLinks, document_links
from kb.links.view import PassageLink, PassageLinks, other_end, passage_links
from kb.models import Passage

RELATED_KINDS = ("宪法", "法律", "行政法规", "地方性法规")
RELATED_LIMIT = 6
_QUERY_CHARS = 480  # below the 500-character query limit
_lock = threading.Lock()


def links_of(library, passage_id: str) -> PassageLinks:
    """PassageLinks of one passage, with related rules when it is a bulletin paragraph."""
    snap = library.snapshot()
    table = snap.links()
    found = passage_links(snap, table, passage_id)
    rec = snap.docs.records[snap.docs.row[passage_id.rpartition("-")[0]]]
    if rec["kind"] != "工作简报":
        return found
    docnum = snap.docnum_of(passage_id)
    return replace(found, related=related_rules(library, snap, table, load_passage(snap, docnum)))


def document_links_of(library, doc_id: str) -> DocumentLinks:
    """DocumentLinks of a document; a bulletin's sections get their related rules."""
    snap = library.snapshot()
    table = snap.links()
    found = document_links(snap, table, doc_id)
    row = snap.docs.row.get(doc_id)
    if row is None or snap.docs.records[row]["kind"] != "工作简报":
        return found
    related, seen = {}, set()
    first = int(snap.first_docnum()[row])
    for n in range(first, first + int(snap.docs.records[row].get("passage_count") or 0)):
        p = load_passage(snap, n)
        if p.heading_path not in seen:
            seen.add(p.heading_path)
            related[p.ordinal] = related_rules(library, snap, table, p)
    return replace(found, related=related)


def _section(snap, p: Passage) -> list[Passage]:
    """The passages under the same heading as `p` in its document."""
    row = snap.docs.row[p.doc_id]
    first = int(snap.first_docnum()[row])
    count = int(snap.docs.records[row].get("passage_count") or 0)
    passages = [load_passage(snap, first + i) for i in range(count)]
    return [x for x in passages if x.heading_path == p.heading_path]


def related_rules(library, snap, table, p: Passage) -> tuple[PassageLink, ...]:
    """Rules about what a bulletin section describes (cached per build and section)."""
    cache = table.related_cache
    key = (p.doc_id, p.heading_path)
    if key in cache:
        return cache[key]
    scores: dict[str, float] = {}
    for x in _section(snap, p):
        text = x.text[:_QUERY_CHARS]
        if len(text) < 8:
            continue
        result = library.search(text, limit=20, kinds=RELATED_KINDS)
        for rank, hit in enumerate(result.hits):
            scores[hit.id] = scores.get(hit.id, 0.0) + 1.0 / (60 + rank)
    best = sorted(scores, key=lambda pid: -scores[pid])[:RELATED_LIMIT]
    links = []
    for pid in best:
        doc_id, _, ordinal = pid.rpartition("-")
        end = other_end(snap, doc_id, int(ordinal))
        if end is not None:
            links.append(PassageLink(end, "", "article", "related"))
    with _lock:
        cache[key] = tuple(links)
    return cache[key]


def warm_related(library) -> None:
    """Search the 相关规定 of every bulletin section now, not on the first request."""
    snap = library.snapshot()
    for doc_id, rec in zip(snap.docs.ids, snap.docs.records, strict=True):
        if rec["kind"] == "工作简报" and not rec.get("duplicate_of"):
            document_links_of(library, doc_id)
