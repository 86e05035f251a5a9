"""A web page's article body: strip site chrome, find the content block, emit paragraph lines."""

from __future__ import annotations

import logging
import re
from html import unescape

from bs4.element import Comment, NavigableString, PreformattedString, Tag

from corpus.loaders.html_sizes import measure
from corpus.text import Line, normalize_line

logger = logging.getLogger(__name__)

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section "
    "summary table tbody td tfoot th thead tr ul".split()
)
_LEAF_TAGS = "p div td th li dd pre blockquote section article h1 h2 h3 h4 h5 h6".split()
_DROP_TAGS = (
    "head script style noscript template iframe object embed form button select input "
    "textarea svg canvas map".split()
)
_CHROME_TAGS = ["header", "nav", "footer", "aside", "menu"]
# class/id words (split on space, '-', '_') that mark site chrome rather than article text
_NOISE_WORDS = frozenset(
    "nav navbar menu submenu leftmenu breadcrumb breadcrumbs crumb crumbs position location "
    "footer foot header top topbar toplink toolbar tools share bdshare social prev next "
    "prevnext pager pagination sidebar side aside related relate links friendlink copyright "
    "banner ad ads advert comment comments meta info rtit search logo print fontsize".split()
)
_CONTENT_NAMES = re.compile(r"content|article|zoom|trs|editor|text|zw|detail|entry|post", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


def cjk_count(text: str) -> int:
    """Number of CJK ideographs in `text`."""
    return len(_CJK.findall(text))


def _name_words(tag: Tag) -> set[str]:
    values = [tag.get("id") or "", *(tag.get("class") or [])]
    return {w for v in values for w in re.split(r"[\s_\-]+", str(v).lower()) if w}


def _is_hidden(tag: Tag) -> bool:
    return (
        tag.has_attr("hidden")
        or tag.get("aria-hidden") == "true"
        or bool(_HIDDEN_STYLE.search(str(tag.get("style") or "")))
    )


def strip_chrome(body: Tag) -> None:
    """Remove comments, scripts, hidden elements and header/nav/footer-like blocks in place."""
    for comment in body.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in body.find_all(_DROP_TAGS):
        tag.extract()
    # Counted before any removal: a tag's subtree is still whole when its turn comes.
    cjk = measure(body).cjk
    total = max(cjk[id(body)], 1)
    removed: set[int] = set()
    for tag in body.find_all(True):  # document order: a tag's parent comes before it
        if tag.parent is None or id(tag.parent) in removed:
            removed.add(id(tag))  # already removed with an ancestor
            continue
        if tag.name in ("html", "body"):
            continue
        chrome = tag.name in _CHROME_TAGS or bool(_name_words(tag) & _NOISE_WORDS)
        if _is_hidden(tag) or (chrome and cjk[id(tag)] < 0.3 * total):
            tag.extract()
            removed.add(id(tag))


def _leaves(body: Tag) -> list[Tag]:
    """Paragraph-like tags with none inside them, in one pass over their ancestors.

    (Asking each tag `find(_LEAF_TAGS)` walks to its last descendant every time, which takes
    minutes on a page of 10,000 nested <div>s.)
    """
    tags = body.find_all(_LEAF_TAGS)
    holders: set[int] = set()  # tags with a paragraph-like tag inside
    for tag in tags:
        for parent in tag.parents:
            if id(parent) in holders:
                break  # its ancestors are marked already
            holders.add(id(parent))
    return [tag for tag in tags if id(tag) not in holders]


def find_container(body: Tag) -> Tag:
    """The block holding most CJK paragraph text, penalising link-dense and chrome-named blocks."""
    scores: dict[int, tuple[Tag, float]] = {}

    def add(tag: Tag | None, value: float) -> None:
        if tag is not None:
            scores[id(tag)] = (tag, scores.get(id(tag), (tag, 0.0))[1] + value)

    sizes = measure(body.parent or body)  # scored blocks reach up to the leaves' grandparents
    for leaf in _leaves(body):
        n = sizes.cjk[id(leaf)]
        if n < 4:
            continue
        if leaf.find("br") is not None:
            add(leaf, n)  # a <br>-separated text block can be the container itself
        add(leaf.parent, n)
        add(leaf.parent.parent if leaf.parent else None, n / 2)
    if not scores:
        return body
    best, best_score = body, -1.0
    for tag, raw in scores.values():
        score = raw * (1 - min(sizes.link_density(tag), 1.0))
        words = _name_words(tag)
        score *= 0.5 if words & _NOISE_WORDS else 1.0
        score *= 1.25 if any(_CONTENT_NAMES.search(w) for w in words) else 1.0
        if score > best_score:
            best, best_score = tag, score
    return best


def _block_of(node: NavigableString, stop: Tag, known: dict[int, Tag]) -> Tag:
    """The nearest block around `node` (inline tags passed on the way remember it in `known`)."""
    inline: list[Tag] = []
    found = stop
    for parent in node.parents:
        if parent is stop or parent.name in BLOCK_TAGS:
            found = parent
            break
        if id(parent) in known:
            found = known[id(parent)]
            break
        inline.append(parent)
    known.update((id(tag), found) for tag in inline)
    return found


def _level(block: Tag, title_el: Tag | None) -> int | None:
    if title_el is not None and block is title_el:
        return 1
    return _HEADINGS.get(block.name)


def extract_lines(container: Tag, title_el: Tag | None = None) -> list[Line]:
    """One Line per paragraph block (<br> splits), in document order, with heading levels."""
    lines: list[Line] = []
    buf: list[str] = []
    block: Tag | None = None
    known: dict[int, Tag] = {}

    def flush() -> None:
        text = normalize_line("".join(buf))
        if text and block is not None:
            lines.append(Line(text, _level(block, title_el)))
        buf.clear()

    for node in container.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                flush()
            continue
        if isinstance(node, PreformattedString):
            continue  # comments, doctype, CDATA …
        owner = _block_of(node, container, known)
        if owner is not block:
            flush()
            block = owner
        buf.append(str(node))
    flush()
    return lines


_FLAT_DROP = re.compile(r"(?is)<(script|style|noscript|template|head)\b.*?</\1\s*>|<!--.*?-->")
_FLAT_BREAK = re.compile(
    r"(?i)<br\s*/?>|</?(?:p|div|td|th|tr|li|h[1-6]|table|section|article)\b[^>]*>"
)


def flat_lines(text: str) -> list[Line]:
    """Fallback without a DOM: block tags become line breaks, other tags vanish."""
    text = _FLAT_BREAK.sub("\n", _FLAT_DROP.sub(" ", text))
    text = re.sub(r"<[^>]*>", "", text)
    return [Line(c) for c in (normalize_line(unescape(r)) for r in text.split("\n")) if c]
