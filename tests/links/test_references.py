"""The reference finder on short synthetic texts: spans, work names, scopes and positions."""

from __future__ import annotations

import pytest

from kb.references import (
    ARTICLE,
    DOCUMENT,
    INHERITED,
    NAMED,
    NUMBER,
    SAME,
    SELF,
    Position,
    abbreviations,
    find_references,
)


def _one(text: str, **kw):
    refs = [r for r in find_references(text, **kw) if r.kind == ARTICLE]
    assert len(refs) == 1, refs
    return refs[0]


def _pos(*tuples):
    return tuple(Position(*t) for t in tuples)


@pytest.mark.parametrize(
    "text, written, work, scope, positions",
    [
        ("依照本法第三十条的规定", "本法第三十条", "本法", SELF, [(30,)]),
        (
            "违反本条例第十二条第二款、第三款规定",
            "本条例第十二条第二款、第三款",
            "本条例",
            SELF,
            [(12, 0, 2), (12, 0, 3)],
        ),
        (
            "有本办法第五条至第八条规定情形",
            "本办法第五条至第八条",
            "本办法",
            SELF,
            [(5,), (6,), (7,), (8,)],
        ),
        ("依照选举法第30条第２款", "选举法第30条第２款", "选举法", NAMED, [(30, 0, 2)]),
        (
            "根据《甲乙法》第二百零五条之一第一款第（三）项",
            "《甲乙法》第二百零五条之一第一款第（三）项",
            "甲乙法",
            NAMED,
            [(205, 1, 1, 3)],
        ),
        (
            "应当认定为刑法第二十条、第二十一条和第二十二条",
            "刑法第二十条、第二十一条和第二十二条",
            "刑法",
            NAMED,
            [(20,), (21,), (22,)],
        ),
        ("《宪法》第三条", "《宪法》第三条", "宪法", NAMED, [(3,)]),
        (
            "宪法第六十二条第（十六）项",
            "宪法第六十二条第（十六）项",
            "宪法",
            NAMED,
            [(62, 0, None, 16)],
        ),
        (
            "《甲乙条例》（2018年修正）第九条",
            "《甲乙条例》（2018年修正）第九条",
            "甲乙条例",
            NAMED,
            [(9,)],
        ),
    ],
)
def test_chains_and_their_work(text, written, work, scope, positions):
    ref = _one(text)
    assert ref.text == written == text[ref.start : ref.end]
    assert (ref.work, ref.scope) == (work, scope)
    assert ref.positions == _pos(*positions)


def test_version_written_after_a_title():
    assert _one("《甲乙条例》（2018年修正）第九条").version == "2018年修正"


def test_article_context_makes_relative_references_absolute():
    text = "第五条 甲应当丙。\n违反前款规定的，依照本条第一款第（二）项处理。\n（一）有前两款情形；\n（二）违反前条规定。\n不符合前条第二项的。"
    refs = find_references(text, passage=True)
    got = {(r.text, r.relative): r.positions for r in refs}
    assert got[("前款", "前款")] == _pos((5, 0, 1))
    assert got[("本条第一款第（二）项", "本条")] == _pos((5, 0, 1, 2))
    assert got[("前两款", "前两款")] == _pos((5, 0, 1))  # in the second 款: only the first precedes
    assert got[("前条", "前条")] == _pos((4,))
    assert got[("前条第二项", "前条")] == _pos((4, 0, None, 2))
    assert all(r.scope == SELF for r in refs)


def test_the_article_label_is_not_a_reference():
    assert find_references("第三十条 甲乙丙。", passage=True) == []
    assert find_references("甲乙丙。 第三十一条 丁戊。") == []  # two articles run together
    assert [r.positions for r in find_references("见第三十条。")] == [_pos((30,))]


def test_paragraphs_after_an_article_in_the_same_sentence_belong_to_it():
    refs = find_references("违反本法第十五条第一款规定或者未按第二款规定的。依照第三款")
    assert refs[1].positions == _pos((15, 0, 2))
    assert refs[2].positions == _pos((None, 0, 3))  # another sentence: the citing article's


def test_parts_between_a_name_and_the_article():
    ref = _one("不符合刑法分则第九章第三百九十八条的规定")
    assert (ref.work, ref.text) == ("刑法", "刑法分则第九章第三百九十八条")


def test_same_and_inherited_work():
    refs = find_references("依照刑法第二十条处罚；同时构成第二十一条规定之罪的。同法第九条、第十条")
    inherited, same = refs[1], refs[2]
    assert (inherited.scope, inherited.name, inherited.positions) == (
        INHERITED,
        "刑法",
        _pos((21,)),
    )
    assert (same.scope, same.work, same.name) == (SAME, "同法", "刑法")
    assert same.positions == _pos((9,), (10,))


def test_a_sentence_end_stops_inheritance():
    refs = find_references("依照刑法第二十条处罚。第二十一条另有规定。")
    assert refs[1].scope == SELF and refs[1].name == ""


def test_paragraphs_after_a_named_article_belong_to_it():
    ref = find_references("在刑法第三十八条中增加一款作为第二款")[1]
    assert (ref.scope, ref.positions) == (INHERITED, _pos((38, 0, 2)))


def test_abbreviation_defined_in_the_text_names_the_full_title():
    text = "根据《中华人民共和国甲乙法》（以下简称甲乙法），依照甲乙法第四条"
    assert abbreviations(text) == {"甲乙法": "中华人民共和国甲乙法"}
    ref = _one(text)
    assert (ref.work, ref.name) == ("甲乙法", "中华人民共和国甲乙法")


def test_abbreviations_from_elsewhere_in_the_document():
    ref = _one("依照甲乙法第四条", abbreviations={"甲乙法": "中华人民共和国甲乙法"})
    assert ref.name == "中华人民共和国甲乙法"


def test_document_level_references():
    text = "根据宪法，制定本法。实施甲乙法、丙丁条例等法律法规。对照《某某办法》《某某规定》执行，依照有关法律规定。"
    docs = [(r.text, r.scope) for r in find_references(text) if r.kind == DOCUMENT]
    assert docs == [
        ("宪法", NAMED),
        ("甲乙法", NAMED),
        ("丙丁条例", NAMED),
        ("《某某办法》", NAMED),
        ("《某某规定》", NAMED),
    ]


def test_document_numbers():
    refs = find_references("对标国办发〔2020〕41号和甲党发﹝2021﹞19号文件精神")
    assert [(r.text, r.scope) for r in refs] == [
        ("国办发〔2020〕41号", NUMBER),
        ("甲党发﹝2021﹞19号", NUMBER),
    ]


def test_nested_titles_are_one_title():
    text = "《关于修改〈甲省实施《中华人民共和国乙法》办法〉的决定》"
    refs = find_references(text)
    assert [(r.start, r.end) for r in refs] == [(0, len(text))]


def test_names_index_trims_the_name():
    class Names:
        def find_suffix(self, text):
            return ("专利法", {"w"}) if text.endswith("专利法") else None

    ref = _one("申请人主张具有专利法第六十七条", names=Names())
    assert ref.work == "专利法" and ref.text == "专利法第六十七条"


def test_no_reference_in_plain_text():
    assert find_references("代表享有下列权利：出席会议，发表意见。") == []
