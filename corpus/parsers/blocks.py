"""Tokens → blocks (the future passages) and headings: articles, numbered items, preamble, prose."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.parsers.tokens import Token


@dataclass
class Block:
    """Lines that will become one passage."""

    role: str  # article | item | preamble | paragraph
    heading_path: tuple[str, ...]
    lines: list[str] = field(default_factory=list)
    number: int | None = None
    suffix: int = 0
    label: str = ""
    cite_label: str = ""  # for 1. items under a 二、 heading: "二、1."


@dataclass(frozen=True)
class Body:
    """A parsed body: blocks in order and headings as (level, text, first block index)."""

    blocks: list[Block]
    headings: list[tuple[int, str, int]]


def body_mode(tokens: list[Token]) -> str:
    """article (第X条), item (一、 or numbered headings) or prose."""
    kinds = {t.kind for t in tokens}
    if "article" in kinds:
        return "article"
    if "item" in kinds or any(t.kind == "heading" and t.number for t in tokens):
        return "item"
    return "prose"


class Builder:
    """Accumulates blocks and the heading stack while walking the tokens."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str, int]] = []
        self.stack: list[tuple[int, str, Token]] = []
        self.current: Block | None = None
        self.seen_unit = False  # an article or item has started

    def path(self) -> tuple[str, ...]:
        """The texts of the open headings, outermost first."""
        return tuple(text for _, text, _ in self.stack)

    def heading(self, token: Token) -> None:
        """Close the open block and open a heading at its level."""
        self.current = None
        while self.stack and self.stack[-1][0] >= token.level:
            self.stack.pop()
        self.stack.append((token.level, token.text, token))
        self.headings.append((token.level, token.text, len(self.blocks)))

    def start(self, role: str, token: Token, cite_label: str = "") -> None:
        """Open a new article or item block starting with the token's line."""
        self.current = Block(
            role,
            self.path(),
            [token.text],
            token.number,
            token.suffix,
            token.label,
            cite_label or token.label,
        )
        self.blocks.append(self.current)
        self.seen_unit = True

    def append(self, text: str) -> None:
        """Add a line to the open block, or make it a block of its own."""
        if self.current is not None:
            self.current.lines.append(text)
            return
        role = "paragraph" if self.seen_unit or self.in_appendix() else "preamble"
        self.blocks.append(Block(role, self.path(), [text]))

    def in_appendix(self) -> bool:
        """True below a 附件 / 附表 heading."""
        return any(token.appendix for _, _, token in self.stack)

    def numbered_heading(self) -> Token | None:
        """The innermost open 一、-numbered heading, if any."""
        return next((t for _, _, t in reversed(self.stack) if t.number), None)

    def body(self) -> Body:
        """The result."""
        return Body(self.blocks, self.headings)
