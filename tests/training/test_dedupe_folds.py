"""Duplicates of STARD-like questions, and folds that keep duplicates together."""

from __future__ import annotations

from training.dedupe import QuestionIndex, overlap, variants
from training.folds import assign_folds, cross_validation, groups
from training.normalise import question_text

STARD_LIKE = [
    ("s-1", "离婚后孩子的抚养费应该怎么计算？"),
    ("s-2", "租房合同没到期房东要涨房租怎么办？/房东可以随时涨房租吗？"),
    ("s-3", "和供电/供热/供气公司约定的服务可以中途停止吗？"),
    ("s-4", "保管人的违约责任包括哪些？"),
]


def test_exact_duplicates_differ_only_in_spaces_and_punctuation():
    index = QuestionIndex(STARD_LIKE)
    found = index.duplicates("离婚后， 孩子的抚养费应该怎么计算?")
    assert [d.id for d in found] == ["s-1"] and found[0].overlap.exact


def test_near_duplicates_by_character_ngrams():
    index = QuestionIndex(STARD_LIKE)
    assert [d.id for d in index.duplicates("离婚以后孩子的抚养费应当怎么计算？")] == ["s-1"]
    # a longer question that contains a known one whole
    longer = "我和前夫去年离婚了，离婚后孩子的抚养费应该怎么计算？他一直不给"
    assert [d.id for d in index.duplicates(longer)] == ["s-1"]
    assert index.duplicates("工伤认定需要哪些材料？") == []


def test_each_part_of_an_a_slash_b_question_counts():
    index = QuestionIndex(STARD_LIKE)
    assert [d.id for d in index.duplicates("房东可以随时涨房租吗")] == ["s-2"]
    assert variants("和供电/供热/供气公司约定") == [question_text("和供电/供热/供气公司约定")]
    # a list of words split by slashes is not three questions
    assert index.duplicates("供热") == []


def test_short_questions_need_more_than_containment():
    o = overlap(question_text("违约责任"), question_text("保管人的违约责任包括哪些"))
    assert o.containment == 0.0 and not o.near


def test_duplicates_share_a_group_and_folds_do_not_depend_on_order():
    qs = [
        ("a", "离婚后孩子的抚养费应该怎么计算？"),
        ("b", "离婚以后孩子的抚养费应当怎么计算？"),
        ("c", "工伤认定需要哪些材料？"),
        ("d", "邻居家的狗咬伤了我的孩子，谁来赔偿？"),
    ]
    g = groups(qs)
    assert g["a"] == g["b"] and len({g["a"], g["c"], g["d"]}) == 3
    folds = assign_folds(qs)
    assert folds == assign_folds(list(reversed(qs))) and folds["a"] == folds["b"]
    assert set(folds.values()) <= {0, 1}
    # adding questions never moves one already placed
    assert {
        k: v for k, v in assign_folds([*qs, ("e", "公司拖欠工资怎么办？")]).items() if k != "e"
    } == folds


def test_cross_validation_partitions_the_records():
    records = [{"id": str(n), "query": f"问题{n}", "fold": n % 2} for n in range(6)]
    splits = list(cross_validation(records))
    assert len(splits) == 2
    for train, test in splits:
        assert {r["id"] for r in train} | {r["id"] for r in test} == {r["id"] for r in records}
        assert not {r["id"] for r in train} & {r["id"] for r in test}
    unplaced = [{"id": "x", "query": "离婚后孩子归谁？"}, {"id": "y", "query": "离婚后孩子归谁"}]
    (train, test), (train2, test2) = cross_validation(unplaced)
    assert {len(test), len(test2)} == {0, 2}  # duplicates land in one fold
