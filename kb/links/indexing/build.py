"""Everything a build stores about links: resolved references, relations, implementing matches.

    build_links(records, references, texts=None) -> dict   (the content of links.json)

`records` are document records (kb.records.document_record), `references` doc id → the output
of kb.links.indexing.extract.document_references, `texts(doc_id)` the (ordinal, text) of a document's
articles (for matching implementing articles; None skips that step, as `kb check` does).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from kb.links import model as m
from kb.links.indexing.catalog import Catalog
from kb.links.indexing.mapping import match_articles
from kb.links.indexing.relations import document_relations, implementing
from kb.links.indexing.resolve import Resolver

FORMAT = 1
EXAMPLES = 20  # unresolved references listed per kind in the summary (all of kind self)
Texts = Callable[[str], list[tuple[int, str]]]


def build_links(
    records: Iterable[dict], references: dict[str, dict], texts: Texts | None = None
) -> dict:
    """Resolve every document's references and relate the documents; see the module docstring."""
    records = [r for r in records if r["id"] in references]
    catalog = Catalog(records, {d: refs["articles"] for d, refs in references.items()})
    resolver = Resolver(catalog)
    links: list[m.Link] = []
    unresolved: list[m.Unresolved] = []
    for rec in sorted(records, key=lambda r: r["source"]):
        for found in resolver.document(rec["id"], references[rec["id"]]["refs"]):
            (links if isinstance(found, m.Link) else unresolved).append(found)
    relations = document_relations(catalog, links)
    matches = implementing_matches(catalog, relations, texts) if texts else []
    return {
        "format": FORMAT,
        "links": [x.row() for x in links + matches],
        "unresolved": [x.row() for x in unresolved],
        "relations": [x.row() for x in relations],
        "summary": summary(catalog, links, unresolved, relations),
    }


def implementing_matches(
    catalog: Catalog, relations: list[m.Relation], texts: Texts
) -> list[m.Link]:
    """Articles of local implementing measures matched to the articles of every version of the
    national work they implement (so each version's articles list them)."""
    by_work: dict[str, list[str]] = {}
    for rel in relations:
        if rel.relation == m.IMPLEMENTS_WORK:
            by_work.setdefault(catalog.docs[rel.target_doc]["work_key"], []).append(rel.doc)
    found = []
    for work, local_docs in sorted(by_work.items()):
        local = [((d, o), t) for d in local_docs for o, t in texts(d)]
        for _date, parts in catalog.versions.get(work, []):
            national = [((d, o), t) for d in parts for o, t in texts(d)]
            for (doc, ordinal), (target, target_ordinal), _s in match_articles(local, national):
                found.append(
                    m.Link(
                        doc,
                        ordinal,
                        0,
                        0,
                        "",
                        "article",
                        target,
                        target_ordinal,
                        relation=m.IMPLEMENTS,
                    )
                )
    return found


def summary(
    catalog: Catalog, links: list[m.Link], unresolved: list[m.Unresolved], relations
) -> dict:
    """Counts for `kb check --json`: references found, resolved and unresolved by reason, per kind."""
    kinds: dict[str, Counter] = {}
    later: Counter = Counter()
    for x in links:
        kind = x.scope if x.kind == "article" else "document"
        kinds.setdefault(kind, Counter())["resolved"] += 1
        later[kind] += not x.exact
    for x in unresolved:
        kinds.setdefault(x.category, Counter())[x.reason] += 1
    listed: dict[str, list] = {}
    for x in unresolved:  # every unresolved 本法/本条例 reference, examples of the others
        shown = listed.setdefault(x.category, [])
        if x.category == "self" or len(shown) < EXAMPLES:
            source = catalog.docs[x.source_doc]["source"]
            shown.append({"source": source, "text": x.text, "name": x.name, "reason": x.reason})
    by_kind = {}
    for kind, counts in sorted(kinds.items()):
        found = sum(counts.values())
        reasons = {r: n for r, n in counts.items() if r != "resolved"}
        by_kind[kind] = {
            "found": found,
            "resolved": counts["resolved"],
            "later_version": later[kind],  # resolved to a later version than the one cited
            "unresolved": reasons,
            "unresolved_list": listed.get(kind, []),  # all for self, else up to EXAMPLES
        }
    related = {(r.doc, r.relation) for r in relations}
    local_measures = [
        rec
        for d, rec in catalog.docs.items()
        if implementing(rec) and "实施" in rec["title"] and d not in catalog.duplicates
    ]
    missing = {x.source_doc: x.name for x in unresolved if x.category == "document"}
    return {
        "found": sum(k["found"] for k in by_kind.values()),
        "resolved": sum(k["resolved"] for k in by_kind.values()),
        "by_kind": by_kind,
        "relations": dict(Counter(r.relation for r in relations)),
        "implementing": {
            "documents": len(local_measures),
            "linked": sum((rec["id"], m.IMPLEMENTS_WORK) in related for rec in local_measures),
            "not_linked": [
                {"title": rec["title"], "names": missing.get(rec["id"], "")}
                for rec in sorted(local_measures, key=lambda r: r["title"])
                if (rec["id"], m.IMPLEMENTS_WORK) not in related
            ],
        },
    }
