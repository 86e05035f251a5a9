"""Library-side links: a passage's links from the build, and related rules for bulletin sections.

A bulletin describes practice (宪法宣誓, 代表建议交办, 联系代表) and names few laws. Each of its
sections gets the rules about what it describes: every sentence of the section is searched in
national laws and regulations and in the bulletin's own region's measures, the rankings fused
(reciprocal rank), articles of the laws the bulletin names counted double, the best kept. The
result is cached per build (and made when the library is warmed).
"""

from __future__ import annotations

import re
from dataclasses import replace

from kb.engine.hits import load_passage
from kb.links.reading.document import DocumentLinks, document_links
from kb.links.reading.table import link_table
from kb.links.reading.view import PassageLink, PassageLinks, other_end, passage_links
from kb.models import Passage

NATIONAL_KINDS = ("宪法", "法律", "行政法规")
LOCAL_KINDS = ("地方性法规",)
RELATED_LIMIT = 6
NAMED_BOOST = 2.0
_SENTENCE = re.compile(r"[。；！？!?\n]")
_QUERY_CHARS = 120


def links_of(library, passage_id: str) -> PassageLinks:
    """PassageLinks of one passage, with related rules when it is a bulletin paragraph."""
    snap = library.snapshot()
    table = link_table(snap)
    found = passage_links(snap, table, passage_id)
    rec = snap.docs.records[snap.docs.row[passage_id.rpartition("-")[0]]]
    if rec["kind"] != "工作简报":
        return found
    docnum = snap.docnum_of(passage_id)
    return replace(found, related=related_rules(library, snap, table, load_passage(snap, docnum)))


def document_links_of(library, doc_id: str) -> DocumentLinks:
    """DocumentLinks of a document; a bulletin's sections get their related rules."""
    snap = library.snapshot()
    table = link_table(snap)
    found = document_links(snap, table, doc_id)
    row = snap.docs.row.get(doc_id)
    if row is None or snap.docs.records[row]["kind"] != "工作简报":
        return found
    related, seen = {}, set()
    for n in snap.docnums(row):
        p = load_passage(snap, n)
        if p.heading_path not in seen:
            seen.add(p.heading_path)
            related[p.ordinal] = related_rules(library, snap, table, p)
    return replace(found, related=related)


def _section(snap, p: Passage) -> list[Passage]:
    """The passages under the same heading as `p` in its document."""
    passages = [load_passage(snap, n) for n in snap.docnums(snap.docs.row[p.doc_id])]
    return [x for x in passages if x.heading_path == p.heading_path]


def related_rules(library, snap, table, p: Passage) -> tuple[PassageLink, ...]:
    """Rules about what a bulletin section describes (cached per build and section)."""
    return snap.cached(
        ("related rules", p.doc_id, p.heading_path), lambda: _related(library, snap, table, p)
    )


def _related(library, snap, table, p: Passage) -> tuple[PassageLink, ...]:
    scores: dict[str, float] = {}
    region = snap.docs.records[snap.docs.row[p.doc_id]].get("region")
    local = region if _has_local_measures(snap, region) else None
    for x in _section(snap, p):
        for sentence in _SENTENCE.split(x.text):
            if len(sentence.strip()) < 12:
                continue
            _fuse(scores, library.search(sentence[:_QUERY_CHARS], limit=10, kinds=NATIONAL_KINDS))
            if local:
                found = library.search(
                    sentence[:_QUERY_CHARS], limit=10, regions=(local,), kinds=LOCAL_KINDS
                )
                _fuse(scores, found)
    named = _named_works(snap, table, p.doc_id)
    for pid in scores:
        row = snap.docs.row.get(pid.rpartition("-")[0])
        if row is not None and snap.docs.records[row]["work_key"] in named:
            scores[pid] *= NAMED_BOOST
    best = sorted(scores, key=lambda pid: -scores[pid])[:RELATED_LIMIT]
    links = []
    for pid in best:
        doc_id, _, ordinal = pid.rpartition("-")
        end = other_end(snap, doc_id, int(ordinal))
        if end is not None:
            links.append(PassageLink(end, "", "article", "related"))
    return tuple(links)


def _has_local_measures(snap, region: str | None) -> bool:
    """True when the collection holds local measures of `region`."""
    return bool(region) and any(
        r.get("region") == region and r["kind"] in LOCAL_KINDS for r in snap.docs.records
    )


def _fuse(scores: dict[str, float], result) -> None:
    for rank, hit in enumerate(result.hits):
        scores[hit.id] = scores.get(hit.id, 0.0) + 1.0 / (20 + rank)


def _named_works(snap, table, doc_id: str) -> set[str]:
    """Works a document names (references resolved to them)."""
    works = set()
    for pid in snap.passage_ids(snap.docs.row[doc_id]):
        for link in table.by_source.get(pid, ()):
            row = snap.docs.row.get(link.target_doc)
            if row is not None:
                works.add(snap.docs.records[row]["work_key"])
    return works


def warm_related(library) -> None:
    """Search the 相关规定 of every bulletin section now, not on the first request."""
    snap = library.snapshot()
    for doc_id, rec in zip(snap.docs.ids, snap.docs.records, strict=True):
        if rec["kind"] == "工作简报" and not rec.get("duplicate_of"):
            document_links_of(library, doc_id)
