"""An article's lines → 款 (paragraphs) with their 项 (（一）) and 目 (1. / （1）)."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.parsers.patterns import point_number, strip_label, sub_item_number
from kb.models import Item, Paragraph


@dataclass
class _Item:
    number: int
    text: str
    subitems: list[str] = field(default_factory=list)


@dataclass
class _Paragraph:
    number: int
    text: str
    items: list[_Item] = field(default_factory=list)


def split_paragraphs(lines: list[str], label: str = "") -> tuple[Paragraph, ...]:
    """Each line is a 款, except （一） lines (项 of the 款 above) and 1. lines (目 of a 项)."""
    paragraphs: list[_Paragraph] = []
    for index, line in enumerate(lines):
        text = strip_label(line, label) if index == 0 else line
        item, point = sub_item_number(text), point_number(text)
        if paragraphs and item:
            paragraphs[-1].items.append(_Item(item, text))
        elif paragraphs and point and paragraphs[-1].items:
            paragraphs[-1].items[-1].subitems.append(text)
        elif paragraphs and point:
            paragraphs[-1].items.append(_Item(point, text))
        else:
            paragraphs.append(_Paragraph(len(paragraphs) + 1, text))
    return tuple(
        Paragraph(
            p.number, p.text, tuple(Item(i.number, i.text, tuple(i.subitems)) for i in p.items)
        )
        for p in paragraphs
    )
