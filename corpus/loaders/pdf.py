"""Text PDFs via pdfminer.six layout analysis: visual rows rejoined into paragraph lines."""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Iterator
from io import BytesIO

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTAnno, LTChar, LTContainer, LTPage, LTTextLineHorizontal
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSEOF
from pdfminer.utils import decode_text

from corpus.loaders.pdf_layout import Row, drop_furniture, merge_rows, paragraphs
from corpus.text import Line, LoadedText, normalize_line
from kb.errors import UnreadableDocument

logger = logging.getLogger(__name__)

_CID = re.compile(r"\(cid:\d+\)")
_OPENING = set("“‘（《〈「『【〔﹝([{")
_CLOSING = set("，。、；：？！”’）》〉」』】〕﹞,.;:?!)]}%")


def _text_lines(layout: LTPage) -> Iterator[LTTextLineHorizontal]:
    """Every horizontal text line on a page, including those inside figures."""
    stack: list = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLineHorizontal):
            yield item
        elif isinstance(item, LTContainer):
            stack.extend(item)


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _line_text(items: list) -> str:
    """Glyphs only: pdfminer's guessed spaces (LTAnno) survive only between Latin letters/digits."""
    out: list[str] = []
    for i, item in enumerate(items):
        text = item.get_text()
        if isinstance(item, LTAnno):
            after = next((x.get_text() for x in items[i + 1 :] if isinstance(x, LTChar)), "")
            before = out[-1][-1:] if out else ""
            text = " " if text == " " and _latin(before) and _latin(after[:1]) else ""
        if text:
            out.append(text)
    return "".join(out)


def _lead_width(chars: list[LTChar]) -> float:
    """Width of the first token a line breaker may not split: opening marks, 字 or a Latin word,
    closing marks."""
    texts = [c.get_text() for c in chars]
    end = 0
    while end < len(texts) - 1 and texts[end] in _OPENING:
        end += 1
    end += 1
    if _latin(texts[end - 1]):
        while end < len(texts) and _latin(texts[end]):
            end += 1
    while end < len(texts) and texts[end] in _CLOSING:
        end += 1
    return chars[end - 1].x1 - chars[0].x0


def _row(line: LTTextLineHorizontal, page: int, height: float) -> Row | None:
    items = list(line)
    chars = [c for c in items if isinstance(c, LTChar) and c.get_text().strip()]
    text = _line_text(items).strip().strip("\u3000")
    if not chars or not text.strip():
        return None
    size = statistics.median(c.size for c in chars)
    return Row(
        page,
        chars[0].x0,
        max(c.x1 for c in chars),
        max(c.y1 for c in chars),
        min(c.y0 for c in chars),
        round(size * 2) / 2,
        text,
        _lead_width(chars),
        height,
    )


def _info_title(document: PDFDocument) -> str | None:
    for info in document.info:
        title = resolve1(info.get("Title"))
        if isinstance(title, bytes):
            return normalize_line(decode_text(title)) or None
    return None


def _read_pages(data: bytes) -> tuple[list[list[Row]], str | None]:
    document = PDFDocument(PDFParser(BytesIO(data)))
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(resources, device)
    pages: list[list[Row]] = []
    for number, page in enumerate(PDFPage.create_pages(document)):
        interpreter.process_page(page)
        layout = device.get_result()
        rows = [r for r in (_row(x, number, layout.height) for x in _text_lines(layout)) if r]
        pages.append(merge_rows(rows))
    return pages, _info_title(document)


def _failure(exc: Exception) -> str:
    """A reader's explanation of why pdfminer could not open the file."""
    if isinstance(exc, PDFPasswordIncorrect):
        return "encrypted PDF (a password is required)"
    if isinstance(exc, PDFEncryptionError):
        return f"encrypted PDF ({exc or 'unsupported encryption'})"
    if isinstance(exc, PSEOF):
        return "not a valid PDF (truncated: unexpected end of file)"
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"not a valid PDF ({detail[:200]})"


def _read(data: bytes, source: str) -> tuple[list[list[Row]], str | None]:
    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocument(source, "not a PDF file (no %PDF header)")
    try:
        return _read_pages(data)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on broken files
        logger.debug("%s: pdfminer failed", source, exc_info=True)
        raise UnreadableDocument(source, _failure(exc)) from exc


def load(data: bytes, source: str) -> LoadedText:
    """Extract a text PDF's paragraphs in reading order, without page numbers or running headers."""
    pages, title = _read(data, source)
    rows = [row for page in drop_furniture(pages) for row in page]
    if not rows:
        reason = "no pages" if not pages else "no text layer (scanned or image-only PDF?)"
        raise UnreadableDocument(source, reason)
    text = "".join(r.text for r in rows)
    if len("".join(_CID.findall(text))) > len(text) / 2:
        raise UnreadableDocument(source, "PDF fonts have no Unicode mapping (text unreadable)")
    lines = tuple(Line(t) for t in (normalize_line(p) for p in paragraphs(rows)) if t)
    return LoadedText(source, "pdf", lines, title_hint=title, extra={"pages": len(pages)})
