"""Normal forms for comparing titles, article texts and questions across datasets and our corpus."""

from __future__ import annotations

import re
import unicodedata

from kb.numerals import NUM_CLASS, parse_article_label

_PRC = "中华人民共和国"
# Characters a title may carry in one dataset and not in another: spaces, list commas, quotes,
# title and other brackets (their content stays: 解释（一） and 解释(一) both become 解释一).
_TITLE_NOISE = re.compile(r"[\s、《》〈〉「」『』“”\"'‘’()（）\[\]【】.。·]")
# A trailing version tag that names an edition, not another work: （2023版）, （2018年修正文本）.
_EDITION = re.compile(r"[(（][^()（）]*(?:版|修正|修订|文本)[^()（）]*[)）]\s*\.?$")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_ARTICLE_REF = re.compile(rf"第({NUM_CLASS})条(?:之({NUM_CLASS}))?")


def title_key(title: str) -> str:
    """A title without 中华人民共和国, whitespace, quotes and brackets, half-width (NFKC)."""
    text = unicodedata.normalize("NFKC", title).replace(_PRC, "")
    return _TITLE_NOISE.sub("", text)


def title_keys(title: str) -> list[str]:
    """The keys to look a title up by, best first: the title itself, then without an edition tag."""
    keys = [title_key(title)]
    bare = _EDITION.sub("", unicodedata.normalize("NFKC", title).strip())
    if title_key(bare) not in keys:
        keys.append(title_key(bare))
    return [k for k in keys if k]


def article_text(text: str) -> str:
    """An article's text for comparison: NFKC, no whitespace at all."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def question_text(text: str) -> str:
    """A question for duplicate detection: NFKC, lower case, no whitespace or punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


def article_number(label: str) -> tuple[int, int] | None:
    """The first 第X条(之N) in `label`: 第三十条之一 → (30, 1), 第30条 → (30, 0); None if none."""
    refs = article_refs(label)
    return refs[0][:2] if refs else None


def article_refs(text: str) -> list[tuple[int, int, int, int]]:
    """Every 第X条(之N) in `text` as (number, suffix, start, end)."""
    found = []
    for m in _ARTICLE_REF.finditer(text):
        parsed = parse_article_label(m.group(0))
        if parsed is not None:
            found.append((*parsed, m.start(), m.end()))
    return found
