"""Word .docx files: body paragraphs (and table cells) in order, with Title/Heading levels."""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from io import BytesIO

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from corpus.text import Line, LoadedText, normalize_line
from kb.errors import UnreadableDocument

logger = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, or an encrypted .docx
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Text under these is not the paragraph's own: text boxes (kept twice, once as a fallback).
_NOT_OWN_TEXT = {f"{_W}txbxContent", f"{_MC}Fallback"}


def _style_level(paragraph: Paragraph) -> int | None:
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return None
    if name.lower() == "title":
        return 1
    match = _HEADING_STYLE.match(name)
    return int(match.group(1)) + 1 if match else None


def _is_own(element: object, paragraph: object) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is paragraph:
            return True
        if ancestor.tag in _NOT_OWN_TEXT:
            return False
    return True


def _paragraph_text(paragraph: Paragraph) -> str:
    """Visible text incl. tracked insertions, smart tags and content controls, which
    python-docx's `Paragraph.text` skips; soft line breaks become newlines."""
    parts: list[str] = []
    root = paragraph._p
    for el in root.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if not _is_own(el, root):
            continue
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
        elif el.tag == f"{_W}tab":
            parts.append("\t")
        elif el.get(f"{_W}type") in (None, "textWrapping"):
            parts.append("\n")  # page and column breaks are layout, not text
    return "".join(parts)


def _table_paragraphs(table: Table) -> Iterator[Paragraph]:
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell repeats in every row/column it spans
                continue
            seen.add(id(cell._tc))
            for block in cell.iter_inner_content():
                yield from _table_paragraphs(block) if isinstance(block, Table) else [block]


def _paragraphs(document: DocxDocument) -> Iterator[Paragraph]:
    for block in document.iter_inner_content():
        yield from _table_paragraphs(block) if isinstance(block, Table) else [block]


def _failure(exc: Exception) -> str:
    """Why python-docx could not open the package, in a reader's words."""
    if isinstance(exc, zipfile.BadZipFile):
        return "not a valid .docx (not a zip archive, or truncated/damaged)"
    if isinstance(exc, KeyError):
        return "not a valid .docx (a zip archive without the Word document parts)"
    return f"not a valid .docx ({str(exc) or type(exc).__name__})"


def _open(data: bytes, source: str) -> DocxDocument:
    if data.startswith(_OLE_MAGIC):
        raise UnreadableDocument(source, "not a valid .docx (old .doc or password-protected)")
    try:
        return docx.Document(BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - zipfile, lxml and python-docx raise many kinds
        logger.debug("%s: python-docx failed", source, exc_info=True)
        raise UnreadableDocument(source, _failure(exc)) from exc


def load(data: bytes, source: str) -> LoadedText:
    """Read a .docx into one line per non-empty paragraph, Title → level 1, Heading N → N+1."""
    document = _open(data, source)
    lines: list[Line] = []
    try:
        for paragraph in _paragraphs(document):
            level = _style_level(paragraph)
            for part in _paragraph_text(
                paragraph
            ).splitlines():  # soft line breaks split like HTML <br>
                text = normalize_line(part)
                if text:
                    lines.append(Line(text, level))
        title = normalize_line(document.core_properties.title or "") or None
    except Exception as exc:  # noqa: BLE001 - malformed XML inside an otherwise valid package
        logger.debug("%s: reading paragraphs failed", source, exc_info=True)
        raise UnreadableDocument(source, f"not a valid .docx ({type(exc).__name__})") from exc
    if title is None:
        title = next((line.text for line in lines if line.level == 1), None)
    return LoadedText(source, "docx", tuple(lines), title_hint=title)
