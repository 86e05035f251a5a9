"""MCP tools over version comparison (kb.compare): compare_versions and article_history.

mcpserver.server adds them when the Library has `compare` and `history`; they answer with the
same data as /api/compare and /api/history, typed.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from kb.compare.lookup import compare_named
from kb.compare.model import UNCHANGED
from kb.library import Library

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


class VersionRef(BaseModel):
    """One version of the work."""

    id: str
    title: str
    version_label: str
    version_date: str | None
    status: str


class Change(BaseModel):
    """An article and what became of it; diff steps are [op, text] with op =, - or +."""

    status: str = Field(description="changed | added | deleted | renumbered | unchanged")
    old_label: str | None
    new_label: str | None
    old_text: str | None
    new_text: str | None
    diff: list[list[str]]


class ComparisonOutput(BaseModel):
    """Two versions of one work, aligned article by article."""

    old: VersionRef
    new: VersionRef
    summary: dict[str, int]
    changes: list[Change] = Field(
        description="articles in reading order (unchanged ones only if asked)"
    )


class ArticleInVersion(BaseModel):
    """The article as it stood in one version."""

    version: VersionRef
    status: str = Field(
        description="original | unchanged | changed | renumbered | added | deleted | absent"
    )
    label: str | None
    text: str | None
    diff: list[list[str]] = Field(description="the change from the version before")


class HistoryOutput(BaseModel):
    """One article through every version of its work, oldest first."""

    title: str
    article: str
    versions: list[ArticleInVersion]


def _version(d) -> VersionRef:
    return VersionRef.model_validate(d, from_attributes=True)


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
                max_length=200,
            ),
        ],
        new: Annotated[
            str | None,
            Field(
                description="新版本（省略则为其后一个版本） / newer version; default: the next one",
                max_length=200,
            ),
        ] = None,
        include_unchanged: bool = False,
        limit: Annotated[int, Field(ge=1, le=500)] = 100,
    ) -> ComparisonOutput:
        c = compare_named(self.library, old, new)
        pairs = [p for p in c.pairs if include_unchanged or p.status != UNCHANGED][:limit]
        s = c.summary
        summary = {"unchanged": s.unchanged, "changed": s.changed, "added": s.added}
        summary |= {"deleted": s.deleted, "renumbered": s.renumbered, "headings": s.headings}
        changes = [
            Change(
                status=p.status,
                old_label=p.old.label if p.old else None,
                new_label=p.new.label if p.new else None,
                old_text=p.old.text if p.old else None,
                new_text=p.new.text if p.new else None,
                diff=[[op, text] for op, text in p.diff],
            )
            for p in pairs
        ]
        return ComparisonOutput(
            old=_version(c.old.document),
            new=_version(c.new.document),
            summary=summary,
            changes=changes,
        )

    def article_history(
        self,
        citation: Annotated[
            str,
            Field(
                description="条文引用，如「代表法第四十四条」 / a citation such as 代表法第四十四条",
                max_length=500,
            ),
        ],
    ) -> HistoryOutput:
        h = self.library.history(citation)
        versions = [
            ArticleInVersion(
                version=_version(v.version),
                status=v.status,
                label=v.passage.label if v.passage else None,
                text=v.passage.text if v.passage else None,
                diff=[[op, text] for op, text in v.diff],
            )
            for v in h.versions
        ]
        return HistoryOutput(title=h.title, article=h.label, versions=versions)
