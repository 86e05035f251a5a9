"""Citation labels: 《title》（version）第三十条第二款第三项, rendered the same way everywhere.

Version rule: the version label (e.g. "2020年修正") is shown when the work has, or may have,
several versions — i.e. when the version label names an amendment or revision (修正 / 修订), or
when the collection holds more than one version of the work (the caller passes show_version=True).
An original text with a single version is cited without it: 《中华人民共和国民法典》第五十六条.
When re-rendering an existing Citation, its stored label decides, so search and index agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

from kb.numerals import int_to_cn

AMENDING_EVENTS = ("修正", "修订")


def amended(version: str) -> bool:
    """True when a version label names an amendment or revision (so other versions exist)."""
    return any(word in version for word in AMENDING_EVENTS)


def _fields(citation: Any) -> Mapping[str, Any]:
    if is_dataclass(citation) and not isinstance(citation, type):
        return asdict(citation)
    return citation


def _shows_version(fields: Mapping[str, Any], show_version: bool | None) -> bool:
    version = fields.get("version") or ""
    if not version:
        return False
    if show_version is not None:
        return show_version
    label = fields.get("label")
    if label:
        return f"（{version}）" in label
    return amended(version)


def render_label(
    citation: Any,
    paragraph: int | None = None,
    item: int | None = None,
    *,
    show_version: bool | None = None,
) -> str:
    """Render 《title》（version）第X条第Y款第Z项 from a Citation or a mapping of its fields."""
    fields = _fields(citation)
    label = f"《{fields['title']}》"
    if _shows_version(fields, show_version):
        label += f"（{fields['version']}）"
    article_label = fields.get("article_label") or ""
    if article_label:
        label += article_label
    elif fields.get("heading_path"):
        label += fields["heading_path"][-1]
    if paragraph:
        label += f"第{int_to_cn(paragraph)}款"
    if item:
        label += f"第{int_to_cn(item)}项"
    return label
