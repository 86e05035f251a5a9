"""kb as a Model Context Protocol server: search, article look-up and citation checking as tools
an assistant can call (official `mcp` SDK; `kb mcp` serves it over stdio).

Every tool is read-only and returns typed, structured output (kb.shapes.tools). A failure the
caller can fix (a malformed query, an unknown citation, no index) comes back as a tool error
with kb's message, never as a crash. Tools for features other parts of kb provide
(compare_versions, article_history, links) are added by `optional_tools` when the Library
has them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from kb.config import DEFAULT_LIMIT
from kb.errors import KBError
from kb.library import Library
from kb.shapes.assist import VerifyOutput
from kb.shapes.params import (
    MODE_HELP,
    Kinds,
    Limit,
    Mode,
    Offset,
    QueryText,
    Values,
    VerifyText,
    Versions,
)
from kb.shapes.tools import Article, SearchOutput, article_output, search_output, verify_output
from mcpserver.lookup import find_passage

INSTRUCTIONS = (
    "kb 收录中国法律、行政法规、司法解释、地方性法规和人大工作文件的原文（每部法律的各个版本）。"
    "回答法律问题时：先用 search 找到条文，用 get_article 取得准确原文和引用标签；"
    "写完答案后，用 verify_citations 核对答案中的每一处引用和引文。引用时照抄返回的 label。\n"
    "kb holds the exact text of Chinese laws, regulations, judicial interpretations, local "
    "regulations and people's-congress documents, in every version. To answer a legal "
    "question: find articles with search, fetch exact text and citation labels with "
    "get_article, and before giving the answer check every citation and quotation in it with "
    "verify_citations. Quote the returned `label` as the citation."
)
READ_ONLY = ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False)

SEARCH = (
    "检索条文：问题、关键词或条文引用（如「补选代表怎么办」「选举法第三十条」），返回排好序的条文原文和引用标签。"
    "需要找依据时用它。\n"
    "Search the collection with a question, keywords or a citation; returns ranked passages "
    "with their exact text and citation label. Use it to find the law that answers a question."
)
GET_ARTICLE = (
    "按引用（如「选举法第三十条第二款」「《宪法》第三条」）或 search 返回的 id 取得一条条文的准确原文、"
    "引用标签和该法的各个版本。引用或引述条文前用它核实原文。\n"
    "Get one article's exact text, citation label and its work's versions, by citation "
    "(选举法第三十条第二款) or by a passage id from search. Use it before quoting an article."
)
VERIFY = (
    "核对一段文字（最多两万字，如写好的答案）中的每一处法律引用和引号内的引文，逐条给出结论："
    "ok 准确；not_found 没有这部法；no_such_article 没有这一条/款/项；superseded 不是现行版本（附现行原文和修改日期）；"
    "misquoted 引文与原文不符（附差异）；wrong_article 引文出自别的条文（说明出处）。给出答案前用它。\n"
    "Check every citation and every quotation attached to one in a text (up to 20,000 "
    "characters, e.g. a drafted answer). Verdicts: ok; not_found (no such law in the "
    "collection); no_such_article (no such article, 款 or 项); superseded (not the current "
    "version: current text and the day it changed come with it); misquoted (with a diff); "
    "wrong_article (the quotation is another article's: which one). Use it before answering."
)


def _tool(fn: Callable) -> Callable:
    """kb's own errors (bad query, not found, no index) become tool errors with its message."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KBError as exc:
            raise ToolError(str(exc)) from exc

    return call


class Tools:
    """The tools, bound to one Library."""

    def __init__(self, library: Library):
        self.library = library

    @_tool
    def search(
        self,
        query: Annotated[
            QueryText, Field(description="问题、关键词或条文 / a question, words or a citation")
        ],
        kind: Annotated[Kinds | None, Field(description="只要这些类别 / only these kinds")] = None,
        region: Annotated[
            Values | None, Field(description="只要这些省份 / only these provinces: 上海, 浙江 …")
        ] = None,
        as_of: Annotated[
            str | None, Field(description="在该日有效的版本 / versions in force on YYYY-MM-DD")
        ] = None,
        versions: Annotated[
            Versions, Field(description="current: 现行版本; all: 含旧版本")
        ] = "current",
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        mode: Annotated[
            Mode, Field(description=f"auto: 引用和短语用关键词, 问题用混合检索 / {MODE_HELP}")
        ] = "auto",
    ) -> SearchOutput:
        params = {"kinds": tuple(kind or ()), "regions": tuple(region or ())}
        params |= {"as_of": as_of, "versions": versions, "limit": limit, "offset": offset}
        return search_output(self.library.search(query, **params, mode=mode))

    @_tool
    def get_article(
        self,
        citation: Annotated[
            QueryText,
            Field(
                description="引用或条文 id / a citation such as 选举法第三十条第二款, or a passage id"
            ),
        ],
        as_of: Annotated[
            str | None, Field(description="取该日有效的版本 / the version in force on YYYY-MM-DD")
        ] = None,
        versions: Annotated[
            Versions, Field(description="current: 现行版本优先; all: 含旧版本")
        ] = "current",
    ) -> Article:
        hit = find_passage(self.library, citation, versions, as_of)
        return article_output(hit, self.library.document(hit.document.id).versions)

    @_tool
    def verify_citations(
        self,
        text: Annotated[
            VerifyText, Field(description="要核对的文字 / the text whose citations to check")
        ],
    ) -> VerifyOutput:
        return verify_output(self.library.verify(text))


def optional_tools(library: Library) -> list[tuple[str, Callable, str]]:
    """(name, function, description) of the tools for features this Library has: version
    comparison (kb.compare) and links (kb.links)."""
    tools = []
    if hasattr(library, "compare") and hasattr(library, "history"):
        from mcpserver.compare import COMPARE, HISTORY, CompareTools

        compare = CompareTools(library)
        tools.append(("compare_versions", _tool(compare.compare_versions), COMPARE))
        tools.append(("article_history", _tool(compare.article_history), HISTORY))
    if hasattr(library, "links"):
        from mcpserver.links import LINKS, LinkTools

        tools.append(("links", _tool(LinkTools(library).links), LINKS))
    return tools


def build_server(library: Library) -> MCPServer:
    """An MCP server whose tools answer from `library`."""
    server = MCPServer(
        "kb", title="kb 法规检索", instructions=INSTRUCTIONS, version="1", log_level="WARNING"
    )
    tools = Tools(library)
    for name, fn, description in (
        ("search", tools.search, SEARCH),
        ("get_article", tools.get_article, GET_ARTICLE),
        ("verify_citations", tools.verify_citations, VERIFY),
        *optional_tools(library),
    ):
        server.add_tool(fn, name=name, description=description, annotations=READ_ONLY)
    return server
