"""Resolved links between passages and documents, as stored with a build."""

from __future__ import annotations

from dataclasses import dataclass

CITES = "cites"  # the citing text names it (a reference)
IMPLEMENTS = "implements"  # a local implementing article matches this national article
# Document relations
IMPLEMENTS_WORK = "implements"  # a local 实施办法 / 实施细则 / 若干规定 → the national law
INTERPRETS = "interprets"  # a 司法解释 → the law it interprets
BASED_ON = "based_on"  # 根据《…》制定 in a document's first articles

# Why a reference found no passage.
NOT_IN_COLLECTION = "work not in the collection"
NOT_A_LAW = "not a law or regulation"
BEYOND = "article beyond the work's length"
NO_SUCH_ARTICLE = "no such article in the work"
PARAGRAPH_BEYOND = "paragraph beyond the article"
ITEM_BEYOND = "item beyond the paragraph"
AMBIGUOUS = "ambiguous name"
NO_ARTICLE = "position counted from an unknown article"
NO_EARLIER_WORK = "同法 / 该法 with no work named before"
REVISED = "the version in force then is not held (amended since: numbers may differ)"


@dataclass(frozen=True)
class Link:
    """From a span of a citing passage (or a whole passage) to a passage or a document."""

    source_doc: str
    source_ordinal: int
    start: int  # span of the words in the citing passage ([start, end); 0, 0 when none)
    end: int
    text: str  # the words as written ("" for an implementing match)
    kind: str  # article | document
    target_doc: str
    target_ordinal: int | None  # None for a document-level link
    paragraph: int | None = None
    item: int | None = None
    relation: str = CITES
    scope: str = ""  # the reference's scope (named, self …), "" for implementing matches
    exact: bool = True  # False: the version in force on the citing date is not held, a later one is

    def row(self) -> list:
        """The link as a JSON list (its fields in order)."""
        return row(self)

    @property
    def source(self) -> str:
        return f"{self.source_doc}-{self.source_ordinal}"

    @property
    def target(self) -> str | None:
        return None if self.target_ordinal is None else f"{self.target_doc}-{self.target_ordinal}"


@dataclass(frozen=True)
class Unresolved:
    """A reference that found no passage, and why."""

    source_doc: str
    source_ordinal: int
    start: int
    end: int
    text: str
    name: str
    reason: str
    category: str  # self | bare | relative | named | inherited | same | document | number

    def row(self) -> list:
        """As a JSON list (its fields in order)."""
        return row(self)


@dataclass(frozen=True)
class Relation:
    """One document implementing, interpreting or resting on another work's version."""

    doc: str
    relation: str
    target_doc: str

    def row(self) -> list:
        """As a JSON list (its fields in order)."""
        return row(self)


def row(record) -> list:
    """A flat dataclass's fields in order (dataclasses.astuple deep-copies: 100x slower)."""
    return list(vars(record).values())
