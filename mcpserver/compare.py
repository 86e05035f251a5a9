"""MCP tools over version comparison (kb.compare): compare_versions and article_history.

mcpserver.server adds them when the Library has `compare` and `history`; they answer with the
same data as /api/compare and /api/history, typed.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kb.compare.lookup import compare_named
from kb.config import MAX_CHANGES, MAX_NAME_CHARS
from kb.library import Library
from kb.shapes.params import QueryText
from kb.shapes.tools import ComparisonOutput, HistoryOutput, comparison_output, history_output

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


class CompareTools:
    """The comparison tools, bound to one Library (errors are turned into tool errors by the caller)."""

    def __init__(self, library: Library):
        self.library = library

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

    def article_history(
        self,
        citation: Annotated[
            QueryText,
            Field(
                description="条文引用，如「代表法第四十四条」 / a citation such as 代表法第四十四条"
            ),
        ],
    ) -> HistoryOutput:
        return history_output(self.library.history(citation))
