"""The MCP tool over links (kb.links): what an article cites, what cites it, what implements it.

mcpserver.server adds it when the Library has `links`; it answers with the data of
/api/passages/<id>/links, typed.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kb.library import Library
from kb.shapes.params import QueryText
from kb.shapes.tools import LinksOutput, links_output
from mcpserver.lookup import find_passage

LINKS = (
    "条文关联：一条条文（引用如「代表法第四十四条」或 id）引用了哪些条文、被哪些条文引用、由哪些地方性法规条文实施。"
    "需要找上位法依据、配套规定或地方实施办法时用它。\n"
    "What an article cites, what cites it, and the local articles implementing it (by citation "
    "or passage id). Use it to find the higher law behind a rule, or the rules carrying it out."
)


class LinkTools:
    """The links tool, bound to one Library (errors are turned into tool errors by the caller)."""

    def __init__(self, library: Library):
        self.library = library

    def links(
        self,
        citation: Annotated[
            QueryText,
            Field(
                description="条文引用或 id / a citation such as 代表法第四十四条, or a passage id"
            ),
        ],
    ) -> LinksOutput:
        hit = find_passage(self.library, citation)
        return links_output(hit, self.library.links(hit.id))
