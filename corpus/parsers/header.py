"""Split a loaded text into title, subtitle, history lines and body, with or without hints."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.parsers.history import is_open, is_undated_event, starts_entry
from corpus.parsers.patterns import (
    article_number,
    heading_level,
    is_heading_like,
    is_noise,
    squash,
)
from corpus.text import Line, LoadedText


@dataclass(frozen=True)
class Header:
    """The parts of a document before its body."""

    title: str
    subtitle: str | None
    history: list[str]  # history lines as written (continuations not yet joined)
    body: list[Line]


def is_title_fragment(text: str, title: str, previous: str = "") -> bool:
    """True for a line that repeats (part of) the title, e.g. a title wrapped over two lines;
    `previous` is the fragment just before, so a short tail (…的 / 解释) is recognised too."""
    whole = squash(title).replace("、", "")
    key = squash(text).replace("、", "")
    if heading_level(text) is not None or not key:
        return False
    return (len(key) >= 4 and key in whole) or (
        bool(previous) and squash(previous + text).replace("、", "") in whole
    )


def _skip_fragments(lines: list[Line], start: int, title: str) -> int:
    i, previous = start, ""
    while i < len(lines) and is_title_fragment(lines[i].text, title, previous):
        previous = lines[i].text
        i += 1
    return i


def split_header(loaded: LoadedText) -> Header:
    """Find the title, the history lines and where the body starts."""
    lines = [ln for ln in loaded.lines if not is_noise(ln.text)]
    if not lines:
        return Header("", None, [], [])
    title = lines[0].text
    start = 1
    subtitle = None
    if loaded.info_end is not None and len(lines) > 1 and lines[1].level == 1:
        subtitle, start = lines[1].text, 2
    if loaded.info_end is not None:
        info_end = _info_end(loaded, lines)
        info = [ln.text for ln in lines[start:info_end] if not is_title_fragment(ln.text, title)]
        body = lines[info_end:]
        first, moved = _history_in_body(body, info, title)
        return Header(title, subtitle, info + moved, body[first:])
    return _scan_without_hints(lines, title)


def _history_in_body(body: list[Line], info: list[str], title: str) -> tuple[int, list[str]]:
    """Header matter at the top of a Markdown body: title fragments (dropped), 文号, history
    lines (often in parentheses) and the closing part of an open info line."""
    moved: list[str] = []
    previous = ""
    for index, line in enumerate(body):
        text = line.text
        if is_title_fragment(text, title, previous):
            previous = text
            continue
        previous = ""
        last = (moved or info or [""])[-1]
        closing = is_open(last) and text.endswith(("）", ")")) and bool(info or moved)
        if not (starts_entry(text) or closing) or not _continues(text):
            return index, moved
        moved.append(text)
    return len(body), moved


def _info_end(loaded: LoadedText, lines: list[Line]) -> int:
    """Index of INFO END within the noise-filtered lines."""
    kept = sum(1 for ln in loaded.lines[: loaded.info_end] if not is_noise(ln.text))
    return min(kept, len(lines))


def _scan_without_hints(lines: list[Line], title: str) -> Header:
    """Without INFO END: history is the run of dated lines (and wrapped tails) after the title."""
    i = _skip_fragments(lines, 1, title)
    subtitle = None
    if i + 1 < len(lines) and _is_subtitle(lines[i].text) and starts_entry(lines[i + 1].text):
        subtitle, i = lines[i].text, i + 1  # 民法典: the 编 under the title
    history: list[str] = []
    while i < len(lines):
        text = lines[i].text
        if is_title_fragment(text, title):
            pass
        elif starts_entry(text):
            history.append(text)
        elif history and is_open(history[-1]) and _continues(text):
            history[-1] += text
        elif history and is_undated_event(text):
            history.append(text)
        else:
            break
        i += 1
    return Header(title, subtitle, history, lines[_skip_fragments(lines, i, title) :])


def _is_subtitle(text: str) -> bool:
    return (
        len(text) <= 12
        and is_heading_like(text)
        and not starts_entry(text)
        and article_number(text) is None
    )


def _continues(text: str) -> bool:
    """Could `text` be the wrapped tail of a history line?"""
    return (
        article_number(text) is None
        and heading_level(text) is None
        and len(text) < 200
        and "。" not in text
        and not text.endswith(("：", ":"))
    )
