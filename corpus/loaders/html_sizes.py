"""Text sizes of every tag of a page, found in one bottom-up pass over the tree.

Asking each tag for its own get_text() or find_all() walks its whole subtree every time, which
is quadratic in the nesting depth: minutes for a page of 10,000 nested <div>s. These sums give
the same numbers (for the strings get_text() counts) in time linear in the page size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4.element import CData, NavigableString, Tag

_COUNTED = (NavigableString, CData)  # what get_text() reads in ordinary tags (no comments …)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class Sizes:
    """Per tag (keyed by id): stripped text length, stripped <a> text inside it, CJK count."""

    text: dict[int, int] = field(default_factory=dict)
    links: dict[int, int] = field(default_factory=dict)
    cjk: dict[int, int] = field(default_factory=dict)

    def link_density(self, tag: Tag) -> float:
        """Share of a tag's text that sits inside links (as len of <a> text / len of text)."""
        return self.links.get(id(tag), 0) / (self.text.get(id(tag)) or 1)


def measure(root: Tag) -> Sizes:
    """Sizes of `root` and every tag under it."""
    sizes = Sizes()
    anchor_text: dict[int, int] = {}  # id → text inside <a> tags in its subtree, itself included
    for node in reversed([root, *root.descendants]):
        if isinstance(node, Tag):
            _add_tag(node, sizes, anchor_text)
    return sizes


def _add_tag(tag: Tag, sizes: Sizes, anchor_text: dict[int, int]) -> None:
    """Sum a tag's children (already measured: the walk goes from the last node backwards)."""
    text = cjk = links = 0
    for child in tag.contents:
        if isinstance(child, Tag):
            key = id(child)
            text += sizes.text[key]
            cjk += sizes.cjk[key]
            links += anchor_text[key]
        elif type(child) in _COUNTED:
            text += len(child.strip())
            cjk += len(_CJK.findall(child))
    key = id(tag)
    sizes.text[key], sizes.cjk[key], sizes.links[key] = text, cjk, links
    anchor_text[key] = links + (text if tag.name == "a" else 0)
