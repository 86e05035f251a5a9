"""A whole document with its versions and passages: its shape and the dict that fills it
(GET /api/documents/<id>)."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import Field

from kb import models as m
from kb.records import citation_record, paragraph_records, pick
from kb.shapes.base import Internal, Ok, Shape
from kb.shapes.search import Citation, Status


class VersionBrief(Shape):
    """One version of a work."""

    id: str = Field(description="document id of that version")
    version_label: str
    version_date: str | None
    status: Status
    valid_from: str | None = Field(description="first day in force")
    valid_to: str | None = Field(description="first day no longer in force (null: still in force)")


class Version(VersionBrief):
    """One version (or part) of a work."""

    title: str
    subtitle: str | None
    effective_date: str | None
    source: str
    internal: Internal = False


class Item(Shape):
    """A 项 with its 目."""

    number: int
    text: str
    subitems: list[str]


class Paragraph(Shape):
    """A 款 with its 项."""

    number: int
    text: str
    items: list[Item]


class Passage(Shape):
    """A passage of a document in reading order, with its 款/项 and citation."""

    id: str
    ordinal: int
    label: str
    role: str
    article: int | None
    article_suffix: int
    text: str
    heading_path: list[str]
    paragraphs: list[Paragraph]
    citation: Citation
    url: str


class HistoryEntry(Shape):
    """One line of a document's history (通过, 修正 …)."""

    date: str | None
    body: str
    event: str
    text: str


class Heading(Shape):
    """A heading (编, 章, 节 …) and the ordinal of the first passage under it."""

    level: int
    text: str
    first_passage: int


class Document(Shape):
    """A document's metadata, history and contents."""

    id: str
    title: str
    subtitle: str | None
    kind: str
    issuer: str | None
    region: str | None
    city: str | None
    version_date: str | None
    effective_date: str | None
    version_label: str
    status: Status
    valid_from: str | None
    valid_to: str | None
    source: str
    internal: Internal = False
    work_key: str
    issue: str | None
    recipients: list[str]
    history: list[HistoryEntry]
    headings: list[Heading]


class DocumentEnvelope(Shape):
    """A document with its versions, parts and every passage."""

    ok: Ok
    document: Document
    versions: list[Version]
    parts: list[Version]
    passages: list[Passage]


def passage_dict(p: m.Passage) -> dict:
    """A passage of a document in reading order (Passage)."""
    return {
        **pick(p, ("id", "ordinal", "label", "role", "article", "article_suffix", "text")),
        "heading_path": list(p.heading_path),
        "paragraphs": paragraph_records(p.paragraphs),
        "citation": citation_record(p.citation),
        "url": f"/documents/{p.doc_id}#p{p.ordinal}",
    }


def version_dict(v: m.VersionInfo) -> dict:
    """One version (or part) of a work (Version)."""
    return asdict(v)


_DOCUMENT_KEYS = tuple(
    name
    for name in Document.model_fields
    if name not in ("recipients", "history", "headings", "internal")  # internal: web adds it
)


def document_envelope(view: m.DocumentView) -> dict:
    """The /api/documents envelope (DocumentEnvelope)."""
    doc = view.document
    return {
        "ok": True,
        "document": {
            **pick(doc, _DOCUMENT_KEYS),
            "recipients": list(doc.recipients),
            "history": [asdict(h) for h in doc.history],
            "headings": [asdict(h) for h in doc.headings],
        },
        "versions": [version_dict(v) for v in view.versions],
        "parts": [version_dict(v) for v in view.parts],
        "passages": [passage_dict(p) for p in doc.passages],
    }
