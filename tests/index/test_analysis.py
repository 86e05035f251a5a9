"""The jieba-based analyzer: token lists, positions, offsets, sub-words, pickling."""

from __future__ import annotations

import pickle

from whoosh import index as whoosh_index
from whoosh.query import Term

from kb import analysis
from kb.schema import document_schema, passage_schema


def tokens(text, mode="index"):
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analysis.analyzer()(text, positions=True, chars=True, mode=mode)
    ]


def test_positions_count_tokens_and_subwords_share_them():
    toks = tokens("县级以上人民代表大会常务委员会决定补选。")
    words = [t for t in toks if t[0] in ("人民代表大会常务委员会", "决定", "补选")]
    assert [t[1] for t in words] == sorted(t[1] for t in words)
    big = next(t for t in toks if t[0] == "人民代表大会常务委员会")
    inside = [t for t in toks if t[0] == "常务委员会"]
    assert inside and inside[0][1] == big[1]


def test_offsets_slice_back_to_the_text():
    text = "第三十条　选民登记按选区进行，ＡＢＣ公司 2020年。"
    for word, _pos, start, end in tokens(text):
        assert analysis.normalize_token(text[start:end]) == word


def test_digits_latin_and_width_are_kept_and_folded():
    words = [t[0] for t in tokens("ＡＢＣ公司 2020年 第44条", mode="query")]
    assert "abc" in words and "2020" in words and "44" in words
    assert "," not in words and " " not in words


def test_query_mode_has_no_subwords():
    assert [t[0] for t in tokens("人民代表大会常务委员会", mode="query")] == [
        "人民代表大会常务委员会"
    ]


def test_labels_are_not_split_into_noise():
    words = [t[0] for t in tokens("第三十条")]
    assert words == ["第三十条"]


def test_user_dictionary_keeps_domain_terms_whole():
    for term in ("代表资格审查委员会", "宪法宣誓", "选民登记", "地方组织法"):
        assert analysis.query_terms(term) == [term]


def test_schema_pickles_without_jieba():
    data = pickle.dumps(passage_schema())
    assert b"jieba" not in data
    loaded = pickle.loads(data)
    assert loaded.names() == passage_schema().names()
    assert loaded["text"].analyzer == analysis.analyzer()
    pickle.dumps(document_schema())


def test_index_this_query_that(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), passage_schema(), indexname="t")
    with ix.writer() as w:
        w.add_document(doc="a", text="全国人民代表大会常务委员会依照本法确定。")
        w.add_document(doc="b", text="乡、民族乡、镇的人民代表大会设主席。")
    with ix.searcher() as s:

        def found(word):
            return {s.stored_fields(n)["doc"] for n in s.docs_for_query(Term("text", word))}

        assert found("常务委员会") == {"a"}
        assert found("人民代表大会") == {"a", "b"}


def test_fingerprint_is_stable():
    assert analysis.fingerprint() == analysis.fingerprint()
