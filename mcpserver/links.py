"""The MCP tool over links (kb.links): what an article cites, what cites it, what implements it.

mcpserver.server adds it when the Library has `links`; it answers with the data of
/api/passages/<id>/links, typed.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from kb.library import Library
from mcpserver.models import find_passage

LINKS = (
    "条文关联：一条条文（引用如「代表法第四十四条」或 id）引用了哪些条文、被哪些条文引用、由哪些地方性法规条文实施。"
    "需要找上位法依据、配套规定或地方实施办法时用它。\n"
    "What an article cites, what cites it, and the local articles implementing it (by citation "
    "or passage id). Use it to find the higher law behind a rule, or the rules carrying it out."
)


class Linked(BaseModel):
    """The other end of a link: an article, or a whole document (id null)."""

    id: str | None
    label: str = Field(description="citation label of the other end")
    url: str
    title: str
    status: str
    words: str = Field(description="the words of the citing text ('' for implementing matches)")
    relation: str = Field(description="cites | implements | related")


class LinksOutput(BaseModel):
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


def _linked(link) -> Linked:
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


class LinkTools:
    """The links tool, bound to one Library (errors are turned into tool errors by the caller)."""

    def __init__(self, library: Library):
        self.library = library

    def links(
        self,
        citation: Annotated[
            str,
            Field(
                description="条文引用或 id / a citation such as 代表法第四十四条, or a passage id",
                max_length=500,
            ),
        ],
    ) -> LinksOutput:
        hit = find_passage(self.library, citation)
        found = self.library.links(hit.id)
        return LinksOutput(
            id=hit.id,
            label=hit.citation.label,
            cites=[_linked(x) for x in found.cites],
            cited_by=[_linked(x) for x in found.cited_by],
            implemented_by=[_linked(x) for x in found.implemented_by],
            related=[_linked(x) for x in found.related],
            unresolved=[f"{u.text}: {u.reason}" for u in found.unresolved],
        )
