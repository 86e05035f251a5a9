"""One document's references and article map as plain data (found per document, at index time).

    {"articles": [[article, suffix, ordinal, paragraphs, [items of each 款]], …],
     "refs": [[ordinal, start, end, text, work, name, scope, kind, positions, relative, version], …]}

positions are [article, suffix, paragraph, item] lists (None where not given). This is what the
indexer's workers send back and what a build keeps for updating its links incrementally.
"""

from __future__ import annotations

from kb.models import Document
from kb.references import abbreviations, find_references

ARTICLE_ROLES = ("article", "item")
# Field order of a stored reference.
ORDINAL, START, END, TEXT, WORK, NAME, SCOPE, KIND, POSITIONS, RELATIVE, VERSION = range(11)


def document_references(doc: Document) -> dict:
    """The references found in every passage of `doc`, and where its articles are."""
    defined: dict[str, str] = {}
    for p in doc.passages:
        if "称" in p.text:
            defined |= abbreviations(p.text)
    articles = [
        [
            p.article,
            p.article_suffix,
            p.ordinal,
            max(1, len(p.paragraphs)),
            [len(x.items) for x in p.paragraphs],
        ]
        for p in doc.passages
        if p.role in ARTICLE_ROLES and p.article is not None
    ]
    refs = []
    for p in doc.passages:
        for r in find_references(p.text, abbreviations=defined, passage=p.role == "article"):
            refs.append(
                [
                    p.ordinal,
                    r.start,
                    r.end,
                    r.text,
                    r.work,
                    r.name,
                    r.scope,
                    r.kind,
                    [[x.article, x.suffix, x.paragraph, x.item] for x in r.positions],
                    r.relative,
                    r.version,
                ]
            )
    return {"articles": articles, "refs": refs}
