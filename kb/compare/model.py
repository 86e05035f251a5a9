"""The plain dataclasses of a comparison and of an article's history."""

from __future__ import annotations

from dataclasses import dataclass

from kb.compare.diff import Diff
from kb.models import DocumentInfo, Heading, Passage

# Statuses of a pair of articles (and of an article in its history).
UNCHANGED, CHANGED, ADDED, DELETED, RENUMBERED = (
    "unchanged",
    "changed",
    "added",
    "deleted",
    "renumbered",
)
STATUSES = (UNCHANGED, CHANGED, ADDED, DELETED, RENUMBERED)
RENAMED = "renamed"  # a heading whose words changed
HEADING_STATUSES = (UNCHANGED, RENAMED, ADDED, DELETED, RENUMBERED)
ORIGINAL, ABSENT = "original", "absent"  # history: the oldest text; a version without it


@dataclass(frozen=True)
class VersionText:
    """One version of a work as compared: its passages (all its parts, in order) and headings."""

    document: DocumentInfo  # the document asked for
    parts: tuple[str, ...]  # ids of the documents joined, in order (one unless split in 编)
    passages: tuple[Passage, ...]
    headings: tuple[Heading, ...]  # first_passage: position in `passages`, not an ordinal


@dataclass(frozen=True)
class Pair:
    """An article of the old version and what became of it in the new one."""

    status: str  # one of STATUSES
    old: Passage | None  # None when added
    new: Passage | None  # None when deleted
    diff: Diff  # turns old.text into new.text
    similarity: float  # 1.0 for the same words
    moved: bool = False  # paired out of order: moved elsewhere in the text


@dataclass(frozen=True)
class HeadingPair:
    """A 编/章/节 heading that stayed, was renamed, renumbered, added or deleted."""

    status: str  # one of HEADING_STATUSES
    old: Heading | None
    new: Heading | None
    diff: Diff
    before: int  # the position in Comparison.pairs of the first article under it


@dataclass(frozen=True)
class Summary:
    """How many pairs have each status, and how many headings changed."""

    unchanged: int
    changed: int
    added: int
    deleted: int
    renumbered: int
    headings: int  # headings renamed, renumbered, added or deleted


@dataclass(frozen=True)
class Comparison:
    """Two versions of one work, aligned article by article."""

    old: VersionText
    new: VersionText
    summary: Summary
    pairs: tuple[Pair, ...]  # in reading order: new order, deletions where they stood
    headings: tuple[HeadingPair, ...]
    took_ms: float = 0.0


@dataclass(frozen=True)
class ArticleVersion:
    """An article as it stood in one version of its work."""

    version: DocumentInfo  # the version (document) it stands in
    status: str  # original | unchanged | changed | renumbered | added | deleted | absent
    passage: Passage | None  # None where the version has no such article
    diff: Diff  # the change from the previous version's text ("" for the first)


@dataclass(frozen=True)
class ArticleHistory:
    """One article through every version of its work, oldest first."""

    title: str
    label: str  # the article asked for, e.g. 第四十四条
    asked: str  # id of the passage the question resolved to
    versions: tuple[ArticleVersion, ...]
