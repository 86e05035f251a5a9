"""Search results, hits, health and errors: their shapes and the dicts that fill them (the API,
`kb search --json`).

The dicts are built by hand rather than with model_dump (bench/bench_shapes.py measures why);
the tests check every response against the models, which allow no other key.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kb import models as m
from kb.records import citation_record, field_names, pick
from kb.shapes.assist import Explanation
from kb.shapes.base import Internal, Json, Ok, Shape

Status = Literal["current", "superseded"]
DOCUMENT_INFO_FIELDS = field_names(m.DocumentInfo)


class VersionRef(Shape):
    """One version of a work."""

    id: str = Field(description="document id of that version")
    title: str
    version_label: str = Field(description="2020年修正, 2024年度第2期 …")
    version_date: str | None
    status: Status = Field(description="current: in force now")
    internal: Internal = False


class DocumentBrief(VersionRef):
    """The document a passage belongs to."""

    kind: str = Field(description="法律, 行政法规, 司法解释, 地方性法规, 工作简报 …")
    region: str | None = Field(description="the province of a local document")


class DocumentInfo(DocumentBrief):
    """The document fields a hit carries."""

    source: str
    effective_date: str | None
    subtitle: str | None


class Citation(Shape):
    """What a person needs to find and check the passage; `label` is the citation."""

    title: str
    version: str
    article: int | None
    article_label: str
    paragraph: int | None
    item: int | None
    heading_path: list[str]
    label: str


class Snippet(Shape):
    """The passage's text around what matched."""

    text: str
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) character ranges into snippet.text"
    )


class Retrieval(Shape):
    """Which retrievers found the passage (lexical, semantic; memory: it answered a public
    training question close to this one), its rank in each and its cosine to the question: set
    when a semantic pass ran."""

    found_by: list[str]
    lexical_rank: int | None
    semantic_rank: int | None
    semantic_score: float | None
    semantic_share: float | None = Field(
        None,
        description="with the learned fusion: the share of the hit's score (its parts' absolute"
        " values) that the semantic features make",
    )


class Hit(Shape):
    """One ranked, cited passage."""

    id: str
    score: float
    text: str
    article: int | None
    paragraph: int | None
    heading_path: list[str]
    snippet: Snippet
    document: DocumentInfo
    citation: Citation
    url: str
    matched: str = Field(
        description="why it is listed: text, phrase, citation, document (a question about the "
        "document: its header) or id"
    )
    retrieval: Retrieval | None
    earlier_version_of: str | None = Field(
        description="set on the superseded version's counterpart listed right after a current "
        "article (same or largely the same text): that article's passage id"
    )
    explain: Explanation | None = Field(None, description="only with explain=1")


class SearchEnvelope(Shape):
    """A page of ranked, cited passages."""

    ok: Ok
    query: str
    total: int
    limit: int
    offset: int
    took_ms: float
    hits: list[Hit]
    understood: Json = Field(description="what the query was taken to mean")


class HitEnvelope(Shape):
    """One passage, as a hit."""

    ok: Ok
    hit: Hit


class QuestionLora(Shape):
    """The question-side LoRA file of the encoder and its sha256."""

    file: str
    sha256: str


class VectorsHealth(Shape):
    """The semantic layer: on or off, whether the build's vectors are complete, and why not."""

    enabled: bool
    complete: bool
    coverage: float = Field(description="share of the build's passages embedded")
    model: str | None = Field(None, description="the encoder, once loaded")
    adapter: bool | None = Field(None, description="whether a query adapter is applied")
    question_lora: QuestionLora | None = Field(
        None, description="the LoRA questions go through (none: the base encoder)"
    )
    question_engine: str | None = Field(
        None, description="what runs questions through the LoRA: onnxruntime, else numpy"
    )
    question_note: str | None = Field(
        None, description="why a shipped question LoRA is not used (missing, damaged)"
    )
    ranker: str | None = Field(
        None, description="the learned fusion model in use (none: reciprocal ranks)"
    )
    memory: str | None = Field(
        None, description="the remembered public questions the learned fusion reads (none: none)"
    )
    note: str | None = Field(None, description="why semantic search is not ready")


class IndexHealth(Shape):
    """The live index build and its size."""

    build: str
    created: str | None
    documents: int
    passages: int
    vectors: VectorsHealth


class HealthEnvelope(Shape):
    """Which index build is live and how big it is."""

    ok: Ok
    index: IndexHealth


class ErrorEnvelope(Shape):
    """The one error shape of every endpoint."""

    ok: Literal[False]
    error: str
    status: int


def document_info_dict(d: m.DocumentInfo) -> dict:
    """The document fields a hit carries."""
    return pick(d, DOCUMENT_INFO_FIELDS)


def hit_dict(hit: m.Hit) -> dict:
    """A hit (Hit). Built by hand rather than with dataclasses.asdict, which deep-copies and
    costs ~0.1 ms a hit."""
    return {
        **pick(hit, ("id", "score", "text", "article", "paragraph")),
        "heading_path": list(hit.heading_path),
        "snippet": {
            "text": hit.snippet.text,
            "highlights": [list(r) for r in hit.snippet.highlights],
        },
        "document": document_info_dict(hit.document),
        "citation": citation_record(hit.citation),
        "url": hit.url,
        "matched": hit.matched,
        "retrieval": retrieval_dict(hit.retrieval),
        "earlier_version_of": hit.earlier_version_of,
    }


def retrieval_dict(r: m.Retrieval | None) -> dict | None:
    """How a hit was found when a semantic pass ran (None otherwise)."""
    if r is None:
        return None
    return {
        "found_by": list(r.found_by),
        **pick(r, ("lexical_rank", "semantic_rank", "semantic_score", "semantic_share")),
    }


def search_envelope(result: m.SearchResult) -> dict:
    """The /api/search envelope (SearchEnvelope)."""
    return {
        "ok": True,
        **pick(result, ("query", "total", "limit", "offset", "took_ms")),
        "hits": [hit_dict(h) for h in result.hits],
        "understood": result.understood,
    }


def hit_envelope(hit: m.Hit) -> dict:
    """The /api/passages and /api/cite envelope: one hit (HitEnvelope)."""
    return {"ok": True, "hit": hit_dict(hit)}


def health_envelope(health: dict) -> dict:
    """The /api/health envelope (HealthEnvelope)."""
    return {"ok": True, "index": dict(health)}


def error_envelope(message: str, status: int) -> dict:
    """The one error shape every endpoint uses (ErrorEnvelope)."""
    return {"ok": False, "error": message, "status": status}
