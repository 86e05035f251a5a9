"""kb as a Model Context Protocol server: search, article look-up and citation checking as tools
an assistant can call (official `mcp` SDK; `kb mcp` serves it over stdio).

Every tool is read-only and returns typed, structured output (kb.shapes.tools). A failure the
caller can fix (a malformed query, an unknown citation, no index) comes back as a tool error
with kb's message, never as a crash.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from kb.compare.lookup import compare_named
from kb.config import DEFAULT_LIMIT, MAX_CHANGES, MAX_NAME_CHARS
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
from kb.shapes.tools import (
    Article,
    ComparisonOutput,
    HistoryOutput,
    LinksOutput,
    SearchOutput,
    article_output,
    comparison_output,
    history_output,
    links_output,
    search_output,
    verify_output,
)
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

COMPARE = (
    "新旧对照：比较一部法律的两个版本，逐条列出修改、新增、删除和条号变动（附逐字差异）。"
    "回答“某法修改了什么”“修改前后有何不同”时用它。\n"
    "Compare two versions of a law article by article: changed, added, deleted and renumbered "
    "articles with character diffs. Use it for questions about what an amendment changed."
)
HISTORY = (
    "历次修改：一条条文（如「代表法第四十四条」）在该法各个版本中的原文和每次的改动。"
    "需要说明某条何时、如何修改时用它。\n"
    "One article (代表法第四十四条) through every version of its law, with each change. Use "
    "it to say when and how an article was amended."
)
LINKS = (
    "条文关联：一条条文（引用如「代表法第四十四条」或 id）引用了哪些条文、被哪些条文引用、由哪些地方性法规条文实施。"
    "需要找上位法依据、配套规定或地方实施办法时用它。\n"
    "What an article cites, what cites it, and the local articles implementing it (by citation "
    "or passage id). Use it to find the higher law behind a rule, or the rules carrying it out."
)


# The arguments several tools take, described once.
CitationArg = Annotated[
    QueryText,
    Field(description="条文引用或 id / a citation such as 代表法第四十四条, or a passage id"),
]
AsOfArg = Annotated[
    str | None, Field(description="在该日有效的版本 / versions in force on YYYY-MM-DD")
]
VersionsArg = Annotated[Versions, Field(description="current: 现行版本; all: 含旧版本")]


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
        as_of: AsOfArg = None,
        versions: VersionsArg = "current",
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
        citation: CitationArg,
        as_of: AsOfArg = None,
        versions: VersionsArg = "current",
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

    @_tool
    def compare_versions(
        self,
        old: Annotated[
            str,
            Field(
                description="旧版本：文件 id，或名称加年份如「代表法2015」 / older version: a document id or a name with a year",
                max_length=MAX_NAME_CHARS,
            ),
        ],
        new: Annotated[
            str | None,
            Field(
                description="新版本（省略则为其后一个版本） / newer version; default: the next one",
                max_length=MAX_NAME_CHARS,
            ),
        ] = None,
        include_unchanged: bool = False,
        limit: Annotated[int, Field(ge=1, le=MAX_CHANGES)] = 100,
    ) -> ComparisonOutput:
        return comparison_output(compare_named(self.library, old, new), include_unchanged, limit)

    @_tool
    def article_history(self, citation: CitationArg) -> HistoryOutput:
        hit = find_passage(self.library, citation)
        return history_output(self.library.passage_history(hit.id))

    @_tool
    def links(self, citation: CitationArg) -> LinksOutput:
        hit = find_passage(self.library, citation)
        return links_output(hit, self.library.links(hit.id))


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
        ("compare_versions", tools.compare_versions, COMPARE),
        ("article_history", tools.article_history, HISTORY),
        ("links", tools.links, LINKS),
    ):
        server.add_tool(fn, name=name, description=description, annotations=READ_ONLY)
    return server
