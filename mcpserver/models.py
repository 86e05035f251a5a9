"""The typed outputs of the MCP tools (pydantic models: the SDK publishes their JSON Schemas)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from kb.models import Hit, VersionInfo
from kb.verify.checker import VERDICTS, VerifyResult, verdict_dict

Verdict = Literal["ok", "not_found", "no_such_article", "superseded", "misquoted", "wrong_article"]
assert set(Verdict.__args__) == set(VERDICTS)


class Document(BaseModel):
    """The document a passage belongs to."""

    id: str
    title: str
    kind: str = Field(description="法律, 行政法规, 司法解释, 地方性法规, 工作简报 …")
    region: str | None
    version_label: str
    version_date: str | None
    status: Literal["current", "superseded"] = Field(description="current: in force now")


class Passage(BaseModel):
    """One cited passage: an article (条, with its 款/项) or a bulletin paragraph."""

    id: str = Field(description="passage id, for get_article")
    label: str = Field(
        description="the citation to quote, e.g. 《…选举法》（2020年修正）第三十条第二款"
    )
    text: str = Field(description="the exact text (款 separated by line breaks)")
    url: str = Field(description="where the page shows it (path on the kb server)")
    document: Document
    earlier_version_of: str | None = Field(
        None,
        description="修改前版本：本条是 id 为此值的现行条文在被修订前的对应条文（不是现行法） / "
        "set when this superseded article is listed as the earlier wording of the current "
        "article with this id: quote the current one as law",
    )


class SearchOutput(BaseModel):
    """A page of ranked, cited passages."""

    query: str
    total: int = Field(description="passages matching in all")
    hits: list[Passage]
    understood: dict = Field(description="what the query was taken to mean")


class Version(BaseModel):
    """One version of a work."""

    id: str = Field(description="document id of that version")
    version_label: str
    version_date: str | None
    status: Literal["current", "superseded"]
    valid_from: str | None = Field(description="first day in force")
    valid_to: str | None = Field(description="first day no longer in force (null: still in force)")


class Article(BaseModel):
    """An article with its citation and the versions of its work."""

    passage: Passage
    versions: list[Version] = Field(description="the work's versions, newest first")


class Cited(BaseModel):
    """A passage a verdict points at."""

    id: str
    label: str
    text: str
    url: str
    status: str
    version: str


class DiffStep(BaseModel):
    """One step of a misquotation: equal, replace, delete (only quoted) or insert (only actual)."""

    op: str
    quoted: str
    actual: str


class Checked(BaseModel):
    """One citation found in the text and what checking it showed."""

    citation: str = Field(description="the citation as written")
    start: int
    end: int
    quote: str | None = Field(description="the quotation attached to it, if any")
    quote_start: int | None
    quote_end: int | None
    verdict: Verdict
    message: str
    label: str | None = Field(description="the citation label of the passage it resolves to")
    passage: Cited | None = Field(description="the cited passage (for superseded: the old one)")
    current: Cited | None = Field(description="superseded: the current version's text")
    changed: str | None = Field(description="superseded: the day the cited text changed")
    found_in: Cited | None = Field(description="wrong_article: whose text the quotation is")
    diff: list[DiffStep] | None = Field(description="misquoted: quoted vs actual")


class VerifyOutput(BaseModel):
    """Every citation of a text, checked."""

    counts: dict[str, int] = Field(description="citations per verdict")
    citations: list[Checked]


def passage_model(hit: Hit) -> Passage:
    """A search hit or looked-up passage as the tools return it."""
    return Passage(
        id=hit.id,
        label=hit.citation.label,
        text=hit.text,
        url=hit.url,
        document=Document.model_validate(hit.document, from_attributes=True),
        earlier_version_of=hit.earlier_version_of,
    )


def version_model(v: VersionInfo) -> Version:
    """One version of a work."""
    return Version.model_validate(v, from_attributes=True)


def verify_model(result: VerifyResult) -> VerifyOutput:
    """A citation check as the tool returns it."""
    return VerifyOutput(
        counts=result.counts,
        citations=[Checked.model_validate(verdict_dict(v)) for v in result.verdicts],
    )


_PASSAGE_ID = re.compile(r"[0-9a-f]{6,40}-\d{1,6}")


def find_passage(
    library, citation: str, versions: str = "current", as_of: str | None = None
) -> Hit:
    """The passage a tool's `citation` argument names: a passage id, or a citation."""
    citation = citation.strip()
    if _PASSAGE_ID.fullmatch(citation):
        return library.passage(citation)
    return library.cite(citation, versions=versions, as_of=as_of)
