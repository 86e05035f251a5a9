"""What the MCP tools answer (mcpserver): the API's shapes cut down to what an assistant quotes,
built from the same pieces (kb.shapes.search, documents, compare, assist)."""

from __future__ import annotations

from pydantic import Field

from kb import models as m
from kb.compare import model as cm
from kb.compare.model import UNCHANGED
from kb.links.reading.view import PassageLink, PassageLinks
from kb.shapes.assist import Verdict, VerifyOutput
from kb.shapes.base import Json, Shape
from kb.shapes.compare import CompareSummary, DiffRuns
from kb.shapes.documents import VersionBrief
from kb.shapes.search import DocumentBrief, Status, VersionRef
from kb.verify.checker import VerifyResult, verdict_dict


class PassageBrief(Shape):
    """One cited passage: an article (条, with its 款/项) or a bulletin paragraph."""

    id: str = Field(description="passage id, for get_article")
    label: str = Field(
        description="the citation to quote, e.g. 《…选举法》（2020年修正）第三十条第二款"
    )
    text: str = Field(description="the exact text (款 separated by line breaks)")
    url: str = Field(description="where the page shows it (path on the kb server)")
    document: DocumentBrief
    earlier_version_of: str | None = Field(
        None,
        description="修改前版本：本条是 id 为此值的现行条文在被修订前的对应条文（不是现行法） / "
        "set when this superseded article is listed as the earlier wording of the current "
        "article with this id: quote the current one as law",
    )


class SearchOutput(Shape):
    """A page of ranked, cited passages."""

    query: str
    total: int = Field(description="passages matching in all")
    hits: list[PassageBrief]
    understood: Json = Field(description="what the query was taken to mean")


class Article(Shape):
    """An article with its citation and the versions of its work."""

    passage: PassageBrief
    versions: list[VersionBrief] = Field(description="the work's versions, newest first")


class Change(Shape):
    """An article and what became of it."""

    status: str = Field(description="changed | added | deleted | renumbered | unchanged")
    old_label: str | None
    new_label: str | None
    old_text: str | None
    new_text: str | None
    diff: DiffRuns


class ComparisonOutput(Shape):
    """Two versions of one work, aligned article by article."""

    old: VersionRef
    new: VersionRef
    summary: CompareSummary
    changes: list[Change] = Field(
        description="articles in reading order (unchanged ones only if asked)"
    )


class ArticleInVersion(Shape):
    """The article as it stood in one version."""

    version: VersionRef
    status: str = Field(
        description="original | unchanged | changed | renumbered | added | deleted | absent"
    )
    label: str | None
    text: str | None
    diff: DiffRuns = Field(description="the change from the version before")


class HistoryOutput(Shape):
    """One article through every version of its work, oldest first."""

    title: str
    article: str
    versions: list[ArticleInVersion]


class Linked(Shape):
    """The other end of a link: an article, or a whole document (id null)."""

    id: str | None
    label: str = Field(description="citation label of the other end")
    url: str
    title: str
    status: Status
    words: str = Field(description="the words of the citing text ('' for implementing matches)")
    relation: str = Field(description="cites | implements | related")


class LinksOutput(Shape):
    """Everything linked to one passage."""

    id: str
    label: str
    cites: list[Linked]
    cited_by: list[Linked]
    implemented_by: list[Linked]
    related: list[Linked]
    unresolved: list[str] = Field(
        description="references that lead nowhere in the collection, and why"
    )


def passage_brief(hit: m.Hit) -> PassageBrief:
    """A search hit or looked-up passage as the tools return it."""
    return PassageBrief(
        id=hit.id,
        label=hit.citation.label,
        text=hit.text,
        url=hit.url,
        document=DocumentBrief.model_validate(hit.document, from_attributes=True),
        earlier_version_of=hit.earlier_version_of,
    )


def search_output(result: m.SearchResult) -> SearchOutput:
    """A page of search results as the search tool returns it."""
    hits = [passage_brief(h) for h in result.hits]
    return SearchOutput(
        query=result.query, total=result.total, hits=hits, understood=result.understood
    )


def article_output(hit: m.Hit, versions: tuple[m.VersionInfo, ...]) -> Article:
    """A looked-up passage with its work's versions."""
    return Article(
        passage=passage_brief(hit),
        versions=[VersionBrief.model_validate(v, from_attributes=True) for v in versions],
    )


def verify_output(result: VerifyResult) -> VerifyOutput:
    """A citation check as the tool returns it."""
    return VerifyOutput(
        counts=result.counts,
        citations=[Verdict.model_validate(verdict_dict(v)) for v in result.verdicts],
    )


def _ref(d: m.DocumentInfo) -> VersionRef:
    return VersionRef.model_validate(d, from_attributes=True)


def comparison_output(c: cm.Comparison, include_unchanged: bool, limit: int) -> ComparisonOutput:
    """A comparison: the two versions, the counts and the first `limit` changes."""
    pairs = [p for p in c.pairs if include_unchanged or p.status != UNCHANGED][:limit]
    changes = [
        Change(
            status=p.status,
            old_label=p.old.label if p.old else None,
            new_label=p.new.label if p.new else None,
            old_text=p.old.text if p.old else None,
            new_text=p.new.text if p.new else None,
            diff=list(p.diff),
        )
        for p in pairs
    ]
    summary = CompareSummary.model_validate(c.summary, from_attributes=True)
    return ComparisonOutput(
        old=_ref(c.old.document), new=_ref(c.new.document), summary=summary, changes=changes
    )


def history_output(h: cm.ArticleHistory) -> HistoryOutput:
    """An article in every version of its work."""
    versions = [
        ArticleInVersion(
            version=_ref(v.version),
            status=v.status,
            label=v.passage.label if v.passage else None,
            text=v.passage.text if v.passage else None,
            diff=list(v.diff),
        )
        for v in h.versions
    ]
    return HistoryOutput(title=h.title, article=h.label, versions=versions)


def _linked(link: PassageLink) -> Linked:
    p = link.passage
    return Linked(
        id=p.id,
        label=p.label,
        url=p.url,
        title=p.document.title,
        status=p.document.status,
        words=link.text,
        relation=link.relation,
    )


def links_output(hit: m.Hit, found: PassageLinks) -> LinksOutput:
    """Everything linked to the passage `hit`."""
    return LinksOutput(
        id=hit.id,
        label=hit.citation.label,
        cites=[_linked(x) for x in found.cites],
        cited_by=[_linked(x) for x in found.cited_by],
        implemented_by=[_linked(x) for x in found.implemented_by],
        related=[_linked(x) for x in found.related],
        unresolved=[f"{u.text}: {u.reason}" for u in found.unresolved],
    )
