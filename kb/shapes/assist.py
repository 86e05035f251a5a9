"""The shapes of what helps assistants and writers: why a hit matched (explain=1), suggestions
while typing, and citation checks (the dicts of checks are kb.verify.checker's)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from kb.shapes.base import Json, Ok, Shape
from kb.verify.verdicts import VERDICTS

if TYPE_CHECKING:
    from kb.search.suggest import Suggestion as Suggested

Strings = list[str]


class TermScore(Shape):
    """An index term found in the passage (text, heading) or its document's title, with each
    field's BM25 contribution."""

    term: str
    concept: str
    via: Literal["query", "synonym", "related", "subword"]
    fields: dict[str, float]


class PriorReason(Shape):
    """One factor of the document's prior."""

    reason: str
    value: str
    factor: float


class Priors(Shape):
    """The document's multiplier and what it is made of."""

    document: float
    reasons: list[PriorReason]


class Boosts(Shape):
    """Marked terms, word pairs and phrases of the query found in the passage."""

    marked: Strings
    pairs: Strings
    phrases: Strings


class Explanation(Shape):
    """Why a hit matched (only with explain=1)."""

    matched: str
    terms: list[TermScore]
    coverage: float | None
    expansions: Json
    priors: Priors
    boosts: Boosts
    citation: Json | None
    semantic: Json | None = Field(description="the semantic layer's share, where it ran")
    earlier_version_of: str | None = Field(
        description="the current article (passage id) this superseded one is the earlier wording of"
    )


class Suggestion(Shape):
    """A completion: `text` replaces what was typed; `label` and `detail` are shown."""

    kind: Literal["work", "article", "paragraph"]
    text: str
    label: str
    detail: str
    document: str | None


class SuggestEnvelope(Shape):
    """Names and citations completing what is typed."""

    ok: Ok
    query: str
    took_ms: float
    suggestions: list[Suggestion]


class VerifiedPassage(Shape):
    """A passage a verdict points at."""

    id: str
    label: str
    text: str
    url: str
    status: str
    version: str


class QuoteDiff(Shape):
    """One step of a misquotation: equal, replace, delete (only quoted) or insert (only actual)."""

    op: str
    quoted: str
    actual: str


class Verdict(Shape):
    """One citation found in the text and what checking it against the collection showed."""

    citation: str = Field(description="the citation as written")
    start: int
    end: int
    quote: str | None = Field(description="the quotation attached to it, if any")
    quote_start: int | None
    quote_end: int | None
    verdict: Literal[VERDICTS]
    message: str
    label: str | None = Field(description="the citation label of the passage it resolves to")
    passage: VerifiedPassage | None = Field(
        description="the cited passage (for superseded: the old one)"
    )
    current: VerifiedPassage | None = Field(description="superseded: the current version's text")
    changed: str | None = Field(description="superseded: the day the cited text changed")
    found_in: VerifiedPassage | None = Field(
        description="wrong_article: whose text the quotation is"
    )
    diff: list[QuoteDiff] | None = Field(description="misquoted: quoted vs actual")


class VerifyOutput(Shape):
    """Every citation of a text, checked."""

    counts: dict[str, int] = Field(description="citations per verdict")
    citations: list[Verdict]


class VerifyEnvelope(VerifyOutput):
    """Every citation of a text, checked, with the time it took."""

    ok: Ok
    took_ms: float
    characters: int


def suggest_envelope(typed: str, found: list[Suggested], took_ms: float) -> dict:
    """The /api/suggest envelope (SuggestEnvelope)."""
    return {
        "ok": True,
        "query": typed,
        "took_ms": took_ms,
        "suggestions": [
            {
                "kind": s.kind,
                "text": s.text,
                "label": s.label,
                "detail": s.detail,
                "document": s.document,
            }
            for s in found
        ],
    }
