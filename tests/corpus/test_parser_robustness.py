"""Structure parsers on any text: random mixes of article numbers, headings, items, dates,
history words and markers parse as Markdown or plain text into well-formed documents.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.loaders import markdown, plaintext
from corpus.parsers import parse_document

# --- robustness ---------------------------------------------------------------------------

_PIECES = [
    "第一条 ",
    "第二条之一 ",
    "第三章 ",
    "一、",
    "（一）",
    "1.",
    "## ",
    "# ",
    "通过",
    "2020年1月2日 ",
    "修正",
    "施行",
    "附件一",
    "总则",
    "：",
    "。",
    "甲",
    "乙丙",
    "“",
    "<!-- INFO END -->",
    "简报",
    "(2024年度第2期)",
    "抄送:",
    "（",
    "）",
    "\n",
    " ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.booleans())
def test_any_text_parses(pieces: list[str], as_markdown: bool) -> None:
    text = "".join(pieces)
    loader = markdown.load if as_markdown else plaintext.load
    loaded = loader(text.encode("utf-8"), "其他/样例(2020-01-01).md")
    document = parse_document(loaded)
    assert [p.ordinal for p in document.passages] == list(range(len(document.passages)))
    assert all(p.text.strip() for p in document.passages)
    assert all(h.first_passage <= len(document.passages) for h in document.headings)
