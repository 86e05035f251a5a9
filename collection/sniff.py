"""What an uploaded file really is, judged from its bytes, and the limits checked before a
loader opens it: archive entries and declared sizes of a .docx, page count of a PDF.

The name a browser sends is never trusted: a .pdf that is a zip is read as what it is, or
refused when it is nothing the loaders read.
"""

from __future__ import annotations

import io
import re
import zipfile

from corpus.loaders import MAX_FILE_BYTES, MAX_FILE_MB
from kb.errors import TooLarge, Unsupported

# A .docx is a zip: these bound what python-docx may be asked to inflate.
MAX_ENTRIES = 2000
MAX_UNPACKED = 200 * 1024 * 1024  # bytes, all entries together, as declared
MAX_RATIO = 200  # declared size / compressed size of one entry (a bomb inflates 1000x)
MAX_PAGES = 1000  # pages of a PDF (a law or a bulletin has a few hundred at most)
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def kind_of(data: bytes) -> str:
    """The loader suffix for these bytes: .pdf, .docx, .html or .txt; Unsupported otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(f"the file is larger than {MAX_FILE_MB} MB")
    if not data.strip():
        raise Unsupported("the file is empty")
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        check_pdf(data)
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        check_docx(data)
        return ".docx"
    if data.startswith(_OLE):
        raise Unsupported("an old .doc or a password-protected file: save it as .docx")
    text = _text(data)
    if text is None:
        raise Unsupported("not a document kb reads (md, txt, html, docx or text pdf)")
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return ".html"
    return ".txt"


def _text(data: bytes) -> str | None:
    """The bytes as text when they are text in an encoding the loaders read, else None."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\r\n\t\f")
        if controls <= 2:
            return text
    return None


def check_docx(data: bytes) -> None:
    """Refuse a zip that is not a Word document or would inflate beyond the limits, reading
    only its central directory (nothing is decompressed here)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Unsupported(f"not a valid .docx (a damaged or truncated zip: {exc})") from exc
    names = {i.filename for i in infos}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise Unsupported("a zip archive that is not a Word .docx (no word/document.xml)")
    if len(infos) > MAX_ENTRIES:
        raise TooLarge(f"a .docx with {len(infos)} parts (at most {MAX_ENTRIES})")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise TooLarge(
            f"the .docx would unpack to {total // 2**20} MB (at most {MAX_UNPACKED // 2**20} MB)"
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise TooLarge(
                f"the .docx part {info.filename[:60]} is compressed {info.file_size // max(1, info.compress_size)}"
                f"-fold (a zip bomb?)"
            )


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with more pages than MAX_PAGES: the page tree's own count (read from the
    cross-reference table, no page is laid out), else the page objects in plain sight."""
    pages = max(_declared_pages(data), len(_PAGE.findall(data)))
    if pages > MAX_PAGES:
        raise TooLarge(f"a PDF of {pages} pages (at most {MAX_PAGES})")


def _declared_pages(data: bytes) -> int:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        count = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
        return int(count) if isinstance(count, int) else 0
    except Exception:  # noqa: BLE001 - a damaged PDF is judged by the loader, with its reason
        return 0
