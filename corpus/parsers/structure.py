"""Body tokens → blocks: one per article (条), numbered item (一、 / 1.) or prose line."""

from __future__ import annotations

from corpus.parsers.blocks import Body, Builder, body_mode
from corpus.parsers.tokens import Token, tokenize
from corpus.text import Line


def parse_body(lines: list[Line], amending: bool = False) -> Body:
    """Blocks and headings of a body; `amending` texts (修正案, 修改决定) may quote articles."""
    tokens = tokenize(lines)
    mode = body_mode(tokens)
    if mode == "article":
        return _walk_articles(tokens, amending)
    if mode == "item":
        return _walk_items(tokens)
    builder = Builder()
    builder.seen_unit = True  # prose: every line is a paragraph
    for token in tokens:
        if token.kind == "heading":
            builder.heading(token)
        else:
            builder.append(token.text)
    return builder.body()


def _quoting(builder: Builder, amending: bool) -> bool:
    """An amending article ending in a colon quotes what follows (new articles, even headings)."""
    block = builder.current
    return (
        amending
        and block is not None
        and block.role == "article"
        and block.lines[-1].endswith(("：", ":"))
    )


def _walk_articles(tokens: list[Token], amending: bool) -> Body:
    builder = Builder()
    quoted = articles_seen = False
    for token in tokens:
        block = builder.current
        if quoted and block is not None:
            resumes = (
                token.kind == "article"
                and token.suffix == 0
                and token.number == (block.number or 0) + 1
            )
            if not resumes:
                block.lines.append(token.text)
                continue
            quoted = False
        if token.kind == "heading":
            builder.heading(token)
        elif token.kind == "article":
            builder.start("article", token)
            articles_seen = True
        elif (
            token.kind == "item"
            and (block is None or block.role == "item")
            and (builder.in_appendix() or not articles_seen)
        ):
            builder.start("item", token)  # appendix items; a 修改决定's items before its text
        else:
            builder.append(token.text)
        quoted = quoted or _quoting(builder, amending)
        quoted = quoted and builder.current is not None
    return builder.body()


def _sections_with_points(tokens: list[Token]) -> set[int]:
    """Indices of headings whose section (up to the next heading) has 1. / 2. lines."""
    found: set[int] = set()
    section = None
    for index, token in enumerate(tokens):
        if token.kind == "heading":
            section = index
        elif token.kind == "point" and section is not None:
            found.add(section)
    return found


def _walk_items(tokens: list[Token]) -> Body:
    builder = Builder()
    pointed = _sections_with_points(tokens)
    last, points, section_open = 0, False, False
    for index, token in enumerate(tokens):
        if token.kind == "heading":
            builder.heading(token)
            last, points, section_open = 0, index in pointed and token.number is not None, True
            continue
        head = builder.numbered_heading()
        if points and token.kind == "point":
            builder.start("item", token, cite_label=f"{head.label}{token.label}" if head else "")
        elif token.kind == "item" and (token.number or 0) > last:
            builder.start("item", token)
            last = token.number or 0
        elif (
            section_open
            and head is not None
            and not points
            and builder.current is None
            and head is builder.stack[-1][2]
        ):
            builder.start("item", Token("item", token.text, number=head.number, label=head.label))
        else:
            builder.append(token.text)
        section_open = section_open and builder.current is None
    return builder.body()
