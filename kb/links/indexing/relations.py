"""Relations between documents: a local 实施办法 implements a national law, a 司法解释 interprets one.

From the title first (浙江省实施《…代表法》办法, 关于适用《…民事诉讼法》的解释, 执行刑法…), else
from the national works the first article names (根据《…》，结合本省实际，制定本办法).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.links import model as m
from kb.links.indexing.catalog import Catalog

_IMPLEMENTING = re.compile(r"实施|细则|若干规定")
NATIONAL_KINDS = ("宪法", "法律", "行政法规", "监察法规")


def implementing(rec: dict) -> bool:
    """True for a local document whose title says it implements something (实施…办法, 细则 …)."""
    return bool(rec.get("region")) and bool(_IMPLEMENTING.search(rec["title"]))


def _national(catalog: Catalog, works: Iterable[str]) -> list[str]:
    """The national laws and regulations among `works`, in the order given."""
    return [
        w
        for w in dict.fromkeys(works)
        if w in catalog.versions
        and not catalog.work_region(w)
        and catalog.work_kind(w) in NATIONAL_KINDS
    ]


def _first_article_works(catalog: Catalog, doc_id: str, links: list[m.Link]) -> list[str]:
    """Works named in the first article (or the preamble) of a document, in order."""
    rows = catalog.articles.get(doc_id, {})
    first = min((v[0] for (a, _s), v in rows.items() if a == 1), default=0)
    return [
        catalog.docs[x.target_doc]["work_key"]
        for x in links
        if x.source_doc == doc_id and x.source_ordinal <= first and x.scope == "named"
    ]


def document_relations(catalog: Catalog, links: list[m.Link]) -> list[m.Relation]:
    """implements / interprets / based_on relations, each to the version in force on the
    citing document's date."""
    by_doc: dict[str, list[m.Link]] = {}
    for x in links:
        by_doc.setdefault(x.source_doc, []).append(x)
    relations = []
    for doc_id, rec in catalog.docs.items():
        if doc_id in catalog.duplicates:
            continue
        named = _first_article_works(catalog, doc_id, by_doc.get(doc_id, []))
        main = (
            _national(catalog, [catalog.title_work(doc_id) or ""]) or _national(catalog, named)
        )[:1]
        if implementing(rec):
            kind, works = m.IMPLEMENTS_WORK, main
        elif rec["kind"] == "司法解释":
            kind, works = m.INTERPRETS, main
        elif rec.get("region"):
            kind, works = m.BASED_ON, _national(catalog, named)
        else:
            continue
        for work in works:
            docs, _exact = catalog.version(work, catalog.date_of(doc_id))
            relations.append(m.Relation(doc_id, kind, docs[0]))
    return relations
