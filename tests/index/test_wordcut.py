"""kb.wordcut gives exactly jieba's words (HMM off), on real documents and on edge cases."""

import jieba
import pytest

from kb import analysis, wordcut
from tests.support.sources import SMALL_SOURCES


def _blocks(text: str) -> list[str]:
    return list(dict.fromkeys(m.group() for m in jieba.re_han_default.finditer(text)))


@pytest.fixture(scope="module")
def tok():
    return analysis.segmenter()


def test_same_words_as_jieba_on_real_documents(corpus_dir, tok):
    blocks = [
        b
        for source in SMALL_SOURCES
        for b in _blocks((corpus_dir / source).read_text(encoding="utf-8"))
    ]
    assert len(blocks) > 2000
    different = [b for b in blocks if wordcut.cut(b, tok) != list(tok.cut(b, HMM=False))]
    assert different == []


@pytest.mark.parametrize(
    "block",
    [
        "第三十条",
        "人民代表大会常务委员会",
        "ABC123",  # single ASCII characters run together, as jieba buffers them
        "GB18030编码的abc文件2024年",
        "a",
        "鑫",
        "+#&._%-",
        "COVID-19疫情",
        "一是二是三是",
        "中华人民共和国全国人民代表大会和地方各级人民代表大会选举法",
    ],
)
def test_same_words_as_jieba_on_edge_cases(block, tok):
    assert wordcut.cut(block, tok) == list(tok.cut(block, HMM=False))
