"""What the reference finder returns: positions (条/款/项) and references found in running text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = [  # re-exported by kb.references
    "ARTICLE",
    "DOCUMENT",
    "INHERITED",
    "NAMED",
    "NUMBER",
    "SAME",
    "SELF",
    "NameIndex",
    "Position",
    "Reference",
]

# Reference.scope: how the text names the work it points at.
NAMED = "named"  # a title in 《…》 or a name such as 选举法 / 宪法 (Reference.name is the name)
SELF = "self"  # 本法 / 本条例 / 本办法 …, or positions with no work named (第十条, 前款)
SAME = "same"  # 同法 / 该法 / 该条例: the work named last before it (Reference.name, if any)
INHERITED = "inherited"  # no work written, but one was named earlier in the same sentence
NUMBER = "number"  # a document number (文号) such as 国发〔2020〕1号

# Reference.kind
ARTICLE = "article"  # points at 条/款/项 (positions not empty)
DOCUMENT = "document"  # points at a whole document (依照《…》的规定, 根据代表法)


@dataclass(frozen=True)
class Position:
    """One place in a work: 第三十条之一第二款第（三）项 → Position(30, 1, 2, 3).

    `article` is None when it is counted from the citing article and that is not known
    (本条第二款 or 前款 in a text that is not an article).
    """

    article: int | None
    suffix: int = 0  # 1 for 第三十条之一
    paragraph: int | None = None  # 款
    item: int | None = None  # 项
    subitem: int | None = None  # 目 (read in typed queries only)


@dataclass(frozen=True)
class Reference:
    """One reference found in a text, with its span [start, end) into that text."""

    start: int
    end: int
    text: str  # the words as written: text[start:end], e.g. 《中华人民共和国代表法》第四十四条
    work: str  # the work as written: 中华人民共和国代表法 (inside 《》), 代表法, 本法, 同法, or ""
    name: str  # the name to look the work up by ("" for scope self; see Reference.scope)
    scope: str  # named | self | same | inherited | number (see the constants above)
    kind: str  # article | document
    positions: tuple[Position, ...] = ()  # empty for a document-level reference
    relative: str = ""  # 前款 / 前两款 / 前条 / 本条 when positions count from the citing article
    version: str = ""  # a version written after the title: （2018年修正） → 2018年修正


class NameIndex(Protocol):
    """Known work names (kb.query.aliases.AliasTable satisfies it)."""

    def find_suffix(self, text: str) -> tuple[str, set[str]] | None:
        """The longest known name `text` ends with, and its work keys; None when none."""
        ...
