"""Documents and passages to and from the plain dicts stored in the index."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, fields, replace

from kb.models import Citation, Document, Heading, HistoryEntry, Item, Paragraph, Passage


def pick(obj: object, names: tuple[str, ...]) -> dict:
    """The attributes `names` of `obj` under their own names: the plain dicts of records and
    JSON shapes are built this way, not with dataclasses.asdict (a deep copy, ~10x slower)."""
    return _picker(names)(obj)


@functools.cache
def _picker(names: tuple[str, ...]) -> Callable[[object], dict]:
    """`lambda o: {"a": o.a, …}` for `names`, compiled once: as fast as the dict written out by
    hand, where getattr in a loop is 4x slower (dataclasses compiles its methods the same way)."""
    if not all(n.isidentifier() for n in names):
        raise ValueError(f"not attribute names: {names!r}")
    return eval("lambda o: {" + ", ".join(f"{n!r}: o.{n}" for n in names) + "}")


def field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, in order."""
    return tuple(f.name for f in fields(cls))


PASSAGE_FIELDS = ("id", "doc_id", "ordinal", "text", "article", "article_suffix", "label", "role")
CITATION_FIELDS = field_names(Citation)


def passage_record(p: Passage) -> dict:
    """Everything needed to show and cite a passage, as plain data."""
    return {
        **pick(p, PASSAGE_FIELDS),
        "heading_path": list(p.heading_path),
        "paragraphs": paragraph_records(p.paragraphs),
        "citation": citation_record(p.citation),
    }


def paragraph_records(paragraphs: tuple[Paragraph, ...]) -> list[dict]:
    """款 with their 项 and 目, as plain data."""
    return [
        {
            "number": x.number,
            "text": x.text,
            "items": [
                {"number": i.number, "text": i.text, "subitems": list(i.subitems)} for i in x.items
            ],
        }
        for x in paragraphs
    ]


def citation_record(c: Citation) -> dict:
    """A citation: title, version, article, 款/项, heading path and the label to quote."""
    rec = pick(c, CITATION_FIELDS)
    rec["heading_path"] = list(c.heading_path)
    return rec


def passage_from_record(rec: dict) -> Passage:
    """Rebuild a Passage from its stored record."""
    paragraphs = tuple(
        Paragraph(
            number=para["number"],
            text=para["text"],
            items=tuple(
                Item(it["number"], it["text"], tuple(it.get("subitems", ())))
                for it in para["items"]
            ),
        )
        for para in rec.get("paragraphs", ())
    )
    cit = dict(rec["citation"])
    cit["heading_path"] = tuple(cit.get("heading_path", ()))
    return Passage(
        **{k: rec[k] for k in PASSAGE_FIELDS if k in rec},
        heading_path=tuple(rec.get("heading_path", ())),
        paragraphs=paragraphs,
        citation=Citation(**cit),
    )


def document_record(doc: Document) -> dict:
    """Document metadata (without passages) as plain data."""
    rec = asdict(replace(doc, passages=()))
    rec.pop("passages", None)
    rec["passage_count"] = len(doc.passages)
    return rec


_DOC_FIELDS = {f.name for f in fields(Document)}


def document_from_record(rec: dict, passages: tuple[Passage, ...] = ()) -> Document:
    """Rebuild a Document from its stored record (passages supplied separately)."""
    values = {k: v for k, v in rec.items() if k in _DOC_FIELDS}
    values["history"] = tuple(HistoryEntry(**h) for h in rec.get("history", ()))
    values["headings"] = tuple(Heading(**h) for h in rec.get("headings", ()))
    values["recipients"] = tuple(rec.get("recipients", ()))
    values["passages"] = passages
    return Document(**values)
