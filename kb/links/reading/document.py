"""A document's links for its page: reference spans in each article, counts for the side panel,
the works it implements or interprets, and the local measures implementing it (by region)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.compare.same_article import same_article_ids
from kb.engine.snapshot import Snapshot
from kb.links import model as m
from kb.links.reading.table import LinkTable
from kb.links.reading.view import LinkedPassage, other_end
from kb.numerals import NUM_CLASS

_ARTICLE_TOKEN = re.compile(rf"第[^第条款项]{{1,12}}条(?:之{NUM_CLASS})?")


@dataclass(frozen=True)
class TextLink:
    """A reference in a passage's text that leads somewhere: [start, end) and the target."""

    start: int
    end: int
    target: LinkedPassage
    exact: bool = True


@dataclass(frozen=True)
class DocumentLinks:
    """Everything the document page shows about links."""

    spans: dict[int, tuple[TextLink, ...]] = field(default_factory=dict)  # ordinal → links
    counts: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # cites, cited by, local
    relations: tuple[tuple[str, LinkedPassage], ...] = ()  # implements / interprets / based_on
    implemented_by: dict[str, tuple[LinkedPassage, ...]] = field(default_factory=dict)  # region →
    named: tuple[tuple[str, LinkedPassage | None, str], ...] = ()  # words, document, why not
    related: dict = field(default_factory=dict)  # bulletin: first ordinal of a section → rules


def _split(text: str, start: int, links: list[m.Link]) -> list[tuple[int, int, m.Link]]:
    """Sub-spans for a reference naming several articles (本法第十条、第十二条): one per
    article when the words allow it, else the whole span to the first."""
    tokens = [(start + t.start(), start + t.end()) for t in _ARTICLE_TOKEN.finditer(text)]
    targets = list({(x.target_doc, x.target_ordinal): x for x in links}.values())
    if len(tokens) == len(targets) > 1:
        spans = [(start, tokens[0][1])] + tokens[1:]
    elif len(tokens) == 2 and len(targets) > 2:  # 第五条至第八条: the two ends
        spans, targets = [(start, tokens[0][1]), tokens[1]], [targets[0], targets[-1]]
    else:
        return [(start, start + len(text), targets[0])]
    return [(s, e, x) for (s, e), x in zip(spans, targets, strict=True)]


def _spans(snap: Snapshot, links: list[m.Link]) -> tuple[TextLink, ...]:
    groups: dict[tuple[int, int], list[m.Link]] = {}
    for x in links:
        if x.relation == m.CITES and x.end > x.start:
            groups.setdefault((x.start, x.end), []).append(x)
    out = []
    for (start, _end), group in sorted(groups.items()):
        for s, e, x in _split(group[0].text, start, group):
            target = other_end(snap, x.target_doc, x.target_ordinal, x.paragraph, x.item)
            if target is not None:
                out.append(TextLink(s, e, target, x.exact))
    return tuple(out)


def _current_local(snap: Snapshot, doc_id: str) -> bool:
    row = snap.docs.row.get(doc_id)
    return row is not None and bool(snap.docs.local[row] and snap.docs.current[row])


def document_links(snap: Snapshot, table: LinkTable, doc_id: str) -> DocumentLinks:
    """The links of every passage of a document (an unknown id gives an empty DocumentLinks)."""
    row = snap.docs.row.get(doc_id)
    if row is None:
        return DocumentLinks()
    rec = snap.docs.records[row]
    spans, counts = {}, {}
    for ordinal, pid in enumerate(snap.passage_ids(row)):
        own = table.by_source.get(pid, [])
        incoming = [
            x for same in same_article_ids(snap, pid) for x in table.by_target.get(same, ())
        ]
        cited = {x.source for x in incoming if x.relation == m.CITES}
        local = {
            x.source for x in incoming if snap.docs.local[snap.docs.row.get(x.source_doc, row)]
        }
        cites = {(x.target_doc, x.target_ordinal) for x in own}  # cited or implemented
        if own:
            spans[ordinal] = _spans(snap, own)
        if cites or cited or local:
            counts[ordinal] = (len(cites), len(cited), len(local))
    return DocumentLinks(
        spans,
        counts,
        _relations(snap, table, doc_id),
        _implemented_by(snap, table, rec["work_key"]),
        _named(snap, table, doc_id) if rec["kind"] == "工作简报" else (),
    )


def _relations(snap, table, doc_id) -> tuple[tuple[str, LinkedPassage], ...]:
    out = []
    for r in table.relations_from.get(doc_id, ()):
        end = other_end(snap, r.target_doc, None)
        if end is not None:
            out.append((r.relation, end))
    return tuple(out)


def _implemented_by(snap, table, work: str) -> dict[str, tuple[LinkedPassage, ...]]:
    """Local measures implementing any version of the work, current versions, by region."""
    rows = snap.docs.work_mask({work}).nonzero()[0]
    found: dict[str, dict[str, LinkedPassage]] = {}
    for r in rows:
        for rel in table.relations_to.get(snap.docs.ids[r], ()):
            src = snap.docs.row.get(rel.doc)
            if rel.relation != m.IMPLEMENTS_WORK or src is None or not snap.docs.current[src]:
                continue
            end = other_end(snap, rel.doc, None)
            if end is not None:
                found.setdefault(end.document.region or "", {})[rel.doc] = end
    return {region: tuple(docs.values()) for region, docs in sorted(found.items())}


def _named(snap, table, doc_id) -> tuple[tuple[str, LinkedPassage | None, str], ...]:
    """The documents a bulletin names: linked, or why not (not in the collection …)."""
    out, seen = [], set()
    for pid in snap.passage_ids(snap.docs.row[doc_id]):
        for x in table.by_source.get(pid, ()):
            if x.kind == "document" and x.text not in seen:
                seen.add(x.text)
                out.append((x.text, other_end(snap, x.target_doc, None), ""))
        for u in table.unresolved_by_source.get(pid, ()):
            if u.category in ("document", "number") and u.text not in seen:
                seen.add(u.text)
                out.append((u.text, None, u.reason))
    return tuple(out)
