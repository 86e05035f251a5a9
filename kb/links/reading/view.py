"""What a passage links to and from, as plain dataclasses for the page, the API and the CLI.

cites           what the passage's text refers to (articles, or whole documents)
cited_by        passages whose text refers to this article (in any version of its work: the
                article the version aligner pairs with it, see kb/compare/same_article.py)
implemented_by  local articles carrying it out: articles of local implementing measures
                matched to it, and local articles citing it (grouped by region for display)
related         for a bulletin paragraph: rules about what it describes, found by search
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.compare.same_article import same_article_ids
from kb.engine.hits import document_info, load_passage, passage_url
from kb.engine.snapshot import Snapshot
from kb.errors import NotFound
from kb.labels import render_label
from kb.links import model as m
from kb.links.reading.table import LinkTable
from kb.models import DocumentInfo

MAX_LINKS = 200  # per list; PassageLinks.counts has the totals


@dataclass(frozen=True)
class LinkedPassage:
    """The other end of a link: a passage (with the 款/项 named), or a whole document."""

    id: str | None  # None for a document-level link
    article: int | None
    label: str  # citation label, e.g. 《…》第四十四条第二款, or 《title》 for a document
    url: str
    document: DocumentInfo
    paragraph: int | None = None
    item: int | None = None


@dataclass(frozen=True)
class PassageLink:
    """One link as seen from a passage."""

    passage: LinkedPassage
    text: str  # the words in the citing text ("" for an implementing match or a search)
    kind: str  # article | document
    relation: str  # cites | implements | related
    start: int = 0  # span of `text` in the citing passage
    end: int = 0
    exact: bool = True  # False: the version in force when cited is not held; a later one is shown


@dataclass(frozen=True)
class Unresolved:
    """A reference in the passage that leads nowhere in the collection, and why."""

    text: str
    name: str
    reason: str
    start: int
    end: int


@dataclass(frozen=True)
class PassageLinks:
    """Everything linked to one passage."""

    passage_id: str
    cites: tuple[PassageLink, ...]
    cited_by: tuple[PassageLink, ...]
    implemented_by: tuple[PassageLink, ...]
    related: tuple[PassageLink, ...] = ()
    implements: tuple[PassageLink, ...] = ()  # a local implementing article: the national ones
    unresolved: tuple[Unresolved, ...] = ()
    counts: dict | None = None  # list → total before MAX_LINKS


def other_end(snap: Snapshot, doc_id: str, ordinal: int | None, paragraph=None, item=None):
    """LinkedPassage for a document's passage (or the document itself); None if gone."""
    row = snap.docs.row.get(doc_id)
    if row is None:
        return None
    rec = snap.docs.records[row]
    info = document_info(rec)
    if ordinal is None:
        version = f"（{info.version_label}）" if info.version_label else ""
        return LinkedPassage(
            None, None, f"《{rec['title']}》{version}", f"/documents/{doc_id}", info
        )
    n = snap.docnum_at(row, ordinal)
    p = load_passage(snap, n) if n is not None else None
    if p is None or p.id != f"{doc_id}-{ordinal}":
        return None
    label = render_label(p.citation, paragraph, item)
    return LinkedPassage(p.id, p.article, label, passage_url(p), info, paragraph, item)


def _as_target(snap: Snapshot, link: m.Link) -> PassageLink | None:
    end = other_end(snap, link.target_doc, link.target_ordinal, link.paragraph, link.item)
    return end and PassageLink(
        end, link.text, link.kind, link.relation, link.start, link.end, link.exact
    )


def _as_source(snap: Snapshot, link: m.Link) -> PassageLink | None:
    end = other_end(snap, link.source_doc, link.source_ordinal)
    return end and PassageLink(
        end, link.text, link.kind, link.relation, link.start, link.end, link.exact
    )


def passage_links(snap: Snapshot, table: LinkTable, passage_id: str) -> PassageLinks:
    """The links of one passage (NotFound for an unknown id)."""
    docnum = snap.docnum_of(passage_id) if isinstance(passage_id, str) else None
    if docnum is None:
        raise NotFound(f"no passage with id {passage_id!r}")
    p = load_passage(snap, docnum)
    own = table.by_source.get(p.id, ())
    cites = [_as_target(snap, x) for x in own if x.relation == m.CITES]
    implements = [_as_target(snap, x) for x in own if x.relation == m.IMPLEMENTS]
    incoming = [x for pid in same_article_ids(snap, p.id) for x in table.by_target.get(pid, ())]
    cited_by = [_as_source(snap, x) for x in incoming if x.relation == m.CITES]
    local = {}
    for x in incoming:  # current local measures: implementing matches and citations
        src = snap.docs.row.get(x.source_doc)
        if src is not None and snap.docs.local[src] and snap.docs.current[src]:
            local.setdefault(x.source, x)
    implemented = [_as_source(snap, x) for x in local.values()]
    lists = {
        "cites": [x for x in cites if x],
        "cited_by": _order([x for x in cited_by if x], p.doc_id),
        "implemented_by": _order([x for x in implemented if x], p.doc_id),
    }
    unresolved = tuple(
        Unresolved(u.text, u.name, u.reason, u.start, u.end)
        for u in table.unresolved_by_source.get(p.id, ())
    )
    return PassageLinks(
        p.id,
        tuple(lists["cites"][:MAX_LINKS]),
        tuple(lists["cited_by"][:MAX_LINKS]),
        tuple(lists["implemented_by"][:MAX_LINKS]),
        unresolved=unresolved,
        implements=tuple(_current_first([x for x in implements if x])),
        counts={k: len(v) for k, v in lists.items()},
    )


def _current_first(links: list[PassageLink]) -> list[PassageLink]:
    """National articles matched in every version of the work: the current version first."""
    return sorted(links, key=lambda x: (x.passage.document.status != "current", x.passage.label))


def _order(links: list[PassageLink], own_doc: str) -> list[PassageLink]:
    """Other documents first (by region, title), the passage's own document last; one per passage."""
    seen, out = set(), []
    for x in sorted(
        links,
        key=lambda x: (
            x.passage.document.id == own_doc,
            x.passage.document.region or "",
            x.passage.document.title,
            x.passage.id or "",
        ),
    ):
        if x.passage.id not in seen:
            seen.add(x.passage.id)
            out.append(x)
    return out
