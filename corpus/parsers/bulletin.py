"""Work bulletins (工作简报): masthead, 编者按, article title, 一、/（一） sections, paragraphs.

Every line of the bulletin's body is a passage (the title and section headings too, so a
search for a heading's words finds it); the masthead, the source note and 抄送/分送 are not.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from corpus.parsers.blocks import Block, Builder
from corpus.parsers.metadata import infer_region
from corpus.parsers.passages import build_passages, document_id, folders
from corpus.parsers.patterns import (
    DATE,
    ITEM,
    SUB_ITEM,
    is_heading_like,
    is_noise,
    iso_date,
    squash,
)
from corpus.parsers.tokens import Token
from corpus.text import LoadedText
from kb.models import Document, Heading, HistoryEntry

_ISSUE = re.compile(r"[（(]\s*(\d{4}\s*年度?\s*第\s*\d+\s*期)\s*[）)]")
_RECIPIENTS = re.compile(r"^(?:抄送|分送|报送|发送|送)\s*[:：]")
_SOURCE_NOTE = re.compile(r"^[（(](.+?)供稿[）)]$")
_EDITOR = re.compile(r"^编者按\s*[:：]?")
MASTHEAD_LINES = 4
TITLE_LEVEL, SECTION_LEVEL, SUBSECTION_LEVEL = 0, 1, 2
SECTION_MAX = 60


def is_bulletin(loaded: LoadedText) -> bool:
    """True for a 工作简报: in the 工作简报 folder, or its first line names a 简报."""
    parts = folders(loaded.source)
    first = loaded.lines[0].text if loaded.lines else ""
    return (bool(parts) and parts[0] == "工作简报") or first.endswith("简报")


def _masthead(lines: list[str]) -> tuple[str | None, str | None, str | None, int]:
    """(issue, issuer, ISO date, index of the first line after the masthead)."""
    issue = issuer = date = None
    end = 1
    for index, text in enumerate(lines[:MASTHEAD_LINES]):
        m = _ISSUE.search(text)
        if m and issue is None:
            issue, end = re.sub(r"\s+", "", m.group(1)), index + 1
        d = DATE.search(text)
        if d and date is None:
            date, end = iso_date(text), index + 1
            issuer = text[: d.start()].strip() or None
    return issue, issuer, date, end


def _section_level(text: str) -> int | None:
    body = text.rstrip("。")
    if len(text) > SECTION_MAX or "。" in body:
        return None
    if ITEM.match(text):
        return SECTION_LEVEL
    if SUB_ITEM.match(text):
        return SUBSECTION_LEVEL
    return None


def _title_end(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines) and is_heading_like(lines[end]) and _section_level(lines[end]) is None:
        end += 1
    return end


def parse_bulletin(loaded: LoadedText, content_hash: str = "") -> Document:
    """Parse a bulletin: passages are its paragraphs (and the 编者按), cited by section."""
    lines = [ln.text for ln in loaded.lines if not is_noise(ln.text)]
    issue, issuer, date, index = _masthead(lines)
    history = [HistoryEntry(date, issuer or "", "印发", " ".join(lines[:index]))] if date else []
    builder, recipients = Builder(), []
    builder.seen_unit = True
    if index < len(lines) and _EDITOR.match(lines[index]):
        builder.blocks.append(Block("editor_note", ("编者按",), [lines[index]]))
        index += 1
    end = _title_end(lines, index)
    if end > index:
        builder.heading(Token("heading", "".join(lines[index:end]), TITLE_LEVEL))
        builder.append(builder.stack[-1][1])
    for text in lines[end:]:
        _add_line(builder, text, history, recipients)
    title = PurePosixPath(loaded.source).stem
    doc_id = document_id(loaded.source)
    return Document(
        id=doc_id,
        title=title,
        subtitle=None,
        kind="工作简报",
        issuer=issuer,
        region=infer_region(title, issuer, folders(loaded.source)),
        city=None,
        version_date=date,
        effective_date=None,
        version_label=issue or "",
        history=tuple(history),
        headings=tuple(Heading(lv, text, first) for lv, text, first in builder.headings),
        passages=build_passages(doc_id, builder.blocks, title, issue or ""),
        source=loaded.source,
        work_key=squash(title),
        content_hash=content_hash,
        issue=issue,
        recipients=tuple(recipients),
    )


def _add_line(
    builder: Builder, text: str, history: list[HistoryEntry], recipients: list[str]
) -> None:
    """Route one body line: section heading, source note, 抄送/分送, or a paragraph."""
    note = _SOURCE_NOTE.match(text)
    level = _section_level(text)
    if _RECIPIENTS.match(text):
        recipients.append(text)
    elif recipients:
        if DATE.search(text):
            history.append(
                HistoryEntry(
                    iso_date(text), text[: DATE.search(text).start()].strip(), "印发", text
                )
            )
        else:
            recipients[-1] += text
    elif note:
        history.append(HistoryEntry(None, note.group(1), "供稿", text))
    elif level is not None:  # a heading, and a line people search for like any other
        builder.heading(Token("heading", text, level))
        builder.append(text)
    else:
        builder.append(text)
