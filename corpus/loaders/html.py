"""Saved web pages: decode by declared charset, keep the article body, one line per paragraph."""

from __future__ import annotations

import logging
import re

from bs4 import BeautifulSoup, Tag

from corpus.loaders.encoding import decode_bytes
from corpus.loaders.html_body import extract_lines, find_container, flat_lines, strip_chrome
from corpus.text import Line, LoadedText, normalize_line
from kb.errors import UnreadableDocument

logger = logging.getLogger(__name__)

# <meta charset="gb2312">, <meta http-equiv="Content-Type" content="text/html; charset=gbk">,
# and <?xml version="1.0" encoding="…"?> all name the charset this way.
_CHARSET = re.compile(
    rb"""<(?:meta|\?xml)[^>]*?(?:charset|encoding)\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE
)
# Separators between the article title and the column/site names in a <title>.
_TITLE_SEP = re.compile(r"\s+[-–—|｜]\s+|[_｜|]")


def sniff_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 8 KB, if any."""
    match = _CHARSET.search(data[:8192])
    return match.group(1).decode("ascii", "replace") if match else None


def _title_text(soup: BeautifulSoup) -> str:
    tag = soup.find("title")
    return normalize_line(tag.get_text()) if tag else ""


def _title_guess(title_text: str) -> str:
    parts = [p for p in (normalize_line(s) for s in _TITLE_SEP.split(title_text)) if len(p) >= 2]
    return parts[0] if parts else title_text


def _matches(a: str, b: str) -> bool:
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return bool(a and b) and (a == b or (len(a) >= 6 and (a.startswith(b) or b.startswith(a))))


def find_title(soup: BeautifulSoup, title_text: str) -> Tag | None:
    """The element showing the page's title: an <h1> agreeing with <title>, or one equal to it."""
    guess = _title_guess(title_text)
    h1s = [h for h in soup.find_all("h1") if normalize_line(h.get_text())]
    for h1 in h1s:
        if not guess or _matches(normalize_line(h1.get_text()), guess):
            return h1
    if guess:
        for string in soup.find_all(string=lambda s: normalize_line(s) == guess):
            if string.parent is not None and string.parent.name != "title":
                return string.parent
    return None


def _is_inside(tag: Tag, container: Tag) -> bool:
    return tag is container or any(parent is container for parent in tag.parents)


def _with_title(lines: list[Line], title_el: Tag | None, container: Tag) -> list[Line]:
    if title_el is None or (title_el.parent is not None and _is_inside(title_el, container)):
        return lines
    title = normalize_line(title_el.get_text())
    if not title:
        return lines
    if lines and lines[0].text == title:
        return [Line(title, 1), *lines[1:]]
    return [Line(title, 1), *lines]


def _page_lines(text: str) -> tuple[list[Line], str | None]:
    soup = BeautifulSoup(text, "html.parser")
    title_text = _title_text(soup)
    title_el = find_title(soup, title_text)
    title = normalize_line(title_el.get_text()) if title_el else _title_guess(title_text)
    body = soup.body or soup
    strip_chrome(body)
    container = find_container(body)
    logger.debug(
        "content container <%s id=%r class=%r>",
        container.name,
        container.get("id"),
        container.get("class"),
    )
    return _with_title(extract_lines(container, title_el), title_el, container), title or None


def load(data: bytes, source: str) -> LoadedText:
    """Decode a saved web page and return its article title and paragraphs as lines."""
    declared = sniff_charset(data)
    text, encoding = decode_bytes(data, source, declared)
    try:
        lines, title = _page_lines(text)
    except RecursionError:
        logger.warning("%s: HTML nested too deeply for the parser, using flat text", source)
        lines, title = flat_lines(text), None
    except Exception as exc:  # noqa: BLE001 - a broken page must become a reason, not a crash
        logger.debug("%s: HTML parsing failed", source, exc_info=True)
        raise UnreadableDocument(source, f"cannot parse HTML ({type(exc).__name__})") from exc
    if not lines:
        raise UnreadableDocument(source, "no text found in the page")
    extra = {"declared_charset": declared} if declared else {}
    return LoadedText(source, "html", tuple(lines), encoding, title_hint=title, extra=extra)
